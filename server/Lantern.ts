/**
 * The whole product in one process: Redis (the configured one, or a private redis-server),
 * the bot, the Direct Line channel and the chat page on one Fastify server.
 * Used by `npm start` (server/main.ts) and by the end-to-end tests.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { pino } from 'pino';
import { auditPlugin } from '../audit/auditPlugin.js';
import { botPlugin } from '../bot/botPlugin.js';
import type { Redis } from 'ioredis';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import { RedisKeys } from '../contracts/RedisKeys.js';
import { channelPlugin, directLineApiPlugin } from '../directline/channelPlugin.js';
import { frameworkErrorAnswer } from '../directline/errors.js';
import type { ConversationStore } from '../directline/ConversationStore.js';
import { handoffPlugin } from '../handoff/handoffPlugin.js';
import { loadInterpretingService } from '../handoff/interpretingService.js';
import type { HandoffService } from '../handoff/HandoffService.js';
import { OpeningHours } from '../handoff/OpeningHours.js';
import { jobsPlugin } from '../jobs/jobsPlugin.js';
import { metricsPlugin } from '../metrics/metricsPlugin.js';
import { pagesPlugin } from '../pages/pagesPlugin.js';
import { privacyPlugin } from '../privacy/privacyPlugin.js';
import type { IssuedSetupLink } from '../staff/SetupLink.js';
import { staffAuthPlugin } from '../staff/staffAuthPlugin.js';
import { Translator } from '../texts/Translator.js';
import { configFromEnv, type LanternConfig } from './config.js';
import { migrateKeyLayout } from './keyLayout.js';
import { createRedisClient, redisReady, redisTargetOf } from './redisClient.js';
import { RedisServerProcess } from './RedisServerProcess.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Things that are not configuration but wiring (tests pass their own). */
export interface LanternRuntimeOptions {
  /** Where the structured log goes (default stdout). */
  logStream?: Writable;
  /** Directory of the built chat page (default web/dist). */
  webDistDir?: string;
  /** Counsellors' opening hours (default: config.openingHoursFile or config/opening-hours.json). */
  openingHours?: OpeningHours;
  /** Clock for the handoff (tests). */
  now?: () => number;
}

/** A running Lantern. */
export interface LanternInstance {
  /** Base URL on loopback, e.g. http://127.0.0.1:3000 */
  url: string;
  config: LanternConfig;
  app: FastifyInstance;
  /** The app's Redis handle: one Redis, or a Redis Cluster (REDIS_CLUSTER_NODES). */
  redis: RedisHandle;
  keys: RedisKeys;
  store: ConversationStore;
  /** Whether this instance started its own redis-server. */
  embeddedRedis: boolean;
  /** The counsellors' side of the handoff. */
  handoff: HandoffService;
  /** The one-time link to create the first admin, when there is no staff yet. */
  setupLink: IssuedSetupLink | undefined;
  /** Stops the server, closes Redis connections and the private redis-server. */
  stop(): Promise<void>;
}

/** Starts Lantern with the environment's configuration plus overrides. */
export async function startLantern(
  overrides: Partial<LanternConfig> = {},
  runtime: LanternRuntimeOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<LanternInstance> {
  const config = configFromEnv(env, overrides);
  const configured = redisTargetOf(config);
  const redisProcess = configured ? undefined : await RedisServerProcess.start({ dir: config.dataDir, appendOnly: true });
  // The embedded redis-server's port (a free one, chosen at start) in `<dataDir>/redis.port`, so
  // `npm run staff` (scripts/staff.ts) can reach it; removed again at stop.
  const redisPortFile = redisProcess ? path.join(config.dataDir, 'redis.port') : undefined;
  if (redisPortFile) writeFileSync(redisPortFile, `${redisProcess!.port}\n`, { mode: 0o600 });
  const redis = createRedisClient(configured ?? { kind: 'single', url: redisProcess!.url }, 'lantern-app');
  await redisReady(redis).catch(async (error: Error) => {
    redis.disconnect();
    throw error;
  });
  const keys = new RedisKeys(config.keyPrefix);

  // Never the request itself in the log: URLs carry tokens, requests carry IP addresses.
  const logger = pino({ level: config.logLevel, base: { pid: process.pid }, serializers: { req: () => undefined, res: () => undefined } }, runtime.logStream ?? process.stdout);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: config.trustProxy,
    // A URL that does not decode, or a path part over Fastify's limit: the one error shape, without the URL (it holds ids).
    frameworkErrors: (error, _request, reply) => {
      const answer = frameworkErrorAnswer(error);
      void (reply as FastifyReply).code(answer.statusCode).header('cache-control', 'no-store').send(answer.body);
    },
  });
  // Data of a Lantern from before the hash-tagged key layout gets today's names (one Redis only; see keyLayout.ts).
  if (!redis.isCluster) {
    const layout = await migrateKeyLayout(redis as Redis, keys);
    if (layout.renamed > 0 || layout.kept > 0) app.log.warn({ event: 'key_layout_migrated', ...layout }, 'Redis keys renamed to the hash-tagged layout');
  }
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ event: 'http', method: request.method, route: request.routeOptions.url ?? 'unknown', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  // Closed last (hooks close in reverse order): every area's Redis work is done by then.
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => undefined);
  });
  // One WebSocket server for the Direct Line streams and the counsellors' live view, registered
  // here only (the channel requires it and never registers it again). No compression (ws' default,
  // said here): per-socket zlib state costs tens of KiB on every idle socket, for small JSON.
  await app.register(fastifyWebsocket, {
    options: { maxPayload: 16 * 1024, perMessageDeflate: false },
    errorHandler: (error, socket) => {
      app.log.warn({ event: 'websocket_error', error: error.name }, 'websocket error');
      socket.terminate();
    },
  });

  // The areas, each building itself from its options; an area only uses those registered before it.
  const translator = new Translator({ variables: { retentionHours: Math.round(config.conversationTtlSeconds / 3600) } });
  const ttl = config.conversationTtlSeconds;
  await app.register(jobsPlugin, { redis, keys });
  const guessWindow = config.returnCodeGuessWindowSeconds;
  await app.register(channelPlugin, {
    redis,
    keys,
    tokenTtlSeconds: config.tokenTtlSeconds,
    conversationTtlSeconds: ttl,
    conversationTtlExtendedSeconds: config.conversationTtlExtendedSeconds,
    returnCodes: {
      key: config.returnCodeKey,
      perClient: { max: config.returnCodeGuessesPerClient, windowSeconds: guessWindow },
      global: { max: config.returnCodeGuessesGlobal, windowSeconds: guessWindow },
      // A count only (the metrics area is registered below, before any request).
      onRedeemed: () => app.metrics.record({ name: 'return_code_used' }),
    },
  });
  await app.register(auditPlugin, {
    redis,
    keys,
    retentionDays: config.auditRetentionDays,
    trimEveryMs: config.retentionEveryMs,
    pseudonym: (purpose, value) => app.channel.tokens.pseudonym(purpose, value),
  });
  await app.register(staffAuthPlugin, { redis, keys, secureCookies: config.secureCookies, totpRequiredForAdmins: config.staffTotpRequiredForAdmins, totpKey: config.staffTotpKey });
  await app.register(metricsPlugin, { redis, keys, retentionDays: config.metricsRetentionDays });
  await app.register(handoffPlugin, {
    redis,
    keys,
    translator,
    conversationTtlSeconds: ttl,
    handoffWaitTimeoutSeconds: config.handoffWaitTimeoutSeconds,
    dangerWaitTimeoutSeconds: config.dangerWaitTimeoutSeconds,
    dangerRealertSeconds: config.dangerRealertSeconds,
    counsellorGraceSeconds: config.counsellorGraceSeconds,
    youngPersonAwaySeconds: config.youngPersonAwaySeconds,
    counsellorMaxConversations: config.counsellorMaxConversations,
    preferredCounsellorSeconds: config.preferredCounsellorSeconds,
    handoffTickMs: config.handoffTickMs,
    interpreterLinkHours: config.interpreterLinkHours,
    interpreting: loadInterpretingService(config.interpretingFile),
    secureCookies: config.secureCookies,
    openingHours: runtime.openingHours ?? OpeningHours.fromFile(config.openingHoursFile),
    now: runtime.now,
  });
  await app.register(privacyPlugin, { redis, keys, conversationTtlSeconds: ttl, retentionEveryMs: config.retentionEveryMs, handoff: app.handoff, queues: [app.handoffQueue.queue] });
  // botPlugin's options still say `Redis` (bot/ is typed for one Redis); RedisStorage takes either handle.
  await app.register(botPlugin, { redis: redis as Redis, keys, translator, conversationTtlSeconds: ttl });
  await app.register(directLineApiPlugin, {
    handler: app.bot,
    rateLimit: { max: config.tokenRateLimitMax, windowMs: config.tokenRateLimitWindowMs, redis, keyPrefix: keys.rateLimitPrefix() },
    // Who may embed the chat (CORS), and where streamUrl points (never the Host header alone).
    allowedOrigins: config.allowedOrigins,
    publicUrl: config.publicUrl,
    allowedHosts: config.allowedHosts,
    // "Last seen" is recorded often enough that a page that is there is never taken for gone.
    seenThrottleMs: Math.min(10_000, Math.floor((config.youngPersonAwaySeconds * 1000) / 4)),
    // Fair under floods: per conversation (across instances) and per instance in flight.
    activityRateLimit: { burstMax: config.activityBurstMax, burstWindowMs: config.activityBurstWindowMs, max: config.activityRateLimitMax, windowMs: config.activityRateLimitWindowMs },
    maxActivitiesInFlight: config.activityMaxInFlight,
  });
  // Partner sites in ALLOWED_ORIGINS may also frame the chat (the launcher /embed.js).
  await app.register(pagesPlugin, { distDir: runtime.webDistDir ?? path.join(ROOT, 'web', 'dist'), quickExitUrl: config.quickExitUrl, frameOrigins: config.allowedOrigins });
  app.get('/healthz', async () => ({ ok: (await redis.ping()) === 'PONG' }));

  await app.ready();
  const setupLink = await app.staffSetup.issueIfNoStaff();

  await app.listen({ port: config.port, host: config.host, backlog: config.listenBacklog, listenTextResolver: () => 'server listening' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    app,
    redis,
    keys,
    store: app.channel.store,
    embeddedRedis: Boolean(redisProcess),
    handoff: app.handoff,
    setupLink,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await redisProcess?.stop();
      if (redisPortFile) rmSync(redisPortFile, { force: true });
    },
  };
}

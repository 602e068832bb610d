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
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { createLanternBot } from '../bot/createLanternBot.js';
import { ConversationTurnLock } from '../directline/ConversationTurnLock.js';
import { RedisStorage } from '../directline/RedisStorage.js';
import { WebChannelAdapter } from '../directline/WebChannelAdapter.js';
import { ActivityStreamHub } from '../directline/ActivityStreamHub.js';
import type { ConversationStore } from '../directline/ConversationStore.js';
import { directLinePlugin } from '../directline/directLinePlugin.js';
import { RedisConversationStore } from '../directline/RedisConversationStore.js';
import { TokenService } from '../directline/TokenService.js';
import { EventEmitter } from 'node:events';
import { QueueEvents } from 'bullmq';
import { HandoffNotifier } from '../bot/HandoffNotifier.js';
import { Translator } from '../texts/Translator.js';
import { HandoffBus } from '../handoff/HandoffBus.js';
import { counsellorApiPlugin } from '../handoff/counsellorApiPlugin.js';
import { CounsellorPresence } from '../handoff/CounsellorPresence.js';
import { HandoffQueue } from '../handoff/HandoffQueue.js';
import { HandoffService } from '../handoff/HandoffService.js';
import { HandoffSessions } from '../handoff/HandoffSessions.js';
import { OpeningHours } from '../handoff/OpeningHours.js';
import { QueueHandoffGateway } from '../handoff/QueueHandoffGateway.js';
import { WaitEstimator } from '../handoff/WaitEstimator.js';
import { SetupLink, type IssuedSetupLink } from '../staff/SetupLink.js';
import { staffAuthPlugin } from '../staff/staffAuthPlugin.js';
import { isLanguage } from '../contracts/languages.js';
import { MaintenanceJobs } from './MaintenanceJobs.js';
import { MetricsRecorder } from '../metrics/MetricsRecorder.js';
import { RedisConversationEraser } from '../privacy/ConversationEraser.js';
import { RetentionJob } from '../privacy/RetentionJob.js';
import { MetricsRollup } from '../metrics/MetricsRollup.js';
import { MetricsQuery } from '../metrics/MetricsQuery.js';
import { metricsApiPlugin } from '../metrics/metricsApiPlugin.js';
import { chatPagePlugin } from './chatPagePlugin.js';
import { counsellorConsolePlugin } from './counsellorConsolePlugin.js';
import { coordinatorDashboardPlugin } from './coordinatorDashboardPlugin.js';
import { configFromEnv, type LanternConfig } from './config.js';
import { RedisKeys } from '../contracts/RedisKeys.js';
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
  redis: Redis;
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
  const redisProcess = config.redisUrl ? undefined : await RedisServerProcess.start({ dir: config.dataDir, appendOnly: true });
  const redisUrl = config.redisUrl ?? redisProcess!.url;
  // The embedded redis-server's port (a free one, chosen at start) in `<dataDir>/redis.port`, so
  // `npm run staff` (scripts/staff.ts) can reach it; removed again at stop.
  const redisPortFile = redisProcess ? path.join(config.dataDir, 'redis.port') : undefined;
  if (redisPortFile) writeFileSync(redisPortFile, `${redisProcess!.port}\n`, { mode: 0o600 });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 20, connectionName: 'lantern-app' });
  const keys = new RedisKeys(config.keyPrefix);

  // Never the request itself in the log: URLs carry tokens, requests carry IP addresses.
  const logger = pino({ level: config.logLevel, base: { pid: process.pid }, serializers: { req: () => undefined, res: () => undefined } }, runtime.logStream ?? process.stdout);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: config.trustProxy,
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ event: 'http', method: request.method, route: request.routeOptions.url ?? 'unknown', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  const tokens = new TokenService({ redis, keys, ttlSeconds: config.tokenTtlSeconds });
  // Tombstones of deleted conversations are named by a keyed pseudonym (the token secret), never the id.
  const store = new RedisConversationStore({ redis, keys, ttlSeconds: config.conversationTtlSeconds, pseudonym: (purpose, value) => tokens.pseudonym(purpose, value) });
  const hub = new ActivityStreamHub({ redis, keys, onError: (code) => app.log.warn({ event: 'stream_hub_error', code }, 'stream hub') });
  const openingHours = runtime.openingHours ?? OpeningHours.fromFile(config.openingHoursFile);
  const handoffQueue = new HandoffQueue({ redis, keys });
  const presence = new CounsellorPresence({ redis, keys, now: runtime.now, windowMs: config.counsellorGraceSeconds * 1000 });
  const estimator = new WaitEstimator({ redis, keys });
  const sharedTranslator = new Translator({ variables: { retentionHours: Math.round(config.conversationTtlSeconds / 3600) } });
  const metrics = new MetricsRecorder({ redis, keys, onError: (code) => app.log.warn({ event: 'metrics_error', code }, 'metrics') });
  const bus = new HandoffBus({ redis, keys, onError: (code) => app.log.warn({ event: 'handoff_bus_error', code }, 'handoff bus') });

  // One WebSocket server for the Direct Line streams and the counsellors' live view.
  await app.register(fastifyWebsocket, {
    options: { maxPayload: 16 * 1024 },
    errorHandler: (error, socket) => {
      app.log.warn({ event: 'websocket_error', error: error.name }, 'websocket error');
      socket.terminate();
    },
  });
  const handoff = new HandoffService({
    redis,
    keys,
    queue: handoffQueue,
    sessions: new HandoffSessions({ redis, keys, ttlSeconds: config.conversationTtlSeconds }),
    presence,
    estimator,
    store,
    translator: sharedTranslator,
    bus,
    account: async (username) => {
      const user = await app.staffStore.get(username);
      if (!user) return undefined;
      return {
        isCounsellor: user.role === 'counsellor' || user.role === 'admin',
        signedIn: (await app.staffSessions.countLive(username)) > 0,
        maxConversations: user.maxConversations ?? config.counsellorMaxConversations,
      };
    },
    waitTimeoutMs: config.handoffWaitTimeoutSeconds * 1000,
    dangerWaitTimeoutMs: config.dangerWaitTimeoutSeconds * 1000,
    counsellorGraceMs: config.counsellorGraceSeconds * 1000,
    youngPersonAwayMs: config.youngPersonAwaySeconds * 1000,
    notesTtlSeconds: config.conversationTtlSeconds,
    metrics,
    now: runtime.now,
  });
  // Logging out or removing an account returns the counsellor's conversations to the list at once
  // (the handoff tick catches the rest: expired sessions, accounts removed on the command line, closed consoles).
  await app.register(staffAuthPlugin, {
    redis,
    keys,
    secureCookies: config.secureCookies,
    onLogout: async (username) => {
      await handoff.releaseAll(username, 'logout');
    },
    onRemoved: async (username) => {
      await handoff.releaseAll(username, 'removed');
    },
  });
  const eraser = new RedisConversationEraser({
    redis,
    keys,
    store,
    handoff,
    onError: (code) => app.log.error({ event: 'erase_failed', code }, 'erase failed'),
  });
  const built = createLanternBot({
    metrics,
    eraser,
    translator: sharedTranslator,
    storage: new RedisStorage({ redis, keys, ttlSeconds: config.conversationTtlSeconds }),
    handoff: new QueueHandoffGateway({ queue: handoffQueue, presence, estimator, openingHours, now: runtime.now }),
    retentionHours: Math.round(config.conversationTtlSeconds / 3600),
    log: app.log,
  });
  const adapter = new WebChannelAdapter({ store, turnLock: new ConversationTurnLock({ redis, keys }) });
  adapter.onTurnError = built.onTurnError;
  // The handoff tells the young person's side what happened; the bot says it (one direction).
  const notifier = new HandoffNotifier(adapter, built);
  handoff.onYoungPerson((event) => notifier.handle(event));

  // Changes of the queue, from this instance and every other one (BullMQ's own event stream and
  // the handoff bus), refresh the counsellors' consoles.
  const consoleChanges = new EventEmitter();
  const queueEventsConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const queueEvents = new QueueEvents('handoff', { connection: queueEventsConnection, prefix: keys.bullPrefix() });
  for (const event of ['waiting', 'removed', 'completed', 'added'] as const) queueEvents.on(event, () => consoleChanges.emit('change'));
  await bus.listening();
  const retention = new RetentionJob({
    redis,
    keys,
    rollup: new MetricsRollup({ redis, keys, dayTtlSeconds: config.metricsRetentionDays * 86_400 }),
    conversationTtlSeconds: config.conversationTtlSeconds,
    queues: [handoffQueue.queue],
  });
  const maintenance = new MaintenanceJobs({
    redis,
    keys,
    tasks: [
      { name: 'handoff-tick', everyMs: config.handoffTickMs, run: () => handoff.tick() },
      {
        name: 'retention',
        everyMs: config.retentionEveryMs,
        run: async () => {
          const report = await retention.run();
          app.log.info({ event: 'retention', ...report }, 'retention');
        },
      },
    ],
    onError: (task, error) => app.log.error({ event: 'maintenance_failed', task, error }, 'maintenance task failed'),
  });

  await app.register(directLinePlugin, {
    store,
    tokens,
    hub,
    onActivity: (activity) => adapter.processActivity(activity, (context) => built.bot.run(context)),
    rateLimit: { max: config.tokenRateLimitMax, windowMs: config.tokenRateLimitWindowMs, redis, keyPrefix: keys.rateLimitPrefix() },
    // "Last seen" is recorded often enough that a page that is there is never taken for gone.
    seenThrottleMs: Math.min(10_000, Math.floor((config.youngPersonAwaySeconds * 1000) / 4)),
    // Fair under floods: per conversation (across instances) and per instance in flight.
    activityRateLimit: { burstMax: config.activityBurstMax, burstWindowMs: config.activityBurstWindowMs, max: config.activityRateLimitMax, windowMs: config.activityRateLimitWindowMs },
    maxActivitiesInFlight: config.activityMaxInFlight,
  });
  await app.register(counsellorApiPlugin, {
    service: handoff,
    presence,
    hub,
    bus,
    dangerRealertMs: config.dangerRealertSeconds * 1000,
    onChange: (listener) => consoleChanges.on('change', listener),
    authenticateSocket: async (cookieHeader) => {
      const session = await app.verifyStaffSessionCookie(cookieHeader);
      if (!session || !['counsellor', 'admin'].includes(session.role)) return undefined;
      return { username: session.username, languages: session.languages.filter(isLanguage) };
    },
  });
  await app.register(metricsApiPlugin, { query: new MetricsQuery({ redis, keys }) });
  await app.register(chatPagePlugin, { distDir: runtime.webDistDir ?? path.join(ROOT, 'web', 'dist'), quickExitUrl: config.quickExitUrl });
  await app.register(counsellorConsolePlugin, { distDir: runtime.webDistDir ?? path.join(ROOT, 'web', 'dist') });
  await app.register(coordinatorDashboardPlugin, { distDir: runtime.webDistDir ?? path.join(ROOT, 'web', 'dist') });
  app.get('/healthz', async () => ({ ok: (await redis.ping()) === 'PONG' }));

  await maintenance.start();
  const setupLink = await new SetupLink({ redis, keys, store: app.staffStore }).issueIfNoStaff();

  await app.listen({ port: config.port, host: config.host, listenTextResolver: () => 'server listening' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    app,
    redis,
    keys,
    store,
    embeddedRedis: Boolean(redisProcess),
    handoff,
    setupLink,
    async stop() {
      if (stopped) return;
      stopped = true;
      await eraser.settle();
      await app.close();
      await maintenance.close();
      await queueEvents.close();
      await queueEventsConnection.quit().catch(() => queueEventsConnection.disconnect());
      await handoffQueue.close();
      await hub.close();
      await bus.close();
      await redis.quit().catch(() => undefined);
      await redisProcess?.stop();
      if (redisPortFile) rmSync(redisPortFile, { force: true });
    },
  };
}

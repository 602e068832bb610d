/**
 * The whole product in one process: Redis (the configured one, or a private redis-server),
 * the bot, the Direct Line channel and the chat page on one Fastify server.
 * Used by `npm start` (server/main.ts) and by the end-to-end tests.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { createLanternBot } from '../bot/createLanternBot.js';
import { ConversationTurnLock } from '../bot/ConversationTurnLock.js';
import { RedisStorage } from '../bot/RedisStorage.js';
import { WebChannelAdapter } from '../bot/WebChannelAdapter.js';
import { ActivityStreamHub } from '../directline/ActivityStreamHub.js';
import type { ConversationStore } from '../directline/ConversationStore.js';
import { directLinePlugin } from '../directline/directLinePlugin.js';
import { RedisConversationStore } from '../directline/RedisConversationStore.js';
import { TokenService } from '../directline/TokenService.js';
import { NoCounsellorGateway } from '../handoff/NoCounsellorGateway.js';
import { chatPagePlugin } from './chatPagePlugin.js';
import { configFromEnv, type LanternConfig } from './config.js';
import { RedisKeys } from './RedisKeys.js';
import { RedisServerProcess } from './RedisServerProcess.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Things that are not configuration but wiring (tests pass their own). */
export interface LanternRuntimeOptions {
  /** Where the structured log goes (default stdout). */
  logStream?: Writable;
  /** Directory of the built chat page (default web/dist). */
  webDistDir?: string;
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

  const store = new RedisConversationStore({ redis, keys, ttlSeconds: config.conversationTtlSeconds });
  const tokens = new TokenService({ redis, keys, ttlSeconds: config.tokenTtlSeconds });
  const hub = new ActivityStreamHub({ redis, keys, onError: (code) => app.log.warn({ event: 'stream_hub_error', code }, 'stream hub') });
  const built = createLanternBot({
    storage: new RedisStorage({ redis, keys, ttlSeconds: config.conversationTtlSeconds }),
    handoff: new NoCounsellorGateway(),
    retentionHours: Math.round(config.conversationTtlSeconds / 3600),
    log: app.log,
  });
  const adapter = new WebChannelAdapter({ store, turnLock: new ConversationTurnLock({ redis, keys }) });
  adapter.onTurnError = built.onTurnError;

  await app.register(directLinePlugin, {
    store,
    tokens,
    hub,
    onActivity: (activity) => adapter.processActivity(activity, (context) => built.bot.run(context)),
    rateLimit: { max: config.tokenRateLimitMax, windowMs: config.tokenRateLimitWindowMs, redis, keyPrefix: keys.rateLimitPrefix() },
  });
  await app.register(chatPagePlugin, { distDir: runtime.webDistDir ?? path.join(ROOT, 'web', 'dist'), quickExitUrl: config.quickExitUrl });
  app.get('/healthz', async () => ({ ok: (await redis.ping()) === 'PONG' }));

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
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await hub.close();
      await redis.quit().catch(() => undefined);
      await redisProcess?.stop();
    },
  };
}

/**
 * Target (b): Lantern's own Direct Line channel (`channelPlugin` + `directLineApiPlugin`, the
 * Bot Framework adapter, turn lock, stream hub) with a trivial echo bot instead of Lantern's bot,
 * on the target's private redis-server. Fastify, the WebSocket server and the log are set up as
 * server/Lantern.ts sets them up, so that full / echo is the cost of the bot and the other areas.
 */
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { RedisKeys } from '../../../contracts/RedisKeys.js';
import { channelPlugin, directLineApiPlugin } from '../../../directline/channelPlugin.js';
import { defaultConfig } from '../../../server/config.js';
import { createRedisClient } from '../../../server/redisClient.js';
import type { TargetSpec } from '../messages.js';
import { BENCH_CONFIG_LIMITS } from './benchLimits.js';
import { EchoBot } from './EchoBot.js';
import type { RunningTarget } from './RunningTarget.js';

/** Starts the channel with the echo bot. */
export async function startEcho(spec: TargetSpec): Promise<RunningTarget> {
  const config = { ...defaultConfig, ...BENCH_CONFIG_LIMITS };
  // The product's Redis client (its options, automatic pipelining included).
  const redis = createRedisClient({ kind: 'single', url: spec.redisUrl }, 'bench-echo');
  const keys = new RedisKeys(spec.keyPrefix);
  const logger = pino({ level: spec.logLevel, base: { pid: process.pid }, serializers: { req: () => undefined, res: () => undefined } });
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 64 * 1024 });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ event: 'http', method: request.method, route: request.routeOptions.url ?? 'unknown', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => undefined);
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 16 * 1024 } });
  await app.register(channelPlugin, { redis, keys, tokenTtlSeconds: config.tokenTtlSeconds, conversationTtlSeconds: config.conversationTtlSeconds });
  await app.register(directLineApiPlugin, {
    handler: new EchoBot(),
    rateLimit: { max: config.tokenRateLimitMax, windowMs: config.tokenRateLimitWindowMs, redis, keyPrefix: keys.rateLimitPrefix() },
    activityRateLimit: { burstMax: config.activityBurstMax, burstWindowMs: config.activityBurstWindowMs, max: config.activityRateLimitMax, windowMs: config.activityRateLimitWindowMs },
    maxActivitiesInFlight: config.activityMaxInFlight,
  });
  // The same accept queue as the product (LISTEN_BACKLOG), so a surge compares the servers, not their backlogs.
  await app.listen({ port: 0, host: '127.0.0.1', backlog: config.listenBacklog });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, stop: () => app.close() };
}

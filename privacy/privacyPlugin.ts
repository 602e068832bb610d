/**
 * The privacy area as a Fastify plugin: the eraser behind "delete my conversation" (`app.eraser`),
 * waited for before the app closes, and the retention job (a repeatable job) that expires whatever
 * names a conversation and rolls the metrics up. Needs the channel, the metrics and the jobs; the
 * handoff's part (its queue, forgetting a conversation) is handed in by whoever composes the app.
 */
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import type {} from '../directline/channelPlugin.js';
import type {} from '../jobs/jobsPlugin.js';
import type {} from '../metrics/metricsPlugin.js';
import { RedisConversationEraser, type ConversationEraser } from './ConversationEraser.js';
import { RetentionJob } from './RetentionJob.js';

/** Options of privacyPlugin. */
export interface PrivacyPluginOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Every conversation key lives at most this long after its last change (s). */
  conversationTtlSeconds: number;
  /** How often the retention job runs (ms). */
  retentionEveryMs: number;
  /** Takes a conversation out of the handoff (queue, live session) when it is erased. */
  handoff: { forget(conversationId: string): Promise<void> };
  /** BullMQ queues whose jobs are named by conversation ids (the handoff queue). */
  queues: Queue[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** "Delete my conversation": erases everything that names it. */
    eraser: ConversationEraser;
  }
}

const plugin: FastifyPluginAsync<PrivacyPluginOptions> = async (app, options) => {
  const { redis, keys } = options;
  const eraser = new RedisConversationEraser({
    redis,
    keys,
    store: app.channel.store,
    returnCodes: app.channel.returnCodes,
    handoff: options.handoff,
    onError: (code) => app.log.error({ event: 'erase_failed', code }, 'erase failed'),
  });
  app.decorate('eraser', eraser);
  // An erasure asked for just before the stop still happens.
  app.addHook('preClose', () => eraser.settle());

  const retention = new RetentionJob({
    redis,
    keys,
    rollup: app.metricsRollup,
    conversationTtlSeconds: options.conversationTtlSeconds,
    // What a conversation the young person chose to keep longer may keep (the channel knows it).
    extendedTtlSeconds: app.channel.retention.extendedTtlSeconds,
    queues: options.queues,
    pseudonym: (purpose, value) => app.channel.tokens.pseudonym(purpose, value),
  });
  app.jobs.add({
    name: 'retention',
    everyMs: options.retentionEveryMs,
    run: async () => {
      const report = await retention.run();
      app.log.info({ event: 'retention', ...report }, 'retention');
    },
  });
};

/** The privacy area (shares `app.eraser`). */
export const privacyPlugin = fastifyPlugin(plugin, {
  name: 'lantern-privacy',
  fastify: '5.x',
  dependencies: ['lantern-channel', 'lantern-metrics', 'lantern-jobs'],
});

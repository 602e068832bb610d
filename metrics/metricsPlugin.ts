/**
 * The metrics area as a Fastify plugin: the recorder of anonymous counters the bot and the handoff
 * write to (`app.metrics`), the daily rollup the retention job runs (`app.metricsRollup`), and the
 * coordinators' read API (`GET /api/staff/metrics`, behind the staff guard).
 */
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { metricsApiPlugin } from './metricsApiPlugin.js';
import { MetricsQuery } from './MetricsQuery.js';
import { MetricsRecorder } from './MetricsRecorder.js';
import { MetricsRollup } from './MetricsRollup.js';

/** Options of metricsPlugin. */
export interface MetricsPluginOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** How long daily counters are kept (days). */
  retentionDays: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Anonymous counters (codes and counts, never text). */
    metrics: MetricsRecorder;
    /** Rolls hourly counters up into days (run by the retention job). */
    metricsRollup: MetricsRollup;
  }
}

const plugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, options) => {
  const { redis, keys } = options;
  app.decorate('metrics', new MetricsRecorder({ redis, keys, onError: (code) => app.log.warn({ event: 'metrics_error', code }, 'metrics') }));
  app.decorate('metricsRollup', new MetricsRollup({ redis, keys, dayTtlSeconds: options.retentionDays * 86_400 }));
  await app.register(metricsApiPlugin, { query: new MetricsQuery({ redis, keys }) });
};

/** The metrics area (shares `app.metrics` and `app.metricsRollup`). */
export const metricsPlugin = fastifyPlugin(plugin, { name: 'lantern-metrics', fastify: '5.x', dependencies: ['lantern-staff-auth', 'lantern-audit'] });

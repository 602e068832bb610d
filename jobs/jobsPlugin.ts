/**
 * The jobs area as a Fastify plugin: one MaintenanceJobs per app instance, decorated as `app.jobs`
 * so every area adds its own repeatable tasks while it registers; the worker starts when the app
 * is ready and stops when it closes.
 */
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { MaintenanceJobs, type MaintenanceTask } from './MaintenanceJobs.js';

/** Options of jobsPlugin. */
export interface JobsPluginOptions {
  redis: RedisHandle;
  keys: RedisKeys;
}

/** What the other areas see of the jobs. */
export interface JobsRegistry {
  /** Adds a repeatable task (only while the app registers its plugins). */
  add(task: MaintenanceTask): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The repeatable background tasks of this instance (see jobs/jobsPlugin.ts). */
    jobs: JobsRegistry;
  }
}

const plugin: FastifyPluginAsync<JobsPluginOptions> = async (app, options) => {
  const jobs = new MaintenanceJobs({
    redis: options.redis,
    keys: options.keys,
    onError: (task, error) => app.log.error({ event: 'maintenance_failed', task, error }, 'maintenance task failed'),
  });
  app.decorate('jobs', { add: (task: MaintenanceTask) => jobs.add(task) });
  app.addHook('onReady', () => jobs.start());
  // First of all at close: no task may start while the areas it uses are closing.
  app.addHook('preClose', () => jobs.close());
};

/** The jobs area (shares `app.jobs` with the other areas). */
export const jobsPlugin = fastifyPlugin(plugin, { name: 'lantern-jobs', fastify: '5.x' });

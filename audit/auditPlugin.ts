/**
 * The audit area as a Fastify plugin: `app.audit` (an AuditTrail) for every area that records what
 * staff do, and the `audit.trim` job that drops entries past their retention. Needs the channel
 * (its keyed pseudonym names conversations) and the jobs. The admins' routes that read the trail
 * are in the staff area (staff/auditApiPlugin.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import type {} from '../jobs/jobsPlugin.js';
import { AuditTrail } from './AuditTrail.js';

/** Options of auditPlugin. */
export interface AuditPluginOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** How long an entry is kept (days). */
  retentionDays: number;
  /** The keyed pseudonym behind conversation references. */
  pseudonym: (purpose: string, value: string) => Promise<string>;
  /** How often the trim job runs (ms). */
  trimEveryMs: number;
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Who did what, when (see audit/AuditTrail.ts). */
    audit: AuditTrail;
  }
}

const plugin: FastifyPluginAsync<AuditPluginOptions> = async (app, options) => {
  const audit = new AuditTrail(options);
  app.decorate('audit', audit);
  app.jobs.add({
    name: 'audit.trim',
    everyMs: options.trimEveryMs,
    run: async () => {
      const removed = await audit.trim();
      if (removed > 0) app.log.info({ event: 'audit.trimmed', removed }, 'audit trimmed');
    },
  });
};

/** The audit area (shares `app.audit`). */
export const auditPlugin = fastifyPlugin(plugin, { name: 'lantern-audit', fastify: '5.x', dependencies: ['lantern-jobs'] });

/**
 * Enforces retention, as a repeatable BullMQ job (one instance per run), and reports what it did as
 * counts in the log. Most data already expires by itself (TTL on every conversation key); this job
 * rolls hourly metrics into days, gives any conversation key that lost its TTL one again (so nothing
 * is kept forever by accident), drops stale presence and session entries, and cleans finished jobs.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MetricsRollup } from '../metrics/MetricsRollup.js';
import { scanAll } from '../metrics/MetricsQuery.js';
import type { RedisKeys } from '../server/RedisKeys.js';

/** What one run did (counts only). */
export interface RetentionReport {
  rolledHours: number;
  ttlRestored: number;
  removed: number;
}

/** Options of RetentionJob. */
export interface RetentionJobOptions {
  redis: Redis;
  keys: RedisKeys;
  rollup: MetricsRollup;
  /** The conversation retention (seconds): every conversation key lives at most this long after its last change. */
  conversationTtlSeconds: number;
  /** BullMQ queues whose finished jobs are cleaned. */
  queues: Queue[];
  /** Presence entries older than this are removed (ms). */
  presenceWindowMs?: number;
  now?: () => number;
}

/** Patterns (after the prefix) of keys that belong to a conversation and must expire. */
const CONVERSATION_KEY_PATTERNS = ['dl:conv:*', 'state:*', 'handoff:session:*', 'handoff:notes:*', 'handoff:wait:*', 'handoff:counsellor:*'];

/** The retention task. */
export class RetentionJob {
  constructor(private readonly options: RetentionJobOptions) {}

  /** Runs once. */
  async run(): Promise<RetentionReport> {
    const { redis, keys } = this.options;
    const rolledHours = await this.options.rollup.run();
    let ttlRestored = 0;
    for (const pattern of CONVERSATION_KEY_PATTERNS) {
      for (const key of await scanAll(redis, `${keys.prefix}${pattern}`)) {
        if ((await redis.ttl(key)) === -1) {
          await redis.expire(key, this.options.conversationTtlSeconds);
          ttlRestored += 1;
        }
      }
    }
    let removed = 0;
    const now = (this.options.now ?? Date.now)();
    removed += await redis.zremrangebyscore(keys.counsellorPresence(), '-inf', now - (this.options.presenceWindowMs ?? 60_000));
    // Counsellors' session sets: drop ids whose session is gone.
    for (const setKey of await scanAll(redis, `${keys.prefix}handoff:counsellor:*:sessions`)) {
      for (const id of await redis.smembers(setKey)) {
        if ((await redis.exists(keys.handoffSession(id))) === 0) removed += await redis.srem(setKey, id);
      }
    }
    const graceMs = this.options.conversationTtlSeconds * 1000;
    for (const queue of this.options.queues) {
      removed += (await queue.clean(graceMs, 1000, 'completed')).length;
      removed += (await queue.clean(graceMs, 1000, 'failed')).length;
    }
    return { rolledHours, ttlRestored, removed };
  }
}

/**
 * Enforces retention, as a repeatable BullMQ job (one instance per run), and reports what it did as
 * counts in the log. Most data already expires by itself (TTL on every conversation key); this job
 * rolls hourly metrics into days, and makes sure nothing names a conversation after it is gone:
 * - a conversation is gone when its metadata (`dl:conv:<id>:meta`) is — it expired (its TTL passed)
 *   or was deleted; whatever else is still named after it (activities, bot state, handoff session,
 *   notes, wait state — e.g. written late by a proactive turn) is deleted, its jobs leave the queue;
 * - any other conversation key that lost its TTL gets one again (nothing is kept forever by accident),
 *   its conversation's retention (ConversationRetention.ts: longer when the young person chose so, never
 *   more than CONVERSATION_TTL_EXTENDED_SECONDS: a longer stored retention, or a longer TTL, is brought down);
 * - stale presence and session-set entries go, finished jobs are cleaned;
 * - BullMQ's events streams are trimmed: entries older than the conversation retention go (exactly,
 *   by time; in the conversation queues' streams an entry naming a conversation kept longer stays as
 *   long as that conversation's retention), and so do entries naming a conversation that is gone
 *   (job id = conversation id);
 * - tombstones from before they were pseudonymous (`dl:conv:<id>:deleted`) are renamed.
 */
import type { Queue } from 'bullmq';
import { scanKeys, type RedisHandle } from '../contracts/RedisHandle.js';
import { readRetention, RETENTION_FIELD } from '../directline/ConversationRetention.js';
import { TokenService } from '../directline/TokenService.js';
import type { MetricsRollup } from '../metrics/MetricsRollup.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { deleteEntries, jobIdsOf, readStream } from './streamEntries.js';

/** What one run did (counts only). */
export interface RetentionReport {
  rolledHours: number;
  ttlRestored: number;
  /** Keys and entries removed: of conversations that are gone, stale presence and session-set entries, jobs. */
  removed: number;
  /** Entries removed from BullMQ's events streams (too old, or naming a conversation that is gone). */
  eventsTrimmed: number;
}

/** Options of RetentionJob. */
export interface RetentionJobOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  rollup: MetricsRollup;
  /** The conversation retention (seconds): every conversation key lives at most this long after its last change. */
  conversationTtlSeconds: number;
  /**
   * The longest retention a young person may choose for their conversation (CONVERSATION_TTL_EXTENDED_SECONDS,
   * ConversationRetention.ts); default `conversationTtlSeconds`. What an extended conversation keeps
   * is kept that long; a stored retention above it (the maximum was lowered) is brought down to it.
   */
  extendedTtlSeconds?: number;
  /**
   * BullMQ queues of conversations (job id = conversation id, e.g. the handoff queue): finished jobs
   * are cleaned, jobs of conversations that are gone removed, and events naming them deleted.
   */
  queues: Queue[];
  /** Presence entries older than this are removed (ms). */
  presenceWindowMs?: number;
  /** Keyed pseudonym of tombstones (default: TokenService.pseudonym on the same Redis). */
  pseudonym?: (purpose: string, value: string) => Promise<string>;
  now?: () => number;
}

/**
 * Keys (after the prefix) that belong to conversations and must expire; `id` reads the conversation
 * a key is named after (when it is not the conversation's metadata itself), from its hash tag.
 * (Braces are plain characters in SCAN's glob patterns.)
 */
const CONVERSATION_KEYS: Array<{ pattern: string; id?: RegExp }> = [
  { pattern: 'dl:conv:*', id: /^dl:conv:\{([^}]+)\}:(?!meta$|deleted$)[^:]+$/ },
  { pattern: 'dl:deleted:*' },
  { pattern: 'state:*', id: /^state:webchat\/conversations\/\{([^}]+)\}\/$/ },
  { pattern: '{handoff}:session:*', id: /^\{handoff\}:session:(.+)$/ },
  { pattern: 'handoff:notes:*', id: /^handoff:notes:\{(.+)\}$/ },
  { pattern: 'handoff:flags:*', id: /^handoff:flags:\{(.+)\}$/ },
  { pattern: 'handoff:wait:*', id: /^handoff:wait:\{(.+)\}$/ },
  { pattern: 'handoff:last-counsellor:*', id: /^handoff:last-counsellor:\{(.+)\}$/ },
  { pattern: '{handoff}:counsellor:*' },
];
/** A tombstone from before they were pseudonymous: it named the conversation. */
const LEGACY_TOMBSTONE = /^dl:conv:([^:]+):deleted$/;
/** A conversation's metadata (where its retention is kept). */
const META = /^dl:conv:\{([^}]+)\}:meta$/;

/** The retention task. */
export class RetentionJob {
  private ownTokens: TokenService | undefined;

  constructor(private readonly options: RetentionJobOptions) {}

  /** Runs once. */
  async run(): Promise<RetentionReport> {
    const { redis, keys } = this.options;
    const retentions = new Map<string, number>();
    const rolledHours = await this.options.rollup.run();
    let ttlRestored = 0;
    let removed = 0;
    for (const { pattern, id } of CONVERSATION_KEYS) {
      for (const key of await scanKeys(redis, `${keys.prefix}${pattern}`)) {
        const name = key.slice(keys.prefix.length);
        const legacy = LEGACY_TOMBSTONE.exec(name)?.[1];
        const owner = id?.exec(name)?.[1];
        if (legacy !== undefined) {
          removed += await this.renameLegacyTombstone(key, legacy);
        } else if (owner !== undefined && !(await this.conversationExists(owner))) {
          removed += await redis.del(key);
        } else {
          // A key without a TTL gets its conversation's retention (any other key the default); no key
          // lives longer than the longest retention allowed. Never brought down to a retention read
          // earlier in this run: the young person may have chosen to keep it longer meanwhile.
          const conversation = owner ?? META.exec(name)?.[1];
          const retention = conversation === undefined ? undefined : await this.retentionOf(conversation, retentions);
          const ttl = await redis.ttl(key);
          if (ttl === -1 || ttl > this.longestRetention) {
            await redis.expire(key, retention ?? this.options.conversationTtlSeconds);
            ttlRestored += 1;
          }
        }
      }
    }
    const now = (this.options.now ?? Date.now)();
    removed += await redis.zremrangebyscore(keys.counsellorPresence(), '-inf', now - (this.options.presenceWindowMs ?? 60_000));
    // Counsellors' session sets: drop ids whose session is gone.
    for (const setKey of await scanKeys(redis, keys.counsellorSessions('*'))) {
      for (const id of await redis.smembers(setKey)) {
        if ((await redis.exists(keys.handoffSession(id))) === 0) removed += await redis.srem(setKey, id);
      }
    }
    const graceMs = this.options.conversationTtlSeconds * 1000;
    for (const queue of this.options.queues) {
      removed += (await queue.clean(graceMs, 1000, 'completed')).length;
      removed += (await queue.clean(graceMs, 1000, 'failed')).length;
      removed += await this.removeJobsOfGoneConversations(queue);
    }
    const eventsTrimmed = await this.trimEvents(retentions);
    return { rolledHours, ttlRestored, removed, eventsTrimmed };
  }

  /** Replaces a tombstone named after the conversation by its pseudonymous one, with the time it had left. */
  private async renameLegacyTombstone(key: string, conversationId: string): Promise<number> {
    const { redis, keys } = this.options;
    const pseudonym = this.options.pseudonym ?? ((purpose: string, value: string) => (this.ownTokens ??= new TokenService({ redis, keys, ttlSeconds: 60 })).pseudonym(purpose, value));
    const left = await redis.pttl(key);
    const renamed = keys.conversationTombstone(await pseudonym('tombstone', conversationId));
    if (left > 0) await redis.set(renamed, '1', 'PX', left, 'NX');
    else if (left === -1) await redis.set(renamed, '1', 'EX', this.options.conversationTtlSeconds, 'NX');
    return redis.del(key);
  }

  /** The longest maximum a conversation may be kept (s). */
  private get longestRetention(): number {
    return Math.max(this.options.conversationTtlSeconds, this.options.extendedTtlSeconds ?? this.options.conversationTtlSeconds);
  }

  /**
   * A conversation's retention (s), never above the configured maximum: a stored retention above it
   * (the maximum was lowered since) is brought down to it. Remembered for the run.
   */
  private async retentionOf(conversationId: string, known: Map<string, number>): Promise<number> {
    const remembered = known.get(conversationId);
    if (remembered !== undefined) return remembered;
    const { redis, keys, conversationTtlSeconds } = this.options;
    let retention = conversationTtlSeconds;
    try {
      const stored = await readRetention(redis, keys, conversationId, conversationTtlSeconds);
      retention = Math.min(stored, this.longestRetention);
      if (stored > retention) await redis.hset(keys.conversationMeta(conversationId), RETENTION_FIELD, String(retention));
    } catch {
      // Metadata that is not a hash (written by hand): the default retention.
    }
    known.set(conversationId, retention);
    return retention;
  }

  /** Whether a conversation still exists (its metadata expires with it and goes when it is deleted). */
  private async conversationExists(conversationId: string): Promise<boolean> {
    return (await this.options.redis.exists(this.options.keys.conversationMeta(conversationId))) === 1;
  }

  /**
   * A job whose conversation expired while it waited (nobody can reach the young person any more)
   * leaves the queue. An active job still held by a claim in progress is locked: it stays (BullMQ
   * refuses), and goes on a later run if the claim never finishes.
   */
  private async removeJobsOfGoneConversations(queue: Queue): Promise<number> {
    let removed = 0;
    for (const job of await queue.getJobs(['waiting', 'prioritized', 'delayed', 'paused', 'active'])) {
      if (!job?.id || (await this.conversationExists(job.id))) continue;
      try {
        await job.remove();
        removed += 1;
      } catch {
        // Locked (a claim in progress) or already gone.
      }
    }
    return removed;
  }

  /**
   * Trims every BullMQ events stream under the prefix to the conversation retention (XTRIM MINID,
   * exact, by the Redis clock the entry ids come from), and deletes the entries of the conversation
   * queues' streams that name a conversation that is gone.
   */
  private async trimEvents(retentions: Map<string, number>): Promise<number> {
    const { redis, keys, conversationTtlSeconds } = this.options;
    const conversationStreams = new Set(this.options.queues.map((queue) => queue.toKey('events')));
    const streams = new Set([...conversationStreams, ...(await scanKeys(redis, `${keys.bullPrefix()}:*:events`))]);
    const [seconds, micros] = await redis.time();
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    let trimmed = 0;
    for (const stream of streams) {
      if ((await redis.type(stream)) !== 'stream') continue;
      const conversations = conversationStreams.has(stream);
      // A conversation queue's entry may be kept as long as its conversation: what no conversation
      // may keep goes by time here, the rest entry by entry below.
      const keptSeconds = conversations ? this.longestRetention : conversationTtlSeconds;
      trimmed += Number(await redis.call('XTRIM', stream, 'MINID', '=', `${nowMs - keptSeconds * 1000}-0`));
      if (!conversations) continue;
      const entries = await readStream(redis, stream);
      const gone = new Map<string, boolean>();
      for (const id of new Set(entries.flatMap(([, fields]) => jobIdsOf(fields)))) gone.set(id, !(await this.conversationExists(id)));
      const ids: string[] = [];
      for (const [entryId, fields] of entries) {
        const named = jobIdsOf(fields);
        const ageSeconds = (nowMs - Number(entryId.split('-')[0])) / 1000;
        if (named.some((id) => gone.get(id))) ids.push(entryId);
        else if (ageSeconds > conversationTtlSeconds) {
          // Older than the default: kept only while every conversation it names is kept that long.
          let keep = named.length > 0;
          for (const id of named) if (keep && ageSeconds > (await this.retentionOf(id, retentions))) keep = false;
          if (!keep) ids.push(entryId);
        }
      }
      trimmed += await deleteEntries(redis, stream, ids);
    }
    return trimmed;
  }
}

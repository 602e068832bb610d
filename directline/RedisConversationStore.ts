/**
 * ConversationStore on Redis Streams: one stream per conversation holds its activities (JSON in
 * field `a`), a small hash holds its metadata (createdAt, endedAt). Both keys expire together
 * `ttlSeconds` after the last write. Stream entry ids are the watermarks and the second half of
 * activity ids (`<conversationId>|<entry id>`); they come from the Redis clock, so every app
 * instance sees one order.
 */
import { createHash } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../server/RedisKeys.js';
import type { ActivitySet, ConversationStatus, ConversationStore } from './ConversationStore.js';
import { ActivityTooLargeError, ConversationNotFoundError, InvalidWatermarkError } from './errors.js';

/** Options of RedisConversationStore. */
export interface RedisConversationStoreOptions {
  /** Connection used for every command (a normal, non-blocking one). */
  redis: Redis;
  /** Key builder (with the deployment's prefix). */
  keys: RedisKeys;
  /** Seconds a conversation is kept after its last activity (config `conversationTtlSeconds`). */
  ttlSeconds: number;
  /** Largest stored activity, as UTF-8 JSON bytes. Default 16 384. */
  maxActivityBytes?: number;
  /** Approximate cap of entries per conversation stream (`XADD MAXLEN ~`). Default 2 000. */
  maxEntries?: number;
  /** Activities per `read` when no limit is given. Default 100. */
  defaultReadLimit?: number;
}

/** A stream entry decoded: an activity, and/or the marker that the conversation has ended. */
export interface DecodedEntry {
  /** The stream entry id (a watermark). */
  entryId: string;
  /** The activity, absent for control entries and unreadable ones. */
  activity: Activity | undefined;
  /** True for the control entry `end()` writes. */
  ended: boolean;
}

/** Field of a stream entry that holds the activity JSON. */
const ACTIVITY_FIELD = 'a';
/** Field of the control entry written by `end()`. */
const ENDED_FIELD = 'e';
/** Shape of a Redis stream entry id. */
const ENTRY_ID = /^(\d{1,20})-(\d{1,20})$/;
const MAX_READ_LIMIT = 1_000;

// KEYS: meta, stream. ARGV: ttl seconds, now ms. Returns 1 when the conversation was created now.
const CREATE_SCRIPT = `
local created = redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return created`;

// KEYS: meta, stream. ARGV: activity JSON, ttl seconds, max entries.
// Returns the new entry id, or nil when the conversation does not exist (never re-creates it).
const APPEND_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', '${ACTIVITY_FIELD}', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return id`;

// KEYS: meta, stream. ARGV: ttl seconds, now ms, max entries.
// Marks the conversation ended once and appends the control entry that tells live streams to close.
const END_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[1], 'endedAt', ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', '${ENDED_FIELD}', '1')
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1`;

interface Script {
  body: string;
  sha: string;
}

function script(body: string): Script {
  return { body, sha: createHash('sha1').update(body).digest('hex') };
}

const SCRIPTS = {
  create: script(CREATE_SCRIPT),
  append: script(APPEND_SCRIPT),
  end: script(END_SCRIPT),
};

/** Redis Streams implementation of ConversationStore (see docs/protocol.md). */
export class RedisConversationStore implements ConversationStore {
  private readonly maxActivityBytes: number;
  private readonly maxEntries: number;
  private readonly defaultReadLimit: number;

  constructor(private readonly options: RedisConversationStoreOptions) {
    if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
      throw new RangeError('RedisConversationStore: ttlSeconds must be a positive integer');
    }
    this.maxActivityBytes = options.maxActivityBytes ?? 16_384;
    this.maxEntries = options.maxEntries ?? 2_000;
    this.defaultReadLimit = options.defaultReadLimit ?? 100;
  }

  /** Whether a string is shaped like a stream entry id (and so like a watermark). */
  static isEntryId(value: string): boolean {
    return ENTRY_ID.test(value);
  }

  /** Orders two stream entry ids: negative when a < b, 0 when equal, positive when a > b. */
  static compareEntryIds(a: string, b: string): number {
    const ma = ENTRY_ID.exec(a);
    const mb = ENTRY_ID.exec(b);
    if (!ma || !mb) throw new InvalidWatermarkError();
    const msA = BigInt(ma[1] ?? '0');
    const msB = BigInt(mb[1] ?? '0');
    if (msA !== msB) return msA < msB ? -1 : 1;
    const seqA = BigInt(ma[2] ?? '0');
    const seqB = BigInt(mb[2] ?? '0');
    return seqA === seqB ? 0 : seqA < seqB ? -1 : 1;
  }

  /**
   * Decodes one stream entry (`fields` as Redis returns them: name, value, name, value…).
   * The activity gets its `id` (`<conversationId>|<entry id>`) and `timestamp` (the entry's Redis time).
   */
  static decodeEntry(conversationId: string, entryId: string, fields: string[]): DecodedEntry {
    let json: string | undefined;
    let ended = false;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === ACTIVITY_FIELD) json = fields[i + 1];
      else if (fields[i] === ENDED_FIELD) ended = true;
    }
    let activity: Activity | undefined;
    if (json !== undefined) {
      try {
        const parsed: unknown = JSON.parse(json);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          const ms = Number(entryId.split('-')[0]);
          activity = {
            ...(parsed as Activity),
            id: `${conversationId}|${entryId}`,
            timestamp: new Date(ms),
          };
        }
      } catch {
        // An unreadable entry is skipped; its id still advances the watermark.
      }
    }
    return { entryId, activity, ended };
  }

  /** Creates the conversation (idempotent) and (re)starts its expiry clock. Resolves true when this call created it. */
  async create(conversationId: string): Promise<boolean> {
    // A conversation the young person deleted stays deleted: its old token cannot start it again.
    if ((await this.options.redis.exists(this.options.keys.conversationTombstone(conversationId))) === 1) {
      throw new ConversationNotFoundError();
    }
    const created = await this.eval(SCRIPTS.create, conversationId, [this.options.ttlSeconds, Date.now()]);
    return created === 1;
  }

  /** Whether the conversation exists and whether it has ended. */
  async status(conversationId: string): Promise<ConversationStatus> {
    const [createdAt, endedAt] = await this.options.redis.hmget(
      this.options.keys.conversationMeta(conversationId),
      'createdAt',
      'endedAt',
    );
    if (endedAt) return 'ended';
    return createdAt ? 'active' : 'missing';
  }

  /**
   * Appends one activity atomically with the expiry refresh. Fills in `id`, `timestamp`,
   * `channelId: 'webchat'` and `conversation.id`. Throws ConversationNotFoundError when the
   * conversation does not exist (it is never re-created by an append, e.g. after a quick exit),
   * and ActivityTooLargeError above `maxActivityBytes`.
   */
  async append(conversationId: string, activity: Partial<Activity>): Promise<Activity> {
    const { id: _id, timestamp: _timestamp, ...rest } = activity;
    const stored = {
      ...rest,
      channelId: 'webchat',
      conversation: { ...(rest.conversation ?? {}), id: conversationId },
    };
    const json = JSON.stringify(stored);
    if (Buffer.byteLength(json, 'utf8') > this.maxActivityBytes) throw new ActivityTooLargeError();
    const entryId = await this.eval(SCRIPTS.append, conversationId, [json, this.options.ttlSeconds, this.maxEntries]);
    if (typeof entryId !== 'string') throw new ConversationNotFoundError();
    const decoded = RedisConversationStore.decodeEntry(conversationId, entryId, [ACTIVITY_FIELD, json]);
    if (!decoded.activity) throw new TypeError('RedisConversationStore: stored activity could not be decoded');
    return decoded.activity;
  }

  /**
   * Activities after `watermark` (exclusive; from the start when undefined or empty), oldest first.
   * The returned watermark is the id of the last entry looked at (control entries included), or the
   * watermark asked for when there is nothing new. Throws InvalidWatermarkError for a malformed watermark.
   */
  async read(conversationId: string, watermark?: string, limit?: number): Promise<ActivitySet> {
    const page = await this.readEntries(conversationId, watermark, limit);
    return {
      activities: page.entries.flatMap((entry) => (entry.activity ? [entry.activity] : [])),
      watermark: page.watermark,
    };
  }

  /** Like `read`, but returns the decoded entries, so callers also see the end marker. */
  async readEntries(
    conversationId: string,
    watermark?: string,
    limit?: number,
  ): Promise<{ entries: DecodedEntry[]; watermark: string | undefined }> {
    const after = watermark === '' ? undefined : watermark;
    if (after !== undefined && !RedisConversationStore.isEntryId(after)) throw new InvalidWatermarkError();
    const count = Math.min(Math.max(Math.trunc(limit ?? this.defaultReadLimit), 1), MAX_READ_LIMIT);
    const raw = await this.options.redis.xrange(
      this.options.keys.conversationActivities(conversationId),
      after === undefined ? '-' : `(${after}`,
      '+',
      'COUNT',
      count,
    );
    const entries = raw.map(([entryId, fields]) => RedisConversationStore.decodeEntry(conversationId, entryId, fields));
    const last = entries.at(-1);
    return { entries, watermark: last ? last.entryId : after };
  }

  /** Marks the conversation ended (once) and appends the end marker live streams close on. No-op when missing. */
  async end(conversationId: string): Promise<void> {
    await this.eval(SCRIPTS.end, conversationId, [this.options.ttlSeconds, Date.now(), this.maxEntries]);
  }

  /** Removes the conversation's stream and metadata at once. */
  async delete(conversationId: string): Promise<void> {
    const { keys, redis } = this.options;
    await redis
      .multi()
      .del(keys.conversationMeta(conversationId), keys.conversationActivities(conversationId))
      .set(keys.conversationTombstone(conversationId), '1', 'EX', this.options.ttlSeconds)
      .exec();
  }

  /** Runs a script by SHA, loading it on first use (NOSCRIPT). */
  private async eval(s: Script, conversationId: string, args: (string | number)[]): Promise<unknown> {
    const { keys, redis } = this.options;
    const redisKeys = [keys.conversationMeta(conversationId), keys.conversationActivities(conversationId)];
    try {
      return await redis.evalsha(s.sha, redisKeys.length, ...redisKeys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await redis.eval(s.body, redisKeys.length, ...redisKeys, ...args);
    }
  }
}

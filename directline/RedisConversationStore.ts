/**
 * ConversationStore on Redis Streams: one stream per conversation holds its activities (JSON in
 * field `a`), a small hash holds its metadata (createdAt, endedAt). Both keys expire together
 * `ttlSeconds` after the last write. Stream entry ids are the watermarks and the second half of
 * activity ids (`<conversationId>|<entry id>`); they come from the Redis clock, so every app
 * instance sees one order. (A conversation the young person chose to keep longer keeps its own,
 * longer retention: ConversationRetention.ts, read in the same scripts.) Every append (and the end marker) is announced, in the same script, on
 * the pub/sub channel `keys.directLineAppendedChannel()` with the conversation id only (never
 * text): the instances' ActivityStreamHubs read just the streams that changed.
 */
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { redisScript, runScript, type RedisScript } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import type { ActivitySet, ConversationStatus, ConversationStore } from './ConversationStore.js';
import { RETENTION_LUA } from './ConversationRetention.js';
import { ActivityTooLargeError, ConversationNotFoundError, InvalidWatermarkError } from './errors.js';
import { TokenService } from './TokenService.js';

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
  /**
   * Keyed pseudonym that names a deleted conversation's tombstone instead of its id (pass
   * `TokenService.pseudonym` of the app, so tombstones follow the shared token secret). Default: a
   * TokenService of its own on the same Redis (the same secret, the same pseudonyms).
   */
  pseudonym?: (purpose: string, value: string) => Promise<string>;
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
/** Both halves of a stream entry id are unsigned 64-bit integers. */
const UINT64_MAX = 18_446_744_073_709_551_615n;
/** The largest entry id: nothing can come after it (and `XRANGE (<it>` is an error in Redis). */
const MAX_ENTRY_ID = `${UINT64_MAX}-${UINT64_MAX}`;
const MAX_READ_LIMIT = 1_000;
/** Hash field of the meta hash: when the young person's page was last seen (ms, Redis clock). */
const SEEN_FIELD = 'seenAt';

// Every script that renews the expiry keeps the conversation's retention (ConversationRetention.ts):
// the default ttl (ARGV), or longer when the young person chose to keep it longer (a field of meta).
// KEYS: meta, stream. ARGV: ttl seconds, now ms. Returns 1 when the conversation was created now.
const CREATE_SCRIPT = `${RETENTION_LUA}
local created = redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[2])
local ttl = conversationRetention(KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return created`;

// KEYS: meta, stream. ARGV: ttl seconds, max entries, notification channel, conversation id, then
// the activities' JSON. Appends them all in order (one expiry refresh) and returns their entry ids,
// or nil when the conversation does not exist (nothing is written; it is never re-created).
// Announces the append (the conversation id only) in the same script, so no append goes unannounced.
const APPEND_MANY_SCRIPT = `${RETENTION_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local ids = {}
for i = 5, #ARGV do
  ids[#ids + 1] = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', '${ACTIVITY_FIELD}', ARGV[i])
end
local ttl = conversationRetention(KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('PUBLISH', ARGV[3], ARGV[4])
return ids`;

// KEYS: meta, stream. ARGV: ttl seconds, now ms, max entries, notification channel, conversation id.
// Marks the conversation ended once and appends (and announces) the control entry that tells live streams to close.
const END_SCRIPT = `${RETENTION_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[1], 'endedAt', ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', '${ENDED_FIELD}', '1')
local ttl = conversationRetention(KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`;

// KEYS: meta. Sets seenAt to the Redis server's time (ms) when the conversation exists; never
// creates the hash (a missing or deleted conversation stays missing, and keeps no key without TTL).
const SEEN_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local now = redis.call('TIME')
redis.call('HSET', KEYS[1], '${SEEN_FIELD}', string.format('%d', now[1] * 1000 + math.floor(now[2] / 1000)))
return 1`;

const SCRIPTS = {
  create: redisScript('lanternConversationCreate', CREATE_SCRIPT),
  appendMany: redisScript('lanternConversationAppendMany', APPEND_MANY_SCRIPT),
  end: redisScript('lanternConversationEnd', END_SCRIPT),
  seen: redisScript('lanternConversationSeen', SEEN_SCRIPT),
};

/** Redis Streams implementation of ConversationStore (see docs/protocol.md). */
export class RedisConversationStore implements ConversationStore {
  private readonly maxActivityBytes: number;
  private readonly maxEntries: number;
  private readonly defaultReadLimit: number;
  /** Only when no `pseudonym` is given: names tombstones with the shared token secret. */
  private ownTokens: TokenService | undefined;

  constructor(private readonly options: RedisConversationStoreOptions) {
    if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
      throw new RangeError('RedisConversationStore: ttlSeconds must be a positive integer');
    }
    this.maxActivityBytes = options.maxActivityBytes ?? 16_384;
    this.maxEntries = options.maxEntries ?? 2_000;
    this.defaultReadLimit = options.defaultReadLimit ?? 100;
  }

  /**
   * Whether a value is a valid stream entry id (and so a valid watermark): `<ms>-<seq>`, both
   * decimal unsigned 64-bit integers (0…18446744073709551615), as Redis accepts them.
   */
  static isEntryId(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const match = ENTRY_ID.exec(value);
    if (!match) return false;
    return BigInt(match[1] ?? '') <= UINT64_MAX && BigInt(match[2] ?? '') <= UINT64_MAX;
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
    if ((await this.options.redis.exists(await this.tombstoneKey(conversationId))) === 1) {
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
    const [stored] = await this.appendMany(conversationId, [activity]);
    return stored!;
  }

  /**
   * Appends several activities in order, in one script: all or none, one expiry refresh, one
   * announcement (so a reader reads them in one go). Same checks as `append`, made for every
   * activity before anything is written.
   */
  async appendMany(conversationId: string, activities: ReadonlyArray<Partial<Activity>>): Promise<Activity[]> {
    if (activities.length === 0) return [];
    const encoded = activities.map((activity) => this.encode(conversationId, activity));
    const entryIds = await this.eval(SCRIPTS.appendMany, conversationId, [
      this.options.ttlSeconds,
      this.maxEntries,
      this.options.keys.directLineAppendedChannel(),
      conversationId,
      ...encoded.map(([, json]) => json),
    ]);
    if (!Array.isArray(entryIds) || entryIds.length !== encoded.length) throw new ConversationNotFoundError();
    return encoded.map(([stored], index) => RedisConversationStore.storedAs(conversationId, String(entryIds[index]), stored));
  }

  /** An activity as stored (its id and timestamp left out, the channel's fields set) and its JSON; refuses one too large. */
  private encode(conversationId: string, activity: Partial<Activity>): [stored: Partial<Activity>, json: string] {
    const { id: _id, timestamp: _timestamp, ...rest } = activity;
    const stored = {
      ...rest,
      channelId: 'webchat',
      conversation: { ...(rest.conversation ?? {}), id: conversationId },
    } as Partial<Activity>;
    const json = JSON.stringify(stored);
    if (Buffer.byteLength(json, 'utf8') > this.maxActivityBytes) throw new ActivityTooLargeError();
    return [stored, json];
  }

  /** What a reader decodes from the entry (decodeEntry), without parsing back the JSON just made. */
  private static storedAs(conversationId: string, entryId: string, stored: Partial<Activity>): Activity {
    return { ...(stored as Activity), id: `${conversationId}|${entryId}`, timestamp: new Date(Number(entryId.split('-')[0])) };
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
    // Nothing can come after the largest id, and Redis refuses an exclusive range starting there.
    if (after !== undefined && RedisConversationStore.compareEntryIds(after, MAX_ENTRY_ID) === 0) return { entries: [], watermark: after };
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
    await this.eval(SCRIPTS.end, conversationId, [this.options.ttlSeconds, Date.now(), this.maxEntries, this.options.keys.directLineAppendedChannel(), conversationId]);
  }

  /**
   * Records that the young person's page was seen now (field `seenAt` of the meta hash, ms, from
   * the Redis clock so every instance agrees). A no-op for a conversation that does not exist: it
   * never creates a key, and the field expires with the meta hash.
   */
  async markSeen(conversationId: string): Promise<void> {
    const { keys } = this.options;
    await runScript(this.options.redis, SCRIPTS.seen, [keys.conversationMeta(conversationId)]);
  }

  /** When the young person's page was last seen (ms since the epoch), or undefined if never (or gone). */
  async lastSeen(conversationId: string): Promise<number | undefined> {
    const raw = await this.options.redis.hget(this.options.keys.conversationMeta(conversationId), SEEN_FIELD);
    if (raw === null) return undefined;
    const ms = Number(raw);
    return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
  }

  /** Removes the conversation's stream and metadata at once. */
  async delete(conversationId: string): Promise<void> {
    const { keys, redis } = this.options;
    const tombstone = await this.tombstoneKey(conversationId);
    // The tombstone names no conversation, so it has no hash tag and cannot share a transaction
    // with the conversation's keys on a cluster. It goes first: an old token can no longer start
    // the conversation; if the process dies between the two, the data expires by its TTL.
    await redis.set(tombstone, '1', 'EX', this.options.ttlSeconds);
    await redis.del(keys.conversationMeta(conversationId), keys.conversationActivities(conversationId));
  }

  /** The tombstone key of a conversation: named by a keyed pseudonym of its id, never the id. */
  private async tombstoneKey(conversationId: string): Promise<string> {
    const { redis, keys, pseudonym } = this.options;
    const name = pseudonym
      ? await pseudonym('tombstone', conversationId)
      : await (this.ownTokens ??= new TokenService({ redis, keys, ttlSeconds: 60 })).pseudonym('tombstone', conversationId);
    return keys.conversationTombstone(name);
  }

  /** Runs a script on the conversation's two keys (metadata, stream). */
  private eval(script: RedisScript, conversationId: string, args: (string | number)[]): Promise<unknown> {
    const { keys } = this.options;
    return runScript(this.options.redis, script, [keys.conversationMeta(conversationId), keys.conversationActivities(conversationId)], args);
  }
}

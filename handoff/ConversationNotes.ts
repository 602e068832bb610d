/**
 * What staff keep about one conversation besides its transcript, expiring with it: the internal
 * notes (written at any time, handover notes included) and what the screening read in the young
 * person's messages during a chat (codes per message, never text), and who had it last (a staff
 * username, for "the same counsellor when on duty"). Written only while the
 * conversation exists and has not ended, so nothing is left behind for a deleted one.
 */
import { redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { MessageScreening, NoteItem } from '../contracts/counsellorApi.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { RETENTION_LUA } from '../directline/ConversationRetention.js';

/** Options of ConversationNotes. */
export interface ConversationNotesOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Seconds notes and flags are kept (the conversation's retention). */
  ttlSeconds: number;
  now?: () => number;
}

/** Longest internal note (characters). */
export const NOTE_MAX = 2000;

/**
 * RPUSH or HSET + EXPIRE, only when the conversation exists and has not ended.
 * KEYS: notes or flags, the conversation's metadata (both in the conversation's hash tag).
 * ARGV: 'list' or 'hash', field, value, ttl (the conversation's longer retention, if chosen, wins: ConversationRetention.ts).
 */
const WRITE_IF_ALIVE = redisScript(
  'lanternHandoffWriteIfAlive',
  `${RETENTION_LUA}
if redis.call('HGET', KEYS[2], 'createdAt') == false or redis.call('HEXISTS', KEYS[2], 'endedAt') == 1 then return 0 end
if ARGV[1] == 'list' then redis.call('RPUSH', KEYS[1], ARGV[3]) else redis.call('HSET', KEYS[1], ARGV[2], ARGV[3]) end
redis.call('EXPIRE', KEYS[1], conversationRetention(KEYS[2], ARGV[4]))
return 1
`,
);

/**
 * SET with the conversation's retention, only when the conversation exists and has not ended.
 * KEYS: the last counsellor's key, the conversation's metadata (both in the conversation's hash tag).
 * ARGV: username, ttl (the conversation's longer retention, if chosen, wins).
 */
const REMEMBER_COUNSELLOR = redisScript(
  'lanternHandoffRememberCounsellor',
  `${RETENTION_LUA}
if redis.call('HGET', KEYS[2], 'createdAt') == false or redis.call('HEXISTS', KEYS[2], 'endedAt') == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', conversationRetention(KEYS[2], ARGV[2]))
return 1
`,
);

/** The flags hash's field for "may be watched" (never an activity id: those hold a "|"). */
const MAY_BE_WATCHED_FIELD = 'caution:may_be_watched';

const LEVELS = new Set<MessageScreening['level']>(['urgent', 'check', 'exploitation']);

/** Notes and screening flags of conversations. */
export class ConversationNotes {
  private readonly now: () => number;

  constructor(private readonly options: ConversationNotesOptions) {
    this.now = options.now ?? Date.now;
  }

  private async write(kind: 'list' | 'hash', key: string, conversationId: string, field: string, value: string): Promise<boolean> {
    const { redis, keys, ttlSeconds } = this.options;
    return (await runScript(redis, WRITE_IF_ALIVE, [key, keys.conversationMeta(conversationId)], [kind, field, value, String(ttlSeconds)])) === 1;
  }

  /** Adds a note (text already checked); false when the conversation is gone. */
  async add(conversationId: string, note: { by: string; text: string; handover?: boolean }): Promise<NoteItem | undefined> {
    const item: NoteItem = { at: new Date(this.now()).toISOString(), by: note.by, text: note.text, ...(note.handover ? { handover: true } : {}) };
    const written = await this.write('list', this.options.keys.handoffNotes(conversationId), conversationId, '', JSON.stringify(item));
    return written ? item : undefined;
  }

  /** The notes, oldest first (notes written as plain text by earlier versions are read too). */
  async list(conversationId: string): Promise<NoteItem[]> {
    const raw = await this.options.redis.lrange(this.options.keys.handoffNotes(conversationId), 0, -1);
    return raw.map((entry) => {
      try {
        const parsed = JSON.parse(entry) as NoteItem;
        if (parsed && typeof parsed.text === 'string') return parsed;
      } catch {
        // a plain-text note
      }
      return { at: '', text: entry };
    });
  }

  /** The notes of many conversations at once (the waiting list). */
  async listMany(conversationIds: readonly string[]): Promise<Map<string, NoteItem[]>> {
    const result = new Map<string, NoteItem[]>();
    await Promise.all(conversationIds.map(async (id) => result.set(id, await this.list(id))));
    return result;
  }

  /** Keeps what the screening read in one message (codes); false when the conversation is gone. */
  flag(conversationId: string, activityId: string, screening: MessageScreening): Promise<boolean> {
    const value = JSON.stringify({ level: screening.level, categories: screening.categories });
    return this.write('hash', this.options.keys.handoffFlags(conversationId), conversationId, activityId, value);
  }

  /**
   * Marks the conversation "may be watched" (the young person typed their safe word): a field of the
   * flags hash, so it expires and is erased with the rest; false when the conversation is gone.
   */
  markMayBeWatched(conversationId: string): Promise<boolean> {
    return this.write('hash', this.options.keys.handoffFlags(conversationId), conversationId, MAY_BE_WATCHED_FIELD, '1');
  }

  /** Whether the young person typed their safe word in this conversation. */
  async mayBeWatched(conversationId: string): Promise<boolean> {
    return (await this.options.redis.hget(this.options.keys.handoffFlags(conversationId), MAY_BE_WATCHED_FIELD)) === '1';
  }

  /** The same for many conversations at once (the waiting list). */
  async mayBeWatchedMany(conversationIds: readonly string[]): Promise<Set<string>> {
    const marked = await Promise.all(conversationIds.map(async (id) => ((await this.mayBeWatched(id)) ? id : undefined)));
    return new Set(marked.filter((id): id is string => id !== undefined));
  }

  /**
   * Remembers the counsellor who had the conversation last (their chat with it ended or went back to
   * the list); false when the conversation is gone.
   */
  async rememberCounsellor(conversationId: string, username: string): Promise<boolean> {
    const { redis, keys, ttlSeconds } = this.options;
    return (await runScript(redis, REMEMBER_COUNSELLOR, [keys.handoffLastCounsellor(conversationId), keys.conversationMeta(conversationId)], [username, String(ttlSeconds)])) === 1;
  }

  /** The counsellor who had the conversation last (undefined: nobody yet, or it expired). */
  async lastCounsellor(conversationId: string): Promise<string | undefined> {
    return (await this.options.redis.get(this.options.keys.handoffLastCounsellor(conversationId))) ?? undefined;
  }

  /** The flagged messages of a conversation: activity id → what the screening read. */
  async flags(conversationId: string): Promise<Map<string, MessageScreening>> {
    const hash = await this.options.redis.hgetall(this.options.keys.handoffFlags(conversationId));
    const result = new Map<string, MessageScreening>();
    for (const [activityId, json] of Object.entries(hash)) {
      if (activityId === MAY_BE_WATCHED_FIELD) continue;
      try {
        const parsed = JSON.parse(json) as MessageScreening;
        if (LEVELS.has(parsed.level) && Array.isArray(parsed.categories)) result.set(activityId, { level: parsed.level, categories: parsed.categories.map(String) });
      } catch {
        // unreadable: left out
      }
    }
    return result;
  }
}

/**
 * The retention of a conversation, in one place: how long every key that names a conversation is
 * kept after its last write.
 *
 * - By default `ttlSeconds` (CONVERSATION_TTL_SECONDS, 48 h).
 * - Once per conversation the young person may ask to keep it longer ("keep_longer",
 *   `lantern.keepLonger`): the conversation's metadata hash (`RedisKeys.conversationMeta`) then
 *   holds its retention in the field RETENTION_FIELD (seconds), set once to
 *   `extendedTtlSeconds` (CONVERSATION_TTL_EXTENDED_SECONDS, 7 days) and never again.
 * - Every writer renews a key with the conversation's retention: the Lua scripts of the same hash
 *   slot (the stream and metadata, the bot state, the handoff's notes, flags and wait state all carry
 *   the conversation's hash tag) read the field in the same script (RETENTION_LUA); writers of other
 *   slots (the handoff session, return codes) read it first (`readRetention`).
 * - The retention job (privacy/RetentionJob.ts) keeps what an extended conversation may keep, and
 *   brings a stored retention above today's maximum (a lowered CONVERSATION_TTL_EXTENDED_SECONDS)
 *   down to it.
 * The fact "extended" is a field of the conversation, expiring and erased with it; it is not counted.
 */
import { redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';

/** The field of a conversation's metadata hash that holds its extended retention (seconds). */
export const RETENTION_FIELD = 'retentionSeconds';

/**
 * Lua: `conversationRetention(metaKey, defaultSeconds)`, the seconds a key of this conversation is
 * kept after a write: the stored retention when it is longer than the default, else the default.
 * Put it at the top of a script whose KEYS include the conversation's metadata (same hash slot).
 */
export const RETENTION_LUA = `local function conversationRetention(meta, default)
  local base = tonumber(default)
  local kept = tonumber(redis.call('HGET', meta, '${RETENTION_FIELD}') or '')
  if kept ~= nil and kept > base then return math.floor(kept) end
  return base
end
`;

/** The retention of a conversation from its stored field (as HGET gives it) and the default. */
export function retentionFrom(stored: string | null | undefined, defaultSeconds: number): number {
  const kept = Number(stored);
  return stored != null && Number.isFinite(kept) && kept > defaultSeconds ? Math.floor(kept) : defaultSeconds;
}

/** The seconds a key of this conversation is kept after a write (one HGET; for writers outside the conversation's hash slot). */
export async function readRetention(redis: Pick<RedisHandle, 'hget'>, keys: RedisKeys, conversationId: string, defaultSeconds: number): Promise<number> {
  return retentionFrom(await redis.hget(keys.conversationMeta(conversationId), RETENTION_FIELD), defaultSeconds);
}

/** What asking to keep a conversation longer did. */
export type ExtendOutcome =
  /** Now kept `extendedTtlSeconds` after its last write. */
  | 'extended'
  /** It was already extended: nothing changed (once per conversation). */
  | 'already'
  /** The conversation is gone or has ended. */
  | 'gone'
  /** The maximum is not longer than the default: there is nothing to extend to. */
  | 'unavailable';

/**
 * KEYS: the conversation's metadata, then its other keys of the same hash slot (stream, bot state,
 * notes, flags, wait state). ARGV: the extended retention (s).
 * Sets the retention once and gives every existing key that much time from now.
 */
const EXTEND = redisScript(
  'lanternConversationKeepLonger',
  `if redis.call('HGET', KEYS[1], 'createdAt') == false or redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return 'gone' end
if redis.call('HSETNX', KEYS[1], '${RETENTION_FIELD}', ARGV[1]) == 0 then return 'already' end
for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
return 'extended'`,
);

/** Options of ConversationRetention. */
export interface ConversationRetentionOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** The default retention (s), CONVERSATION_TTL_SECONDS. */
  ttlSeconds: number;
  /** The longest retention a young person may choose (s), CONVERSATION_TTL_EXTENDED_SECONDS; at least `ttlSeconds`. */
  extendedTtlSeconds: number;
  /** Called after a conversation was extended, for the keys of other hash slots (its return code). */
  onExtended?: (conversationId: string) => Promise<void>;
}

/** Checks the two retentions (positive whole seconds, the extended one at least the default); returns them. */
export function checkRetentions(ttlSeconds: number, extendedTtlSeconds: number): { ttlSeconds: number; extendedTtlSeconds: number } {
  for (const [name, value] of [
    ['CONVERSATION_TTL_SECONDS', ttlSeconds],
    ['CONVERSATION_TTL_EXTENDED_SECONDS', extendedTtlSeconds],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive whole number of seconds`);
  }
  if (extendedTtlSeconds < ttlSeconds) {
    throw new RangeError(`CONVERSATION_TTL_EXTENDED_SECONDS (${extendedTtlSeconds}) must be at least CONVERSATION_TTL_SECONDS (${ttlSeconds}): it is the longer retention a young person may choose`);
  }
  return { ttlSeconds, extendedTtlSeconds };
}

/** Reads and extends the retention of conversations. */
export class ConversationRetention {
  constructor(private readonly options: ConversationRetentionOptions) {
    checkRetentions(options.ttlSeconds, options.extendedTtlSeconds);
  }

  /** The default retention (s). */
  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  /** The retention a young person may choose once (s). */
  get extendedTtlSeconds(): number {
    return this.options.extendedTtlSeconds;
  }

  /** Whether a conversation can be kept longer at all (the maximum is longer than the default). */
  get available(): boolean {
    return this.options.extendedTtlSeconds > this.options.ttlSeconds;
  }

  /** The seconds this conversation's keys are kept after a write. */
  of(conversationId: string): Promise<number> {
    return readRetention(this.options.redis, this.options.keys, conversationId, this.options.ttlSeconds);
  }

  /** Whether the young person chose to keep this conversation longer. */
  async isExtended(conversationId: string): Promise<boolean> {
    return (await this.options.redis.hexists(this.options.keys.conversationMeta(conversationId), RETENTION_FIELD)) === 1;
  }

  /**
   * Keeps the conversation `extendedTtlSeconds` after its last write from now on, once: the field is
   * set, its keys of the same hash slot get that time from now, then those of other slots
   * (`onExtended`: the return code).
   */
  async extend(conversationId: string): Promise<ExtendOutcome> {
    if (!this.available) return 'unavailable';
    const { redis, keys, extendedTtlSeconds } = this.options;
    const same = [
      keys.conversationMeta(conversationId),
      keys.conversationActivities(conversationId),
      keys.botState(`webchat/conversations/${conversationId}/`),
      keys.handoffNotes(conversationId),
      keys.handoffFlags(conversationId),
      keys.handoffWaitState(conversationId),
      keys.handoffLastCounsellor(conversationId),
    ];
    const outcome = String(await runScript(redis, EXTEND, same, [extendedTtlSeconds]));
    if (outcome === 'extended') await this.options.onExtended?.(conversationId);
    return outcome === 'extended' || outcome === 'already' ? outcome : 'gone';
  }
}

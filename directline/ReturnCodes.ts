/**
 * Return codes: a young person asks the bot for a code and later, on any device, trades it for a
 * token of the same conversation (`POST /v3/directline/tokens/generate` with `{"returnCode": …}`).
 *
 * - The code is 12 random decimal digits (≈ 39.9 bits, contracts/returnCode.ts), made with the
 *   system's cryptographic random source.
 * - Only a keyed hash of it is stored (HMAC-SHA256 with `RETURN_CODE_KEY`, or, without one, with
 *   the channel's token secret kept in Redis), mapping to the conversation id, expiring with the
 *   conversation's retention (the longer one once the young person chose to keep the conversation
 *   longer: a code given before is renewed then, `renew`); the code itself is never stored nor logged.
 * - A code works once: using it removes it (the young person asks for a new one). Asking again
 *   replaces the old code. "Delete my conversation" removes it (`revoke`); a conversation that has
 *   ended (quick exit) or is gone refuses it.
 * - A conversation a code opened is marked in its channel metadata (CAME_BACK_FIELD), for the console.
 * - Wrong codes are counted per client (a keyed hash of the address) and for everyone, in fixed
 *   windows; over either limit every attempt is refused (429) without even looking at the code.
 */
import { createHmac, randomInt } from 'node:crypto';
import { runScript, redisScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { normalizeReturnCode, RETURN_CODE_DIGITS } from '../contracts/returnCode.js';
import type { ConversationStatus } from './ConversationStore.js';
import { readRetention } from './ConversationRetention.js';

/** How many wrong codes are allowed within a window. */
export interface GuessLimit {
  max: number;
  windowSeconds: number;
}

/** Options of ReturnCodes. */
export interface ReturnCodesOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /**
   * The keyed hash of a code: HMAC with the configured key when there is one, else the channel's
   * keyed pseudonym (the token secret in Redis). Built by `returnCodeHasher`.
   */
  hash: (digits: string) => Promise<string>;
  /** The conversation's status on the channel (a code of an ended or gone conversation is refused). */
  status: (conversationId: string) => Promise<ConversationStatus>;
  /**
   * How long a code lives (s): the conversation's default retention; a code of a conversation the
   * young person chose to keep longer lives as long as that (ConversationRetention.ts).
   */
  ttlSeconds: number;
  /** Wrong codes per client (a keyed hash of its address) per window. */
  perClient: GuessLimit;
  /** Wrong codes from everyone per window. */
  global: GuessLimit;
  /** Called once a code reopened a conversation (for a count: it is given nothing). */
  onRedeemed?: () => Promise<void> | void;
}

/** What redeeming a code gave. */
export type RedeemResult =
  | { outcome: 'ok'; conversationId: string }
  | { outcome: 'refused' }
  | { outcome: 'limited'; retryAfterSeconds: number };

// KEYS: conversation's code index, new code key, old code key (or the new one again). ARGV: expected old hash ('' = none), new hash, conversation id, ttl ms.
// Returns 0 when the index changed meanwhile (the caller reads it again), else 1.
const ISSUE = redisScript(
  'lanternReturnCodeIssue',
  `local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
if current ~= '' and current ~= ARGV[2] then redis.call('DEL', KEYS[3]) end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
return 1`,
);

// KEYS: conversation's code index, its code key. ARGV: the code's hash, ttl ms.
// Gives both the new lifetime when the index still names that code (an unused, unreplaced one).
const RENEW = redisScript(
  'lanternReturnCodeRenew',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`,
);

// KEYS: code key, client's wrong counter, global wrong counter. ARGV: client max, client window ms, global max, global window ms.
// Returns {'limited', ms to wait} | {'unknown'} | {'found', conversation id} (the code is removed: it works once).
const REDEEM = redisScript(
  'lanternReturnCodeRedeem',
  `local client = tonumber(redis.call('GET', KEYS[2]) or '0')
local all = tonumber(redis.call('GET', KEYS[3]) or '0')
if client >= tonumber(ARGV[1]) then return {'limited', redis.call('PTTL', KEYS[2])} end
if all >= tonumber(ARGV[3]) then return {'limited', redis.call('PTTL', KEYS[3])} end
local conversation = redis.call('GET', KEYS[1])
if not conversation then
  if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
  if redis.call('INCR', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
  return {'unknown'}
end
redis.call('DEL', KEYS[1])
return {'found', conversation}`,
);

/**
 * The field of a conversation's channel metadata (`RedisKeys.conversationMeta`) set when a return
 * code opened it (ms): it expires and is erased with the conversation. The counsellors' console
 * reads it ("came back with a code").
 */
export const CAME_BACK_FIELD = 'cameBackWithCodeAt';

// KEYS: the conversation's metadata. ARGV: field, now ms. Only on a conversation that still exists (keeps its TTL).
const MARK_CAME_BACK = redisScript(
  'lanternReturnCodeCameBack',
  `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`,
);

/** The keyed hash of a code: HMAC-SHA256 with `key` when given, else `fallback` (the channel's keyed pseudonym). */
export function returnCodeHasher(key: string | undefined, fallback: (purpose: string, value: string) => Promise<string>): (digits: string) => Promise<string> {
  if (key === undefined) return (digits) => fallback('returncode', digits);
  return async (digits) => createHmac('sha256', key).update(`returncode\u0000${digits}`).digest().subarray(0, 16).toString('base64url');
}

/** Issues, redeems and revokes return codes. */
export class ReturnCodes {
  constructor(private readonly options: ReturnCodesOptions) {
    for (const [name, value] of [
      ['ttlSeconds', options.ttlSeconds],
      ['perClient.max', options.perClient.max],
      ['perClient.windowSeconds', options.perClient.windowSeconds],
      ['global.max', options.global.max],
      ['global.windowSeconds', options.global.windowSeconds],
    ] as const) {
      if (!Number.isInteger(value) || value <= 0) throw new RangeError(`ReturnCodes: ${name} must be a positive integer`);
    }
  }

  /** How long a code lives (s) by default. */
  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  /** How long a code of this conversation lives (s): its retention (longer when the young person chose so). */
  lifetime(conversationId: string): Promise<number> {
    return readRetention(this.options.redis, this.options.keys, conversationId, this.options.ttlSeconds);
  }

  /**
   * The conversation's current code (if any) lives as long as the conversation from now: called when
   * the young person chose to keep the conversation longer (ConversationRetention.extend).
   */
  async renew(conversationId: string): Promise<void> {
    const { redis, keys } = this.options;
    const index = keys.returnCodeOfConversation(conversationId);
    const hash = await redis.get(index);
    if (!hash) return;
    const ms = (await this.lifetime(conversationId)) * 1000;
    await runScript(redis, RENEW, [index, keys.returnCode(hash)], [hash, ms]);
  }

  /** A new code for the conversation (12 ASCII digits), replacing any earlier one. Only its hash is stored. */
  async issue(conversationId: string): Promise<string> {
    const { redis, keys } = this.options;
    let digits = '';
    for (let index = 0; index < RETURN_CODE_DIGITS; index++) digits += String(randomInt(10));
    const hash = await this.options.hash(digits);
    const index = keys.returnCodeOfConversation(conversationId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const old = (await redis.get(index)) ?? '';
      const oldKey = old === '' ? keys.returnCode(hash) : keys.returnCode(old);
      const done = await runScript(redis, ISSUE, [index, keys.returnCode(hash), oldKey], [old, hash, conversationId, (await this.lifetime(conversationId)) * 1000]);
      if (done === 1) return digits;
    }
    throw new Error('ReturnCodes: the code could not be stored');
  }

  /**
   * Trades a typed code for its conversation, once. `client` is a keyed hash of the client's
   * address. A text that is not shaped like a code is refused without counting (it cannot match);
   * a well-shaped code that matches nothing counts against the client's and the global limit.
   */
  async redeem(typed: string, client: string): Promise<RedeemResult> {
    const { redis, keys, perClient, global } = this.options;
    const digits = normalizeReturnCode(typed);
    const codeKey = digits === undefined ? undefined : keys.returnCode(await this.options.hash(digits));
    const counters = [keys.returnCodeGuessesOfClient(client), keys.returnCodeGuessesGlobal()];
    if (codeKey === undefined) {
      // Still refused while over a limit, so the answer tells nothing about the shape.
      const [mine, all] = (await Promise.all(counters.map((key) => redis.get(key)))).map((value) => Number(value ?? 0));
      if ((mine ?? 0) >= perClient.max || (all ?? 0) >= global.max) return { outcome: 'limited', retryAfterSeconds: await this.retryAfter(counters) };
      return { outcome: 'refused' };
    }
    const answer = (await runScript(redis, REDEEM, [codeKey, ...counters], [perClient.max, perClient.windowSeconds * 1000, global.max, global.windowSeconds * 1000])) as [string, (string | number)?];
    if (answer[0] === 'limited') return { outcome: 'limited', retryAfterSeconds: Math.max(1, Math.ceil(Number(answer[1]) / 1000)) };
    if (answer[0] !== 'found' || typeof answer[1] !== 'string') return { outcome: 'refused' };
    const conversationId = answer[1];
    if ((await this.options.status(conversationId)) !== 'active') {
      await this.revoke(conversationId);
      return { outcome: 'refused' };
    }
    await redis.del(keys.returnCodeOfConversation(conversationId));
    await runScript(redis, MARK_CAME_BACK, [keys.conversationMeta(conversationId)], [CAME_BACK_FIELD, Date.now()]);
    await this.options.onRedeemed?.();
    return { outcome: 'ok', conversationId };
  }

  /** Makes the conversation's code useless at once ("delete my conversation", quick exit). */
  async revoke(conversationId: string): Promise<void> {
    const { redis, keys } = this.options;
    const index = keys.returnCodeOfConversation(conversationId);
    const hash = await redis.get(index);
    await redis.del(...(hash ? [keys.returnCode(hash), index] : [index]));
  }

  private async retryAfter(counters: string[]): Promise<number> {
    const waits = await Promise.all(counters.map((key) => this.options.redis.pttl(key)));
    return Math.max(1, Math.ceil(Math.max(...waits) / 1000));
  }
}

/**
 * The per-token limit on what a young person's page may post (`POST …/activities`): a burst
 * window and a longer window, both counted in Redis so the limit holds across app instances.
 * Keys are a keyed pseudonym (TokenService.pseudonym) of the conversation, never its id or the
 * token, and expire with their window. A refused request is not counted, so a page that waits
 * for `Retry-After` can always go on.
 *
 * Once Redis has said "limited for t ms", the instance remembers it and refuses further requests
 * of that subject without asking Redis again until then: the counters cannot go down meanwhile
 * (refusals are not counted, windows only expire), so the answer is the same, and a flood costs
 * Redis nothing.
 */
import { redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import { RedisKeys } from '../contracts/RedisKeys.js';

/** Options of ActivityRateLimiter. */
export interface ActivityRateLimiterOptions {
  /** A normal connection for the counters. */
  redis: RedisHandle;
  /** Key prefix of the counters, e.g. `lantern:dl:ratelimit:`; keys are `<prefix>activities:{<subject>}:b|w` (one hash tag). */
  keyPrefix: string;
  /** At most `burstMax` per `burstWindowMs`… */
  burstMax: number;
  burstWindowMs: number;
  /** …and at most `max` per `windowMs`. */
  max: number;
  windowMs: number;
}

/** The answer for one request. */
export type RateDecision =
  | { allowed: true }
  /** `fresh`: Redis was asked (the first refusal of this block on this instance), for logging once. */
  | { allowed: false; retryAfterMs: number; fresh: boolean };

// KEYS: burst counter, window counter. ARGV: burst max, burst ms, max, window ms, cost.
// Returns 0 when the request is allowed (and counted in both windows), else the ms until it would be.
// A request costing more than a window holds is allowed when that window is empty (it never could be otherwise).
const TAKE = redisScript(
  'lanternActivityRateTake',
  `
local cost = tonumber(ARGV[5])
local function wait(key, max, ms)
  local n = tonumber(redis.call('GET', key) or '0')
  if n == 0 or n + cost <= tonumber(max) then return 0 end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ms)
    ttl = tonumber(ms)
  end
  return math.max(ttl, 1)
end
local burst = wait(KEYS[1], ARGV[1], ARGV[2])
local window = wait(KEYS[2], ARGV[3], ARGV[4])
if burst > 0 or window > 0 then return math.max(burst, window) end
if redis.call('INCRBY', KEYS[1], cost) == cost then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('INCRBY', KEYS[2], cost) == cost then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return 0`,
);

/** Two-window rate limit per subject, shared by every instance through Redis. */
export class ActivityRateLimiter {
  /** Subjects Redis refused, and until when (epoch ms). */
  private readonly blockedUntil = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly options: ActivityRateLimiterOptions) {
    for (const name of ['burstMax', 'burstWindowMs', 'max', 'windowMs'] as const) {
      if (!Number.isSafeInteger(options[name]) || options[name] <= 0) {
        throw new RangeError(`ActivityRateLimiter: ${name} must be a positive integer`);
      }
    }
  }

  /**
   * Milliseconds `subject` must still wait according to what this instance already learnt from
   * Redis (0 when it knows of no block): a synchronous check that costs no Redis round trip.
   */
  blockedFor(subject: string): number {
    const now = Date.now();
    this.sweep(now);
    const until = this.blockedUntil.get(subject);
    if (until === undefined) return 0;
    if (until > now) return until - now;
    this.blockedUntil.delete(subject);
    return 0;
  }

  /**
   * Counts one request of `subject` (a pseudonym) with weight `cost` (a positive integer), or says
   * how long it must wait. A refusal is not counted. While this instance knows `subject` is
   * blocked, it answers without Redis (a cheaper request might fit, but the block is short).
   */
  async take(subject: string, cost = 1): Promise<RateDecision> {
    const known = this.blockedFor(subject);
    if (known > 0) return { allowed: false, retryAfterMs: known, fresh: false };
    const { redis, keyPrefix, burstMax, burstWindowMs, max, windowMs } = this.options;
    const { burst, window } = RedisKeys.activityRateLimit(keyPrefix, subject);
    const args = [burstMax, burstWindowMs, max, windowMs, Math.max(1, Math.trunc(cost))];
    const retryAfterMs = Number(await runScript(redis, TAKE, [burst, window], args));
    if (!(retryAfterMs > 0)) return { allowed: true };
    this.blockedUntil.set(subject, Date.now() + retryAfterMs);
    return { allowed: false, retryAfterMs, fresh: true };
  }

  /** Forgets blocks that are over (at most once a second). */
  private sweep(now: number): void {
    if (now - this.lastSweep < 1_000) return;
    this.lastSweep = now;
    for (const [subject, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(subject);
  }
}

/**
 * The flood limits of `POST …/activities`, so one young person's page that sends too much never
 * slows the others down (docs/protocol.md, "Flood limits"):
 *
 * - turns in flight: at most `maxInFlight` posts of one conversation wait for the bot on this
 *   instance; one more is refused at once;
 * - the shared rate (ActivityRateLimiter, in Redis, so across instances), per conversation token,
 *   an activity counting once per started `charactersPerCount` characters of its text; a refusal
 *   for the rate is answered after a pause of up to `rateLimitedDelayMs` (see `holdFor`);
 * - the quick exit (`endOfConversation`) is never limited, but runs one at a time per conversation;
 * - `typing` is echoed, never stored: at most `typingMax` per `typingWindowMs` per conversation on
 *   this instance (no Redis), so a flood of them cannot load the streams.
 */
import type { Activity } from 'botbuilder';
import type { FastifyBaseLogger } from 'fastify';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import { ActivityRateLimiter } from './ActivityRateLimiter.js';
import { RateLimitedError } from './errors.js';
import { DIRECT_LINE_LIMITS } from './limits.js';

/** Options of ActivityFloodGuard (each defaults to DIRECT_LINE_LIMITS). */
export interface ActivityFloodGuardOptions {
  redis: RedisHandle;
  /** Redis key prefix of the rate counters. */
  keyPrefix: string;
  /** The keyed pseudonym a conversation's counters are named by (never its id). */
  pseudonym(conversationId: string): Promise<string>;
  log: FastifyBaseLogger;
  burstMax?: number;
  burstWindowMs?: number;
  max?: number;
  windowMs?: number;
  charactersPerCount?: number;
  maxInFlight?: number;
  rateLimitedDelayMs?: number;
  typingMax?: number;
  typingWindowMs?: number;
}

/** A positive integer option, or its default; anything else is a configuration mistake. */
export function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result <= 0) throw new RangeError(`directLinePlugin: ${name} must be a positive integer`);
  return result;
}

/** Length of a string in Unicode code points (a surrogate pair counts once), without copying it. */
export function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Admits or refuses the young person's activities. */
export class ActivityFloodGuard {
  private readonly limiter: ActivityRateLimiter;
  private readonly charactersPerCount: number;
  private readonly maxInFlight: number;
  private readonly rateLimitedDelayMs: number;
  /** POSTs of each conversation awaiting the bot on this instance. */
  private readonly inFlight = new Map<string, number>();
  /** Conversations whose endOfConversation is being handled on this instance. */
  private readonly ending = new Set<string>();
  /** Refusals whose answer is held back, and for how long (ms). */
  private readonly held = new WeakMap<object, number>();
  private readonly typingMax: number;
  private readonly typingWindowMs: number;
  /** Typing activities of each conversation in its current window on this instance. */
  private readonly typing = new Map<string, { since: number; count: number }>();

  constructor(private readonly options: ActivityFloodGuardOptions) {
    const limits = DIRECT_LINE_LIMITS;
    this.limiter = new ActivityRateLimiter({
      redis: options.redis,
      keyPrefix: options.keyPrefix,
      burstMax: positiveInt(options.burstMax, limits.activityBurstMax, 'activityRateLimit.burstMax'),
      burstWindowMs: positiveInt(options.burstWindowMs, limits.activityBurstWindowMs, 'activityRateLimit.burstWindowMs'),
      max: positiveInt(options.max, limits.activityRateLimitMax, 'activityRateLimit.max'),
      windowMs: positiveInt(options.windowMs, limits.activityRateLimitWindowMs, 'activityRateLimit.windowMs'),
    });
    this.charactersPerCount = positiveInt(options.charactersPerCount, limits.activityCharactersPerCount, 'activityRateLimit.charactersPerCount');
    this.maxInFlight = positiveInt(options.maxInFlight, limits.maxActivitiesInFlight, 'maxActivitiesInFlight');
    this.rateLimitedDelayMs = options.rateLimitedDelayMs ?? limits.rateLimitedDelayMs;
    this.typingMax = positiveInt(options.typingMax, limits.typingMax, 'typingMax');
    this.typingWindowMs = positiveInt(options.typingWindowMs, limits.typingWindowMs, 'typingWindowMs');
    if (!Number.isSafeInteger(this.rateLimitedDelayMs) || this.rateLimitedDelayMs < 0) {
      throw new RangeError('directLinePlugin: rateLimitedDelayMs must be a non-negative integer');
    }
  }

  /**
   * Admits one activity of the conversation before anything is looked up: the quick exit one at a
   * time; messages and events while there is a place in flight and no block this instance knows
   * of; typing always. Returns the function that gives the place back (call it in `finally`).
   */
  async admit(conversationId: string, activity: Partial<Pick<Activity, 'type'>>): Promise<{ release: () => void; subject?: string }> {
    if (activity.type === 'endOfConversation') {
      // The quick exit must always get through, so it is not limited; one at a time, though.
      if (this.ending.has(conversationId)) throw new RateLimitedError('The conversation is already ending.', 1);
      this.ending.add(conversationId);
      return { release: () => this.ending.delete(conversationId) };
    }
    if (activity.type === 'typing') {
      this.admitTyping(conversationId);
      return { release: () => undefined };
    }
    if (activity.type !== 'message' && activity.type !== 'event') return { release: () => undefined };
    // Cheapest first, so a flood is refused without touching Redis: this instance's queue of
    // turns, then a block this instance already knows of.
    const release = this.takePlace(conversationId);
    try {
      const subject = await this.options.pseudonym(conversationId);
      const waitMs = this.limiter.blockedFor(subject);
      if (waitMs > 0) throw this.tooFast(waitMs);
      return { release, subject };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Counts one typing activity of the conversation in its window, or refuses it (429) over `typingMax`. */
  private admitTyping(conversationId: string): void {
    const now = Date.now();
    let window = this.typing.get(conversationId);
    if (!window || now - window.since >= this.typingWindowMs) {
      // Forget finished windows now and then, so the map holds only conversations typing lately.
      if (this.typing.size >= 10_000) for (const [id, old] of this.typing) if (now - old.since >= this.typingWindowMs) this.typing.delete(id);
      window = { since: now, count: 0 };
      this.typing.set(conversationId, window);
    }
    if (window.count >= this.typingMax) throw new RateLimitedError('Too many typing activities, try again later.', Math.max(1, Math.ceil((window.since + this.typingWindowMs - now) / 1000)));
    window.count += 1;
  }

  /** Counts an admitted message or event against the shared rate (all instances), or refuses it (429). */
  async count(subject: string, activity: Partial<Pick<Activity, 'text'>>): Promise<void> {
    const length = typeof activity.text === 'string' ? codePoints(activity.text) : 0;
    const decision = await this.limiter.take(subject, Math.max(1, Math.ceil(length / this.charactersPerCount)));
    if (decision.allowed) return;
    if (decision.fresh) this.options.log.warn({ event: 'directline.activity.rate_limited' });
    throw this.tooFast(decision.retryAfterMs);
  }

  /** How long the answer to this error is held back (ms), if it is a refusal for the rate. */
  holdFor(error: unknown): number | undefined {
    return error && typeof error === 'object' ? this.held.get(error) : undefined;
  }

  /** Takes one of the conversation's in-flight places on this instance, or refuses at once (429). */
  private takePlace(conversationId: string): () => void {
    const busy = this.inFlight.get(conversationId) ?? 0;
    if (busy >= this.maxInFlight) {
      throw new RateLimitedError('Too many messages are still being answered. Wait a moment, then send again.', 1);
    }
    this.inFlight.set(conversationId, busy + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(conversationId) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(conversationId);
      else this.inFlight.set(conversationId, left);
    };
  }

  /**
   * The 429 for a young person who sends too fast. Its answer is held back for up to
   * `rateLimitedDelayMs` (never longer than the wait itself; Retry-After counts from the answer),
   * so a client that floods in a loop slows itself down instead of keeping the instance busy.
   */
  private tooFast(retryAfterMs: number): RateLimitedError {
    const holdMs = Math.min(this.rateLimitedDelayMs, retryAfterMs);
    const error = new RateLimitedError(
      'You are sending messages very fast. Wait a few seconds, then send again.',
      Math.max(1, Math.ceil((retryAfterMs - holdMs) / 1000)),
    );
    if (holdMs > 0) this.held.set(error, holdMs);
    return error;
  }
}

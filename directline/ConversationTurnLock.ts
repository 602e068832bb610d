/**
 * Runs the turns of one conversation one after the other, on this instance (a promise chain)
 * and across instances (a short Redis lock), so two quick messages never race on the
 * conversation's state and no eTag conflict throws a message away.
 *
 * Round trips: taking the lock also reads the conversation's bot state (one script, both keys in the
 * conversation's hash tag), which RedisStorage then uses for the turn instead of asking again
 * (turnPrefetch.ts). The release is sent when the turn ends but not waited for: it goes on the same
 * connection before anything this instance sends later (the next turn's lock among it), and the
 * other instances poll, so nobody can see the lock held longer than the release takes.
 */
import type { RedisHandle } from '../contracts/RedisHandle.js';
import { redisScript, runScript } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { uniqueToken } from '../contracts/uniqueToken.js';
import { withPrefetched, type PrefetchedItem } from './turnPrefetch.js';

/** Options of ConversationTurnLock. */
export interface ConversationTurnLockOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** How long a lock is held at most if its holder dies (ms). */
  leaseMs?: number;
  /** How long to wait for another instance's turn before giving up (ms). */
  waitMs?: number;
  /**
   * The bot state item to read with the lock (a Storage key), or undefined for none. Default: the
   * conversation state of the web channel, `webchat/conversations/<id>/` (botbuilder's ConversationState).
   */
  stateKey?: (conversationId: string) => string | undefined;
}

/** Raised when another instance holds a conversation's lock for longer than waitMs. */
export class TurnLockTimeoutError extends Error {
  override name = 'TurnLockTimeoutError';
}

// KEYS: lock, bot state item (same conversation, same slot). ARGV: token, lease ms.
// Returns 0 when the lock is held by another, else {1, etag, data} of the state item.
const ACQUIRE = redisScript(
  'lanternTurnLockAcquire',
  `
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 0 end
local item = redis.call('HMGET', KEYS[2], 'etag', 'data')
return {1, item[1], item[2]}
`,
);

// KEYS: lock. ARGV: token. Deletes the lock only while it is still this turn's.
const RELEASE = redisScript('lanternTurnLockRelease', `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`);

/** The web channel's conversation state key (botbuilder ConversationState, no namespace). */
const webchatConversationState = (conversationId: string) => `webchat/conversations/${conversationId}/`;

/** Per-conversation mutual exclusion for bot turns. */
export class ConversationTurnLock {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly stateKey: (conversationId: string) => string | undefined;

  constructor(private readonly options: ConversationTurnLockOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.waitMs = options.waitMs ?? 30_000;
    this.stateKey = options.stateKey ?? webchatConversationState;
  }

  /** Runs `work` when no other turn of this conversation runs anywhere. */
  run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(conversationId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.withRedisLock(conversationId, work));
    const tail = next.catch(() => undefined);
    this.tails.set(conversationId, tail);
    void tail.then(() => {
      if (this.tails.get(conversationId) === tail) this.tails.delete(conversationId);
    });
    return next;
  }

  private async withRedisLock<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const { redis, keys } = this.options;
    const key = keys.turnLock(conversationId);
    const storageKey = this.stateKey(conversationId);
    // Without a state item to read, the lock's own key stands in (HMGET of a string key is refused, so
    // the script would fail): a hash that never exists in the same slot.
    const stateKey = storageKey === undefined ? `${key}:none` : keys.botState(storageKey);
    const token = uniqueToken();
    const deadline = Date.now() + this.waitMs;
    let delay = 10;
    let taken: unknown;
    while ((taken = await runScript(redis, ACQUIRE, [key, stateKey], [token, this.leaseMs])) === 0) {
      if (Date.now() > deadline) throw new TurnLockTimeoutError('Another instance kept this conversation busy too long');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 200);
    }
    const [, etag, data] = taken as [number, string | null, string | null];
    const prefetched = new Map<string, PrefetchedItem>(storageKey === undefined ? [] : [[stateKey, [etag, data]]]);
    try {
      return await withPrefetched(prefetched, work);
    } finally {
      // Not waited for (see the module comment); a failure leaves the lock to its lease.
      runScript(redis, RELEASE, [key], [token]).catch(() => undefined);
    }
  }
}

/**
 * Runs the turns of one conversation one after the other, on this instance (a promise chain)
 * and across instances (a short Redis lock), so two quick messages never race on the
 * conversation's state and no eTag conflict throws a message away.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../contracts/RedisKeys.js';

/** Options of ConversationTurnLock. */
export interface ConversationTurnLockOptions {
  redis: Redis;
  keys: RedisKeys;
  /** How long a lock is held at most if its holder dies (ms). */
  leaseMs?: number;
  /** How long to wait for another instance's turn before giving up (ms). */
  waitMs?: number;
}

/** Raised when another instance holds a conversation's lock for longer than waitMs. */
export class TurnLockTimeoutError extends Error {
  override name = 'TurnLockTimeoutError';
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** Per-conversation mutual exclusion for bot turns. */
export class ConversationTurnLock {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly leaseMs: number;
  private readonly waitMs: number;

  constructor(private readonly options: ConversationTurnLockOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.waitMs = options.waitMs ?? 30_000;
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
    const key = this.options.keys.turnLock(conversationId);
    const token = randomBytes(12).toString('base64url');
    const deadline = Date.now() + this.waitMs;
    let delay = 10;
    while ((await this.options.redis.set(key, token, 'PX', this.leaseMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new TurnLockTimeoutError('Another instance kept this conversation busy too long');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 200);
    }
    try {
      return await work();
    } finally {
      await this.options.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }
}

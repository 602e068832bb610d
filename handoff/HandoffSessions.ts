/**
 * Live handoff sessions: who is talking with which conversation, kept in our own Redis hash with a
 * TTL (not in a BullMQ job, so a long chat holds no lock). Codes and times only; never text.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../server/RedisKeys.js';
import type { HandoffJobData } from './HandoffQueue.js';

/** A conversation a counsellor has taken. */
export interface HandoffSession {
  conversationId: string;
  counsellor: string;
  claimedAt: number;
  /** Nobody on duty spoke the young person's language when it was claimed. */
  interpreterNeeded: boolean;
  job: HandoffJobData;
}

/** Options of HandoffSessions. */
export interface HandoffSessionsOptions {
  redis: Redis;
  keys: RedisKeys;
  /** Seconds a session lives after its last change (the conversation's retention). */
  ttlSeconds: number;
}

/** Raised when a session is not there (ended, expired) or belongs to another counsellor. */
export class SessionNotFoundError extends Error {
  override name = 'SessionNotFoundError';
  readonly statusCode = 404;
}

/** Storage of live sessions. */
export class HandoffSessions {
  constructor(private readonly options: HandoffSessionsOptions) {}

  /** Opens a session for a claimed conversation. */
  async open(session: HandoffSession): Promise<void> {
    const { redis, keys, ttlSeconds } = this.options;
    await redis
      .multi()
      .hset(keys.handoffSession(session.conversationId), {
        counsellor: session.counsellor,
        claimedAt: String(session.claimedAt),
        interpreterNeeded: session.interpreterNeeded ? '1' : '0',
        job: JSON.stringify(session.job),
      })
      .expire(keys.handoffSession(session.conversationId), ttlSeconds)
      .sadd(keys.counsellorSessions(session.counsellor), session.conversationId)
      .expire(keys.counsellorSessions(session.counsellor), ttlSeconds)
      .exec();
  }

  /** The session of a conversation, if any. */
  async get(conversationId: string): Promise<HandoffSession | undefined> {
    const hash = await this.options.redis.hgetall(this.options.keys.handoffSession(conversationId));
    if (!hash.counsellor || !hash.job) return undefined;
    return {
      conversationId,
      counsellor: hash.counsellor,
      claimedAt: Number(hash.claimedAt),
      interpreterNeeded: hash.interpreterNeeded === '1',
      job: JSON.parse(hash.job) as HandoffJobData,
    };
  }

  /** The session, only if it is this counsellor's. */
  async getOwn(conversationId: string, counsellor: string): Promise<HandoffSession> {
    const session = await this.get(conversationId);
    if (!session || session.counsellor !== counsellor) throw new SessionNotFoundError('No open conversation with that id for you');
    return session;
  }

  /** The conversations a counsellor has open (expired ones dropped). */
  async ofCounsellor(counsellor: string): Promise<HandoffSession[]> {
    const ids = await this.options.redis.smembers(this.options.keys.counsellorSessions(counsellor));
    const sessions: HandoffSession[] = [];
    for (const id of ids) {
      const session = await this.get(id);
      if (session?.counsellor === counsellor) sessions.push(session);
      else await this.options.redis.srem(this.options.keys.counsellorSessions(counsellor), id);
    }
    return sessions.sort((a, b) => a.claimedAt - b.claimedAt);
  }

  /** Hands a session to another counsellor. */
  async transfer(conversationId: string, from: string, to: string): Promise<HandoffSession> {
    const session = await this.getOwn(conversationId, from);
    await this.close(conversationId, from);
    const moved = { ...session, counsellor: to };
    await this.open(moved);
    return moved;
  }

  /** Closes a session. */
  async close(conversationId: string, counsellor: string): Promise<void> {
    await this.options.redis
      .multi()
      .del(this.options.keys.handoffSession(conversationId))
      .srem(this.options.keys.counsellorSessions(counsellor), conversationId)
      .exec();
  }
}

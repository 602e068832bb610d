/**
 * Live handoff sessions: who is talking with which conversation, kept in our own Redis hash with a
 * TTL (not in a BullMQ job, so a long chat holds no lock). Codes, times and the counsellors' own
 * handover note only; never the young person's text.
 *
 * Closing is atomic and checks the owner, so of "end", "transfer", "logout" and the sweep that
 * returns orphaned conversations, exactly one wins for a conversation.
 *
 * The session hash, the counsellor's set of conversations and the holders' index share the
 * `{handoff}` hash tag (not the conversation's): opening and closing change all of them in one
 * MULTI or script, also on a cluster, so no index can lose a conversation that is held.
 */
import { redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { readRetention } from '../directline/ConversationRetention.js';
import type { HandoffJobData } from './HandoffQueue.js';
import { PRIORITY_RANK, type Priority } from '../contracts/profileCodes.js';
import { SessionNotFoundError } from './errors.js';
export { SessionNotFoundError };

/** A colleague's note when passing a conversation on. */
export interface Handover {
  from: string;
  note: string;
  at: number;
}

/** A conversation a counsellor has taken. */
export interface HandoffSession {
  conversationId: string;
  counsellor: string;
  claimedAt: number;
  /** Nobody on duty spoke the young person's language when it was claimed. */
  interpreterNeeded: boolean;
  job: HandoffJobData;
  /** Set when a colleague passed the conversation on. */
  handover?: Handover;
}

/** Options of HandoffSessions. */
export interface HandoffSessionsOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Seconds a session lives after its last change (the conversation's retention). */
  ttlSeconds: number;
}


/**
 * KEYS: session, the counsellor's set (both `{handoff}`). ARGV: counsellor, conversation id.
 * Deletes the session when it still belongs to ARGV[1]; returns its job JSON and raised priority, or false.
 */
const TAKE = redisScript(
  'lanternHandoffSessionTake',
  `
local owner = redis.call('HGET', KEYS[1], 'counsellor')
if owner ~= ARGV[1] then
  redis.call('SREM', KEYS[2], ARGV[2])
  return false
end
local fields = redis.call('HMGET', KEYS[1], 'job', 'priority')
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return {fields[1], fields[2] or ''}
`,
);

/** KEYS: session. ARGV: priority. Sets the raised priority of a session that exists (never creates one). */
const RAISE = redisScript(
  'lanternHandoffSessionRaise',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'priority', ARGV[1])
return 1
`,
);

/** The job with a priority raised during the chat applied (never lowered). */
function withPriority(job: HandoffJobData, raised: string | undefined): HandoffJobData {
  if (raised !== 'danger' && raised !== 'raised') return job;
  return PRIORITY_RANK[raised] > PRIORITY_RANK[job.priority] ? { ...job, priority: raised } : job;
}

/** Storage of live sessions. */
export class HandoffSessions {
  constructor(private readonly options: HandoffSessionsOptions) {}

  /** Opens a session for a claimed conversation. */
  async open(session: HandoffSession): Promise<void> {
    const { redis, keys } = this.options;
    // As long as the conversation is kept (longer when the young person chose so: ConversationRetention.ts).
    const ttlSeconds = await readRetention(redis, keys, session.conversationId, this.options.ttlSeconds);
    const hash: Record<string, string> = {
      counsellor: session.counsellor,
      claimedAt: String(session.claimedAt),
      interpreterNeeded: session.interpreterNeeded ? '1' : '0',
      job: JSON.stringify(session.job),
    };
    if (session.handover) hash.handover = JSON.stringify(session.handover);
    await redis
      .multi()
      .del(keys.handoffSession(session.conversationId))
      .hset(keys.handoffSession(session.conversationId), hash)
      .expire(keys.handoffSession(session.conversationId), ttlSeconds)
      .sadd(keys.counsellorSessions(session.counsellor), session.conversationId)
      .expire(keys.counsellorSessions(session.counsellor), ttlSeconds)
      .sadd(keys.handoffHolders(), session.counsellor)
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
      job: withPriority(JSON.parse(hash.job) as HandoffJobData, hash.priority),
      ...(hash.handover ? { handover: JSON.parse(hash.handover) as Handover } : {}),
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

  /** How many conversations a counsellor has open. */
  async countOf(counsellor: string): Promise<number> {
    return (await this.ofCounsellor(counsellor)).length;
  }

  /** Usernames that may hold sessions (the sweep's index; no conversation ids). */
  async holders(): Promise<string[]> {
    return this.options.redis.smembers(this.options.keys.handoffHolders());
  }

  /** Drops a username from the holders' index when it holds nothing any more. */
  async forgetHolderIfIdle(counsellor: string): Promise<void> {
    if ((await this.countOf(counsellor)) === 0) await this.options.redis.srem(this.options.keys.handoffHolders(), counsellor);
  }

  /**
   * Closes the session if it is still this counsellor's, atomically. Returns the job it held, or
   * undefined when someone else closed it first (ended, transferred, returned to the list).
   */
  async take(conversationId: string, counsellor: string): Promise<HandoffJobData | undefined> {
    const { redis, keys } = this.options;
    const taken = (await runScript(redis, TAKE, [keys.handoffSession(conversationId), keys.counsellorSessions(counsellor)], [counsellor, conversationId])) as [string, string] | null;
    return taken?.[0] ? withPriority(JSON.parse(taken[0]) as HandoffJobData, taken[1]) : undefined;
  }

  /**
   * Raises an open session's priority (something the young person wrote during the chat); a
   * lower one is ignored when read. False when there is no session.
   */
  async raisePriority(conversationId: string, priority: Exclude<Priority, 'normal'>): Promise<boolean> {
    const session = await this.get(conversationId);
    if (!session || PRIORITY_RANK[priority] <= PRIORITY_RANK[session.job.priority]) return false;
    return (await runScript(this.options.redis, RAISE, [this.options.keys.handoffSession(conversationId)], [priority])) === 1;
  }

  /** Closes a session whoever holds it (the young person deleted the conversation). */
  async closeAny(conversationId: string): Promise<HandoffSession | undefined> {
    const session = await this.get(conversationId);
    if (!session) return undefined;
    return (await this.take(conversationId, session.counsellor)) ? session : undefined;
  }
}

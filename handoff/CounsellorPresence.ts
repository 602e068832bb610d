/**
 * Which counsellors are on duty, and which languages they speak: a heartbeat from each open
 * console (every few seconds) in a Redis sorted set. Used to route by language and to mark a
 * conversation "interpreter needed" when nobody on duty speaks its language.
 */
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { Language } from '../contracts/languages.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';

/** Options of CounsellorPresence. */
export interface CounsellorPresenceOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** A counsellor counts as on duty this long after their last heartbeat (ms). */
  windowMs?: number;
  now?: () => number;
}

/** On-duty counsellors. */
export class CounsellorPresence {
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CounsellorPresenceOptions) {
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Records that a counsellor's console is open. */
  async heartbeat(username: string, languages: readonly Language[]): Promise<void> {
    await this.options.redis
      .multi()
      .zadd(this.options.keys.counsellorPresence(), this.now(), username)
      .hset(this.options.keys.counsellorLanguages(), username, languages.join(','))
      .exec();
  }

  /** Records that a counsellor went off duty (logged out, closed the console). */
  async leave(username: string): Promise<void> {
    await this.options.redis.zrem(this.options.keys.counsellorPresence(), username);
  }

  /** When the counsellor's console last sent a heartbeat (ms), or undefined when off duty. */
  async lastHeartbeat(username: string): Promise<number | undefined> {
    const score = await this.options.redis.zscore(this.options.keys.counsellorPresence(), username);
    return score === null ? undefined : Number(score);
  }

  /** Counsellors on duty now, with their languages. */
  async onDuty(): Promise<Array<{ username: string; languages: Language[] }>> {
    const { redis, keys } = this.options;
    const since = this.now() - this.windowMs;
    await redis.zremrangebyscore(keys.counsellorPresence(), '-inf', since);
    const names = await redis.zrangebyscore(keys.counsellorPresence(), since, '+inf');
    if (names.length === 0) return [];
    const languages = await redis.hmget(keys.counsellorLanguages(), ...names);
    return names.map((username, i) => ({ username, languages: (languages[i] ?? '').split(',').filter(Boolean) as Language[] }));
  }

  /** Languages spoken by at least one counsellor on duty. */
  async spokenLanguages(): Promise<Set<Language>> {
    return new Set((await this.onDuty()).flatMap((c) => c.languages));
  }
}

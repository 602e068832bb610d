/**
 * Which counsellors are on duty, and which languages they speak: a heartbeat from each open
 * console (every few seconds) in a Redis sorted set. Used to route by language and to mark a
 * conversation "interpreter needed" when nobody on duty speaks its language.
 */
import { redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { Language } from '../contracts/languages.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';

// KEYS: presence (sorted set), languages (hash). ARGV: the oldest heartbeat that still counts (ms).
// Forgets older heartbeats and returns [username, "ar,nl", username, "", …] in one round trip.
const ON_DUTY = redisScript(
  'lanternPresenceOnDuty',
  `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local names = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local result = {}
for _, name in ipairs(names) do
  result[#result + 1] = name
  result[#result + 1] = redis.call('HGET', KEYS[2], name) or ''
end
return result
`,
);

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

  /**
   * Counsellors on duty now, with their languages: one round trip (a turn asking for a person and
   * every refresh of the consoles' list wait for it, behind everything else under a burst).
   */
  async onDuty(): Promise<Array<{ username: string; languages: Language[] }>> {
    const { redis, keys } = this.options;
    const flat = (await runScript(redis, ON_DUTY, [keys.counsellorPresence(), keys.counsellorLanguages()], [this.now() - this.windowMs])) as string[];
    const result: Array<{ username: string; languages: Language[] }> = [];
    for (let i = 0; i < flat.length; i += 2) result.push({ username: flat[i]!, languages: flat[i + 1]!.split(',').filter(Boolean) as Language[] });
    return result;
  }

  /** Languages spoken by at least one counsellor on duty. */
  async spokenLanguages(): Promise<Set<Language>> {
    return new Set((await this.onDuty()).flatMap((c) => c.languages));
  }
}

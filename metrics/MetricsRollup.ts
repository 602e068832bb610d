/**
 * Rolls finished hourly counters into daily ones (atomically per hour, so running it twice counts
 * nothing twice) and lets daily counters expire after the metrics retention. Counts only.
 */
import { redisScript, runScript, scanKeys, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { amsterdamHour } from './calendar.js';

// KEYS[1] hour hash, KEYS[2] day hash (both `{metrics}`); ARGV[1] day TTL. Moves every field, deletes the hour, returns fields moved.
const ROLL = redisScript(
  'lanternMetricsRoll',
  `
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do redis.call('HINCRBY', KEYS[2], fields[i], tonumber(fields[i + 1])) end
if #fields > 0 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[1])) end
redis.call('DEL', KEYS[1])
return #fields / 2
`,
);

/** Options of MetricsRollup. */
export interface MetricsRollupOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** How long daily counters are kept (seconds). */
  dayTtlSeconds: number;
  now?: () => number;
}

/** The rollup task. */
export class MetricsRollup {
  constructor(private readonly options: MetricsRollupOptions) {}

  /** Rolls every hour before the current one into its day; returns how many hours were rolled. */
  async run(): Promise<number> {
    const { redis, keys } = this.options;
    const current = amsterdamHour(new Date((this.options.now ?? Date.now)()));
    const prefix = keys.metricsHour('');
    let rolled = 0;
    for (const key of await scanKeys(redis, keys.metricsHourPattern())) {
      const hour = key.slice(prefix.length);
      if (hour >= current) continue;
      await runScript(redis, ROLL, [key, keys.metricsDay(hour.slice(0, 10))], [String(this.options.dayTtlSeconds)]);
      rolled += 1;
    }
    return rolled;
  }
}

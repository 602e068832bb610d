/**
 * Counts anonymous events in hourly Redis hashes (Europe/Amsterdam hours), which a maintenance task
 * rolls up into daily hashes. Recording never fails a conversation: a Redis error is logged as a code.
 *
 * One command per event (a script: the increments and the expiry), and `record` does not wait for
 * Redis' answer: a bot turn that counts something spends no round trip on it. Whatever is read
 * later on the same connection (the app's handle: the API, the rollup) comes after it in Redis.
 */
import { redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { eventFields, type MetricEvent } from './MetricEvent.js';
import { amsterdamHour } from './calendar.js';

/** Options of MetricsRecorder. */
export interface MetricsRecorderOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Hourly counters are rolled up long before this; it only bounds them if the rollup stops (s). */
  hourTtlSeconds?: number;
  now?: () => number;
  onError?: (code: string) => void;
}

// KEYS: the hour's hash. ARGV: ttl seconds, then the fields to count once each.
const COUNT = redisScript(
  'lanternMetricsCount',
  `
for i = 2, #ARGV do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return #ARGV - 1
`,
);

/** Records metric events. */
export class MetricsRecorder {
  constructor(private readonly options: MetricsRecorderOptions) {}

  /** Counts one event in the current hour (sent at once; resolves without waiting for Redis). */
  async record(event: MetricEvent): Promise<void> {
    try {
      const hour = amsterdamHour(new Date((this.options.now ?? Date.now)()));
      const fields = eventFields(event, hour);
      if (fields.length === 0) return;
      const key = this.options.keys.metricsHour(hour);
      runScript(this.options.redis, COUNT, [key], [this.options.hourTtlSeconds ?? 7 * 24 * 3600, ...fields]).catch((error: Error) => this.options.onError?.(error.name));
    } catch (error) {
      this.options.onError?.((error as Error).name);
    }
  }
}

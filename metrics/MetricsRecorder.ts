/**
 * Counts anonymous events in hourly Redis hashes (Europe/Amsterdam hours), which a maintenance task
 * rolls up into daily hashes. Recording never fails a conversation: a Redis error is logged as a code.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { eventFields, type MetricEvent } from './MetricEvent.js';
import { amsterdamHour } from './calendar.js';

/** Options of MetricsRecorder. */
export interface MetricsRecorderOptions {
  redis: Redis;
  keys: RedisKeys;
  /** Hourly counters are rolled up long before this; it only bounds them if the rollup stops (s). */
  hourTtlSeconds?: number;
  now?: () => number;
  onError?: (code: string) => void;
}

/** Records metric events. */
export class MetricsRecorder {
  constructor(private readonly options: MetricsRecorderOptions) {}

  /** Counts one event in the current hour. */
  async record(event: MetricEvent): Promise<void> {
    try {
      const fields = eventFields(event);
      const key = this.options.keys.metricsHour(amsterdamHour(new Date((this.options.now ?? Date.now)())));
      const multi = this.options.redis.multi();
      for (const field of fields) multi.hincrby(key, field, 1);
      multi.expire(key, this.options.hourTtlSeconds ?? 7 * 24 * 3600);
      await multi.exec();
    } catch (error) {
      this.options.onError?.((error as Error).name);
    }
  }
}

/**
 * Honest wait estimates from the waits that really happened: the median of the most recent
 * claims' waiting times, times the place in line. With too few recent claims, or nobody on duty,
 * there is no estimate, and the bot says it cannot tell.
 */
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';

/** How many recent waits are kept. */
const KEPT = 50;
/** Fewer recent waits than this give no estimate. */
const MIN_SAMPLES = 5;

/** Options of WaitEstimator. */
export interface WaitEstimatorOptions {
  redis: RedisHandle;
  keys: RedisKeys;
}

/** Records waits and estimates new ones. */
export class WaitEstimator {
  constructor(private readonly options: WaitEstimatorOptions) {}

  /** Records how long a conversation waited before a counsellor took it. */
  async record(waitMs: number): Promise<void> {
    const key = this.options.keys.handoffWaits();
    await this.options.redis.multi().lpush(key, String(Math.max(0, Math.round(waitMs)))).ltrim(key, 0, KEPT - 1).exec();
  }

  /** Estimated minutes for the given place in line (1-based), or null when it cannot honestly be said. */
  async estimateMinutes(position: number, counsellorsOnDuty: number): Promise<number | null> {
    return (await this.estimator(counsellorsOnDuty))(position);
  }

  /** Reads the recent waits once and estimates any place in line from them (the tick's many estimates). */
  async estimator(counsellorsOnDuty: number): Promise<(position: number) => number | null> {
    if (counsellorsOnDuty === 0) return () => null;
    const waits = (await this.options.redis.lrange(this.options.keys.handoffWaits(), 0, KEPT - 1)).map(Number).sort((a, b) => a - b);
    if (waits.length < MIN_SAMPLES) return () => null;
    const median = waits[Math.floor(waits.length / 2)] ?? 0;
    // Each counsellor on duty takes people in parallel: the line moves that much faster.
    return (position) => Math.max(1, Math.round((median * Math.max(1, position)) / Math.max(1, counsellorsOnDuty) / 60_000));
  }
}

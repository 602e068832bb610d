/**
 * Metrics in tests: waiting for the recorder (it writes in the background), and checking a shown
 * figure against the true count behind it. Every count is changed by a keyed noise of at most 2
 * before "<5" and the rounding to fives (metrics/suppression.ts), so a test cannot name the figure
 * a count shows; it checks that the true count lies in the range the shown figure stands for
 * (`shownRange`), which still fails when a figure that should be 15 shows 40.
 */
import { expect } from 'vitest';
import { scanKeys, type RedisHandle } from '../../contracts/RedisHandle.js';
import type { RedisKeys } from '../../contracts/RedisKeys.js';
import { NOISE_TABLE, showChanged, shownRange, type ShownCount } from '../../metrics/suppression.js';

/** The raw hourly counters of one event name ("handoff_requested"), summed over every hour and code. */
export async function rawCount(redis: RedisHandle, keys: RedisKeys, name: string): Promise<number> {
  let n = 0;
  for (const key of await scanKeys(redis, keys.metricsHourPattern())) {
    for (const [field, value] of Object.entries(await redis.hgetall(key))) if (field.split('|')[0] === name) n += Number(value);
  }
  return n;
}

/**
 * Waits until the hourly counters hold exactly `expected` of each event name (throws after
 * `timeoutMs` with what they hold); usable in hooks too, where `expect.poll` is not.
 */
export async function untilCounted(redis: RedisHandle, keys: RedisKeys, expected: Record<string, number>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = Object.fromEntries(await Promise.all(Object.keys(expected).map(async (name) => [name, await rawCount(redis, keys, name)] as const)));
    if (Object.entries(expected).every(([name, n]) => counts[name] === n)) return;
    if (Date.now() > deadline) throw new Error(`metrics counted ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every figure a true count can show (each noise of the table). */
export function possibleShows(n: number): ShownCount[] {
  if (n <= 0) return [0];
  return [...new Set(NOISE_TABLE.map(({ noise }) => showChanged(Math.max(1, n + noise))))];
}

/**
 * Asserts that `shown` is a shown count ("<5", 0 or a multiple of 5) that stands for the true count
 * `n`: n lies in `shownRange(shown)` (and so `shown` is one of the figures n can show).
 */
export function expectStandsFor(shown: unknown, n: number, what = 'figure'): void {
  const isShown = shown === '<5' || (typeof shown === 'number' && (shown === 0 || (shown >= 5 && shown % 5 === 0)));
  expect(isShown, `${what}: ${JSON.stringify(shown)} is not a shown count`).toBe(true);
  const [low, high] = shownRange(shown as ShownCount);
  expect(n >= low && n <= high, `${what}: ${JSON.stringify(shown)} stands for ${low} to ${high}, not ${n}`).toBe(true);
  expect(possibleShows(n), `${what}: ${n} cannot show as ${JSON.stringify(shown)}`).toContain(shown);
}

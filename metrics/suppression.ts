/**
 * Disclosure control of every count coordinators see (API, dashboard, CSV, monthly report): cell-key
 * perturbation, as statistics offices such as the ABS do it, then "<5" and rounding to fives.
 * - 0 stays 0: it singles out nobody.
 * - Every other count n is first changed by a noise d from −2 to +2 (−2 and +2 each 10 %, −1 and +1
 *   each 20 %, 0 40 %), never below 1. The noise is not drawn at random each time: it is read from a
 *   keyed hash (HMAC-SHA256) of the figure's name and the true count, under a secret noise key kept
 *   in Redis. So the same figure with the same true count always shows the same value — asked twice,
 *   over a longer range that adds no events, under a language filter that leaves it unchanged — and
 *   asking again can never average the noise away.
 * - The changed count shows as "<5" under 5; from 5 up it is rounded to the nearest multiple of 5.
 * A shown figure therefore stands for a range of true counts (`shownRange`): "<5" for 1 to 6, 5 for
 * 3 to 9, 5k for 5k−4 to 5k+4. Rounding alone stopped the simple subtractions but not all of them
 * (two "<5" whose sum shows 10 were both 4; four "<5" under a "<5" total were all 1); with the noise
 * no count from 1 to 4 can be worked out from those, nor from the other overlapping ranges and
 * priorities tests/metrics/differencing.test.ts tries. One limit is left, as with any bounded noise
 * and an exact 0: six or more parts shown "<5" under a total shown "<5" (at most 6) are each 1.
 * Rates, bands and medians are made from the shown counts only, so they never say more than those.
 */
import { createHmac } from 'node:crypto';

/** Counts under this (after the noise) are suppressed. */
export const SUPPRESS_BELOW = 5;
/** Counts from SUPPRESS_BELOW up (after the noise) are rounded to a multiple of this. */
export const ROUND_TO = 5;
/** The largest change the noise makes to a count, up or down. */
export const MAX_NOISE = 2;

/** The noise table: each change with its probability (they add up to 1). */
export const NOISE_TABLE: ReadonlyArray<{ noise: number; probability: number }> = [
  { noise: -2, probability: 0.1 },
  { noise: -1, probability: 0.2 },
  { noise: 0, probability: 0.4 },
  { noise: 1, probability: 0.2 },
  { noise: 2, probability: 0.1 },
];

/** A count as coordinators may see it. */
export type ShownCount = number | '<5';

/**
 * The noise of one figure at one true count (from −MAX_NOISE to +MAX_NOISE): the first four bytes
 * of HMAC-SHA256(secret, figureId + "\0" + count), as a fraction of 2^32, looked up in NOISE_TABLE.
 * The same secret, figure and count always give the same noise.
 */
export function noiseOf(count: number, figureId: string, secret: Uint8Array): number {
  const digest = createHmac('sha256', secret).update(`${figureId}\0${count}`).digest();
  const u = digest.readUInt32BE(0) / 2 ** 32;
  let cumulative = 0;
  for (const { noise, probability } of NOISE_TABLE) {
    cumulative += probability;
    if (u < cumulative) return noise;
  }
  return NOISE_TABLE[NOISE_TABLE.length - 1]!.noise;
}

/**
 * The one way a count reaches a coordinator: 0 stays 0; any other true count is changed by its
 * figure's noise (`noiseOf`, never below 1), then shown as "<5" under 5, else rounded to the nearest
 * multiple of 5. `figureId` is the stable name of the figure ("handoff.byPriority.danger.requested",
 * "staffing.requests.h37"), never the date range or the language filter.
 */
export function perturb(count: number, figureId: string, secret: Uint8Array): ShownCount {
  if (count <= 0) return 0;
  return showChanged(Math.max(1, count + noiseOf(count, figureId, secret)));
}

/**
 * The last step of `perturb`: how a count already changed by the noise is shown ("<5" under 5, else
 * the nearest multiple of 5, never below 5; 0 stays 0). Never give it a true count: that would show
 * the count without its noise.
 */
export function showChanged(changed: number): ShownCount {
  if (changed <= 0) return 0;
  if (changed < SUPPRESS_BELOW) return '<5';
  return Math.max(SUPPRESS_BELOW, Math.round(changed / ROUND_TO) * ROUND_TO);
}

/**
 * The figures of one report, each through `perturb` with the report's noise key: `count(n, figureId)`.
 */
export class Disclosure {
  constructor(private readonly secret: Uint8Array) {}

  /** How a true count of the figure `figureId` is shown (see `perturb`). */
  count(count: number, figureId: string): ShownCount {
    return perturb(count, figureId, this.secret);
  }
}

/**
 * A ratio (two decimals) of two numbers, only when both are at least 5. Give it shown counts only
 * (MetricsQuery does): a ratio of true counts would say more than the counts shown beside it.
 */
export function safeRatio(part: number, whole: number): number | null {
  if (whole < SUPPRESS_BELOW || part < SUPPRESS_BELOW) return null;
  return Math.round((100 * part) / whole) / 100;
}

/**
 * The true counts a shown count stands for, the noise and the rounding together: 0 → 0; "<5" → 1 to
 * 6 (changed to 1–4); 5 → 3 to 9 (changed to 5–7); 5k → 5k−4 to 5k+4 (changed to 5k−2 to 5k+2).
 */
export function shownRange(shown: ShownCount): [number, number] {
  if (shown === 0) return [0, 0];
  if (shown === '<5') return [1, SUPPRESS_BELOW - 1 + MAX_NOISE];
  const half = Math.floor(ROUND_TO / 2);
  const changedLow = shown === SUPPRESS_BELOW ? SUPPRESS_BELOW : shown - half;
  return [Math.max(1, changedLow - MAX_NOISE), shown + Math.floor((ROUND_TO - 1) / 2) + MAX_NOISE];
}

/**
 * The band a share of two shown counts lies in (whole percents, the part never above the whole),
 * from the shown counts only: it says nothing they do not, and is honest about their noise and
 * rounding (10 of 10 shown is "42–100 %": 6 to 14 of 6 to 14, not "100 %"). Null when either is under 5.
 */
export function shownRatioBand(part: ShownCount, whole: ShownCount): [number, number] | null {
  if (typeof part !== 'number' || typeof whole !== 'number' || part < SUPPRESS_BELOW || whole < SUPPRESS_BELOW) return null;
  const [partLow, partHigh] = shownRange(part);
  const [wholeLow, wholeHigh] = shownRange(whole);
  const low = Math.min(partLow, wholeHigh) / wholeHigh;
  const high = Math.min(1, partHigh / wholeLow);
  return [Math.floor(100 * low) / 100, Math.ceil(100 * high) / 100];
}

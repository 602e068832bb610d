/**
 * Disclosure control of every count coordinators see (API, dashboard, CSV):
 * - a count from 1 to 4 could single out a young person, so it shows as "<5";
 * - counts from 5 up are rounded to the nearest multiple of 5 (never below 5), which stops the
 *   simple subtractions (a total minus its parts, one date range minus an overlapping one) but not
 *   all: two "<5" whose sum shows 10 are both 4 (see tests/metrics/differencing.test.ts);
 * - 0 stays 0: it singles out nobody.
 */

/** Counts under this are suppressed. */
export const SUPPRESS_BELOW = 5;
/** Counts from SUPPRESS_BELOW up are rounded to a multiple of this. */
export const ROUND_TO = 5;

/** A count as coordinators may see it. */
export type ShownCount = number | '<5';

/** Suppresses or rounds one count. */
export function suppress(count: number): ShownCount {
  if (count <= 0) return 0;
  if (count < SUPPRESS_BELOW) return '<5';
  return Math.max(SUPPRESS_BELOW, Math.round(count / ROUND_TO) * ROUND_TO);
}

/** A ratio (two decimals), only when its parts are large enough to say anything without singling anyone out. */
export function safeRatio(part: number, whole: number): number | null {
  if (whole < SUPPRESS_BELOW || part < SUPPRESS_BELOW) return null;
  return Math.round((100 * part) / whole) / 100;
}

/** The true counts a shown count stands for: 0 → 0, "<5" → 1 to 4, 5 → 5 to 7, 5k → 5k−2 to 5k+2. */
export function shownRange(shown: ShownCount): [number, number] {
  if (shown === '<5') return [1, SUPPRESS_BELOW - 1];
  if (shown === 0) return [0, 0];
  if (shown === SUPPRESS_BELOW) return [SUPPRESS_BELOW, SUPPRESS_BELOW + Math.floor((ROUND_TO - 1) / 2)];
  return [shown - Math.floor(ROUND_TO / 2), shown + Math.floor((ROUND_TO - 1) / 2)];
}

/**
 * The band a share of two shown counts lies in (whole percents, the part never above the whole),
 * from the shown counts only: it says nothing they do not, and is honest about their rounding
 * (10 of 10 shown is "67–100 %", not "100 %"). Null when either is under 5.
 */
export function shownRatioBand(part: ShownCount, whole: ShownCount): [number, number] | null {
  if (typeof part !== 'number' || typeof whole !== 'number' || part < SUPPRESS_BELOW || whole < SUPPRESS_BELOW) return null;
  const [partLow, partHigh] = shownRange(part);
  const [wholeLow, wholeHigh] = shownRange(whole);
  const low = Math.min(partLow, wholeHigh) / wholeHigh;
  const high = Math.min(1, partHigh / wholeLow);
  return [Math.floor(100 * low) / 100, Math.ceil(100 * high) / 100];
}

/**
 * Disclosure control of every count coordinators see (API, dashboard, CSV):
 * - a count from 1 to 4 could single out a young person, so it shows as "<5";
 * - counts from 5 up are rounded to the nearest multiple of 5 (never below 5), so a hidden count
 *   cannot be worked out exactly by subtracting other figures (a total minus its parts, one date
 *   range minus an overlapping one, "entered" minus "went on");
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

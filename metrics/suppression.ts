/**
 * Small-cell suppression: a count from 1 to 4 could single out a young person, so it is shown as
 * "<5" everywhere (API, dashboard, CSV). 0 stays 0: it singles out nobody.
 */

/** Counts under this are suppressed. */
export const SUPPRESS_BELOW = 5;

/** A count as coordinators may see it. */
export type ShownCount = number | '<5';

/** Suppresses one count. */
export function suppress(count: number): ShownCount {
  return count > 0 && count < SUPPRESS_BELOW ? '<5' : count;
}

/** A ratio, only when its base is large enough to say anything without singling anyone out. */
export function safeRatio(part: number, whole: number): number | null {
  if (whole < SUPPRESS_BELOW || part < 0) return null;
  return Math.round((1000 * part) / whole) / 1000;
}

/**
 * Showing counts exactly as the API gives them. A number is formatted; anything else (the API's
 * "<5" for 1 to 4) is shown as it is: the dashboard never turns a suppressed count into a number,
 * never adds suppressed counts up, and derives a percentage only from two real numbers.
 */
import type { Count } from './api.js';
import { locale, t } from './i18n.js';

/** A count as text: "1.234", or the API's own marker ("<5"); "—" when missing. */
export function count(value: Count | null | undefined): string {
  if (typeof value === 'number' && isFinite(value)) return value.toLocaleString(locale());
  if (typeof value === 'string' && value) return value;
  return t('none');
}

/** A real number (not suppressed, not missing), else undefined. */
export function known(value: Count | null | undefined): number | undefined {
  return typeof value === 'number' && isFinite(value) ? value : undefined;
}

/** True for a suppressed count such as "<5". */
export function isSuppressed(value: Count | null | undefined): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * The range a suppressed count is drawn over: "<5" from 1 to 4, as the API shows it (numbers are
 * drawn at their shown value too; every count was changed by at most 2 before, so the true count
 * behind "<5" is 1 to 6, docs/api.md). 0 is always given as 0. Undefined for a marker of another
 * form (then it is only shown as text).
 */
export function suppressedRange(value: Count | null | undefined): [number, number] | undefined {
  if (!isSuppressed(value)) return undefined;
  const match = /^<\s*(\d+)$/.exec(value.trim());
  if (!match) return undefined;
  const below = Number(match[1]);
  return below > 1 ? [1, below - 1] : undefined;
}

/** A share 0..1 as "29 %" / "29%"; "—" for null. */
export function percent(share: number | null | undefined): string {
  if (typeof share !== 'number' || !isFinite(share)) return t('none');
  return share.toLocaleString(locale(), { style: 'percent', maximumFractionDigits: share < 0.1 ? 1 : 0 });
}

/**
 * `part / whole` as a percentage, only when both are real numbers and the whole is at least
 * `minimumBase` (the API's `suppressedBelow`); else undefined.
 */
export function share(part: Count | undefined, whole: Count | undefined, minimumBase: number): number | undefined {
  const p = known(part);
  const w = known(whole);
  if (p === undefined || w === undefined || w < minimumBase || w === 0) return undefined;
  return p / w;
}

/** "za 1 nov." / "Sat 1 Nov" for a calendar day "2026-11-01". */
export function day(date: string, withWeekday = true): string {
  const parsed = new Date(`${date}T12:00:00Z`);
  if (isNaN(parsed.getTime())) return date;
  return parsed.toLocaleDateString(locale(), { timeZone: 'UTC', day: 'numeric', month: 'short', ...(withWeekday ? { weekday: 'short' } : {}) });
}

/** "1 november 2026" for a calendar day. */
export function longDay(date: string): string {
  const parsed = new Date(`${date}T12:00:00Z`);
  if (isNaN(parsed.getTime())) return date;
  return parsed.toLocaleDateString(locale(), { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
}

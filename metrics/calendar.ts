/**
 * Dates for the metrics: hours and days in Europe/Amsterdam (what coordinators in the Netherlands
 * mean by "a day"). Hour keys look like 2026-11-22T14, day keys like 2026-11-22.
 */
const HOUR = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });

/** The Amsterdam hour of a moment: "YYYY-MM-DDTHH". */
export function amsterdamHour(at: Date): string {
  const p = Object.fromEntries(HOUR.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}`;
}

/** The Amsterdam day of a moment: "YYYY-MM-DD". */
export function amsterdamDay(at: Date): string {
  return amsterdamHour(at).slice(0, 10);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a string is a valid calendar date YYYY-MM-DD. */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string' || !DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The days from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

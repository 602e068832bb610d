/**
 * Dates for the metrics: hours and days in Europe/Amsterdam (what coordinators in the Netherlands
 * mean by "a day"). Hour keys look like 2026-11-22T14, day keys like 2026-11-22.
 */
const HOUR = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });

/** The last hour asked for (every event of a busy hour asks for the same one). */
let lastHour: { index: number; key: string } | undefined;

/** The Amsterdam hour of a moment: "YYYY-MM-DDTHH". */
export function amsterdamHour(at: Date): string {
  // Amsterdam's offset is whole hours and changes only on the hour: one UTC hour is one Amsterdam hour.
  const index = Math.floor(at.getTime() / 3_600_000);
  if (lastHour?.index === index) return lastHour.key;
  const p = Object.fromEntries(HOUR.formatToParts(at).map((x) => [x.type, x.value]));
  const key = `${p.year}-${p.month}-${p.day}T${p.hour}`;
  if (Number.isFinite(index)) lastHour = { index, key };
  return key;
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

const PERIOD = /^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$/;

/**
 * The first and last day of a calendar period: a year "2026", a quarter "2026-Q3" or a month
 * "2026-07". Undefined for anything else.
 */
export function periodRange(period: unknown): { from: string; to: string } | undefined {
  if (typeof period !== 'string') return undefined;
  const match = PERIOD.exec(period);
  if (!match) return undefined;
  const year = Number(match[1]);
  const firstMonth = match[2] ? (Number(match[2]) - 1) * 3 + 1 : match[3] ? Number(match[3]) : 1;
  const months = match[2] ? 3 : match[3] ? 1 : 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  const lastDay = new Date(Date.UTC(year, firstMonth - 1 + months, 0)).getUTCDate();
  return { from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(firstMonth + months - 1)}-${pad(lastDay)}` };
}

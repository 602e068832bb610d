/**
 * The help lines the bot and page mention, from config/helplines.json (one place to change them):
 * names, numbers, links and opening hours. `helplineOpen` answers "is this line open at this
 * moment?" in the line's own time zone (Europe/Amsterdam), so a text never says "now" for a line
 * that is closed, or whose hours nobody verified.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** A weekday as the schedules name it. */
export type Weekday = (typeof DAYS)[number];

/** A weekly schedule: per weekday, intervals ["HH:MM", "HH:MM"] (end exclusive, "24:00" allowed), and closed dates. */
export interface WeeklyHours {
  timeZone: string;
  weekly: Partial<Record<Weekday, Array<[string, string]>>>;
  /** Dates (YYYY-MM-DD, local) closed all day. */
  holidays?: string[];
}

/** When a line answers: always, on a schedule, or not known (null: never claimed open). */
export type HelplineHours = '24/7' | WeeklyHours | null;

/** One help line or organisation. */
export interface Helpline {
  id: string;
  name: string;
  phone?: string;
  url?: string;
  hours: HelplineHours;
  source: string;
}

/** The ids of the configured help lines. */
export const HELPLINE_IDS = ['emergency', 'veiligThuis', 'kindertelefoon', 'fier', 'keerpunt', 'comensha'] as const;
/** A help line id. */
export type HelplineId = (typeof HELPLINE_IDS)[number];

/** The configured help lines by id. */
export type Helplines = Record<HelplineId, Helpline>;

const HELPLINES_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'config', 'helplines.json');

/** Raised for a help-line file that cannot be used. */
export class HelplinesError extends Error {
  override name = 'HelplinesError';
}

/** Loads config/helplines.json (or another file with the same shape) and checks it. */
export function loadHelplines(file = HELPLINES_FILE): Helplines {
  const { $comment: _comment, ...lines } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const helplines = lines as unknown as Helplines;
  for (const id of HELPLINE_IDS) {
    const line = helplines[id];
    if (!line || typeof line.name !== 'string') throw new HelplinesError(`${file}: help line "${id}" is missing`);
    if (line.hours === undefined) throw new HelplinesError(`${file}: "${id}" has no "hours" ("24/7", a schedule, or null when unknown)`);
    if (!line.source) throw new HelplinesError(`${file}: "${id}" has no source`);
    if (line.hours && line.hours !== '24/7') for (const intervals of Object.values(line.hours.weekly)) for (const [from, to] of intervals ?? []) {
      if (minuteOf(from) >= minuteOf(to)) throw new HelplinesError(`${file}: "${id}" ${from}-${to} is empty`);
      if (minuteOf(from) % 15 !== 0) throw new HelplinesError(`${file}: "${id}" opens at ${from}: opening times are on quarter hours`);
    }
  }
  return helplines;
}

/** The help lines as interpolation variables for texts: `{{veiligThuisPhone}}`, `{{fierUrl}}`, `{{kindertelefoonName}}`, ... */
export function helplineVariables(helplines: Helplines): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [id, line] of Object.entries(helplines)) {
    if (line.phone) variables[`${id}Phone`] = line.phone;
    if (line.url) variables[`${id}Url`] = line.url;
    variables[`${id}Name`] = line.name;
  }
  return variables;
}

function minuteOf(hhmm: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new HelplinesError(`"${hhmm}" is not HH:MM`);
  const value = Number(match[1]) * 60 + Number(match[2]);
  if (value > 24 * 60) throw new HelplinesError(`"${hhmm}" is after 24:00`);
  return value;
}

const QUARTER = 15 * 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Date, weekday and minute of the day of a moment in a time zone. */
function localTime(at: Date, timeZone: string): { date: string; day: Weekday; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, day: (p.weekday ?? 'Mon').slice(0, 3).toLowerCase() as Weekday, minute: Number(p.hour) * 60 + Number(p.minute) };
}

/**
 * Per line: whether it was open in the minute last asked about (hours and holidays change on whole
 * minutes; a loaded line's hours never change).
 */
const lastMinute = new WeakMap<Pick<Helpline, 'hours'>, { minute: number; open: boolean | undefined }>();

/** Whether a line answers at this moment: true, false, or undefined when its hours are not known. */
export function helplineOpen(line: Pick<Helpline, 'hours'>, at: Date): boolean | undefined {
  const minute = Math.floor(at.getTime() / 60_000);
  let last = lastMinute.get(line);
  if (last?.minute !== minute) lastMinute.set(line, (last = { minute, open: openAt(line, at) }));
  return last.open;
}

/** Whether a line answers at this moment, worked out from its hours. */
function openAt(line: Pick<Helpline, 'hours'>, at: Date): boolean | undefined {
  const hours = line.hours;
  if (hours === null || hours === undefined) return undefined;
  if (hours === '24/7') return true;
  const { date, day, minute } = localTime(at, hours.timeZone);
  if ((hours.holidays ?? []).includes(date)) return false;
  return (hours.weekly[day] ?? []).some(([from, to]) => minute >= minuteOf(from) && minute < minuteOf(to));
}

/**
 * Per line: the last search for its next opening (from which quarter hour, what was found). The
 * answer only changes with the quarter hour, and finding it can take hundreds of steps (a weekend).
 */
const lastOpening = new WeakMap<Pick<Helpline, 'hours'>, { start: number; opens: number | undefined }>();

/** The next moment a line with a schedule opens (`at` itself when open), searching 14 days ahead; undefined when unknown or never. */
export function helplineOpensAt(line: Pick<Helpline, 'hours'>, at: Date): Date | undefined {
  const open = helplineOpen(line, at);
  if (open === undefined) return undefined;
  if (open) return at;
  // Schedules open on quarter hours (checked when loading), and time zones are offset by quarter hours.
  const start = Math.ceil(at.getTime() / QUARTER) * QUARTER;
  let last = lastOpening.get(line);
  if (last?.start !== start) lastOpening.set(line, (last = { start, opens: firstOpenQuarter(line, start) }));
  return last.opens === undefined ? undefined : new Date(last.opens);
}

/** The first quarter hour from `start` (ms) on, within 14 days, at which the line is open. */
function firstOpenQuarter(line: Pick<Helpline, 'hours'>, start: number): number | undefined {
  for (let t = start; t < start + 14 * 24 * 3600_000; t += QUARTER) {
    if (openAt(line, new Date(t))) return t;
  }
  return undefined;
}

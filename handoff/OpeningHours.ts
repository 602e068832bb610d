/**
 * When counsellors are on duty: a weekly schedule in Europe/Amsterdam with holidays
 * (config/opening-hours.json). Answers "open now?" and "when are people back?" across DST changes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
type Day = (typeof DAYS)[number];

/** The schedule file's shape. */
export interface OpeningHoursSchedule {
  timeZone: string;
  /** Per weekday, intervals ["HH:MM", "HH:MM"] (end exclusive; "24:00" allowed). */
  weekly: Partial<Record<Day, Array<[string, string]>>>;
  /** Dates (YYYY-MM-DD, local) closed all day. */
  holidays: string[];
}

/** Raised for a schedule that cannot be read. */
export class OpeningHoursError extends Error {
  override name = 'OpeningHoursError';
}

/** How long "no opening within 14 days" is kept before the walk runs again (the window moves on). */
const NO_OPENING_KEPT_MS = 15 * 60_000;

const DEFAULT_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'config', 'opening-hours.json');

function minutes(hhmm: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new OpeningHoursError(`"${hhmm}" is not HH:MM`);
  const value = Number(match[1]) * 60 + Number(match[2]);
  if (value > 24 * 60) throw new OpeningHoursError(`"${hhmm}" is after 24:00`);
  return value;
}

/** Opening hours in one time zone. */
export class OpeningHours {
  private readonly parts: Intl.DateTimeFormat;
  /**
   * The last answer of `nextOpening` for a closed moment: every moment from `from` up to `opening`
   * is closed too and has the same answer, so the minute walk runs once per closed span instead of
   * once per young person (7–30 ms each; 277 ms for a schedule without hours).
   */
  private lastOpening: { from: number; opening: number | undefined } | undefined;

  constructor(private readonly schedule: OpeningHoursSchedule) {
    this.parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: schedule.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    for (const intervals of Object.values(schedule.weekly)) for (const [from, to] of intervals ?? []) if (minutes(from) >= minutes(to)) throw new OpeningHoursError(`${from}–${to} is empty`);
  }

  /** Reads a schedule file (default config/opening-hours.json). */
  static fromFile(file = DEFAULT_FILE): OpeningHours {
    return new OpeningHours(JSON.parse(readFileSync(file, 'utf8')) as OpeningHoursSchedule);
  }

  /** Open all the time (for tests and for deployments with a 24/7 roster). */
  static always(): OpeningHours {
    const allDay: Array<[string, string]> = [['00:00', '24:00']];
    return new OpeningHours({ timeZone: 'Europe/Amsterdam', weekly: Object.fromEntries(DAYS.map((d) => [d, allDay])), holidays: [] });
  }

  /** The time zone of the schedule. */
  get timeZone(): string {
    return this.schedule.timeZone;
  }

  private local(at: Date): { date: string; day: Day; minute: number } {
    const p = Object.fromEntries(this.parts.formatToParts(at).map((x) => [x.type, x.value]));
    const day = (p.weekday ?? 'Mon').slice(0, 3).toLowerCase() as Day;
    return { date: `${p.year}-${p.month}-${p.day}`, day, minute: Number(p.hour) * 60 + Number(p.minute) };
  }

  /** Whether people are on duty at this moment. */
  isOpen(at: Date = new Date()): boolean {
    const { date, day, minute } = this.local(at);
    if (this.schedule.holidays.includes(date)) return false;
    return (this.schedule.weekly[day] ?? []).some(([from, to]) => minute >= minutes(from) && minute < minutes(to));
  }

  /** The next moment people are on duty (now if open), searching up to 14 days ahead, minute by minute boundaries. */
  nextOpening(at: Date = new Date()): Date | undefined {
    const time = at.getTime();
    const last = this.lastOpening;
    if (last && time >= last.from && time < (last.opening ?? last.from + NO_OPENING_KEPT_MS)) return last.opening === undefined ? undefined : new Date(last.opening);
    if (this.isOpen(at)) return at;
    const opening = this.walkToOpening(time);
    this.lastOpening = { from: time, opening: opening?.getTime() };
    return opening;
  }

  /** The first open whole minute after the closed moment `time`, walking minute by minute (14 days at most). */
  private walkToOpening(time: number): Date | undefined {
    // Walk forward to each whole minute boundary where something may change; opening times are on minutes.
    const start = Math.ceil(time / 60_000) * 60_000;
    for (let t = start; t < start + 14 * 24 * 3600_000; t += 60_000) {
      const candidate = new Date(t);
      const { minute } = this.local(candidate);
      // Only check minutes that are an interval start (cheap pre-filter), or the first minute.
      if (t === start || this.isIntervalStart(minute)) {
        if (this.isOpen(candidate)) return candidate;
      }
    }
    return undefined;
  }

  private isIntervalStart(minute: number): boolean {
    return Object.values(this.schedule.weekly).some((intervals) => (intervals ?? []).some(([from]) => minutes(from) === minute));
  }
}

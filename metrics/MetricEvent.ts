/**
 * The anonymous events Lantern counts. Each is a name and a few codes; none carries text, a
 * conversation id, a user id or a time (the recorder puts it in an hour). They are stored as hash
 * fields like `node|lang=ar|node=rights` in hourly and daily counters.
 */
import type { Language } from '../contracts/languages.js';
import type { Priority } from '../contracts/profileCodes.js';

/** The conversation's language, or "und" before one was chosen. */
type Lang = Language | 'und';

/** Minutes waited, in buckets (never the exact time). */
export const WAIT_BUCKETS = ['0-1', '1-5', '5-15', '15-30', '30-60', '60+'] as const;
export type WaitBucket = (typeof WAIT_BUCKETS)[number];

/** The bucket of a wait. */
export function waitBucket(waitMs: number): WaitBucket {
  const minutes = waitMs / 60_000;
  if (minutes < 1) return '0-1';
  if (minutes < 5) return '1-5';
  if (minutes < 15) return '5-15';
  if (minutes < 30) return '15-30';
  if (minutes < 60) return '30-60';
  return '60+';
}

/** Every event, with its codes. */
export type MetricEvent =
  | { name: 'conversation_started'; lang: Lang }
  | { name: 'language_switch'; lang: Lang; from: Language }
  | { name: 'node'; lang: Lang; node: string; from: string }
  | { name: 'screening'; lang: Lang; result: 'urgent' | 'check' | 'none'; categories: readonly string[] }
  | { name: 'danger_now'; lang: Lang; answer: string }
  | { name: 'handoff_requested'; lang: Lang; priority: string }
  | { name: 'handoff_claimed'; lang: Lang; wait: WaitBucket; priority: Priority }
  | { name: 'handoff_cancelled'; lang: Lang }
  | { name: 'handoff_timed_out'; lang: Lang; priority: Priority }
  /** A young person nobody reached: they stopped waiting, their page left, the conversation ended while waiting, they asked outside opening hours, or were still waiting at closing. */
  | { name: 'handoff_unreached'; lang: Lang; priority: Priority; why: UnreachedReason }
  /** A conversation went back to the list after its counsellor left (logout, removed, console gone). */
  | { name: 'handoff_returned'; lang: Lang; priority: Priority }
  /** The consoles were alerted again about a danger conversation nobody had taken (once per interval). */
  | { name: 'danger_realert'; lang: Lang }
  /** A claim refused because the counsellor already had their maximum of conversations. */
  | { name: 'claim_refused'; lang: Lang; priority: Priority; reason: 'capacity' }
  /** A claimed conversation in a language its counsellor does not speak. */
  | { name: 'interpreter_needed'; lang: Lang; priority: Priority }
  /** A message during the chat the screening flagged (one field per category). */
  | { name: 'chat_flag'; lang: Lang; level: 'urgent' | 'check' | 'exploitation'; categories: readonly string[] }
  /** One sample of how many counsellors are on duty (taken by the handoff tick). */
  | { name: 'duty_sample'; onDuty: number }
  | { name: 'handoff_left'; lang: Lang }
  | { name: 'outcome'; lang: Lang; code: string }
  | { name: 'quick_exit'; lang: Lang }
  /** A conversation marked "may be watched" by its safe word (once per conversation). */
  | { name: 'may_be_watched'; lang: Lang }
  /** A return code given by the bot. */
  | { name: 'return_code_given'; lang: Lang }
  /** A conversation reopened with a return code (the channel does not know its language). */
  | { name: 'return_code_used' }
  | { name: 'out_of_hours'; lang: Lang };

/** Why a waiting young person was not reached. */
export type UnreachedReason = 'cancelled' | 'left' | 'gone' | 'closed' | 'closing';

/** Most counsellors one duty sample counts (a sample is that many increments). */
export const DUTY_SAMPLE_MAX = 200;

/** Codes are short identifiers; anything else is refused (so text can never slip into a metric). */
const CODE = /^[a-z0-9_+-]{1,40}$/;

/** Raised when an event carries something that is not a code. */
export class MetricCodeError extends Error {
  override name = 'MetricCodeError';
}

function field(name: string, codes: Record<string, string>): string {
  const parts = Object.keys(codes)
    .sort()
    .map((key) => {
      const value = codes[key]!;
      if (!CODE.test(value)) throw new MetricCodeError(`"${key}" is not a code`);
      return `${key}=${value}`;
    });
  return [name, ...parts].join('|');
}

/**
 * The hour of the week (0 = Monday 00:00–01:00 … 167 = Sunday 23:00–24:00) of an Amsterdam hour
 * key "YYYY-MM-DDTHH": staffing figures use it instead of dates, so no single day can be read.
 */
export function hourOfWeek(hourKey: string): number {
  const weekday = (new Date(`${hourKey.slice(0, 10)}T12:00:00Z`).getUTCDay() + 6) % 7;
  return weekday * 24 + Number(hourKey.slice(11, 13));
}

/**
 * The hash fields an event increments (a node entry also counts the edge it came along). `hour` is
 * the Amsterdam hour key the event is counted in: a handoff request and a duty sample also count
 * in their hour of the week.
 */
export function eventFields(event: MetricEvent, hour?: string): string[] {
  const how = hour === undefined ? undefined : String(hourOfWeek(hour));
  switch (event.name) {
    case 'node':
      return [field('node', { lang: event.lang, node: event.node }), field('edge', { lang: event.lang, from: event.from, to: event.node })];
    case 'screening':
      return [field('screening', { lang: event.lang, result: event.result }), ...event.categories.map((category) => field('danger_category', { lang: event.lang, category }))];
    case 'language_switch':
      return [field('language_switch', { lang: event.lang, from: event.from })];
    case 'danger_now':
      return [field('danger_now', { lang: event.lang, answer: event.answer })];
    case 'handoff_requested':
      return [
        field('handoff_requested', { lang: event.lang, priority: event.priority }),
        ...(how === undefined ? [] : [field('demand', { lang: event.lang, priority: event.priority, how })]),
      ];
    case 'handoff_claimed':
      return [field('handoff_claimed', { lang: event.lang, wait: event.wait, priority: event.priority })];
    case 'handoff_timed_out':
      return [field('handoff_timed_out', { lang: event.lang, priority: event.priority })];
    case 'handoff_unreached':
      return [field('handoff_unreached', { lang: event.lang, priority: event.priority, why: event.why })];
    case 'handoff_returned':
    case 'interpreter_needed':
      return [field(event.name, { lang: event.lang, priority: event.priority })];
    case 'claim_refused':
      return [field('claim_refused', { lang: event.lang, priority: event.priority, reason: event.reason })];
    case 'chat_flag':
      return [field('chat_flag', { lang: event.lang, level: event.level }), ...event.categories.map((category) => field('chat_flag_category', { lang: event.lang, category }))];
    case 'duty_sample': {
      // No language (counsellors are not counted by it); the count as that many increments of one field.
      if (how === undefined) return [];
      const onDuty = Math.max(0, Math.min(DUTY_SAMPLE_MAX, Math.floor(event.onDuty)));
      return [field('duty_samples', { how }), ...Array.from({ length: onDuty }, () => field('duty_on', { how }))];
    }
    case 'outcome':
      return [field('outcome', { lang: event.lang, code: event.code })];
    case 'return_code_used':
      return [field('return_code_used', {})];
    default:
      return [field(event.name, { lang: event.lang })];
  }
}

/** Parses a stored field back into its name and codes. */
export function parseField(stored: string): { name: string; codes: Record<string, string> } {
  const [name = '', ...parts] = stored.split('|');
  return { name, codes: Object.fromEntries(parts.map((part) => part.split('=') as [string, string])) };
}

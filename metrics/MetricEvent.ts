/**
 * The anonymous events Lantern counts. Each is a name and a few codes; none carries text, a
 * conversation id, a user id or a time (the recorder puts it in an hour). They are stored as hash
 * fields like `node|lang=ar|node=rights` in hourly and daily counters.
 */
import type { Language } from '../contracts/languages.js';

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
  | { name: 'handoff_claimed'; lang: Lang; wait: WaitBucket }
  | { name: 'handoff_cancelled'; lang: Lang }
  | { name: 'handoff_timed_out'; lang: Lang }
  | { name: 'handoff_left'; lang: Lang }
  | { name: 'outcome'; lang: Lang; code: string }
  | { name: 'quick_exit'; lang: Lang }
  | { name: 'out_of_hours'; lang: Lang };

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

/** The hash fields an event increments (a node entry also counts the edge it came along). */
export function eventFields(event: MetricEvent): string[] {
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
      return [field('handoff_requested', { lang: event.lang, priority: event.priority })];
    case 'handoff_claimed':
      return [field('handoff_claimed', { lang: event.lang, wait: event.wait })];
    case 'outcome':
      return [field('outcome', { lang: event.lang, code: event.code })];
    default:
      return [field(event.name, { lang: event.lang })];
  }
}

/** Parses a stored field back into its name and codes. */
export function parseField(stored: string): { name: string; codes: Record<string, string> } {
  const [name = '', ...parts] = stored.split('|');
  return { name, codes: Object.fromEntries(parts.map((part) => part.split('=') as [string, string])) };
}

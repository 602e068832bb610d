/**
 * Reads the anonymous counters for a date range (and language) and returns the figures the
 * coordinators' dashboard and API show, suppressed. Day counters plus the hours not rolled up yet.
 */
import { scanKeys, type RedisHandle } from '../contracts/RedisHandle.js';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { checkLocales } from '../texts/localeCheck.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { daysBetween } from './calendar.js';
import { parseField, WAIT_BUCKETS } from './MetricEvent.js';
import { safeRatio, suppress, type ShownCount } from './suppression.js';

/** The figures of a range, as shown (see docs/api.md). */
export interface MetricsReport {
  from: string;
  to: string;
  language: Language | null;
  suppressedBelow: number;
  conversationsPerDay: Array<Record<string, ShownCount | string>>;
  conversations: { total: ShownCount; byLanguage: Record<Language, ShownCount> };
  languageSwitches: ShownCount;
  funnel: Array<{ node: string; parent: string | null; entered: ShownCount; continued: ShownCount; dropOff: ShownCount }>;
  handoff: {
    requested: ShownCount;
    claimed: ShownCount;
    cancelled: ShownCount;
    timedOut: ShownCount;
    leftWhileWaiting: ShownCount;
    abandoned: ShownCount;
    handoffRate: number | null;
    waitMedianMinutes: number | null;
    waitP90Minutes: number | null;
    waitBuckets: Array<{ bucket: string; count: ShownCount }>;
  };
  danger: { flags: ShownCount; dangerNowYes: ShownCount; byCategory: Array<{ category: string; count: ShownCount }> };
  outcomes: Array<{ code: string; count: ShownCount }>;
  quickExits: ShownCount;
  outOfHoursDemand: ShownCount;
  translationCoverage: Array<{ language: Language; texts: number; reviewed: number; unreviewed: number }>;
}

type Counts = Map<string, number>;

/** Upper bound of each wait bucket in minutes; the last one means "an hour or more". */
const BUCKET_UPPER: Record<string, number> = { '0-1': 1, '1-5': 5, '5-15': 15, '15-30': 30, '30-60': 60, '60+': 60 };

/** The dialog tree: each node's parent, for the funnel's order (menu → topic → section). */
export const FUNNEL_TREE: ReadonlyArray<[node: string, parent: string | null]> = [
  ['menu', null],
  ['exploitation', 'menu'],
  ['exploitation_types', 'exploitation'],
  ['smuggling_vs_trafficking', 'exploitation'],
  ['signs', 'exploitation'],
  ['rights', 'menu'],
  ['rights_children', 'rights'],
  ['rights_guardian', 'rights'],
  ['rights_protected_reception', 'rights'],
  ['rights_residence', 'rights'],
  ['non_punishment', 'menu'],
  ['help', 'menu'],
  ['danger_check', 'menu'],
  ['signal_check', 'danger_check'],
  ['privacy', 'menu'],
  ['handoff', 'menu'],
];

/** Reads and shapes the metrics. */
export class MetricsQuery {
  /** Translation coverage comes from the locale files, which do not change while the server runs: read once. */
  private coverage: ReturnType<typeof checkLocales>['coverage'] | undefined;

  constructor(private readonly options: { redis: RedisHandle; keys: RedisKeys }) {}

  /** Raw counts per day (each a map of field → count), filtered by language. */
  private async countsByDay(days: string[], language: Language | null): Promise<Map<string, Counts>> {
    const { redis, keys } = this.options;
    const hourKeys = await scanKeys(redis, keys.metricsHourPattern());
    const byDay = new Map<string, Counts>(days.map((day) => [day, new Map()]));
    const add = (day: string, hash: Record<string, string>) => {
      const counts = byDay.get(day);
      if (!counts) return;
      for (const [stored, value] of Object.entries(hash)) {
        if (language && parseField(stored).codes.lang !== language) continue;
        counts.set(stored, (counts.get(stored) ?? 0) + Number(value));
      }
    };
    // One pipeline: every metrics key has the {metrics} hash tag (one slot, one node of a cluster).
    const pipeline = redis.pipeline();
    for (const day of days) pipeline.hgetall(keys.metricsDay(day));
    const hourPrefix = keys.metricsHour('');
    const wantedHours = hourKeys.filter((key) => byDay.has(key.slice(hourPrefix.length, hourPrefix.length + 10)));
    for (const key of wantedHours) pipeline.hgetall(key);
    const results = (await pipeline.exec()) ?? [];
    days.forEach((day, i) => add(day, (results[i]?.[1] ?? {}) as Record<string, string>));
    wantedHours.forEach((key, i) => add(key.slice(hourPrefix.length, hourPrefix.length + 10), (results[days.length + i]?.[1] ?? {}) as Record<string, string>));
    return byDay;
  }

  /** The report for a range (validated by the caller). */
  async report(from: string, to: string, language: Language | null): Promise<MetricsReport> {
    const days = daysBetween(from, to);
    const byDay = await this.countsByDay(days, language);
    const total: Counts = new Map();
    for (const counts of byDay.values()) for (const [k, v] of counts) total.set(k, (total.get(k) ?? 0) + v);

    const sum = (name: string, filter: (codes: Record<string, string>) => boolean = () => true, counts: Counts = total) => {
      let n = 0;
      for (const [stored, v] of counts) {
        const parsed = parseField(stored);
        if (parsed.name === name && filter(parsed.codes)) n += v;
      }
      return n;
    };
    const groups = (name: string, code: string) => {
      const out = new Map<string, number>();
      for (const [stored, v] of total) {
        const parsed = parseField(stored);
        if (parsed.name === name) out.set(parsed.codes[code] ?? '?', (out.get(parsed.codes[code] ?? '?') ?? 0) + v);
      }
      return out;
    };

    const conversations = sum('conversation_started');
    const shownLanguages = language ? [language] : LANGUAGES;
    const perDay = days.map((day) => {
      const counts = byDay.get(day) ?? new Map();
      const row: Record<string, ShownCount | string> = { date: day };
      let dayTotal = 0;
      for (const l of shownLanguages) {
        const n = sum('conversation_started', (c) => c.lang === l, counts);
        dayTotal += n;
        row[l] = suppress(n);
      }
      row.total = suppress(dayTotal);
      return row;
    });

    const entered = groups('node', 'node');
    const continued = groups('edge', 'from');
    const order = new Map(FUNNEL_TREE.map(([node], i) => [node, i]));
    const parents = new Map(FUNNEL_TREE);
    const funnel = [...entered.entries()]
      .sort((a, b) => (order.get(a[0]) ?? 99) - (order.get(b[0]) ?? 99) || b[1] - a[1])
      .map(([node, n]) => {
        const on = Math.min(n, continued.get(node) ?? 0);
        return { node, parent: parents.get(node) ?? null, entered: suppress(n), continued: suppress(on), dropOff: suppress(n - on) };
      });

    const buckets = groups('handoff_claimed', 'wait');
    const claimed = [...buckets.values()].reduce((a, b) => a + b, 0);
    const quantile = (q: number): number | null => {
      if (claimed < 5) return null;
      let seen = 0;
      for (const bucket of WAIT_BUCKETS) {
        seen += buckets.get(bucket) ?? 0;
        if (seen >= q * claimed) return BUCKET_UPPER[bucket] ?? null;
      }
      return null;
    };
    const requested = sum('handoff_requested');
    const cancelled = sum('handoff_cancelled');
    const left = sum('handoff_left');
    const byCategory = groups('danger_category', 'category');

    return {
      from,
      to,
      language,
      suppressedBelow: 5,
      conversationsPerDay: perDay,
      conversations: {
        total: suppress(conversations),
        byLanguage: Object.fromEntries(shownLanguages.map((l) => [l, suppress(sum('conversation_started', (c) => c.lang === l))])) as Record<Language, ShownCount>,
      },
      languageSwitches: suppress(sum('language_switch')),
      funnel,
      handoff: {
        requested: suppress(requested),
        claimed: suppress(claimed),
        cancelled: suppress(cancelled),
        timedOut: suppress(sum('handoff_timed_out')),
        leftWhileWaiting: suppress(left),
        abandoned: suppress(cancelled + left),
        // From the shown (rounded) counts, so the rate reveals nothing the counts do not.
        handoffRate: shownRatio(suppress(requested), suppress(conversations)),
        waitMedianMinutes: quantile(0.5),
        waitP90Minutes: quantile(0.9),
        waitBuckets: WAIT_BUCKETS.map((bucket) => ({ bucket, count: suppress(buckets.get(bucket) ?? 0) })),
      },
      danger: {
        flags: suppress(sum('screening', (c) => c.result !== 'none') + sum('danger_now', (c) => c.answer === 'yes')),
        dangerNowYes: suppress(sum('danger_now', (c) => c.answer === 'yes')),
        byCategory: [...byCategory.entries()].sort((a, b) => b[1] - a[1]).map(([category, n]) => ({ category, count: suppress(n) })),
      },
      outcomes: [...groups('outcome', 'code').entries()].sort((a, b) => b[1] - a[1]).map(([code, n]) => ({ code, count: suppress(n) })),
      quickExits: suppress(sum('quick_exit')),
      outOfHoursDemand: suppress(sum('out_of_hours')),
      translationCoverage: (this.coverage ??= checkLocales().coverage)
        .filter((c) => !language || c.language === language)
        .map((c) => ({ language: c.language, texts: c.expected, reviewed: c.reviewed, unreviewed: c.expected - c.reviewed })),
    };
  }
}

/** A ratio of two shown counts, or null when either is suppressed or zero. */
function shownRatio(part: ShownCount, whole: ShownCount): number | null {
  return typeof part === 'number' && typeof whole === 'number' ? safeRatio(part, whole) : null;
}

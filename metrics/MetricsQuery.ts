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
import type { Priority } from '../contracts/profileCodes.js';
import { safeRatio, shownRatioBand, suppress, type ShownCount } from './suppression.js';

/** The figures of a range, as shown (see docs/api.md). */
export interface MetricsReport {
  from: string;
  to: string;
  language: Language | null;
  suppressedBelow: number;
  conversationsPerDay: Array<Record<string, ShownCount | string>>;
  conversations: { total: ShownCount; byLanguage: Record<Language, ShownCount> };
  languageSwitches: ShownCount;
  funnel: Array<{ node: string; parent: string | null; entered: ShownCount; continued: ShownCount; dropOff: ShownCount; continuedRate: number | null }>;
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
    /** The same figures for each priority (danger, raised, normal), by the priority at the time of each event. */
    byPriority: Record<Priority, PriorityFigures>;
  };
  /** What went wrong, counted. */
  problems: {
    dangerNotReached: ShownCount;
    notReachedByReason: Array<{ reason: string; count: ShownCount }>;
    returnedAfterCounsellorLeft: ShownCount;
    claimsRefusedForCapacity: ShownCount;
    /** Danger conversations announced again to the consoles because nobody had taken them (each interval once). */
    dangerRealerts: ShownCount;
    interpreterNeededByLanguage: Array<{ language: string; count: ShownCount }>;
    leftWhileWaiting: ShownCount;
    chatFlagsByCategory: Array<{ category: string; count: ShownCount }>;
  };
  /** Demand against staffing per hour of the week (0 = Monday 00–01, Europe/Amsterdam), summed over the range. */
  staffing: Array<{ hourOfWeek: number; requests: ShownCount; dangerRequests: ShownCount; counsellorsOnDutyAvg: number | null }>;
  danger: { flags: ShownCount; dangerNowYes: ShownCount; byCategory: Array<{ category: string; count: ShownCount }> };
  outcomes: Array<{ code: string; count: ShownCount }>;
  quickExits: ShownCount;
  outOfHoursDemand: ShownCount;
  /**
   * The watched phone: conversations marked "may be watched" by their safe word, return codes given,
   * conversations reopened with one (`returnCodesUsed` is null under a language filter: the channel
   * that counts it does not know the language).
   */
  watchedPhone: { mayBeWatched: ShownCount; returnCodesGiven: ShownCount; returnCodesUsed: ShownCount | null };
  translationCoverage: Array<{ language: Language; texts: number; reviewed: number; unreviewed: number }>;
}

/** Waits and reach of one priority. */
export interface PriorityFigures {
  requested: ShownCount;
  claimed: ShownCount;
  /** Stopped waiting, left, or the conversation ended while waiting, before anyone took it. */
  notReached: ShownCount;
  waitBuckets: Array<{ bucket: string; count: ShownCount }>;
  waitMedianMinutes: number | null;
  waitP90Minutes: number | null;
  /** Shown claims within 5 minutes / shown claims (null when either is under 5). */
  within5MinRate: number | null;
  /** The band the true share lies in, from the same two shown counts ([0.67, 1] for 10 of 10; null when either is under 5). */
  within5MinBand: [number, number] | null;
}

/** The priorities, most urgent first. */
export const PRIORITIES: readonly Priority[] = ['danger', 'raised', 'normal'];

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
        // Fields without a language (duty samples) count under every language filter.
        const lang = parseField(stored).codes.lang;
        if (language && lang !== undefined && lang !== language) continue;
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
        const shownEntered = suppress(n);
        const shownContinued = suppress(on);
        // Drop-off is the shown "entered" minus the shown "went on" whenever both are numbers, so the
        // three never contradict each other (and the rate is the same two shown numbers).
        const dropOff = typeof shownEntered === 'number' && typeof shownContinued === 'number' ? shownEntered - shownContinued : suppress(n - on);
        return { node, parent: parents.get(node) ?? null, entered: shownEntered, continued: shownContinued, dropOff, continuedRate: shownRatio(shownContinued, shownEntered) };
      });

    const buckets = groups('handoff_claimed', 'wait');
    const claimed = [...buckets.values()].reduce((a, b) => a + b, 0);
    const quantile = (q: number, of: Map<string, number> = buckets): number | null => {
      const all = [...of.values()].reduce((a, b) => a + b, 0);
      if (all < 5) return null;
      let seen = 0;
      for (const bucket of WAIT_BUCKETS) {
        seen += of.get(bucket) ?? 0;
        if (seen >= q * all) return BUCKET_UPPER[bucket] ?? null;
      }
      return null;
    };
    const countBy = (name: string, code: string, filter: (codes: Record<string, string>) => boolean) => {
      const out = new Map<string, number>();
      for (const [stored, v] of total) {
        const parsed = parseField(stored);
        if (parsed.name !== name || !filter(parsed.codes)) continue;
        const key = parsed.codes[code] ?? '?';
        out.set(key, (out.get(key) ?? 0) + v);
      }
      return out;
    };
    const byPriority = Object.fromEntries(
      PRIORITIES.map((priority): [Priority, PriorityFigures] => {
        const mine = (c: Record<string, string>) => c.priority === priority;
        const waits = countBy('handoff_claimed', 'wait', mine);
        const claimedHere = [...waits.values()].reduce((a, b) => a + b, 0);
        const within5 = (waits.get('0-1') ?? 0) + (waits.get('1-5') ?? 0);
        return [
          priority,
          {
            requested: suppress(sum('handoff_requested', mine)),
            claimed: suppress(claimedHere),
            notReached: suppress(sum('handoff_unreached', mine)),
            waitBuckets: WAIT_BUCKETS.map((bucket) => ({ bucket, count: suppress(waits.get(bucket) ?? 0) })),
            waitMedianMinutes: quantile(0.5, waits),
            waitP90Minutes: quantile(0.9, waits),
            // From the shown (rounded) counts, like every rate.
            within5MinRate: shownRatio(suppress(within5), suppress(claimedHere)),
            within5MinBand: shownRatioBand(suppress(within5), suppress(claimedHere)),
          },
        ];
      }),
    ) as Record<Priority, PriorityFigures>;
    const shownGroups = (counts: Map<string, number>): Array<[string, ShownCount]> =>
      [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([key, n]) => [key, suppress(n)]);
    const demand = new Array<number>(168).fill(0);
    const dangerDemand = new Array<number>(168).fill(0);
    const dutySamples = new Array<number>(168).fill(0);
    const dutyOn = new Array<number>(168).fill(0);
    for (const [stored, v] of total) {
      const parsed = parseField(stored);
      const how = Number(parsed.codes.how);
      if (!Number.isInteger(how) || how < 0 || how > 167) continue;
      const add = (into: number[]) => (into[how] = (into[how] ?? 0) + v);
      if (parsed.name === 'demand') {
        add(demand);
        if (parsed.codes.priority === 'danger') add(dangerDemand);
      } else if (parsed.name === 'duty_samples') add(dutySamples);
      else if (parsed.name === 'duty_on') add(dutyOn);
    }
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
        byPriority,
      },
      problems: {
        dangerNotReached: suppress(sum('handoff_unreached', (c) => c.priority === 'danger')),
        notReachedByReason: shownGroups(countBy('handoff_unreached', 'why', () => true)).map(([reason, count]) => ({ reason, count })),
        returnedAfterCounsellorLeft: suppress(sum('handoff_returned')),
        claimsRefusedForCapacity: suppress(sum('claim_refused', (c) => c.reason === 'capacity')),
        dangerRealerts: suppress(sum('danger_realert')),
        interpreterNeededByLanguage: shownGroups(countBy('interpreter_needed', 'lang', () => true)).map(([language, count]) => ({ language, count })),
        leftWhileWaiting: suppress(left),
        chatFlagsByCategory: shownGroups(countBy('chat_flag_category', 'category', () => true)).map(([category, count]) => ({ category, count })),
      },
      staffing: demand.map((n, hourOfWeek) => ({
        hourOfWeek,
        requests: suppress(n),
        dangerRequests: suppress(dangerDemand[hourOfWeek] ?? 0),
        counsellorsOnDutyAvg: (dutySamples[hourOfWeek] ?? 0) > 0 ? Math.round((10 * (dutyOn[hourOfWeek] ?? 0)) / (dutySamples[hourOfWeek] ?? 1)) / 10 : null,
      })),
      danger: {
        flags: suppress(sum('screening', (c) => c.result !== 'none') + sum('danger_now', (c) => c.answer === 'yes')),
        dangerNowYes: suppress(sum('danger_now', (c) => c.answer === 'yes')),
        byCategory: [...byCategory.entries()].sort((a, b) => b[1] - a[1]).map(([category, n]) => ({ category, count: suppress(n) })),
      },
      outcomes: [...groups('outcome', 'code').entries()].sort((a, b) => b[1] - a[1]).map(([code, n]) => ({ code, count: suppress(n) })),
      quickExits: suppress(sum('quick_exit')),
      outOfHoursDemand: suppress(sum('out_of_hours')),
      watchedPhone: {
        mayBeWatched: suppress(sum('may_be_watched')),
        returnCodesGiven: suppress(sum('return_code_given')),
        returnCodesUsed: language ? null : suppress(sum('return_code_used')),
      },
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

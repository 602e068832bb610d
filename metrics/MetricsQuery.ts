/**
 * Reads the anonymous counters for a date range (and language) and returns the figures the
 * coordinators' dashboard and API show, each count through the disclosure control of
 * metrics/suppression.ts (changed by a keyed noise of at most 2, then "<5" or rounded to fives)
 * under its own stable figure name. Day counters plus the hours not rolled up yet.
 */
import { scanKeys, type RedisHandle } from '../contracts/RedisHandle.js';
import { sharedSecret } from '../contracts/sharedSecret.js';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { checkLocales } from '../texts/localeCheck.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { daysBetween } from './calendar.js';
import { parseField, WAIT_BUCKETS } from './MetricEvent.js';
import type { Priority } from '../contracts/profileCodes.js';
import { Disclosure, safeRatio, shownRatioBand, SUPPRESS_BELOW, type ShownCount } from './suppression.js';

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
  /** From the shown bucket counts (see `shownQuantile`). */
  waitMedianMinutes: number | null;
  waitP90Minutes: number | null;
  /** Shown claims within 5 minutes (a figure of its own, never above the claims) / shown claims (null when either is under 5). */
  within5MinRate: number | null;
  /** The band the true share lies in, from the same two shown counts ([0.42, 1] for 10 of 10: 6 to 14 of 6 to 14; null when either is under 5). */
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

  /**
   * The noise key (metrics/suppression.ts) at `keys.metricsNoiseSecret()`: created once (SET NX,
   * 32 random bytes) by whichever instance asks first, then read by all. It is read again with
   * every report (one GET), so that no instance goes on with a
   * key that has since been replaced (then two instances would show the same figure with two
   * different noises, and comparing them would narrow the count down).
   */
  private noiseSecret(): Promise<Buffer> {
    return sharedSecret(this.options.redis, this.options.keys.metricsNoiseSecret(), 'MetricsQuery');
  }

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

  /**
   * The report for a range (validated by the caller). Every count goes through `show.count(n,
   * figureId)` with a figure name that never holds the range or the language filter, so a figure
   * shows the same whenever its true count is the same (see metrics/suppression.ts). Figures that
   * are the same count share a name (a language-filtered total is that language's count; "left
   * while waiting" and "in danger, not reached" appear twice), so they never show two noises.
   */
  async report(from: string, to: string, language: Language | null): Promise<MetricsReport> {
    const days = daysBetween(from, to);
    const [byDay, secret] = await Promise.all([this.countsByDay(days, language), this.noiseSecret()]);
    const show = new Disclosure(secret);
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
    // Under a language filter the total is that language's count: the same figure.
    const totalFigure = language ? `conversations.${language}` : 'conversations.total';
    const perDay = days.map((day) => {
      const counts = byDay.get(day) ?? new Map();
      const row: Record<string, ShownCount | string> = { date: day };
      let dayTotal = 0;
      for (const l of shownLanguages) {
        const n = sum('conversation_started', (c) => c.lang === l, counts);
        dayTotal += n;
        row[l] = show.count(n, `conversations.${l}`);
      }
      row.total = show.count(dayTotal, totalFigure);
      return row;
    });

    const entered = groups('node', 'node');
    const continued = groups('edge', 'from');
    const order = new Map(FUNNEL_TREE.map(([node], i) => [node, i]));
    const parents = new Map(FUNNEL_TREE);
    const funnel = [...entered.entries()]
      .map(([node, n]) => {
        const on = Math.min(n, continued.get(node) ?? 0);
        const shownEntered = show.count(n, `funnel.${node}.entered`);
        // "Went on" is part of "entered": each has its own noise, so it is never shown above it.
        const shownContinued = atMost(show.count(on, `funnel.${node}.continued`), shownEntered);
        // Drop-off is the shown "entered" minus the shown "went on" whenever both are numbers, so the
        // three never contradict each other (and the rate is the same two shown numbers).
        const dropOff =
          typeof shownEntered === 'number' && typeof shownContinued === 'number' ? shownEntered - shownContinued : atMost(show.count(n - on, `funnel.${node}.dropOff`), shownEntered);
        return { node, parent: parents.get(node) ?? null, entered: shownEntered, continued: shownContinued, dropOff, continuedRate: shownRatio(shownContinued, shownEntered) };
      })
      // Tree order; nodes outside the tree by their shown count (never the true one), then by name.
      .sort((a, b) => (order.get(a.node) ?? 99) - (order.get(b.node) ?? 99) || rank(b.entered) - rank(a.entered) || (a.node < b.node ? -1 : 1));

    const buckets = groups('handoff_claimed', 'wait');
    const claimed = [...buckets.values()].reduce((a, b) => a + b, 0);
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
        const figure = `handoff.byPriority.${priority}`;
        const waits = countBy('handoff_claimed', 'wait', mine);
        const claimedHere = [...waits.values()].reduce((a, b) => a + b, 0);
        const within5 = (waits.get('0-1') ?? 0) + (waits.get('1-5') ?? 0);
        const shownClaimed = show.count(claimedHere, `${figure}.claimed`);
        const shownWaits = WAIT_BUCKETS.map((bucket) => ({ bucket, count: show.count(waits.get(bucket) ?? 0, `${figure}.waitBuckets.${bucket}`) }));
        // Within 5 minutes is part of the claims: its own noise, never shown above them.
        const shownWithin5 = atMost(show.count(within5, `${figure}.within5Min`), shownClaimed);
        return [
          priority,
          {
            requested: show.count(sum('handoff_requested', mine), `${figure}.requested`),
            claimed: shownClaimed,
            notReached: show.count(sum('handoff_unreached', mine), `${figure}.notReached`),
            waitBuckets: shownWaits,
            waitMedianMinutes: shownQuantile(0.5, shownWaits, shownClaimed),
            waitP90Minutes: shownQuantile(0.9, shownWaits, shownClaimed),
            // From the shown counts, like every rate; the band from the true counts they stand for.
            within5MinRate: shownRatio(shownWithin5, shownClaimed),
            within5MinBand: shownRatioBand(shownWithin5, shownClaimed),
          },
        ];
      }),
    ) as Record<Priority, PriorityFigures>;
    // A list of counts by code, largest shown first (never ordered by the true counts: two "<5" in
    // the order of their true counts would tell which is larger), then by code.
    const shownGroups = (counts: Map<string, number>, figure: string): Array<[string, ShownCount]> =>
      [...counts.entries()].map(([key, n]): [string, ShownCount] => [key, show.count(n, `${figure}.${key}`)]).sort((a, b) => rank(b[1]) - rank(a[1]) || (a[0] < b[0] ? -1 : 1));
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
    const cancelled = sum('handoff_cancelled');
    const left = sum('handoff_left');
    const shownClaimed = show.count(claimed, 'handoff.claimed');
    const shownBuckets = WAIT_BUCKETS.map((bucket) => ({ bucket, count: show.count(buckets.get(bucket) ?? 0, `handoff.waitBuckets.${bucket}`) }));
    const shownRequested = show.count(sum('handoff_requested'), 'handoff.requested');
    const shownConversations = show.count(conversations, totalFigure);
    const shownLeft = show.count(left, 'handoff.leftWhileWaiting');
    const dangerNowYes = sum('danger_now', (c) => c.answer === 'yes');

    return {
      from,
      to,
      language,
      suppressedBelow: SUPPRESS_BELOW,
      conversationsPerDay: perDay,
      conversations: {
        total: shownConversations,
        byLanguage: Object.fromEntries(shownLanguages.map((l) => [l, show.count(sum('conversation_started', (c) => c.lang === l), `conversations.${l}`)])) as Record<Language, ShownCount>,
      },
      languageSwitches: show.count(sum('language_switch'), 'languageSwitches'),
      funnel,
      handoff: {
        requested: shownRequested,
        claimed: shownClaimed,
        cancelled: show.count(cancelled, 'handoff.cancelled'),
        timedOut: show.count(sum('handoff_timed_out'), 'handoff.timedOut'),
        leftWhileWaiting: shownLeft,
        abandoned: show.count(cancelled + left, 'handoff.abandoned'),
        // From the shown counts, so the rate reveals nothing the counts do not (not capped at 1:
        // a conversation may ask more than once).
        handoffRate: shownRatio(shownRequested, shownConversations),
        waitMedianMinutes: shownQuantile(0.5, shownBuckets, shownClaimed),
        waitP90Minutes: shownQuantile(0.9, shownBuckets, shownClaimed),
        waitBuckets: shownBuckets,
        byPriority,
      },
      problems: {
        // The same count as byPriority.danger.notReached: the same figure.
        dangerNotReached: byPriority.danger.notReached,
        notReachedByReason: shownGroups(countBy('handoff_unreached', 'why', () => true), 'problems.notReachedByReason').map(([reason, count]) => ({ reason, count })),
        returnedAfterCounsellorLeft: show.count(sum('handoff_returned'), 'problems.returnedAfterCounsellorLeft'),
        claimsRefusedForCapacity: show.count(sum('claim_refused', (c) => c.reason === 'capacity'), 'problems.claimsRefusedForCapacity'),
        dangerRealerts: show.count(sum('danger_realert'), 'problems.dangerRealerts'),
        interpreterNeededByLanguage: shownGroups(countBy('interpreter_needed', 'lang', () => true), 'problems.interpreterNeeded').map(([language, count]) => ({ language, count })),
        leftWhileWaiting: shownLeft,
        chatFlagsByCategory: shownGroups(countBy('chat_flag_category', 'category', () => true), 'problems.chatFlags').map(([category, count]) => ({ category, count })),
      },
      staffing: demand.map((n, hourOfWeek) => ({
        hourOfWeek,
        requests: show.count(n, `staffing.requests.h${hourOfWeek}`),
        dangerRequests: show.count(dangerDemand[hourOfWeek] ?? 0, `staffing.dangerRequests.h${hourOfWeek}`),
        // Counsellors, not young people: their average on duty is not a count of anyone helped.
        counsellorsOnDutyAvg: (dutySamples[hourOfWeek] ?? 0) > 0 ? Math.round((10 * (dutyOn[hourOfWeek] ?? 0)) / (dutySamples[hourOfWeek] ?? 1)) / 10 : null,
      })),
      danger: {
        flags: show.count(sum('screening', (c) => c.result !== 'none') + dangerNowYes, 'danger.flags'),
        dangerNowYes: show.count(dangerNowYes, 'danger.dangerNowYes'),
        byCategory: shownGroups(groups('danger_category', 'category'), 'danger.byCategory').map(([category, count]) => ({ category, count })),
      },
      outcomes: shownGroups(groups('outcome', 'code'), 'outcomes').map(([code, count]) => ({ code, count })),
      quickExits: show.count(sum('quick_exit'), 'quickExits'),
      outOfHoursDemand: show.count(sum('out_of_hours'), 'outOfHoursDemand'),
      watchedPhone: {
        mayBeWatched: show.count(sum('may_be_watched'), 'watchedPhone.mayBeWatched'),
        returnCodesGiven: show.count(sum('return_code_given'), 'watchedPhone.returnCodesGiven'),
        returnCodesUsed: language ? null : show.count(sum('return_code_used'), 'watchedPhone.returnCodesUsed'),
      },
      translationCoverage: (this.coverage ??= checkLocales().coverage)
        .filter((c) => !language || c.language === language)
        .map((c) => ({ language: c.language, texts: c.expected, reviewed: c.reviewed, unreviewed: c.expected - c.reviewed })),
    };
  }
}

/** The order of shown counts: 0, then "<5", then the numbers. */
function rank(shown: ShownCount): number {
  return shown === '<5' ? 1 : shown;
}

/** A shown count of a part, never above the shown count of its whole (each has its own noise). */
function atMost(part: ShownCount, whole: ShownCount): ShownCount {
  return rank(part) > rank(whole) ? whole : part;
}

/** A ratio of two shown counts, or null when either is suppressed or under 5. */
function shownRatio(part: ShownCount, whole: ShownCount): number | null {
  return typeof part === 'number' && typeof whole === 'number' ? safeRatio(part, whole) : null;
}

/**
 * A quantile of the wait (the upper bound of its bucket, in minutes) from the shown bucket counts
 * only, never the true ones: null when the shown number of claims is not a number of at least 5, or
 * when the buckets shown "<5" (each anything from 1 to 4) leave more than one answer. The answer is
 * the same for every choice when it is the same for each choice of 1 or 4 per "<5" bucket (the
 * earliest and the latest bucket are reached at such extremes), so only those are tried.
 */
function shownQuantile(q: number, buckets: Array<{ bucket: string; count: ShownCount }>, claims: ShownCount): number | null {
  if (typeof claims !== 'number' || claims < SUPPRESS_BELOW) return null;
  const unknown = buckets.flatMap((b, i) => (b.count === '<5' ? [i] : []));
  let answer: number | null | undefined;
  for (let choice = 0; choice < 1 << unknown.length; choice += 1) {
    const counts = buckets.map((b) => (typeof b.count === 'number' ? b.count : 1));
    unknown.forEach((index, bit) => (counts[index] = choice & (1 << bit) ? SUPPRESS_BELOW - 1 : 1));
    const all = counts.reduce((a, b) => a + b, 0);
    let seen = 0;
    let found: number | null = null;
    for (const [index, count] of counts.entries()) {
      seen += count;
      if (all > 0 && seen >= q * all) {
        found = BUCKET_UPPER[buckets[index]!.bucket] ?? null;
        break;
      }
    }
    if (answer === undefined) answer = found;
    else if (answer !== found) return null;
  }
  return answer ?? null;
}

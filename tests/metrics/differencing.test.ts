/**
 * Differencing: an adversary who reads every figure of overlapping ranges (one day, the next day,
 * both days) and of the priorities and their total, tries every possible set of true counts and
 * keeps those that could have given exactly the figures the API showed. It knows the rules (0
 * exact; every other count changed by a noise, never below 1, then "<5" under 5 and the rest
 * rounded to the nearest 5) and the noise's range (−2 to +2), but not the noise key. So a set of
 * true counts is kept when every figure has a noise in that range that gives what was shown, and
 * figures of the same name with the same true count have the same noise (they always show the same).
 * A count is recovered when every set left agrees on it.
 *
 * Rounding alone let it recover two "<5" whose sum shows 10 (both 4) and four "<5" under a "<5"
 * total (all 1); with the noise it recovers no count from 1 to 4 in these scenarios, whatever the
 * key. The sanity tests show it still pins counts when the figures leave one choice: with the
 * noise switched off (the table {0}), and with the noise on, six "<5" under a "<5" total (every
 * part at least 1, the total at most 6) — the limit of a noise of at most 2 (docs/api.md).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Priority } from '../../contracts/profileCodes.js';
import type { RedisKeys } from '../../contracts/RedisKeys.js';
import { MetricsQuery, type MetricsReport } from '../../metrics/MetricsQuery.js';
import { MetricsRecorder } from '../../metrics/MetricsRecorder.js';
import { MAX_NOISE, NOISE_TABLE, showChanged, type ShownCount } from '../../metrics/suppression.js';
import { possibleShows, untilCounted } from '../helpers/metrics.js';
import { testKeys, testRedis } from '../helpers/redis.js';

/** One figure the adversary read: its name, the true counts it sums, and how it was shown. */
interface Observation {
  figure: string;
  cells: string[];
  shown: ShownCount;
}

/** The noises the adversary allows: the whole range of the table, −2 to +2. */
const NOISES = NOISE_TABLE.map((entry) => entry.noise);

/**
 * Every cell whose true value (1 to 4) is the same in every assignment that explains the
 * observations with some noise from `noises` per figure (the same noise for the same figure at the
 * same true count).
 */
function recovered(cells: string[], observations: Observation[], noises: readonly number[] = NOISES, max = 24): Map<string, number> {
  const canShow = (sum: number): Set<ShownCount> => new Set(sum === 0 ? [0] : noises.map((d) => showChanged(Math.max(1, sum + d))));
  const shows = Array.from({ length: max * cells.length + 1 }, (_, sum) => canShow(sum));
  const index = new Map(cells.map((cell, i) => [cell, i]));
  // Each observation is checked as soon as its last cell has a value.
  const checkedAt = cells.map(() => [] as Array<{ figure: string; at: number[]; shown: ShownCount }>);
  for (const o of observations) {
    const at = o.cells.map((cell) => index.get(cell)!);
    checkedAt[Math.max(...at)]!.push({ figure: o.figure, at, shown: o.shown });
  }
  const candidates = cells.map(() => new Set<number>());
  const values = new Array<number>(cells.length).fill(0);
  const search = (i: number): void => {
    if (i === cells.length) {
      // Same figure, same true count: the same noise, so the same shown value.
      const seen = new Map<string, ShownCount>();
      for (const o of observations) {
        const key = `${o.figure}\0${o.cells.reduce((sum, cell) => sum + values[index.get(cell)!]!, 0)}`;
        if (seen.has(key) && seen.get(key) !== o.shown) return;
        seen.set(key, o.shown);
      }
      values.forEach((v, cell) => candidates[cell]!.add(v));
      return;
    }
    for (let v = 0; v <= max; v += 1) {
      values[i] = v;
      if (checkedAt[i]!.every((o) => shows[o.at.reduce((sum, cell) => sum + values[cell]!, 0)]!.has(o.shown))) search(i + 1);
    }
  };
  search(0);
  const out = new Map<string, number>();
  cells.forEach((cell, i) => {
    const only = [...candidates[i]!];
    if (only.length === 1 && only[0]! >= 1 && only[0]! <= 4) out.set(cell, only[0]!);
  });
  return out;
}

describe('the adversary', () => {
  const parts = (n: number, shown: ShownCount, total: ShownCount): [string[], Observation[]] => {
    const cells = Array.from({ length: n }, (_, i) => `p${i}`);
    return [cells, [...cells.map((cell) => ({ figure: cell, cells: [cell], shown })), { figure: 'total', cells, shown: total }]];
  };

  it('works: with the noise switched off (the table {0}) it pins two "<5" whose sum shows 10, and four "<5" under a "<5" total', () => {
    expect([...recovered(...parts(2, '<5', 10), [0])]).toEqual([
      ['p0', 4],
      ['p1', 4],
    ]);
    expect([...recovered(...parts(4, '<5', '<5'), [0])]).toEqual([
      ['p0', 1],
      ['p1', 1],
      ['p2', 1],
      ['p3', 1],
    ]);
  });

  it('works with the noise on: it still pins six "<5" under a "<5" total (each at least 1, the total at most 6), but not four or five', () => {
    expect(MAX_NOISE).toBe(2);
    expect([...recovered(...parts(6, '<5', '<5'), NOISES, 8)]).toEqual(Array.from({ length: 6 }, (_, i) => [`p${i}`, 1]));
    expect([...recovered(...parts(5, '<5', '<5'), NOISES, 8)]).toEqual([]);
    expect([...recovered(...parts(4, '<5', '<5'))]).toEqual([]);
    expect([...recovered(...parts(2, '<5', 10))]).toEqual([]);
  });
});

describe('differencing over overlapping ranges and priorities', () => {
  const redis = testRedis();
  afterAll(() => redis.quit());
  const priorities: Priority[] = ['danger', 'raised', 'normal'];

  /** Records requests per day and priority (12:00 Amsterdam) under a fresh prefix (so a fresh noise key). */
  async function record(requests: Record<string, Partial<Record<Priority, number>>>, keys: RedisKeys = testKeys('differencing')): Promise<MetricsQuery> {
    let recorded = 0;
    for (const [day, byPriority] of Object.entries(requests)) {
      const recorder = new MetricsRecorder({ redis, keys, now: () => Date.parse(`${day}T10:00:00Z`) });
      for (const [priority, n] of Object.entries(byPriority)) {
        for (let i = 0; i < (n ?? 0); i += 1) await recorder.record({ name: 'handoff_requested', lang: 'ar', priority: priority as Priority });
        recorded += n ?? 0;
      }
    }
    // The recorder writes in the background: wait until every request is counted.
    await untilCounted(redis, keys, { handoff_requested: recorded });
    return new MetricsQuery({ redis, keys });
  }

  /** Records the requests and reads the three ranges: the observations, and the cells the adversary searches. */
  async function scenario(requests: Record<string, Partial<Record<Priority, number>>>): Promise<{ observations: Observation[]; cells: string[] }> {
    const query = await record(requests);
    const days = Object.keys(requests).sort();
    const ranges: Array<[string, string]> = [...days.map((d): [string, string] => [d, d]), [days[0]!, days[days.length - 1]!]];
    const observations: Observation[] = [];
    for (const [from, to] of ranges) {
      const report: MetricsReport = await query.report(from, to, null);
      const inRange = days.filter((d) => d >= from && d <= to);
      for (const p of priorities) observations.push({ figure: `handoff.byPriority.${p}.requested`, cells: inRange.map((d) => `${d}/${p}`), shown: report.handoff.byPriority[p].requested });
      observations.push({ figure: 'handoff.requested', cells: inRange.flatMap((d) => priorities.map((p) => `${d}/${p}`)), shown: report.handoff.requested });
    }
    // Cells shown as 0 are known; the adversary searches the others.
    const known0 = new Set(observations.filter((o) => o.shown === 0).flatMap((o) => o.cells));
    const cells = days.flatMap((d) => priorities.map((p) => `${d}/${p}`)).filter((cell) => !known0.has(cell));
    return { observations: observations.map((o) => ({ ...o, cells: o.cells.filter((cell) => !known0.has(cell)) })).filter((o) => o.cells.length > 0), cells };
  }

  it('a "<5" beside counts of 5 or more is not recovered from the days, the two-day range, the priorities or their total', async () => {
    const { observations, cells } = await scenario({ '2026-03-02': { danger: 3, normal: 9 }, '2026-03-03': { danger: 2, normal: 11 } });
    expect(cells).toHaveLength(4);
    expect([...recovered(cells, observations)]).toEqual([]);
  });

  it('two danger days of 4 each are not recovered from their two-day range', async () => {
    const { observations, cells } = await scenario({ '2026-03-09': { danger: 4 }, '2026-03-10': { danger: 4 } });
    expect(cells).toEqual(['2026-03-09/danger', '2026-03-10/danger']);
    expect([...recovered(cells, observations)]).toEqual([]);
  });

  it('danger 4 and raised 4 in one day are not recovered from their total', async () => {
    const { observations, cells } = await scenario({ '2026-03-16': { danger: 4, raised: 4 } });
    expect(cells).toEqual(['2026-03-16/danger', '2026-03-16/raised']);
    expect([...recovered(cells, observations)]).toEqual([]);
  });

  it('four ones (danger and raised on two days) are not recovered from a total of 4', async () => {
    const { observations, cells } = await scenario({ '2026-03-23': { danger: 1, raised: 1 }, '2026-03-24': { danger: 1, raised: 1 } });
    expect(cells).toHaveLength(4);
    // Ones can only show "<5" (changed to 1 to 3); the total of 4 shows "<5" or 5.
    for (const o of observations.filter((o) => o.cells.length === 1)) expect(o.shown).toBe('<5');
    expect(['<5', 5]).toContain(observations.find((o) => o.figure === 'handoff.requested' && o.cells.length === 4)!.shown);
    expect([...recovered(cells, observations)]).toEqual([]);
  });

  it('these scenarios are safe whatever the noise key: every set of figures they could show leaves the adversary nothing', () => {
    // The scenarios above run with one random key each; here every key at once: each figure (name,
    // true count) takes every value it can show (the same for the same figure at the same count).
    const scenarios: Array<Record<string, Partial<Record<Priority, number>>>> = [
      { d1: { danger: 3, normal: 9 }, d2: { danger: 2, normal: 11 } },
      { d1: { danger: 4 }, d2: { danger: 4 } },
      { d1: { danger: 4, raised: 4 } },
      { d1: { danger: 1, raised: 1 }, d2: { danger: 1, raised: 1 } },
    ];
    for (const requests of scenarios) {
      const days = Object.keys(requests);
      const used = priorities.filter((p) => days.some((d) => (requests[d]![p] ?? 0) > 0));
      const cells = days.flatMap((d) => used.map((p) => `${d}/${p}`));
      const truth = (cell: string) => requests[cell.split('/')[0]!]![cell.split('/')[1] as Priority] ?? 0;
      const figures: Array<{ figure: string; cells: string[]; key: string }> = [];
      for (const range of [...days.map((d) => [d]), days]) {
        for (const p of used) figures.push({ figure: `handoff.byPriority.${p}.requested`, cells: range.map((d) => `${d}/${p}`), key: '' });
        figures.push({ figure: 'handoff.requested', cells: range.flatMap((d) => used.map((p) => `${d}/${p}`)), key: '' });
      }
      for (const f of figures) f.key = `${f.figure}\0${f.cells.reduce((sum, cell) => sum + truth(cell), 0)}`;
      const keys = [...new Set(figures.map((f) => f.key))];
      const options = keys.map((key) => possibleShows(Number(key.split('\0')[1])));
      const combinations = options.reduce((n, o) => n * o.length, 1);
      expect(combinations, JSON.stringify(requests)).toBeGreaterThan(1);
      for (let choice = 0; choice < combinations; choice += 1) {
        let rest = choice;
        const shown = new Map<string, ShownCount>();
        keys.forEach((key, i) => {
          shown.set(key, options[i]![rest % options[i]!.length]!);
          rest = Math.floor(rest / options[i]!.length);
        });
        const observations = figures.map((f) => ({ figure: f.figure, cells: f.cells, shown: shown.get(f.key)! }));
        expect([...recovered(cells, observations)], JSON.stringify(observations)).toEqual([]);
      }
    }
  });

  it('a report asked twice, over a range longer by days without events, or under a language filter that changes nothing, shows the same figures', async () => {
    const day = '2026-04-14';
    const keys = testKeys('differencing');
    const query = await record({ [day]: { danger: 3, raised: 2, normal: 6 } }, keys);
    const recorder = new MetricsRecorder({ redis, keys, now: () => Date.parse(`${day}T10:00:00Z`) });
    for (let i = 0; i < 7; i += 1) await recorder.record({ name: 'conversation_started', lang: 'ar' });
    await untilCounted(redis, keys, { conversation_started: 7 });
    const figures = (report: MetricsReport) => ({
      handoff: report.handoff,
      problems: report.problems,
      staffing: report.staffing,
      conversations: report.conversations.byLanguage.ar,
      day: report.conversationsPerDay.find((row) => row.date === day)!.ar,
    });
    const once = await query.report(day, day, null);
    expect(once.handoff.requested).not.toBe(0);
    expect(once.conversations.byLanguage.ar).not.toBe(0);
    expect(await query.report(day, day, null)).toEqual(once);
    expect(figures(await query.report('2026-04-10', '2026-04-20', null))).toEqual(figures(once));
    // Another reader (another instance) with the same noise key.
    expect(figures(await new MetricsQuery({ redis, keys }).report('2026-04-01', '2026-04-30', null))).toEqual(figures(once));
    // Every event is Arabic: the Arabic figures are the same figures, and the total is the Arabic
    // count (so the share asking for a person is made from that shown count).
    const arabic = await query.report('2026-04-13', day, 'ar');
    const withoutRate = (report: MetricsReport) => ({ ...figures(report), handoff: { ...report.handoff, handoffRate: undefined } });
    expect(withoutRate(arabic)).toEqual(withoutRate(once));
    expect(arabic.conversations.total).toBe(once.conversations.byLanguage.ar);
    expect(arabic.conversationsPerDay.find((row) => row.date === day)!.total).toBe(once.conversations.byLanguage.ar);
    const { requested } = arabic.handoff;
    const total = arabic.conversations.total;
    expect(arabic.handoff.handoffRate).toBe(typeof requested === 'number' && typeof total === 'number' && total >= 5 && requested >= 5 ? Math.round((100 * requested) / total) / 100 : null);
  });
});

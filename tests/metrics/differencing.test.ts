/**
 * Differencing: an adversary who reads every figure of overlapping ranges (one day, the next day,
 * both days) and of the priorities and their total, and knows the rules ("<5" for 1 to 4, the rest
 * rounded to the nearest 5, 0 exact), tries every possible set of true counts and keeps those that
 * give exactly the figures the API showed. A count is recovered when every set left agrees on it.
 *
 * What it shows today: rounding to 5 stops the simple cases (a "<5" next to counts of 5 or more),
 * but NOT all of them. Two cells that are each "<5" and whose sum shows as 10 must both be 4
 * (10 stands for 8 to 12, and two counts of at most 4 make at most 8); four cells that are each
 * "<5" and whose sum still shows "<5" must all be 1. This holds for any fixed rounding with a
 * "<5" band, and equally for languages and their total. The two known gaps are written as
 * `it.fails` so they fail loudly the day the suppression is made to withstand them (then turn them
 * into plain `it`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Priority } from '../../contracts/profileCodes.js';
import { MetricsQuery, type MetricsReport } from '../../metrics/MetricsQuery.js';
import { MetricsRecorder } from '../../metrics/MetricsRecorder.js';
import { suppress, type ShownCount } from '../../metrics/suppression.js';
import { testKeys, testRedis } from '../helpers/redis.js';

/** One figure the adversary read: the true counts it sums, and how it was shown. */
interface Observation {
  cells: string[];
  shown: ShownCount;
}

/** Every cell whose true value (1 to 4) is the same in every assignment that explains the observations. */
function recovered(cells: string[], observations: Observation[], max = 24): Map<string, number> {
  const candidates = new Map<string, Set<number>>(cells.map((cell) => [cell, new Set()]));
  const values = new Map<string, number>();
  const search = (index: number): void => {
    if (index === cells.length) {
      for (const o of observations) if (suppress(o.cells.reduce((sum, cell) => sum + (values.get(cell) ?? 0), 0)) !== o.shown) return;
      for (const cell of cells) candidates.get(cell)!.add(values.get(cell)!);
      return;
    }
    for (let v = 0; v <= max; v += 1) {
      values.set(cells[index]!, v);
      search(index + 1);
    }
  };
  search(0);
  const out = new Map<string, number>();
  for (const [cell, seen] of candidates) {
    const only = [...seen];
    if (only.length === 1 && only[0]! >= 1 && only[0]! <= 4) out.set(cell, only[0]!);
  }
  return out;
}

describe('differencing over overlapping ranges and priorities', () => {
  const redis = testRedis();
  afterAll(() => redis.quit());

  /** Records requests per day and priority (12:00 Amsterdam) and reads the three ranges. */
  async function scenario(requests: Record<string, Partial<Record<Priority, number>>>): Promise<{ observations: Observation[]; cells: string[] }> {
    const keys = testKeys('differencing');
    for (const [day, byPriority] of Object.entries(requests)) {
      const recorder = new MetricsRecorder({ redis, keys, now: () => Date.parse(`${day}T10:00:00Z`) });
      for (const [priority, n] of Object.entries(byPriority)) {
        for (let i = 0; i < (n ?? 0); i += 1) await recorder.record({ name: 'handoff_requested', lang: 'ar', priority: priority as Priority });
      }
    }
    const days = Object.keys(requests).sort();
    const query = new MetricsQuery({ redis, keys });
    const ranges: Array<[string, string]> = [...days.map((d): [string, string] => [d, d]), [days[0]!, days[days.length - 1]!]];
    const priorities: Priority[] = ['danger', 'raised', 'normal'];
    const observations: Observation[] = [];
    for (const [from, to] of ranges) {
      const report: MetricsReport = await query.report(from, to, null);
      const inRange = days.filter((d) => d >= from && d <= to);
      for (const p of priorities) observations.push({ cells: inRange.map((d) => `${d}/${p}`), shown: report.handoff.byPriority[p].requested });
      observations.push({ cells: inRange.flatMap((d) => priorities.map((p) => `${d}/${p}`)), shown: report.handoff.requested });
    }
    // Cells shown as 0 are known; the adversary searches the others.
    const known0 = new Set(observations.filter((o) => o.shown === 0).flatMap((o) => o.cells));
    const cells = days.flatMap((d) => priorities.map((p) => `${d}/${p}`)).filter((cell) => !known0.has(cell));
    return { observations: observations.map((o) => ({ ...o, cells: o.cells.filter((cell) => !known0.has(cell)) })).filter((o) => o.cells.length > 0), cells };
  }

  it('a "<5" beside counts of 5 or more is not recovered from the days, the two-day range, the priorities or their total', async () => {
    const { observations, cells } = await scenario({ '2026-03-02': { danger: 3, normal: 9 }, '2026-03-03': { danger: 2, normal: 11 } });
    expect(cells.length).toBeGreaterThan(0);
    expect([...recovered(cells, observations)]).toEqual([]);
  });

  it('the adversary works: it pins counts when the figures leave one choice', () => {
    // The search itself: two cells each "<5" whose sum shows 10 can only be 4 and 4.
    expect([...recovered(['a', 'b'], [{ cells: ['a'], shown: '<5' }, { cells: ['b'], shown: '<5' }, { cells: ['a', 'b'], shown: 10 }])]).toEqual([
      ['a', 4],
      ['b', 4],
    ]);
  });

  it.fails('KNOWN GAP: two danger days of 4 each ("<5", "<5") are recovered from their two-day range (shown 10)', async () => {
    const { observations, cells } = await scenario({ '2026-03-09': { danger: 4 }, '2026-03-10': { danger: 4 } });
    expect([...recovered(cells, observations)]).toEqual([]);
  });

  it.fails('KNOWN GAP: danger 4 and raised 4 in one day ("<5", "<5") are recovered from their total (shown 10)', async () => {
    const { observations, cells } = await scenario({ '2026-03-16': { danger: 4, raised: 4 } });
    expect([...recovered(cells, observations)]).toEqual([]);
  });
});

/**
 * Disclosure control: every count is changed by a keyed noise of at most 2 (the same for the same
 * figure at the same count), then 1–4 show as "<5" and the rest rounded to fives, everywhere (report,
 * API JSON, CSV); 0 stays 0; rates and medians need shown parts of 5. The noise key lives in Redis.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MetricsQuery, type MetricsReport } from '../../metrics/MetricsQuery.js';
import { MetricsRecorder } from '../../metrics/MetricsRecorder.js';
import { reportToCsv } from '../../metrics/metricsApiPlugin.js';
import { Disclosure, noiseOf, NOISE_TABLE, perturb, safeRatio, showChanged, shownRange, type ShownCount } from '../../metrics/suppression.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { expectStandsFor, possibleShows, untilCounted } from '../helpers/metrics.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const SECRET = Buffer.alloc(32, 7);

describe('showChanged: the rounding after the noise', () => {
  it.each([
    [0, 0],
    [1, '<5'],
    [4, '<5'],
    [5, 5],
    [7, 5],
    [8, 10],
    [123, 125],
  ] as const)('%s → %s', (changed, shown) => {
    expect(showChanged(changed)).toBe(shown);
  });
});

describe('perturb', () => {
  it('keeps 0 at 0, whatever the figure or the key', () => {
    for (const figure of ['handoff.requested', 'staffing.requests.h37', 'conversations.ar']) {
      expect(perturb(0, figure, SECRET)).toBe(0);
      expect(perturb(0, figure, randomBytes(32))).toBe(0);
    }
  });

  it('draws the noise from −2 to +2 with the probabilities of the table', () => {
    const seen = new Map<number, number>();
    const draws = 20_000;
    for (let i = 0; i < draws; i += 1) {
      const noise = noiseOf(1 + (i % 50), `figure.${Math.floor(i / 50)}`, SECRET);
      seen.set(noise, (seen.get(noise) ?? 0) + 1);
    }
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    for (const { noise, probability } of NOISE_TABLE) expect(Math.abs((seen.get(noise) ?? 0) / draws - probability), String(noise)).toBeLessThan(0.01);
    expect(NOISE_TABLE.reduce((sum, entry) => sum + entry.probability, 0)).toBeCloseTo(1, 10);
  });

  it('shows the same figure at the same count the same every time; another key, figure or count draws again', () => {
    const other = randomBytes(32);
    let differsByKey = 0;
    let differsByFigure = 0;
    for (let n = 1; n <= 200; n += 1) {
      expect(perturb(n, 'handoff.requested', SECRET)).toBe(perturb(n, 'handoff.requested', Buffer.from(SECRET)));
      expect(new Disclosure(SECRET).count(n, 'handoff.requested')).toBe(perturb(n, 'handoff.requested', SECRET));
      if (noiseOf(n, 'handoff.requested', SECRET) !== noiseOf(n, 'handoff.requested', other)) differsByKey += 1;
      if (noiseOf(n, 'handoff.requested', SECRET) !== noiseOf(n, 'handoff.claimed', SECRET)) differsByFigure += 1;
    }
    expect(differsByKey).toBeGreaterThan(50);
    expect(differsByFigure).toBeGreaterThan(50);
  });

  it('never shows a count from 1 to 4 as a number, and every shown figure stands for its true count', () => {
    for (const figure of ['handoff.requested', 'handoff.byPriority.danger.requested', 'staffing.requests.h37', 'conversations.ar']) {
      for (let n = 0; n <= 300; n += 1) {
        const shown = perturb(n, figure, SECRET);
        expectStandsFor(shown, n, `${figure} ${n}`);
        if (n >= 1 && n <= 2) expect(shown).toBe('<5');
        if (n >= 1 && n <= 4) expect(shown === '<5' || shown === 5).toBe(true);
      }
    }
  });

  it('shownRange is exactly the true counts that can show a figure', () => {
    expect(shownRange(0)).toEqual([0, 0]);
    expect(shownRange('<5')).toEqual([1, 6]);
    expect(shownRange(5)).toEqual([3, 9]);
    expect(shownRange(10)).toEqual([6, 14]);
    expect(shownRange(125)).toEqual([121, 129]);
    for (const shown of [0, '<5', 5, 10, 15, 40, 125] as ShownCount[]) {
      const counts = Array.from({ length: 200 }, (_, n) => n).filter((n) => possibleShows(n).includes(shown));
      expect(shownRange(shown), String(shown)).toEqual([Math.min(...counts), Math.max(...counts)]);
    }
  });

  it('gives no ratio when a part is under 5', () => {
    expect(safeRatio(2, 8)).toBeNull();
    expect(safeRatio(5, 20)).toBe(0.25);
  });
});

describe('the report and the API', () => {
  const redis = testRedis();
  const keys = testKeys('suppression');
  const at = Date.parse('2026-06-15T10:30:00Z');
  const recorder = new MetricsRecorder({ redis, keys, now: () => at });
  let report: MetricsReport;
  let lantern: LanternInstance;

  beforeAll(async () => {
    for (let i = 0; i < 4; i += 1) await recorder.record({ name: 'conversation_started', lang: 'ti' });
    for (let i = 0; i < 7; i += 1) await recorder.record({ name: 'conversation_started', lang: 'ar' });
    for (let i = 0; i < 4; i += 1) await recorder.record({ name: 'handoff_requested', lang: 'ar', priority: 'normal' });
    await recorder.record({ name: 'outcome', lang: 'ar', code: 'information_given' });
    await untilCounted(redis, keys, { conversation_started: 11, handoff_requested: 4, outcome: 1 });
    report = await new MetricsQuery({ redis, keys }).report('2026-06-15', '2026-06-15', null);
    lantern = await startLantern({ redisUrl: inject('redisUrl'), keyPrefix: keys.prefix, port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false }, { openingHours: OpeningHours.always() });
    await lantern.app.staffStore.create({ username: 'coord', role: 'coordinator', password: 'coordinator password 1' });
  });
  afterAll(async () => {
    await lantern.stop();
    await redis.quit();
  });

  it('shows 1 to 4 as "<5" (or 5 when the noise lifts 3 or 4), the rest changed by at most 2 and rounded to 5s, per day and in total', () => {
    const [day] = report.conversationsPerDay;
    expect(report.conversationsPerDay).toHaveLength(1);
    expect(day).toMatchObject({ date: '2026-06-15', prs: 0, en: 0, nl: 0 });
    expectStandsFor(day!.ar, 7, 'ar');
    expectStandsFor(day!.ti, 4, 'ti');
    expectStandsFor(day!.total, 11, 'total');
    // The same figures (same name, same count) in the range's totals.
    expect(report.conversations).toEqual({ total: day!.total, byLanguage: { ar: day!.ar, ti: day!.ti, prs: 0, en: 0, nl: 0 } });
    expectStandsFor(report.handoff.requested, 4, 'requested');
    expect(report.handoff.handoffRate).toBe(typeof report.handoff.requested === 'number' && typeof day!.total === 'number' ? Math.round((100 * report.handoff.requested) / day!.total) / 100 : null);
    // One outcome: the noise cannot lift 1 above 3.
    expect(report.outcomes).toEqual([{ code: 'information_given', count: '<5' }]);
  });

  it('the CSV export shows the same cells', () => {
    const csv = reportToCsv(report);
    const [day] = report.conversationsPerDay;
    expect(csv).toContain(`conversations:2026-06-15,ti,${day!.ti}\n`);
    expect(csv).toContain(`conversations:2026-06-15,ar,${day!.ar}\n`);
    expect(csv).toContain('outcome,information_given,<5\n');
    expect(csv).not.toMatch(/,(1|2|3|4)\n/);
  });

  it('the API answers the same figures to a coordinator, and nothing to others', async () => {
    expect((await fetch(`${lantern.url}/api/metrics?from=2026-06-15&to=2026-06-15`)).status).toBe(401);
    const login = await fetch(`${lantern.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'coord', password: 'coordinator password 1' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const all = (await (await fetch(`${lantern.url}/api/metrics?from=2026-06-15&to=2026-06-15`, { headers: { cookie } })).json()) as MetricsReport;
    expect(all).toEqual(report);
    const json = (await (await fetch(`${lantern.url}/api/metrics?from=2026-06-15&to=2026-06-15&language=ti`, { headers: { cookie } })).json()) as MetricsReport;
    // Under the filter the total is the Tigrinya count: the same figure as without it.
    expect(json.conversations.total).toBe(report.conversations.byLanguage.ti);
    expectStandsFor(json.conversations.total, 4, 'ti total');
    expect(json.language).toBe('ti');
    const csv = await fetch(`${lantern.url}/api/metrics?from=2026-06-15&to=2026-06-15&format=csv`, { headers: { cookie } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain(',<5');
    const bad = [
      'from=2026-06-31&to=2026-07-01',
      'from=2026-07-01&to=2026-06-01',
      'from=2025-01-01&to=2026-06-01',
      'from=2026-06-01&to=2026-06-02&language=xx',
      'from=x&to=y',
      'from=2026-06-01&from=2026-06-02&to=2026-06-03',
      'from=2026-06-01&to=2026-06-02&format=xml',
      'from=2026-06-01&to=2026-06-02&language=ar&language=ti',
      `from=2026-06-01&to=${'9'.repeat(5000)}`,
      'period=2026-13x',
      'to=2026-06-02',
    ];
    for (const query of bad) {
      const response = await fetch(`${lantern.url}/api/metrics?${query}`, { headers: { cookie } });
      expect(response.status, query).toBe(400);
      expect(response.headers.get('cache-control'), query).toBe('no-store');
      expect(await response.json(), query).toEqual({ error: { code: 'BadArgument', message: expect.any(String) } });
    }
  });
});

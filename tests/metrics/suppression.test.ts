/**
 * Small cells: 1–4 show as "<5" everywhere (report, API JSON, CSV); rates and medians need a base of 5.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MetricsQuery, type MetricsReport } from '../../metrics/MetricsQuery.js';
import { MetricsRecorder } from '../../metrics/MetricsRecorder.js';
import { reportToCsv } from '../../metrics/metricsApiPlugin.js';
import { safeRatio, suppress } from '../../metrics/suppression.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { testKeys, testRedis } from '../helpers/redis.js';

describe('suppress', () => {
  it.each([
    [0, 0],
    [1, '<5'],
    [4, '<5'],
    [5, 5],
    [7, 5],
    [8, 10],
    [123, 125],
  ] as const)('%s → %s', (count, shown) => {
    expect(suppress(count)).toBe(shown);
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
    report = await new MetricsQuery({ redis, keys }).report('2026-06-15', '2026-06-15', null);
    lantern = await startLantern({ redisUrl: inject('redisUrl'), keyPrefix: keys.prefix, port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false }, { openingHours: OpeningHours.always() });
    await lantern.app.staffStore.create({ username: 'coord', role: 'coordinator', password: 'coordinator password 1' });
  });
  afterAll(async () => {
    await lantern.stop();
    await redis.quit();
  });

  it('shows 4 as "<5" and rounds the rest to 5s (7 → 5, 11 → 10), per day and in total', () => {
    expect(report.conversationsPerDay).toEqual([{ date: '2026-06-15', ar: 5, ti: '<5', prs: 0, en: 0, nl: 0, total: 10 }]);
    expect(report.conversations.byLanguage).toMatchObject({ ar: 5, ti: '<5' });
    expect(report.handoff.requested).toBe('<5');
    expect(report.handoff.handoffRate).toBeNull();
    expect(report.outcomes).toEqual([{ code: 'information_given', count: '<5' }]);
  });

  it('the CSV export suppresses the same cells', () => {
    const csv = reportToCsv(report);
    expect(csv).toContain('conversations:2026-06-15,ti,<5');
    expect(csv).toContain('conversations:2026-06-15,ar,5');
    expect(csv).not.toMatch(/,(1|2|3|4)\n/);
  });

  it('the API answers the same figures to a coordinator, and nothing to others', async () => {
    expect((await fetch(`${lantern.url}/api/metrics?from=2026-06-15&to=2026-06-15`)).status).toBe(401);
    const login = await fetch(`${lantern.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'coord', password: 'coordinator password 1' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const json = (await (await fetch(`${lantern.url}/api/metrics?from=2026-06-15&to=2026-06-15&language=ti`, { headers: { cookie } })).json()) as MetricsReport;
    expect(json.conversations.total).toBe('<5');
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

/**
 * The figures a helpline's coordinator is asked for first: waits by priority, what went wrong and
 * demand against staffing by hour of the week. Every new count goes through the same disclosure
 * control as the others (changed by at most 2, then "<5" or rounded to fives; JSON, CSV, API), so
 * the tests check that each true count lies in the range its shown figure stands for; every rate
 * and median is made from shown counts of at least 5, staffing goes by hour of the week (never a
 * date), and whole months, quarters and years can be asked for (showing the same figures when they
 * hold no other events).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hourOfWeek, type MetricEvent } from '../../metrics/MetricEvent.js';
import { MetricsQuery, type MetricsReport } from '../../metrics/MetricsQuery.js';
import { MetricsRecorder } from '../../metrics/MetricsRecorder.js';
import { reportToCsv } from '../../metrics/metricsApiPlugin.js';
import { periodRange } from '../../metrics/calendar.js';
import { shownRatioBand, type ShownCount } from '../../metrics/suppression.js';
import { expectStandsFor, untilCounted } from '../helpers/metrics.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { testKeys, testRedis } from '../helpers/redis.js';

describe('hour of the week and calendar periods', () => {
  it.each([
    ['2026-06-15T00', 0], // a Monday
    ['2026-06-15T12', 12],
    ['2026-06-16T09', 33],
    ['2026-06-21T23', 167], // a Sunday
  ] as const)('%s is hour %s of the week', (hour, expected) => {
    expect(hourOfWeek(hour)).toBe(expected);
  });

  it.each([
    ['2026', { from: '2026-01-01', to: '2026-12-31' }],
    ['2026-Q1', { from: '2026-01-01', to: '2026-03-31' }],
    ['2026-Q4', { from: '2026-10-01', to: '2026-12-31' }],
    ['2024-02', { from: '2024-02-01', to: '2024-02-29' }],
    ['2026-11', { from: '2026-11-01', to: '2026-11-30' }],
    ['2026-Q5', undefined],
    ['2026-13', undefined],
    ['26', undefined],
    ['2026-q1', undefined],
  ] as const)('period %s', (period, expected) => {
    expect(periodRange(period)).toEqual(expected);
  });
});

describe('a share as a band from two shown counts', () => {
  it.each([
    [10, 10, [0.42, 1]], // 6–14 of 6–14
    [5, 10, [0.21, 1]], // 3–9 of 6–14
    [5, 5, [0.33, 1]], // 3–9 of 3–9
    [20, 40, [0.36, 0.67]], // 16–24 of 36–44
    [50, 100, [0.44, 0.57]], // 46–54 of 96–104
    ['<5', 10, null],
    [10, '<5', null],
    [0, 10, null],
  ] as Array<[ShownCount, ShownCount, [number, number] | null]>)('%s of %s → %j', (part, whole, band) => {
    expect(shownRatioBand(part, whole)).toEqual(band);
  });
});

describe('waits by priority, what went wrong, staffing', () => {
  const redis = testRedis();
  const keys = testKeys('needs');
  // Monday 15 June 2026, 12:30 in Amsterdam (hour 12 of the week); a night hour on Tuesday (hour 24 + 3).
  const monday = Date.parse('2026-06-15T10:30:00Z');
  const tuesdayNight = Date.parse('2026-06-16T01:10:00Z');
  let report: MetricsReport;
  let lantern: LanternInstance;

  async function record(at: number, event: MetricEvent, times = 1): Promise<void> {
    const recorder = new MetricsRecorder({ redis, keys, now: () => at });
    for (let i = 0; i < times; i += 1) await recorder.record(event);
  }

  beforeAll(async () => {
    // Danger: 7 asked (6 on Monday, 1 at night), 6 taken: 3 within a minute, 1 within five, 2 within fifteen; 1 left while waiting.
    await record(monday, { name: 'handoff_requested', lang: 'ar', priority: 'danger' }, 6);
    await record(tuesdayNight, { name: 'handoff_requested', lang: 'ti', priority: 'danger' });
    await record(monday, { name: 'handoff_claimed', lang: 'ar', priority: 'danger', wait: '0-1' }, 3);
    await record(monday, { name: 'handoff_claimed', lang: 'ar', priority: 'danger', wait: '1-5' });
    await record(monday, { name: 'handoff_claimed', lang: 'ar', priority: 'danger', wait: '5-15' }, 2);
    await record(tuesdayNight, { name: 'handoff_unreached', lang: 'ti', priority: 'danger', why: 'left' });
    // Normal: 12 asked, 10 taken within a minute, 2 stopped waiting.
    await record(monday, { name: 'handoff_requested', lang: 'nl', priority: 'normal' }, 12);
    await record(monday, { name: 'handoff_claimed', lang: 'nl', priority: 'normal', wait: '0-1' }, 10);
    await record(monday, { name: 'handoff_unreached', lang: 'nl', priority: 'normal', why: 'cancelled' }, 2);
    // What went wrong.
    await record(monday, { name: 'handoff_returned', lang: 'ar', priority: 'danger' }, 3);
    await record(monday, { name: 'claim_refused', lang: 'nl', priority: 'normal', reason: 'capacity' }, 6);
    await record(monday, { name: 'danger_realert', lang: 'ar' }, 7);
    await record(monday, { name: 'interpreter_needed', lang: 'ti', priority: 'raised' }, 8);
    await record(monday, { name: 'chat_flag', lang: 'ar', level: 'urgent', categories: ['threat'] }, 4);
    // Staffing: Monday 12:00 two samples (2 and 1 on duty); Tuesday 03:00 one sample, nobody.
    await record(monday, { name: 'duty_sample', onDuty: 2 });
    await record(monday, { name: 'duty_sample', onDuty: 1 });
    await record(tuesdayNight, { name: 'duty_sample', onDuty: 0 });
    await untilCounted(redis, keys, { handoff_requested: 19, handoff_claimed: 16, handoff_unreached: 3, interpreter_needed: 8, duty_samples: 3 });
    report = await new MetricsQuery({ redis, keys }).report('2026-06-15', '2026-06-16', null);
    lantern = await startLantern({ redisUrl: inject('redisUrl'), keyPrefix: keys.prefix, port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false }, { openingHours: OpeningHours.always() });
    await lantern.app.staffStore.create({ username: 'coord', role: 'coordinator', password: 'coordinator password 1' });
  });
  afterAll(async () => {
    await lantern.stop();
    await redis.quit();
  });

  it('waits by priority: each count stands for its true one, rates and medians only from shown counts of 5 or more', () => {
    const { danger, raised, normal } = report.handoff.byPriority;
    expectStandsFor(danger.requested, 7, 'danger requested');
    expectStandsFor(danger.claimed, 6, 'danger claimed');
    // One not reached, one waited 1 to 5 minutes, two 5 to 15: the noise cannot lift them above 4.
    expect(danger.notReached).toBe('<5');
    expect(danger.waitBuckets.slice(1, 3)).toEqual([
      { bucket: '1-5', count: '<5' },
      { bucket: '5-15', count: '<5' },
    ]);
    expectStandsFor(danger.waitBuckets[0]!.count, 3, 'danger 0-1');
    expect(danger.waitBuckets.slice(3).map((b) => b.count)).toEqual([0, 0, 0]);
    // The median of three buckets of "<5" (each 1 to 4 as far as anyone can tell) is not known; the p90 is 15 at most.
    expect(danger.waitMedianMinutes).toBeNull();
    expect([15, null]).toContain(danger.waitP90Minutes);
    // Four of six within 5 minutes: a rate only from two shown numbers, and a band that holds the true share.
    expect(danger.within5MinRate === null).toBe(danger.within5MinBand === null);
    if (danger.within5MinBand) {
      expect(danger.within5MinBand[0]).toBeLessThanOrEqual(4 / 6);
      expect(danger.within5MinBand[1]).toBeGreaterThanOrEqual(4 / 6);
      expect(danger.within5MinRate).toBeLessThanOrEqual(1);
    }
    expectStandsFor(normal.requested, 12, 'normal requested');
    // Ten taken within a minute: 10 can only show as 10 (changed to 8 to 12), so the rate is 1 and the band 42–100 %.
    expect(normal).toMatchObject({ claimed: 10, notReached: '<5', waitMedianMinutes: 1, waitP90Minutes: 1, within5MinRate: 1, within5MinBand: [0.42, 1] });
    expect(raised).toMatchObject({ requested: 0, claimed: 0, notReached: 0, waitMedianMinutes: null, within5MinRate: null, within5MinBand: null });
  });

  it('what went wrong, counted (no ids, no text)', () => {
    const problems = report.problems;
    expect(problems).toMatchObject({
      dangerNotReached: '<5',
      notReachedByReason: [
        { reason: 'cancelled', count: '<5' },
        { reason: 'left', count: '<5' },
      ],
      leftWhileWaiting: 0,
    });
    // The same count as the danger priority's "not reached": the same figure.
    expect(problems.dangerNotReached).toBe(report.handoff.byPriority.danger.notReached);
    expectStandsFor(problems.returnedAfterCounsellorLeft, 3, 'returned');
    expectStandsFor(problems.claimsRefusedForCapacity, 6, 'refused');
    expectStandsFor(problems.dangerRealerts, 7, 'realerts');
    expect(problems.interpreterNeededByLanguage.map((l) => l.language)).toEqual(['ti']);
    expectStandsFor(problems.interpreterNeededByLanguage[0]!.count, 8, 'interpreter ti');
    expect(problems.chatFlagsByCategory.map((c) => c.category)).toEqual(['threat']);
    expectStandsFor(problems.chatFlagsByCategory[0]!.count, 4, 'threat');
    expect(Object.keys(problems).sort()).toEqual(['chatFlagsByCategory', 'claimsRefusedForCapacity', 'dangerNotReached', 'dangerRealerts', 'interpreterNeededByLanguage', 'leftWhileWaiting', 'notReachedByReason', 'returnedAfterCounsellorLeft']);
  });

  it('staffing by hour of the week: requests each stand for their true count, the average on duty from the samples', () => {
    expect(report.staffing).toHaveLength(168);
    expect(report.staffing[12]).toMatchObject({ hourOfWeek: 12, counsellorsOnDutyAvg: 1.5 });
    expectStandsFor(report.staffing[12]!.requests, 18, 'requests at 12');
    expectStandsFor(report.staffing[12]!.dangerRequests, 6, 'danger requests at 12');
    expect(report.staffing[27]).toEqual({ hourOfWeek: 27, requests: '<5', dangerRequests: '<5', counsellorsOnDutyAvg: 0 });
    expect(report.staffing[100]).toEqual({ hourOfWeek: 100, requests: 0, dangerRequests: 0, counsellorsOnDutyAvg: null });
  });

  it('a language filter keeps the duty samples (counsellors have no language) and filters the requests', async () => {
    const ti = await new MetricsQuery({ redis, keys }).report('2026-06-15', '2026-06-16', 'ti');
    expect(ti.staffing[12]).toMatchObject({ requests: 0, counsellorsOnDutyAvg: 1.5 });
    expect(ti.staffing[27]).toMatchObject({ requests: '<5', counsellorsOnDutyAvg: 0 });
    expect(ti.handoff.byPriority.danger.requested).toBe('<5');
  });

  it('the CSV carries the same figures and never a count from 1 to 4', () => {
    const csv = reportToCsv(report);
    const danger = report.handoff.byPriority.danger;
    for (const row of [
      `handoff_danger,requested,${danger.requested}`,
      'handoff_danger,not_reached,<5',
      `handoff_danger,within_5_min_rate,${danger.within5MinRate ?? ''}`,
      'handoff_normal,within_5_min_rate,1',
      'handoff_normal,within_5_min_band,0.42-1',
      `problems,claims_refused_for_capacity,${report.problems.claimsRefusedForCapacity}`,
      `interpreter_needed,ti,${report.problems.interpreterNeededByLanguage[0]!.count}`,
      `staffing_requests,12,${report.staffing[12]!.requests}`,
      'staffing_on_duty_avg,12,1.5',
    ]) {
      expect(csv).toContain(`${row}\n`);
    }
    const counts = csv.split('\n').filter((line) => line && !/^(staffing_on_duty_avg|handoff(_\w+)?,(wait|within|handoffRate)|translation|funnel_continued_rate)/.test(line));
    for (const line of counts) expect(line, line).not.toMatch(/,[1-4]$/);
    expect(csv).not.toContain('[object Object]');
  });

  it('the API answers a whole quarter, and refuses a bad period or a period with dates', async () => {
    const login = await fetch(`${lantern.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'coord', password: 'coordinator password 1' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const quarter = (await (await fetch(`${lantern.url}/api/metrics?period=2026-Q2`, { headers: { cookie } })).json()) as MetricsReport;
    expect(quarter).toMatchObject({ from: '2026-04-01', to: '2026-06-30' });
    // No other events in the quarter: the same figures as the two days.
    expect(quarter.handoff).toEqual(report.handoff);
    expect(quarter.problems).toEqual(report.problems);
    expectStandsFor(quarter.handoff.byPriority.normal.requested, 12, 'normal requested in the quarter');
    const year = (await (await fetch(`${lantern.url}/api/metrics?period=2026`, { headers: { cookie } })).json()) as MetricsReport;
    expect(year).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
    for (const query of ['period=2026-Q5', 'period=x', 'period=2026-Q2&from=2026-04-01&to=2026-04-02']) {
      const response = await fetch(`${lantern.url}/api/metrics?${query}`, { headers: { cookie } });
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BadArgument');
    }
  });

  it('the funnel cannot contradict itself: "went on" never above "entered", drop-off is shown "entered" minus shown "went on"', async () => {
    const k = testKeys('needs-funnel');
    const recorder = new MetricsRecorder({ redis, keys: k, now: () => monday });
    // 13 entered, 12 went on: each shows 10 or 15, so drop-off shows 0 or 5 (the true 1 on its own would be "<5").
    for (let i = 0; i < 13; i += 1) await recorder.record({ name: 'node', lang: 'en', node: 'rights', from: 'menu' });
    for (let i = 0; i < 12; i += 1) await recorder.record({ name: 'node', lang: 'en', node: 'rights_guardian', from: 'rights' });
    await untilCounted(redis, k, { node: 25 });
    const funnel = (await new MetricsQuery({ redis, keys: k }).report('2026-06-15', '2026-06-15', null)).funnel.find((f) => f.node === 'rights')!;
    expectStandsFor(funnel.entered, 13, 'entered');
    expectStandsFor(funnel.continued, 12, 'went on');
    const entered = funnel.entered as number;
    const continued = funnel.continued as number;
    expect(continued).toBeLessThanOrEqual(entered);
    expect(funnel.dropOff).toBe(entered - continued);
    expect(funnel.continuedRate).toBe(Math.round((100 * continued) / entered) / 100);
  });
});

/**
 * The coordinator's first questions in a real browser (Debian's Chromium, laptop 1366×768): after a
 * scripted week of traffic (danger, signal and plain requests in five languages, some at night when
 * nobody is on duty, counsellors leaving, interpreters needed) the dashboard shows how long young
 * people in danger waited and how many nobody reached, and the heat map shows when the service is
 * short of counsellors; the monthly report (?report=2026-11) shows the same figures ready for print
 * (a PDF is made through Chromium's print). Every figure on the page is the API's, "<5" included;
 * the API's figures (each count changed by a keyed noise of at most 2, then "<5" or rounded to
 * fives) are checked to stand for the week's true counts (tests/helpers/metrics.ts).
 * The week is recorded through the metrics recorder with the events and codes the handoff records
 * (real Redis, real server, real page); the times are set so it is a whole week of November 2026.
 * Screenshots and the PDF go to tests/artifacts/ (ARTIFACTS), the week's figures to
 * tests/artifacts/coordinator-week.json.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Language } from '../../contracts/languages.js';
import type { Priority } from '../../contracts/profileCodes.js';
import type { MetricEvent, WaitBucket } from '../../metrics/MetricEvent.js';
import type { MetricsReport } from '../../metrics/MetricsQuery.js';
import { MetricsRecorder } from '../../metrics/MetricsRecorder.js';
import type { LanternInstance } from '../../server/Lantern.js';
import { externalRequests, js, launchBrowser } from '../helpers/browser.js';
import { expectStandsFor } from '../helpers/metrics.js';
import { ARTIFACTS, startBuiltLantern, stopBuiltLantern } from '../helpers/builtLantern.js';
import { uniquePrefix } from '../helpers/redis.js';

const PASSWORD = 'a long enough test password';
let lantern: LanternInstance;
const tempDirs: string[] = [];

/** A moment in Amsterdam in November 2026 (CET, UTC+1): day 2 is a Monday. */
function at(day: number, hour: number, minute = 10): number {
  return Date.UTC(2026, 10, day, hour - 1, minute);
}

/** The scripted week: 2 to 8 November 2026. */
async function scriptWeek(): Promise<void> {
  const events: Array<[number, MetricEvent]> = [];
  const languages: Language[] = ['ar', 'ti', 'prs', 'en', 'nl'];
  let n = 0;
  const lang = () => languages[n++ % languages.length]!;
  const request = (time: number, priority: Priority, wait: WaitBucket | 'left' | 'cancelled' | 'closed', language = lang()) => {
    events.push([time - 5 * 60_000, { name: 'conversation_started', lang: language }]);
    events.push([time, { name: 'handoff_requested', lang: language, priority }]);
    if (wait === 'left' || wait === 'cancelled' || wait === 'closed') events.push([time + 20 * 60_000, { name: 'handoff_unreached', lang: language, priority, why: wait }]);
    else events.push([time + 60_000, { name: 'handoff_claimed', lang: language, priority, wait }]);
  };
  for (let day = 2; day <= 8; day += 1) {
    const weekday = day <= 6;
    // On duty: two counsellors 09–17 on weekdays (one on Friday afternoon), nobody at night or at the weekend.
    for (let hour = 0; hour < 24; hour += 1) {
      const onDuty = weekday && hour >= 9 && hour < 17 ? (day === 6 && hour >= 13 ? 1 : 2) : 0;
      for (let sample = 0; sample < 6; sample += 1) events.push([at(day, hour, sample * 10), { name: 'duty_sample', onDuty }]);
    }
    if (weekday) {
      // Mornings: plain requests and a signal of exploitation; afternoons: two danger requests and a plain one.
      for (let i = 0; i < 5; i += 1) request(at(day, 10, i * 10), 'normal', i === 4 ? '5-15' : '1-5');
      request(at(day, 11), 'raised', '1-5');
      request(at(day, 14), 'danger', day === 4 ? '5-15' : '0-1');
      request(at(day, 16), 'danger', day === 6 ? '15-30' : '1-5');
      request(at(day, 15), 'normal', day === 6 ? 'cancelled' : '1-5');
    }
  }
  // Nights and the weekend: danger and plain requests while nobody is on duty (closed, or open with
  // nobody signed in and the young person left); nobody reached them.
  for (const [day, hour] of [[3, 23], [4, 2], [5, 23], [7, 2], [7, 22], [8, 3]] as const) {
    request(at(day, hour), 'danger', hour < 12 ? 'closed' : 'left');
    request(at(day, hour, 30), 'normal', 'cancelled');
  }
  // Counsellors leaving mid-conversation (back to the list), a full counsellor, interpreters, flags.
  for (const language of ['ar', 'ti', 'nl'] as const) events.push([at(4, 16), { name: 'handoff_returned', lang: language, priority: 'danger' }]);
  for (let i = 0; i < 6; i += 1) events.push([at(5, 10), { name: 'claim_refused', lang: 'ar', priority: 'normal', reason: 'capacity' }]);
  for (const language of ['ti', 'ti', 'ti', 'prs', 'prs', 'ti', 'ti'] as const) events.push([at(3, 14), { name: 'interpreter_needed', lang: language, priority: 'normal' }]);
  for (let i = 0; i < 5; i += 1) events.push([at(2, 14), { name: 'chat_flag', lang: 'ar', level: 'urgent', categories: ['threat'] }]);
  for (const [time, event] of events) await new MetricsRecorder({ redis: lantern.redis, keys: lantern.keys, now: () => time }).record(event);
}

beforeAll(async () => {
  lantern = await startBuiltLantern(inject('redisUrl'), uniquePrefix('dashboardNeeds'), tempDirs);
  await lantern.app.staffStore.create({ username: 'cora', role: 'coordinator', password: PASSWORD });
  await scriptWeek();
}, 180_000);
afterAll(() => stopBuiltLantern(lantern, tempDirs));

/** How a count is shown in Dutch. */
function shown(value: number | string): string {
  return typeof value === 'number' ? value.toLocaleString('nl-NL') : value;
}

async function login(page: Page): Promise<void> {
  await page.locator('#loginForm').waitFor({ state: 'visible' });
  await page.fill('#loginUser', 'cora');
  await page.fill('#loginPassword', PASSWORD);
  await page.click('#loginForm button[type=submit]');
}

describe('the heat map and the monthly report on a laptop', () => {
  it('shows the scripted week: waits by priority, what went wrong, when nobody was on duty; prints', async () => {
    const { context, page, requests, errors } = await launchBrowser({
      tempDirs,
      context: { locale: 'nl-NL', viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 },
      ignoreConsole: /Failed to load resource/,
    });
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${lantern.url}/coordinator?report=2026-11`);
      await login(page);
      await page.locator('.heatmap td.heat').first().waitFor({ state: 'visible' });
      await expect.poll(() => page.locator('#figures').getAttribute('aria-busy')).toBeNull();
      const m = await js<MetricsReport>(page, `fetch('/api/metrics?period=2026-11', { credentials: 'same-origin' }).then((r) => r.json())`);
      writeFileSync(path.join(ARTIFACTS, 'coordinator-week.json'), JSON.stringify({ handoff: m.handoff, problems: m.problems, staffing: m.staffing.filter((h) => h.requests !== 0 || (h.counsellorsOnDutyAvg ?? 0) > 0) }, null, 2));

      // The report: the filters are gone, its heading and print button are there, the period is November.
      expect(await js<boolean>(page, `document.body.classList.contains('report')`)).toBe(true);
      expect(await page.locator('#filters').isHidden()).toBe(true);
      expect(await page.locator('#printReport').isVisible()).toBe(true);
      expect(m).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });

      // Waits by priority: the table is the API's, danger first.
      const danger = m.handoff.byPriority.danger;
      // 16 danger requests (10 by day, 6 at night), 10 taken (always shown 10: changed to 8 to 12), the 6 at night nobody reached.
      expectStandsFor(danger.requested, 16, 'danger requested');
      expect(danger.claimed).toBe(10);
      expectStandsFor(danger.notReached, 6, 'danger not reached');
      const dangerCells = await page.locator('tr[data-priority="danger"] td').allTextContents();
      expect(dangerCells.slice(0, 3)).toEqual([shown(danger.requested), shown(danger.claimed), shown(danger.notReached)]);
      expect(await page.locator('.panel-priority tbody tr th').first().textContent()).toBe('Acuut gevaar');
      // Taken within five minutes as a band from the shown counts (8 of 10 true; 8 within shows 5 or 10,
      // so the band is 21 to 100 % or 42 to 100 %), holding the true share.
      expect([[0.21, 1], [0.42, 1]]).toContainEqual(danger.within5MinBand);
      const band = danger.within5MinBand!;
      expect(band[0]).toBeLessThanOrEqual(0.8);
      expect(await page.locator('tr[data-priority="danger"] .bandText').textContent()).toBe(`${Math.round(100 * band[0])}% tot 100%`);

      // What went wrong: counted, "<5" as "<5".
      expect(await page.locator('[data-figure="dangerNotReached"] dd').textContent()).toBe(shown(m.problems.dangerNotReached));
      expectStandsFor(m.problems.dangerNotReached, 6, 'danger not reached');
      expectStandsFor(m.problems.returnedAfterCounsellorLeft, 3, 'returned');
      expectStandsFor(m.problems.claimsRefusedForCapacity, 6, 'refused');
      expect(await page.locator('[data-figure="returnedAfterCounsellorLeft"] dd').textContent()).toBe(shown(m.problems.returnedAfterCounsellorLeft));
      expect(await page.locator('[data-figure="claimsRefusedForCapacity"] dd').textContent()).toBe(shown(m.problems.claimsRefusedForCapacity));

      // The heat map: 7 × 24 cells, each the API's count; a red frame where requests came while nobody was on duty.
      expect(await page.locator('.heatmap td.heat').count()).toBe(168);
      for (const h of m.staffing.filter((x) => x.requests !== 0)) {
        expect(await page.locator(`.heatmap td[data-hour-of-week="${h.hourOfWeek}"]`).textContent(), String(h.hourOfWeek)).toBe(shown(h.requests));
      }
      const short = m.staffing.filter((h) => h.requests !== 0 && !h.counsellorsOnDutyAvg).map((h) => String(h.hourOfWeek));
      expect(short.length).toBeGreaterThan(3);
      expect(await page.locator('.heatmap td.short').evaluateAll((cells) => cells.map((cell) => (cell as unknown as { dataset: { hourOfWeek: string } }).dataset.hourOfWeek))).toEqual(short);
      // Monday 14:00: two counsellors on duty; Monday 10:00 (five plain requests) is shaded, "<5" or a number.
      expect(m.staffing[14]).toMatchObject({ counsellorsOnDutyAvg: 2 });
      expect(m.staffing[10]).toMatchObject({ counsellorsOnDutyAvg: 2 });
      expectStandsFor(m.staffing[10]!.requests, 5, 'Monday 10:00');
      expect(await page.locator('.heatmap td[data-hour-of-week="10"]').getAttribute('data-level')).not.toBe('0');
      expect(await page.locator('.heatmap td.staffed').count()).toBe(5 * 8);
      await page.locator('.panel-staffing').screenshot({ path: path.join(ARTIFACTS, 'coordinator-heatmap-laptop.png') });

      // Legends show their values without hovering; nothing scrolls sideways; the page's own requests only.
      expect(await page.locator('.valueLegend li').count()).toBeGreaterThan(3);
      expect(await js<boolean>(page, 'document.documentElement.scrollWidth > document.documentElement.clientWidth + 1')).toBe(false);
      await page.screenshot({ path: path.join(ARTIFACTS, 'coordinator-report-laptop.png'), fullPage: true });
      await page.emulateMedia({ media: 'print' });
      await page.pdf({ path: path.join(ARTIFACTS, 'coordinator-report-2026-11.pdf'), format: 'A4', printBackground: true });
      expect(externalRequests(requests, lantern.url, (url) => url.startsWith('blob:'))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

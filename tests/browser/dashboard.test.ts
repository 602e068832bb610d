/**
 * The coordinators' dashboard in a real browser (Debian's Chromium through playwright-core)
 * against the whole server (startLantern: Direct Line, bot, handoff, metrics) on the test Redis.
 * The figures come from real conversations driven through the Direct Line API: young people in
 * five languages walk the dialog tree, ask for a person (taken and ended with an outcome by a
 * counsellor, cancelled, left with a quick exit, or outside opening hours on a second instance
 * that is closed today), type something dangerous, leave with a quick exit. So some counts are 5
 * or more and some are 1 to 4. The API shows each count changed by a keyed noise of at most 2 and
 * then "<5" or rounded to fives, so the API's figures are checked to stand for the true counts
 * (tests/helpers/metrics.ts); the page is checked to show exactly the API's figures.
 * In Chromium (laptop 1280×800, tablet 820×1180) a coordinator logs in; the charts draw; every
 * figure equals the API's, and a count the API gives as "<5" shows as "<5"; the language filter
 * and the English toggle work; the CSV export downloads the API's CSV; a counsellor is refused.
 * Nothing leaves 127.0.0.1 and the page logs no errors (so no CSP violations).
 * Screenshots go to tests/artifacts/ (gitignored).
 */
import type { Activity } from 'botbuilder';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { buildWeb } from '../../scripts/build-web.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { externalRequests, js, launchBrowser, type Browser } from '../helpers/browser.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { expectStandsFor } from '../helpers/metrics.js';
import { uniquePrefix } from '../helpers/redis.js';

const ARTIFACTS = path.resolve('tests/artifacts');
const PASSWORD = 'a long enough test password';
const COORDINATOR = 'coco';

type Count = number | string;
interface Metrics {
  from: string;
  to: string;
  language: string | null;
  conversationsPerDay: Array<Record<string, Count>>;
  conversations: { total: Count; byLanguage: Record<string, Count> };
  funnel: Array<{ node: string; entered: Count; continued: Count; dropOff: Count }>;
  handoff: Record<string, unknown> & { requested: Count; claimed: Count; abandoned: Count; waitBuckets: Array<{ bucket: string; count: Count }> };
  danger: { flags: Count; dangerNowYes: Count; byCategory: Array<{ category: string; count: Count }> };
  outcomes: Array<{ code: string; count: Count }>;
  quickExits: Count;
  outOfHoursDemand: Count;
  languageSwitches: Count;
  watchedPhone: { mayBeWatched: Count; returnCodesGiven: Count; returnCodesUsed: Count | null };
}

function json<T>(file: string): T {
  return JSON.parse(readFileSync(path.resolve(file), 'utf8')) as T;
}
const staff = {
  nl: json<{ dashboard: Record<string, string>; topics: Record<string, string>; languages: Record<string, string> }>('locales/staff/nl.json'),
  en: json<{ dashboard: Record<string, string>; topics: Record<string, string>; languages: Record<string, string> }>('locales/staff/en.json'),
};

let lantern: LanternInstance;
/** A second instance on the same Redis and prefix, closed today: its requests are out-of-hours demand. */
let closed: LanternInstance;
let distDir: string;
const tempDirs: string[] = [];

const isEvent = (name: string, state?: string) => (a: Activity) =>
  a.type === 'event' && a.name === name && (state === undefined || (a.value as { state?: string } | undefined)?.state === state);

/** Today in Europe/Amsterdam, YYYY-MM-DD. */
function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** Days before a date, YYYY-MM-DD. */
function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

// Data: real conversations -----------------------------------------------------------------------

async function choose(young: YoungPersonClient, choice: string): Promise<void> {
  const response = await young.say('x', { choice });
  expect(response.status).toBe(200);
}

async function askForPerson(young: YoungPersonClient): Promise<void> {
  await young.say('x', { command: 'talk_to_human' });
  await young.waitFor(isEvent('handoff.status'));
}

async function quickExit(young: YoungPersonClient): Promise<void> {
  const response = await young.post({ type: 'endOfConversation' });
  expect(response.status).toBe(200);
}

/** Claims a waiting conversation as soon as it is in the line, and ends it with an outcome. */
async function takeAndEnd(counsellor: CounsellorClient, young: YoungPersonClient, outcome: string): Promise<void> {
  await young.waitFor(isEvent('handoff.status', 'waiting'));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const claim = await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/claim`);
    if (claim.status === 200) break;
    if (Date.now() > deadline) throw new Error(`claim: ${claim.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await young.waitFor(isEvent('handoff.status', 'accepted'));
  const end = await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome });
  expect(end.status).toBe(200);
}

/**
 * Arabic ×6 (5 to "My rights", 2 on to "Guardian, mentor, lawyer"; all 6 ask for a person and are
 * taken: 5 "information given", 1 "safety plan"), Tigrinya ×2 ("What is exploitation?"), Dari ×1 (quick
 * exit), English ×3 (danger typed; stops waiting; quick exit while waiting), Dutch ×2 on the closed
 * instance (ask for a person: out of hours).
 */
async function driveConversations(): Promise<void> {
  const amal = await CounsellorClient.login(lantern, 'amal', ['ar', 'en']);
  const arabic = await Promise.all(Array.from({ length: 6 }, () => YoungPersonClient.start(lantern, 'ar')));
  await Promise.all(
    arabic.map(async (young, index) => {
      if (index < 5) await choose(young, 'rights');
      if (index < 2) await choose(young, 'rights_guardian');
    }),
  );
  for (const [index, young] of arabic.entries()) {
    await askForPerson(young);
    await takeAndEnd(amal, young, index === 5 ? 'safety_plan' : 'information_given');
  }

  const tigrinya = await Promise.all(Array.from({ length: 2 }, () => YoungPersonClient.start(lantern, 'ti')));
  await Promise.all(tigrinya.map((young) => choose(young, 'exploitation')));

  const dari = await YoungPersonClient.start(lantern, 'prs');
  await quickExit(dari);

  const [danger, stops, leaves] = await Promise.all(Array.from({ length: 3 }, () => YoungPersonClient.start(lantern, 'en')));
  await danger!.say('they are outside my door with a knife');
  await askForPerson(stops!);
  await stops!.say('Stop waiting', { choice: 'cancel_waiting' });
  await stops!.waitFor(isEvent('handoff.status', 'failed'));
  await askForPerson(leaves!);
  await leaves!.waitFor(isEvent('handoff.status', 'waiting'));
  await quickExit(leaves!);

  const dutch = await Promise.all(Array.from({ length: 2 }, () => YoungPersonClient.start(closed, 'nl')));
  for (const young of dutch) await askForPerson(young);
}

// Browser ----------------------------------------------------------------------------------------

/** A fresh browser with its own profile; every request and page error recorded. */
async function browser(kind: 'laptop' | 'tablet'): Promise<Browser> {
  const device =
    kind === 'laptop'
      ? { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false }
      : { viewport: { width: 820, height: 1180 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
  // The 401 of GET /api/staff/me before logging in is expected, not an error of the page.
  return launchBrowser({ tempDirs, context: { locale: 'nl-NL', acceptDownloads: true, ...device }, ignoreConsole: /Failed to load resource/ });
}

/** Requests that went anywhere but the Lantern server. */
function external(requests: string[]): string[] {
  return externalRequests(requests, lantern.url, (url) => url.startsWith('blob:'));
}

async function login(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.locator('#loginForm').waitFor({ state: 'visible' });
  await page.fill('#loginUser', username);
  await page.fill('#loginPassword', password);
  await page.click('#loginForm button[type=submit]');
}

/** The metrics as the page's own session gets them from the API. */
async function apiMetrics(page: Page, search: string): Promise<Metrics> {
  return js<Metrics>(page, `fetch('/api/metrics?${search}', { credentials: 'same-origin' }).then((r) => r.json())`);
}

/** Waits until `expression` is true in the page (polled from here: the page's CSP forbids eval, which waitForFunction needs). */
async function until(page: Page, expression: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => js<boolean>(page, expression), { timeout, interval: 100 }).toBe(true);
}

/** Waits until the figures for `language` ('' = all) are on screen. */
async function waitForFigures(page: Page, language: string): Promise<void> {
  await until(
    page,
    `(() => {
      const figures = document.getElementById('figures');
      const busy = !figures || figures.getAttribute('aria-busy') === 'true';
      const shown = new URLSearchParams(location.search).get('language') || '';
      return !busy && shown === ${JSON.stringify(language)} && document.querySelectorAll('#figures .uplot canvas').length >= 2;
    })()`,
  );
}

/** The text of a key figure / handoff or danger line. */
async function figure(page: Page, id: string): Promise<string> {
  return (await page.locator(`[data-figure="${id}"] dd`).first().textContent())?.trim() ?? '';
}

/** How a count is shown: a number in Dutch or English notation, or the API's string itself. */
function shown(value: Count, language: 'nl' | 'en' = 'nl'): string {
  return typeof value === 'number' ? value.toLocaleString(language === 'nl' ? 'nl-NL' : 'en-GB') : value;
}

/** Drawn pixels per chart canvas (uPlot draws axes, lines and bars into canvases). */
async function drawnPixels(page: Page): Promise<number[]> {
  return js<number[]>(
    page,
    `[...document.querySelectorAll('#figures .uplot canvas')].map((canvas) => {
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
      return drawn;
    })`,
  );
}

/** Waits until the first element matching `selector` has this text (or contains it). */
async function expectText(page: Page, selector: string, text: string, contains = false): Promise<void> {
  await expect
    .poll(async () => {
      const actual = ((await page.locator(selector).first().textContent({ timeout: 5_000 })) ?? '').trim();
      return contains ? actual.includes(text) : actual === text;
    }, { timeout: 10_000 })
    .toBe(true);
}

/** Elements wider than the page (the document scrolling sideways). */
async function overflows(page: Page): Promise<boolean> {
  return js<boolean>(page, 'document.documentElement.scrollWidth > document.documentElement.clientWidth + 1');
}

beforeAll(async () => {
  distDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-web-'));
  tempDirs.push(distDir);
  await buildWeb({ outDir: distDir, log: false });
  mkdirSync(ARTIFACTS, { recursive: true });
  const config = {
    redisUrl: inject('redisUrl'),
    keyPrefix: uniquePrefix('dashboard'),
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    tokenRateLimitMax: 1000,
    secureCookies: false,
  };
  lantern = await startLantern(config, { webDistDir: distDir, openingHours: OpeningHours.always() });
  // Open every day but today.
  const allDay: Array<[string, string]> = [['00:00', '24:00']];
  const week = Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((day) => [day, allDay]));
  closed = await startLantern(config, { webDistDir: distDir, openingHours: new OpeningHours({ timeZone: 'Europe/Amsterdam', weekly: week, holidays: [today()] }) });
  await lantern.app.staffStore.create({ username: COORDINATOR, role: 'coordinator', password: PASSWORD });
  await driveConversations();
}, 120_000);

afterAll(async () => {
  await closed?.stop();
  await lantern?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('coordinators’ dashboard', () => {
  it('is served with the strict headers and a connect-src of only its own origin', async () => {
    const response = await fetch(`${lantern.url}/coordinator`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toMatch(/ws:|wss:|https?:/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('set-cookie')).toBeNull();
    const html = await response.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/coordinator\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const file = await fetch(`${lantern.url}${asset}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('cache-control')).toContain('immutable');
    }
    expect((await fetch(`${lantern.url}/coordinator/assets/nothing.js`)).status).toBe(404);
  });

  it('shows the figures on a laptop: charts drawn, "<5" as "<5", language filter, English, CSV', async () => {
    const { context, page, requests, errors } = await browser('laptop');
    try {
      await page.goto(`${lantern.url}/coordinator`);
      await expectText(page, '#loginForm h1', staff.nl.dashboard.loginTitle!);
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-login.png') });
      await login(page, COORDINATOR);
      await waitForFigures(page, '');

      // Default period: the last 30 days up to today, all languages.
      const to = today();
      const from = daysBefore(to, 29);
      expect(await page.inputValue('#from')).toBe(from);
      expect(await page.inputValue('#to')).toBe(to);
      expect(await page.inputValue('#language')).toBe('');
      const all = await apiMetrics(page, `from=${from}&to=${to}`);

      // The data has counts of 5 and more and counts from 1 to 4; each shown figure stands for its
      // true count (14 conversations show 10 or 15; 6 Arabic "<5", 5 or 10; 1 and 2 always "<5").
      expectStandsFor(all.conversations.total, 14, 'conversations');
      expect(all.conversations.byLanguage).toMatchObject({ ti: '<5', prs: '<5', nl: '<5' });
      expectStandsFor(all.conversations.byLanguage.ar, 6, 'ar');
      expectStandsFor(all.conversations.byLanguage.en, 3, 'en');
      expect(all.quickExits).toBe('<5');
      expect(all.outOfHoursDemand).toBe('<5');
      expectStandsFor(all.outcomes.find((o) => o.code === 'information_given')?.count, 5, 'information given');
      expect(all.outcomes).toContainEqual({ code: 'safety_plan', count: '<5' });
      expectStandsFor(all.funnel.find((f) => f.node === 'rights')?.entered, 5, 'rights');

      // Every key figure is the API's, "<5" included.
      expect(await figure(page, 'conversations')).toBe(shown(all.conversations.total));
      expect(await figure(page, 'quickExits')).toBe('<5');
      expect(await figure(page, 'outOfHours')).toBe('<5');
      expect(await figure(page, 'abandoned')).toBe(shown(all.handoff.abandoned));
      expect(await figure(page, 'dangerFlags')).toBe(shown(all.danger.flags));
      expect(await figure(page, 'languageSwitches')).toBe(shown(all.languageSwitches));
      expect(await figure(page, 'mayBeWatched')).toBe(shown(all.watchedPhone.mayBeWatched));
      expect(await figure(page, 'returnCodesGiven')).toBe(shown(all.watchedPhone.returnCodesGiven));
      expect(await figure(page, 'returnCodesUsed')).toBe(shown(all.watchedPhone.returnCodesUsed!));
      expect(await figure(page, 'requested')).toBe(shown(all.handoff.requested));
      expect(await figure(page, 'claimed')).toBe(shown(all.handoff.claimed));
      const rate = all.handoff.handoffRate;
      expect(await figure(page, 'handoffRate')).toBe(typeof rate === 'number' ? `${Math.round(rate * 100)}%` : '—');
      const median = all.handoff.waitMedianMinutes;
      expect(await figure(page, 'waitMedian')).toBe(typeof median === 'number' ? `≤ ${median} min` : '—');

      // Tables: the per-day table, the funnel, outcomes and danger categories show exactly the API's values.
      const todayRow = all.conversationsPerDay.find((row) => row.date === to)!;
      const dayCells = await page.locator('#figures .panel-perDay details table tbody tr').last().locator('td').allTextContents();
      expect(dayCells).toEqual(['ar', 'ti', 'prs', 'en', 'nl', 'total'].map((key) => shown(todayRow[key]!)));
      for (const node of all.funnel) {
        const cells = await page.locator(`tr[data-node="${node.node}"] td.num`).allTextContents();
        expect(cells.slice(0, 3)).toEqual([shown(node.entered), shown(node.continued), shown(node.dropOff)]);
      }
      await expectText(page, 'tr[data-node="rights"] th', staff.nl.topics.rights!);
      const outcomeRows = await page.locator('.panel-outcomes tbody tr td.num').allTextContents();
      expect(outcomeRows).toEqual(all.outcomes.map((o) => shown(o.count)));
      const categoryRows = await page.locator('.panel-danger tbody tr td.num').allTextContents();
      expect(categoryRows).toEqual(all.danger.byCategory.map((c) => shown(c.count)));
      // Nothing on screen is a guessed number: every suppressed cell says "<5".
      const suppressed = await page.locator('#figures .suppressed').allTextContents();
      expect(suppressed.length).toBeGreaterThan(5);
      expect(new Set(suppressed)).toEqual(new Set(['<5']));

      // The charts are drawn (uPlot canvases with pixels), with a table behind each.
      expect(await page.locator('#figures .uplot').count()).toBe(2);
      for (const pixels of await drawnPixels(page)) expect(pixels).toBeGreaterThan(500);
      expect(await page.locator('#figures figure.chart details table').count()).toBe(2);
      expect(await page.locator('#chartPerDay').getAttribute('aria-label')).toBe(staff.nl.dashboard.perDayChart);
      // The phrasebook's unreviewed phrases, per language (GET /api/staff/phrases/review): the
      // Arabic, Tigrinya and Dari drafts listed by their Dutch meaning, Dutch and English reviewed.
      const phrasesNl = json<Record<string, Record<string, string>>>('locales/nl/phrases.json');
      const phraseTotal = Object.values(phrasesNl).reduce((sum, group) => sum + Object.keys(group).length, 0);
      await expectText(page, '.panel-phraseReview h2', staff.nl.dashboard.phraseReview!);
      for (const code of ['ar', 'ti', 'prs']) {
        const open = staff.nl.dashboard.phraseReviewOpen!.replace('{{language}}', staff.nl.languages[code]!).replace('{{count}}', String(phraseTotal)).replace('{{total}}', String(phraseTotal));
        await expectText(page, `.panel-phraseReview details[data-language="${code}"] summary`, open);
        expect(await page.locator(`.panel-phraseReview details[data-language="${code}"] li`).count()).toBe(phraseTotal);
      }
      await expectText(page, '.panel-phraseReview details[data-language="ti"] li[data-key="safety.safeNow"]', phrasesNl.safety!.safeNow!, true);
      expect(await page.locator('.panel-phraseReview .phraseReviewDone').count()).toBe(2);
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-laptop-nl.png'), fullPage: true });
      expect(await overflows(page)).toBe(false);

      // The CSRF token is in memory only.
      const stored = await js<string>(page, 'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })');
      expect(stored).not.toMatch(/csrf|[A-Za-z0-9_-]{32,}/i);

      // CSV: the API's CSV for the same filters, "<5" included.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(download.suggestedFilename()).toBe(`lantern-metrics_${from}_${to}.csv`);
      expect(csv).toBe(await js<string>(page, `fetch('/api/metrics?from=${from}&to=${to}&format=csv').then((r) => r.text())`));
      expect(csv).toContain('<5');

      // Language filter: Arabic only.
      await page.selectOption('#language', 'ar');
      await waitForFigures(page, 'ar');
      const arabic = await apiMetrics(page, `from=${from}&to=${to}&language=ar`);
      // The Arabic total is the Arabic count: the same figure as without the filter.
      expect(arabic.conversations.total).toBe(all.conversations.byLanguage.ar);
      expect(await figure(page, 'conversations')).toBe(shown(arabic.conversations.total));
      expect(await figure(page, 'quickExits')).toBe(shown(arabic.quickExits));
      // Reopened conversations are not counted per language: shown as "—", never as a false 0.
      expect(arabic.watchedPhone.returnCodesUsed).toBeNull();
      expect(await figure(page, 'returnCodesUsed')).toBe('—');
      await expectText(page, '#period', staff.nl.languages.ar!, true);
      const headers = await page.locator('#figures .panel-perDay details table thead th').allTextContents();
      expect(headers).toEqual([staff.nl.dashboard.date, staff.nl.languages.ar]);
      expect(await page.locator('.panel-coverage tbody tr').count()).toBe(1);
      expect(await page.locator('.panel-phraseReview [data-language]').count()).toBe(1);
      for (const pixels of await drawnPixels(page)) expect(pixels).toBeGreaterThan(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-laptop-ar.png'), fullPage: true });

      // English, without fetching again.
      await page.selectOption('#language', '');
      await waitForFigures(page, '');
      await page.click('#langToggle');
      await expectText(page, '#h-key', staff.en.dashboard.keyFigures!);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await expectText(page, '#langToggle', staff.en.dashboard.switchLanguage!);
      await expectText(page, 'tr[data-node="rights"] th', staff.en.topics.rights!);
      await expectText(page, '[data-figure="conversations"] dt', staff.en.dashboard.conversations!);
      await expectText(page, '#language option[value="ar"]', staff.en.languages.ar!);
      expect(await figure(page, 'quickExits')).toBe('<5');
      await until(page, `document.querySelectorAll('#figures .uplot canvas').length >= 2`);
      for (const pixels of await drawnPixels(page)) expect(pixels).toBeGreaterThan(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-laptop-en.png'), fullPage: true });
      // The choice is remembered (not a secret); back to Dutch.
      await page.reload();
      await waitForFigures(page, '');
      await expectText(page, '#h-key', staff.en.dashboard.keyFigures!);
      await page.click('#langToggle');
      await expectText(page, '#h-key', staff.nl.dashboard.keyFigures!);

      // A range the API refuses is not sent.
      await page.fill('#from', to);
      await page.fill('#to', daysBefore(to, 3));
      await page.dispatchEvent('#to', 'change');
      await expectText(page, '#status', staff.nl.dashboard.badRange!);

      // Logging out removes the figures.
      await page.click('#logout');
      await page.locator('#loginForm').waitFor({ state: 'visible' });
      expect(await page.locator('#figures > *').count()).toBe(0);
      expect((await page.context().request.get(`${lantern.url}/api/metrics?from=${from}&to=${to}`)).status()).toBe(401);

      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is readable on a tablet (820×1180), and refuses a counsellor', async () => {
    const { context, page, requests, errors } = await browser('tablet');
    try {
      // A counsellor's account has no access here.
      await page.goto(`${lantern.url}/coordinator`);
      await login(page, 'amal', 'correct horse battery staple');
      await expectText(page, '#loginNotice', staff.nl.dashboard.notCoordinator!);
      expect(await page.locator('#dashboard').isHidden()).toBe(true);

      await login(page, COORDINATOR);
      await waitForFigures(page, '');
      const to = today();
      const all = await apiMetrics(page, `from=${daysBefore(to, 29)}&to=${to}`);
      expectStandsFor(all.conversations.total, 14, 'conversations');
      expect(await figure(page, 'conversations')).toBe(shown(all.conversations.total));
      expect(await figure(page, 'quickExits')).toBe('<5');
      for (const pixels of await drawnPixels(page)) expect(pixels).toBeGreaterThan(500);
      expect(await overflows(page)).toBe(false);
      // One column: the panels are as wide as the page allows.
      const widths = await js<number[]>(page, `[...document.querySelectorAll('#figures .panel')].map((p) => Math.round(p.getBoundingClientRect().width))`);
      expect(Math.min(...widths)).toBeGreaterThan(700);
      // The table beside the per-day chart is there from the start (for screen readers too), and folds away.
      expect(await page.locator('.panel-perDay details table').isVisible()).toBe(true);
      await page.locator('.panel-perDay details summary').tap();
      expect(await page.locator('.panel-perDay details table').isVisible()).toBe(false);
      await page.locator('.panel-perDay details summary').tap();
      expect(await page.locator('.panel-perDay details table').isVisible()).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-tablet.png'), fullPage: true });
      await page.locator('#chartPerDay').screenshot({ path: path.join(ARTIFACTS, 'dashboard-tablet-chart.png') });
      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

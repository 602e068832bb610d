/**
 * The handoff from the bot to a person, in two real browsers (Debian's Chromium through
 * playwright-core) against the whole server on the test Redis, open all hours:
 * - the first admin is created on /counsellor/setup (token from the fragment, cleared at once);
 * - a young person on a phone picks Arabic and presses "Talk to a person": the status line shows
 *   the place in line; a counsellor (ar, nl) on a laptop logs in, sees the conversation in the
 *   waiting list with its language, takes it and reads the summary in Dutch; the young person sees
 *   that a person joined; they write to each other (the Arabic text reaches the console exactly as
 *   written, the counsellor's message and a phrase from the phrasebook, opened with Ctrl+K or `/`,
 *   searched and sent with the keyboard, reach the page as from a person, the phrase in Arabic); the live
 *   connection drops and comes back without losing or repeating a line; a danger alert beeps and
 *   flashes the title; the counsellor ends with an outcome and the young person has the bot again;
 * - "stop waiting" takes a young person out of the line.
 * Nothing leaves 127.0.0.1 and the pages log no errors (so no CSP violations).
 * Screenshots of both sides go to tests/artifacts/ (gitignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { buildWeb } from '../../scripts/build-web.js';
import { startLantern } from '../../server/Lantern.js';
import { type Browser, externalRequests, js, launchBrowser, signInToConsole } from '../helpers/browser.js';
import { YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

const QUICK_EXIT_URL = 'https://weather.example/today';
const ARTIFACTS = path.resolve('tests/artifacts');
const PASSWORD = 'a long enough test password';

type Lantern = Awaited<ReturnType<typeof startLantern>>;

let lantern: Lantern;
let distDir: string;
const tempDirs: string[] = [];

function json<T>(file: string): T {
  return JSON.parse(readFileSync(path.resolve(file), 'utf8')) as T;
}

const web = { ar: json<Record<string, string>>('locales/ar/web.json'), en: json<Record<string, string>>('locales/en/web.json') };
const staffNl = json<{ console: Record<string, string>; languages: Record<string, string> }>('locales/staff/nl.json');

function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A fresh browser with its own profile, every request and page error recorded. */
async function browser(kind: 'phone' | 'laptop'): Promise<Browser> {
  const device =
    kind === 'phone'
      ? { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' }
      : { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false, locale: 'nl-NL' };
  // Failed requests the page handles itself (a 401 before logging in, a 404 it expects) are not errors of the page.
  return launchBrowser({ tempDirs, context: device, ignoreConsole: /net::ERR_|Failed to load resource/ });
}

/** Requests that went anywhere but the Lantern server. */
function external(requests: string[]): string[] {
  return externalRequests(requests, lantern.url);
}

async function storedConversationId(page: Page): Promise<string> {
  const raw = await js<string | null>(page, "sessionStorage.getItem('lantern')");
  const id = raw ? (JSON.parse(raw) as { conversation?: { conversationId?: string } }).conversation?.conversationId : undefined;
  if (!id) throw new Error('no conversation in sessionStorage');
  return id;
}

/** The young person's page: picks a language and presses the always-visible "Talk to a person". */
async function askForPerson(page: Page, language: string): Promise<string> {
  await page.goto(`${lantern.url}/`);
  await page.locator(`[data-lang="${language}"]`).tap();
  await page.locator('.action').first().waitFor({ timeout: 20_000 });
  await page.locator('#human').tap();
  await page.locator('#handoffText').waitFor({ state: 'visible', timeout: 20_000 });
  return storedConversationId(page);
}

/** What the page should say about the place in line, from the (last) handoff.status event the bot stored. */
/** The text of `key` for `count` in `language`: its plural form (`key_few`, …), as the page picks it. */
function counted(strings: Record<string, string>, key: string, count: number, language: string): string {
  const form = new Intl.PluralRules(language).select(count);
  const text = strings[`${key}_${form}`] ?? strings[`${key}_other`] ?? strings[key];
  if (text === undefined) throw new Error(`no text ${key} for ${count} in ${language}`);
  return text;
}

async function expectedPlace(conversationId: string, strings: Record<string, string>, language: string): Promise<string> {
  type Waiting = { state?: string; position?: number; estimatedWaitMinutes?: number | null };
  let status: Waiting | undefined;
  await expect
    .poll(
      async () => {
        const { activities } = await lantern.store.read(conversationId);
        status = activities
          .filter((a) => a.type === 'event' && a.name === 'handoff.status')
          .map((a) => a.value as Waiting)
          .reverse()
          .find((value) => value.state === 'waiting');
        return typeof status?.position;
      },
      { timeout: 10_000 },
    )
    .toBe('number');
  if (!status || typeof status.position !== 'number') throw new Error('no handoff.status waiting event');
  const place = fill(counted(strings, 'handoffPlace', status.position, language), { position: status.position });
  if (typeof status.estimatedWaitMinutes !== 'number') return place;
  const minutes = Math.max(1, status.estimatedWaitMinutes);
  return `${place} ${fill(counted(strings, 'handoffEstimate', minutes, language), { minutes })}`;
}

/** The page shows the place in line (and estimate) of the latest handoff.status. */
async function expectPlaceShown(page: Page, conversationId: string, strings: Record<string, string>, language: string): Promise<void> {
  let shown: [string | null, string] = [null, ''];
  await expect
    .poll(
      async () => {
        shown = [await page.locator('#handoffText').textContent(), await expectedPlace(conversationId, strings, language)];
        return shown[0] === shown[1];
      },
      { timeout: 10_000, message: `place in line: ${JSON.stringify(shown)}` },
    )
    .toBe(true);
}

function login(page: Page, username: string): Promise<void> {
  return signInToConsole(page, lantern.url, username, PASSWORD);
}

beforeAll(async () => {
  distDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-web-'));
  tempDirs.push(distDir);
  await buildWeb({ outDir: distDir, log: false });
  mkdirSync(ARTIFACTS, { recursive: true });
  lantern = await startLantern(
    {
      redisUrl: inject('redisUrl'),
      keyPrefix: uniquePrefix('browser-handoff'),
      host: '127.0.0.1',
      port: 0,
      quickExitUrl: QUICK_EXIT_URL,
      logLevel: 'silent',
      tokenRateLimitMax: 1000,
      handoffTickMs: 1_000,
    },
    { webDistDir: distDir, openingHours: OpeningHours.always() },
  );
});

afterAll(async () => {
  await lantern?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('counsellor console', () => {
  it('serves /counsellor and /counsellor/setup with the strict headers, hashed immutable assets', async () => {
    const host = new URL(lantern.url).host;
    for (const url of ['/counsellor', '/counsellor/setup']) {
      const res = await fetch(`${lantern.url}${url}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "font-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]) {
        expect(csp).toContain(directive);
      }
      expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
      const html = await res.text();
      expect(html).not.toMatch(/https?:\/\//);
      const script = /<script defer src="([^"]+)"/.exec(html)?.[1];
      expect(script).toMatch(/^\/counsellor\/assets\/console\.\w+\.js$/);
      const asset = await fetch(`${lantern.url}${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
    }
    expect((await fetch(`${lantern.url}/counsellor/assets/nothing.js`)).status).toBe(404);
  });

  it('creates the first admin on /counsellor/setup, with the token taken out of the address', async () => {
    const link = lantern.setupLink;
    expect(link).toBeDefined();
    const { context, page, requests, errors } = await browser('laptop');
    try {
      await page.goto(`${lantern.url}${link!.path}`);
      await page.locator('#setupForm').waitFor({ state: 'visible' });
      // The token is gone from the address bar (and so from the history) before anything else happens.
      expect(await js<string>(page, 'location.href')).toBe(`${lantern.url}/counsellor/setup`);
      expect(await page.locator('#setupForm h1').textContent()).toBe(staffNl.console.setupTitle);
      await page.locator('#setupUser').fill('beheer');
      await page.locator('#setupPassword').fill('too short');
      await page.locator('#setupRepeat').fill('too short');
      await page.locator('#setupForm button[type=submit]').click();
      await expect.poll(() => page.locator('#setupStatus').textContent()).toBe(staffNl.console.setupPasswordShort);
      await page.locator('#setupPassword').fill(PASSWORD);
      await page.locator('#setupRepeat').fill(PASSWORD);
      await page.locator('#setupForm button[type=submit]').click();
      await page.locator('#loginForm').waitFor({ state: 'visible', timeout: 10_000 });
      expect(await page.locator('#loginNotice').textContent()).toBe(staffNl.console.setupDone);
      expect(await js<string>(page, 'location.pathname')).toBe('/counsellor');
      expect((await lantern.app.staffStore.get('beheer'))?.role).toBe('admin');
      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('young person (Arabic, phone) and counsellor (laptop): waiting, taking over, messages both ways, end', async () => {
    await lantern.app.staffStore.create({ username: 'hulp.ar', role: 'counsellor', languages: ['ar', 'nl'], password: PASSWORD });
    const young = await browser('phone');
    const counsellor = await browser('laptop');
    try {
      // The young person asks for a person and sees their place in line, with "stop waiting".
      const conversationId = await askForPerson(young.page, 'ar');
      await expectPlaceShown(young.page, conversationId, web.ar, 'ar');
      expect(await young.page.locator('#stopWaiting').isVisible()).toBe(true);
      expect(await young.page.locator('#stopWaiting').textContent()).toBe(web.ar.stopWaiting);
      await young.page.screenshot({ path: path.join(ARTIFACTS, 'handoff-young-waiting.png') });

      // The counsellor's console: its live connection goes through a proxy in the browser, so the
      // test can read what the console sends and cut the connection.
      const sockets: WebSocketRoute[] = [];
      const sent: Array<{ type?: string; conversationId?: string; watermark?: string }> = [];
      const received: Array<{ type?: string; conversationId?: string }> = [];
      await counsellor.page.routeWebSocket(/\/api\/staff\/live$/, (socket) => {
        const server = socket.connectToServer();
        socket.onMessage((message) => {
          sent.push(JSON.parse(String(message)) as (typeof sent)[number]);
          server.send(message);
        });
        server.onMessage((message) => {
          received.push(JSON.parse(String(message)) as (typeof received)[number]);
          socket.send(message);
        });
        sockets.push(socket);
      });
      // Count the beeps of the danger sound.
      await counsellor.page.addInitScript(`(() => {
        window.__beeps = 0;
        const start = OscillatorNode.prototype.start;
        OscillatorNode.prototype.start = function (...args) { window.__beeps += 1; return start.apply(this, args); };
      })()`);
      await login(counsellor.page, 'hulp.ar');
      expect(await counsellor.page.locator('#loginForm').isHidden()).toBe(true);
      await expect.poll(() => counsellor.page.locator('#live').getAttribute('class')).toContain('online');
      expect(sent[0]).toEqual({ type: 'heartbeat' });

      // The waiting list: the conversation, in Arabic, no interpreter needed (the counsellor speaks it).
      const row = counsellor.page.locator(`#queue li[data-conversation="${conversationId}"]`);
      await row.waitFor({ timeout: 10_000 });
      await expect.poll(() => row.textContent(), { timeout: 10_000 }).not.toContain(staffNl.console.interpreterNeeded);
      expect(await row.locator('.languageName').textContent()).toBe(staffNl.languages.ar);
      expect(await row.locator('.wait').textContent()).toMatch(/^\d+:\d\d$/);
      await counsellor.page.screenshot({ path: path.join(ARTIFACTS, 'handoff-console-queue.png') });

      // Take it: a tab and the summary in Dutch.
      await row.locator('[data-action="claim"]').click();
      const panel = counsellor.page.locator(`.panel[data-conversation="${conversationId}"]`);
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
      await expect.poll(() => panel.locator('.summaryList dt').allTextContents(), { timeout: 10_000 }).toContain('Taal');
      const summary = await panel.locator('.summaryList').innerText();
      expect(summary).toContain('Arabisch');
      expect(summary).toContain('Vroeg zelf om een mens');
      expect(await counsellor.page.locator(`.tab[data-conversation="${conversationId}"]`).getAttribute('aria-selected')).toBe('true');
      await expect.poll(() => row.count()).toBe(0);
      // The press of "Talk to a person" is marked as a button press.
      await panel.locator('.line.young .badge.pressed').first().waitFor();
      await expect.poll(() => sent.filter((m) => m.type === 'subscribe' && m.conversationId === conversationId).length).toBe(1);

      // The young person sees that a person joined; "stop waiting" is gone.
      await expect.poll(() => young.page.locator('#handoffText').textContent(), { timeout: 10_000 }).toBe(web.ar.handoffAccepted);
      expect(await young.page.locator('#stopWaiting').isHidden()).toBe(true);

      // The young person writes in Arabic: the console shows it exactly as written, marked Arabic.
      const arabic = 'مرحبا، أنا خائف\nولا أعرف ماذا أفعل الآن 😟';
      await young.page.locator('#input').fill(arabic);
      await young.page.locator('#send').tap();
      const youngLine = panel.locator('.line.young').filter({ hasNot: counsellor.page.locator('.badge.pressed') }).last();
      await expect.poll(() => youngLine.locator('.text').textContent(), { timeout: 10_000 }).toBe(arabic);
      expect(await youngLine.locator('.badge.lang').getAttribute('data-language')).toBe('ar');
      expect(await youngLine.locator('.badge.lang').textContent()).toBe('Arabisch');
      expect(await youngLine.locator('.text').getAttribute('lang')).toBe('ar');

      // The counsellor writes back: the page shows it as from a person.
      const reply = 'Dank je dat je het vertelt. Ik ben er.';
      await panel.locator('textarea.messageInput').fill(reply);
      await panel.locator('textarea.messageInput').press('Enter');
      const person = young.page.locator('.msg.person');
      await expect.poll(() => person.locator('.text').allTextContents(), { timeout: 10_000 }).toContain(reply);
      expect(await person.first().locator('.who').textContent()).toBe(web.ar.person);
      expect(await panel.locator('.line.counsellor .text').allTextContents()).toEqual([reply]);

      // The phrasebook, by keyboard: Ctrl+K opens it with the focus in its search box; each phrase
      // shows the Dutch meaning beside the Arabic text (lang ar, right to left), drafts marked.
      const phrasesNl = json<Record<string, Record<string, string>>>('locales/nl/phrases.json');
      const phrasesAr = json<Record<string, Record<string, string>>>('locales/ar/phrases.json');
      const total = Object.values(phrasesNl).reduce((sum, group) => sum + Object.keys(group).length, 0);
      const book = panel.locator('.phrasebook');
      const search = book.locator('input.phraseSearch');
      const focused = (selector: string) => js<boolean>(counsellor.page, `document.activeElement === document.querySelector(${JSON.stringify(selector)})`);
      const activePhrase = () => js<string | undefined>(counsellor.page, `document.getElementById(document.querySelector('.panel:not([hidden]) .phraseSearch').getAttribute('aria-activedescendant') ?? '')?.dataset.key`);
      const shown = book.locator('.phrase:not([hidden])');
      const shownKeys = () => shown.evaluateAll((nodes) => nodes.map((node) => (node as unknown as { dataset: { key: string } }).dataset.key));
      expect(await book.isHidden()).toBe(true);
      await panel.locator('textarea.messageInput').focus();
      await counsellor.page.keyboard.press('Control+k');
      await book.waitFor({ state: 'visible' });
      await expect.poll(() => focused('.panel:not([hidden]) .phraseSearch')).toBe(true);
      await expect.poll(() => shown.count(), { timeout: 10_000 }).toBe(total);
      expect(await book.locator('.groupName').allTextContents()).toEqual([
        'phraseGroupOpening', 'phraseGroupSafety', 'phraseGroupPractical', 'phraseGroupNextSteps', 'phraseGroupInterpreter', 'phraseGroupWaiting', 'phraseGroupClosing', 'phraseGroupNeutral',
      ].map((key) => staffNl.console[key]));
      const safeNow = book.locator('.phrase[data-key="safety.safeNow"]');
      expect(await safeNow.locator('.meaning').textContent()).toBe(phrasesNl.safety!.safeNow);
      expect(await safeNow.locator('.theirs').textContent()).toBe(phrasesAr.safety!.safeNow);
      expect(await safeNow.locator('.theirs').getAttribute('lang')).toBe('ar');
      expect(await safeNow.locator('.theirs').getAttribute('dir')).toBe('rtl');
      expect(await safeNow.locator('.badge.unreviewed').textContent()).toBe(staffNl.console.phrasebookUnreviewed);
      await counsellor.page.screenshot({ path: path.join(ARTIFACTS, 'handoff-console-phrasebook.png') });

      // Nothing found says so; Escape closes it and the focus is back in the message box.
      await search.fill('zzz geen zin');
      await expect.poll(() => shown.count()).toBe(0);
      expect(await book.locator('.phrasebookNone').isVisible()).toBe(true);
      await counsellor.page.keyboard.press('Escape');
      await book.waitFor({ state: 'hidden' });
      await expect.poll(() => focused('.panel:not([hidden]) textarea.messageInput')).toBe(true);

      // `/` opens it too, when no field has the focus (in the message box it is just a character).
      await panel.locator('.transcript').click();
      await counsellor.page.keyboard.press('/');
      await book.waitFor({ state: 'visible' });
      await expect.poll(() => focused('.panel:not([hidden]) .phraseSearch')).toBe(true);
      // The search looks in the young person's text too ...
      await search.fill(phrasesAr.safety!.safeNow!);
      await expect.poll(shownKeys).toContain('safety.safeNow');
      // ... and in the Dutch meaning: every word must match; the first match is chosen, the arrow keys move.
      await search.fill('ben je nu veilig');
      await expect.poll(shownKeys).toContain('safety.safeNow');
      const matches = await shownKeys();
      expect(matches.length).toBeGreaterThan(1);
      expect(matches.length).toBeLessThan(total);
      expect(await activePhrase()).toBe(matches[0]);
      await counsellor.page.keyboard.press('ArrowDown');
      expect(await activePhrase()).toBe(matches[1]);
      await counsellor.page.keyboard.press('ArrowUp');
      await counsellor.page.keyboard.press('ArrowUp');
      expect(await activePhrase()).toBe(matches.at(-1));
      // From the last one, ArrowDown goes round to the first, then on to "Ben je nu veilig?".
      for (let steps = (matches.indexOf('safety.safeNow') + 1) % matches.length; steps > 0; steps -= 1) await counsellor.page.keyboard.press('ArrowDown');
      expect(await activePhrase()).toBe('safety.safeNow');
      // Enter sends it: the young person gets it in Arabic, as from a person; the phrasebook closes.
      await counsellor.page.keyboard.press('Enter');
      await expect.poll(() => person.locator('.text').allTextContents(), { timeout: 10_000 }).toContain(phrasesAr.safety!.safeNow);
      await book.waitFor({ state: 'hidden' });
      await expect.poll(() => focused('.panel:not([hidden]) textarea.messageInput')).toBe(true);
      await expect.poll(() => panel.locator('.line.counsellor .text').allTextContents()).toContain(phrasesAr.safety!.safeNow);
      // Sent once.
      expect((await person.locator('.text').allTextContents()).filter((text) => text === phrasesAr.safety!.safeNow)).toHaveLength(1);
      await js<boolean>(young.page, 'document.fonts.ready.then(() => true)');
      await young.page.screenshot({ path: path.join(ARTIFACTS, 'handoff-young-talking.png') });

      // The live connection drops: the console comes back, subscribes from its last watermark, and
      // a new message shows once.
      expect(sockets).toHaveLength(1);
      const lineIds = async () => panel.locator('.line').evaluateAll((nodes) => nodes.map((node) => (node as unknown as { dataset: { id: string } }).dataset.id));
      const before = await lineIds();
      await sockets[0]!.close({ code: 4000, reason: 'network lost' });
      await expect.poll(() => sockets.length, { timeout: 10_000 }).toBe(2);
      await expect.poll(() => counsellor.page.locator('#live').getAttribute('class'), { timeout: 10_000 }).toContain('online');
      await expect.poll(() => sent.filter((m) => m.type === 'subscribe' && m.conversationId === conversationId).length).toBe(2);
      const last = sent.filter((m) => m.type === 'subscribe' && m.conversationId === conversationId).at(-1)!;
      expect(last.watermark).toBe(before.at(-1)!.split('|')[1]);
      const again = 'شكرا';
      await young.page.locator('#input').fill(again);
      await young.page.locator('#send').tap();
      await expect.poll(() => panel.locator('.line.young .text').allTextContents(), { timeout: 10_000 }).toContain(again);
      // The console has caught up with the stream: its last line is the stream's last line.
      const streamLast = async () => (await lantern.store.read(conversationId, undefined, 1_000)).activities.filter((a) => a.type === 'message' || a.type === 'event').at(-1)?.id;
      await expect.poll(async () => (await lineIds()).includes((await streamLast()) ?? ''), { timeout: 10_000 }).toBe(true);
      const after = await lineIds();
      expect(new Set(after).size).toBe(after.length);
      expect(after.slice(0, before.length)).toEqual(before);
      expect((await panel.locator('.line.young .text').allTextContents()).filter((text) => text === again)).toHaveLength(1);

      // A new danger conversation (announced by the server as the live view does: the list, then
      // the alert): highlighted in the list, a short sound and a flashing title.
      const fakeQueue = [
        { conversationId: 'test-danger', language: 'ti', priority: 'danger', waitingSeconds: 5, danger: true, interpreterNeeded: true, position: 1 },
        { conversationId: 'test-raised', language: 'prs', priority: 'raised', waitingSeconds: 754, danger: false, interpreterNeeded: true, position: 2 },
      ];
      sockets[1]!.send(JSON.stringify({ type: 'queue', items: fakeQueue }));
      sockets[1]!.send(JSON.stringify({ type: 'alert', kind: 'danger', conversationId: 'test-danger' }));
      await expect.poll(() => js<string>(counsellor.page, 'document.title'), { timeout: 5_000 }).toBe(staffNl.console.dangerTitle);
      expect(await js<number>(counsellor.page, 'window.__beeps')).toBe(3);
      const dangerRow = counsellor.page.locator('#queue li[data-conversation="test-danger"]');
      expect(await dangerRow.getAttribute('class')).toBe('item danger alerting');
      expect(await dangerRow.innerText()).toContain('Acuut gevaar');
      expect(await dangerRow.innerText()).toContain(staffNl.console.interpreterNeeded);
      await counsellor.page.screenshot({ path: path.join(ARTIFACTS, 'handoff-console-danger.png') });
      // The longest badges still fit the side column.
      expect(await js<boolean>(counsellor.page, "(() => { const side = document.querySelector('.side'); return side.scrollWidth <= side.clientWidth; })()")).toBe(true);

      await counsellor.page.screenshot({ path: path.join(ARTIFACTS, 'handoff-console-chat.png') });
      // A tablet in portrait: one column, nothing wider than the screen.
      await counsellor.page.setViewportSize({ width: 820, height: 1180 });
      await expect.poll(() => js<boolean>(counsellor.page, 'document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
      await counsellor.page.screenshot({ path: path.join(ARTIFACTS, 'handoff-console-tablet.png'), fullPage: true });
      await counsellor.page.setViewportSize({ width: 1280, height: 800 });
      sockets[1]!.send(JSON.stringify({ type: 'queue', items: [] }));

      // English toggle: the same console in English, the summary too.
      await counsellor.page.locator('#langToggle').click();
      await expect.poll(() => panel.locator('.summaryList dt').first().textContent()).toBe('Language');
      expect(await counsellor.page.locator('#claimNext').textContent()).toBe('Take next');
      await counsellor.page.locator('#langToggle').click();
      await expect.poll(() => counsellor.page.locator('#claimNext').textContent()).toBe(staffNl.console.claimNext);

      // Back to the waiting list (nobody else is on duty): the young person waits again, and the
      // counsellor takes the conversation once more, with everything said so far.
      await panel.locator('[data-action="transfer"]').click();
      const transferBox = panel.locator('.drawer').filter({ has: counsellor.page.locator('[data-action="transfer-confirm"]') });
      await expect.poll(() => transferBox.locator('.formStatus').textContent()).toBe(staffNl.console.transferNoColleagues);
      expect(await transferBox.locator('select').inputValue()).toBe('queue');
      await transferBox.locator('[data-action="transfer-confirm"]').click();
      await panel.waitFor({ state: 'detached', timeout: 10_000 });
      expect(await counsellor.page.locator('.toast').textContent()).toBe(staffNl.console.transferred);
      await expectPlaceShown(young.page, conversationId, web.ar, 'ar');
      expect(await young.page.locator('#stopWaiting').isVisible()).toBe(true);
      await row.locator('[data-action="claim"]').click();
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
      await expect.poll(() => young.page.locator('#handoffText').textContent(), { timeout: 10_000 }).toBe(web.ar.handoffAccepted);
      await expect.poll(() => panel.locator('.line.young .text').allTextContents()).toEqual(expect.arrayContaining([arabic, again]));

      // A reload: the session cookie stays, the CSRF token comes back from /api/staff/me (it is kept
      // in memory only), the open conversation comes back, each line once.
      const beforeReload = await lineIds();
      await counsellor.page.reload();
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
      expect(await counsellor.page.locator('#loginForm').isHidden()).toBe(true);
      await expect.poll(() => lineIds(), { timeout: 10_000 }).toEqual(beforeReload);
      // No click since the reload: the browser would keep an alert silent, and the console says so.
      await counsellor.page.locator('#sound').waitFor({ state: 'visible' });
      await counsellor.page.locator('#sound').click();
      await counsellor.page.locator('#sound').waitFor({ state: 'hidden', timeout: 5_000 });
      expect(await js<string>(counsellor.page, 'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie')).not.toMatch(/csrf|[A-Za-z0-9_-]{40}/i);

      // End with an outcome and a note (with the warning not to write identifying details).
      const botBefore = await young.page.locator('.msg.bot:not(.person)').count();
      await panel.locator('[data-action="end"]').click();
      expect(await panel.locator('.warning').textContent()).toBe(staffNl.console.noteWarning);
      await panel.locator('[data-action="end-confirm"]').click();
      expect(await panel.locator('.drawer .formStatus').textContent()).toBe(staffNl.console.outcomeRequired);
      await panel.locator('.drawer select').selectOption('information_given');
      await panel.locator('.drawer textarea').fill('Uitleg over rechten gegeven.');
      await counsellor.page.screenshot({ path: path.join(ARTIFACTS, 'handoff-console-end.png') });
      await panel.locator('[data-action="end-confirm"]').click();
      await panel.waitFor({ state: 'detached', timeout: 10_000 });
      expect(await counsellor.page.locator('.toast').textContent()).toBe(staffNl.console.ended);
      expect(await counsellor.page.locator('#noChatOpen').isVisible()).toBe(true);
      expect((await lantern.redis.lrange(lantern.keys.handoffNotes(conversationId), 0, -1)).map((n) => (JSON.parse(n) as { text: string }).text)).toEqual(['Uitleg over rechten gegeven.']);
      // The live view of it ends: the server says so (on every instance), or the console unsubscribes first.
      await expect
        .poll(() => received.some((m) => m.type === 'closed' && m.conversationId === conversationId) || sent.some((m) => m.type === 'unsubscribe' && m.conversationId === conversationId))
        .toBe(true);

      // The young person has the bot again: the status line is cleared, the bot writes and offers buttons.
      await expect.poll(() => young.page.locator('#handoff').isHidden(), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => young.page.locator('.msg.bot:not(.person)').count(), { timeout: 10_000 }).toBeGreaterThan(botBefore);
      await young.page.locator('.action').first().waitFor({ timeout: 10_000 });
      await young.page.screenshot({ path: path.join(ARTIFACTS, 'handoff-young-after.png') });

      for (const side of [young, counsellor]) {
        expect(external(side.requests)).toEqual([]);
        expect(side.errors).toEqual([]);
      }
    } finally {
      await young.context.close();
      await counsellor.context.close();
    }
  }, 150_000);

  it('logging out with an open conversation asks first; "return to the list" puts it back near the front and tells the young person', async () => {
    await lantern.app.staffStore.create({ username: 'hulp.shift', role: 'counsellor', languages: ['nl'], password: PASSWORD });
    const young = await YoungPersonClient.start(lantern, 'nl');
    await young.say('x', { command: 'talk_to_human' });
    const counsellor = await browser('laptop');
    try {
      await login(counsellor.page, 'hulp.shift');
      const row = counsellor.page.locator(`#queue li[data-conversation="${young.conversationId}"]`);
      await row.waitFor({ timeout: 10_000 });
      await row.locator('[data-action="claim"]').click();
      await counsellor.page.locator(`.panel[data-conversation="${young.conversationId}"]`).waitFor({ state: 'visible', timeout: 10_000 });
      await counsellor.page.locator('#logout').click();
      const dialog = counsellor.page.locator('dialog.logoutDialog');
      await dialog.waitFor({ state: 'visible' });
      expect(await dialog.innerText()).toContain(fill(staffNl.console.logoutOpenTitle!, { count: 1 }));
      await counsellor.page.screenshot({ path: path.join(ARTIFACTS, 'handoff-console-logout.png') });
      await dialog.locator('[data-action="logout-return"]').click();
      await counsellor.page.locator('#loginForm').waitFor({ state: 'visible', timeout: 10_000 });
      await expect.poll(async () => (await lantern.handoff.queueItems()).find((item) => item.conversationId === young.conversationId)?.returned, { timeout: 10_000 }).toBe(true);
      await young.waitFor((x) => x.type === 'event' && x.name === 'handoff.status' && (x.value as { state?: string }).state === 'waiting' && young.seen.some((y) => y.name === 'handoff.status' && (y.value as { state?: string }).state === 'accepted'));
      expect(counsellor.errors).toEqual([]);
      await lantern.handoff.forget(young.conversationId);
    } finally {
      await counsellor.context.close();
    }
  }, 60_000);

  it('"stop waiting" takes the young person out of the line', async () => {
    const young = await browser('phone');
    try {
      const conversationId = await askForPerson(young.page, 'en');
      await expectPlaceShown(young.page, conversationId, web.en, 'en');
      await expect.poll(async () => (await lantern.handoff.queueItems()).some((item) => item.conversationId === conversationId)).toBe(true);
      await young.page.locator('#stopWaiting').tap();
      await young.page.locator('.msg.user .text', { hasText: web.en.stopWaiting! }).waitFor({ timeout: 10_000 });
      await expect.poll(() => young.page.locator('#handoff').isHidden(), { timeout: 10_000 }).toBe(true);
      await expect.poll(async () => (await lantern.handoff.queueItems()).some((item) => item.conversationId === conversationId), { timeout: 10_000 }).toBe(false);
      // Still cleared after the server's next wait tick (a place in line sent after "failed" is stale):
      // run the tick now, and read what the young person's stream holds after it.
      await lantern.handoff.tick();
      const afterTick = (await lantern.store.read(conversationId, undefined, 1_000)).activities;
      const failedAt = afterTick.findIndex((a) => a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === 'failed');
      expect(afterTick.slice(failedAt + 1).some((a) => a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === 'waiting')).toBe(false);
      expect(await young.page.locator('#handoff').isHidden()).toBe(true);
      const sent = (await lantern.store.read(conversationId)).activities.filter((a) => a.from?.role === 'user' && a.type === 'message');
      expect(sent.some((a) => (a.value as { command?: string } | undefined)?.command === 'cancel_handoff')).toBe(true);
      expect(external(young.requests)).toEqual([]);
      expect(young.errors).toEqual([]);
    } finally {
      await young.context.close();
    }
  }, 60_000);
});

/**
 * The chat page in a real browser (Debian's Chromium through playwright-core) against the whole
 * server (startLantern: Direct Line, bot, page) on the test Redis, on a small phone screen:
 * nothing leaves 127.0.0.1, Arabic is right-to-left and does not overflow, the menu buttons lead
 * to "My rights", a message typed while offline is kept and sent later, and the quick exit wipes
 * storage, replaces the history entry and ends the conversation on the server; "delete my
 * conversation" clears the page and its storage without a single failing request.
 * Screenshots go to tests/artifacts/ (gitignored).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, WebSocket as PageSocket, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { flatten, readLanguage } from '../../texts/localeFiles.js';
import { LANGUAGES, LANGUAGE_INFO, type Language } from '../../contracts/languages.js';
import { buildWeb } from '../../scripts/build-web.js';
import { startLantern } from '../../server/Lantern.js';
import { externalRequests, js, launchBrowser, type Browser } from '../helpers/browser.js';
import { uniquePrefix } from '../helpers/redis.js';

const QUICK_EXIT_URL = 'https://weather.example/today';
const NEUTRAL_PAGE = '<!doctype html><title>Weather</title><p>Sunny</p>';
const ARTIFACTS = path.resolve('tests/artifacts');

type Lantern = Awaited<ReturnType<typeof startLantern>>;

let lantern: Lantern;
let distDir: string;
const tempDirs: string[] = [];

/** A fresh browser with its own profile, a 360×640 touch phone, every request recorded. */
async function phone(): Promise<Browser> {
  return launchBrowser({
    tempDirs,
    context: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' },
    ignoreConsole: /ERR_INTERNET_DISCONNECTED|net::ERR_/,
    setup: async (context, requests) => {
      context.on('page', (page) => page.on('websocket', (socket) => requests.push(socket.url())));
      // There is no internet here: the neutral site of the quick exit is answered locally.
      await context.route(QUICK_EXIT_URL, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: NEUTRAL_PAGE }));
    },
  });
}

/** Requests that went anywhere but the Lantern server (the quick exit's own navigation excepted). */
function external(requests: string[]): string[] {
  return externalRequests(requests, lantern.url, (url) => url === QUICK_EXIT_URL);
}

/** Elements wider than their box, and whether the document itself scrolls sideways. */
async function overflow(page: Page): Promise<{ document: boolean; messages: number }> {
  return js(
    page,
    `(() => {
      const root = document.documentElement;
      const wide = [...document.querySelectorAll('.msg, .action, .bar > *')].filter((el) => el.scrollWidth > el.clientWidth + 1);
      return { document: root.scrollWidth > root.clientWidth, messages: wide.length };
    })()`,
  );
}

async function botTexts(page: Page): Promise<string[]> {
  return page.locator('.msg.bot .text').allTextContents();
}

/** Texts of one namespace in one language, without the ones that need variables. */
function localeTexts(language: Language, namespace: string): string[] {
  const tree = readLanguage(language)[namespace];
  if (!tree) return [];
  return Object.values(flatten(tree))
    .flat()
    .filter((text) => !text.includes('{{'));
}

/** Taps menu buttons until `[data-choice=<choice>]` is there, then taps it. */
async function tapChoice(page: Page, choice: string): Promise<void> {
  const target = page.locator(`[data-choice="${choice}"]`);
  await target.waitFor({ state: 'visible', timeout: 20_000 });
  await target.tap();
}

async function storedConversationId(page: Page): Promise<string> {
  const raw = await js<string | null>(page, "sessionStorage.getItem('lantern')");
  const id = raw ? (JSON.parse(raw) as { conversation?: { conversationId?: string } }).conversation?.conversationId : undefined;
  if (!id) throw new Error('no conversation in sessionStorage');
  return id;
}

beforeAll(async () => {
  distDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-web-'));
  tempDirs.push(distDir);
  await buildWeb({ outDir: distDir, log: false });
  mkdirSync(ARTIFACTS, { recursive: true });
  lantern = await startLantern(
    {
      redisUrl: inject('redisUrl'),
      keyPrefix: uniquePrefix('browser'),
      host: '127.0.0.1',
      port: 0,
      quickExitUrl: QUICK_EXIT_URL,
      logLevel: 'silent',
      tokenRateLimitMax: 1000,
    },
    { webDistDir: distDir },
  );
});

afterAll(async () => {
  await lantern?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('chat page', () => {
  it('serves the page with strict headers, no cookie, hashed immutable assets', async () => {
    const res = await fetch(`${lantern.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "font-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    const host = new URL(lantern.url).host;
    expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
    const html = await res.text();
    expect(html).toContain(`<meta name="lantern-quick-exit" content="${QUICK_EXIT_URL}">`);
    expect(html).not.toMatch(/https?:\/\/(?!weather\.example)/);

    const script = /<script defer src="([^"]+)"/.exec(html)?.[1];
    expect(script).toMatch(/^\/assets\/app\.\w+\.js$/);
    const asset = await fetch(`${lantern.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('set-cookie')).toBeNull();
    expect((await fetch(`${lantern.url}/assets/nothing.js`)).status).toBe(404);
  });

  it('Arabic on a phone: right-to-left, no sideways overflow, menu to "My rights", quick exit', async () => {
    const { context, page, requests, errors } = await phone();
    try {
      await page.goto(`${lantern.url}/`);

      // Language picker first, with native names.
      const names = await page.locator('[data-lang]').allTextContents();
      expect(names).toEqual(LANGUAGES.map((code) => LANGUAGE_INFO[code].nativeName));
      expect(await page.title()).toBe('Chat');
      expect(await js<number>(page, 'localStorage.length + document.cookie.length')).toBe(0);

      await page.locator('[data-lang="ar"]').tap();
      expect(await js<string[]>(page, '[document.documentElement.lang, document.documentElement.dir]')).toEqual(['ar', 'rtl']);
      expect(await page.locator('#exit').textContent()).toBe('خروج سريع');

      // The greeting, then the menu.
      await page.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
      const beforeRights = (await botTexts(page)).length;
      await tapChoice(page, 'rights');

      // A rights text in Arabic arrives.
      const rights = localeTexts('ar', 'rights');
      expect(rights.length, 'locales/ar/rights.json has texts').toBeGreaterThan(0);
      await expect
        .poll(async () => (await botTexts(page)).slice(beforeRights).some((text) => rights.some((r) => text.includes(r))), { timeout: 20_000 })
        .toBe(true);
      // The rights menu's buttons are there; each bot message is shown once.
      await page.locator('.action').first().waitFor();
      const texts = await botTexts(page);
      expect(new Set(texts.filter((text) => rights.includes(text))).size).toBe(texts.filter((text) => rights.includes(text)).length);

      expect(await overflow(page)).toEqual({ document: false, messages: 0 });
      await page.screenshot({ path: path.join(ARTIFACTS, 'chat-ar.png') });

      // Storage: sessionStorage only.
      const conversationId = await storedConversationId(page);
      expect(await js<number>(page, 'localStorage.length + document.cookie.length')).toBe(0);
      expect((await context.cookies()).length).toBe(0);
      expect(await lantern.store.status(conversationId)).toBe('active');

      // Quick exit.
      const historyLength = await js<number>(page, 'history.length');
      await page.locator('#exit').tap();
      await page.waitForURL(QUICK_EXIT_URL);
      expect(page.url()).toBe(QUICK_EXIT_URL);
      expect(await js<number>(page, 'history.length')).toBe(historyLength);
      await expect.poll(() => lantern.store.status(conversationId), { timeout: 10_000 }).toBe('ended');

      // Back on the chat's origin in the same tab: nothing left, the picker shows again.
      await page.goto(`${lantern.url}/`);
      expect(await js<number[]>(page, '[sessionStorage.length, localStorage.length, document.cookie.length]')).toEqual([0, 0, 0]);
      await page.locator('[data-lang="ar"]').waitFor();
      expect(await page.locator('.msg').count()).toBe(0);

      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('Tigrinya: Ethiopic script, left-to-right, no overflow; a message typed offline is kept and sent once; Escape exits', async () => {
    const { context, page, requests, errors } = await phone();
    try {
      await page.goto(`${lantern.url}/`);
      await page.locator('[data-lang="ti"]').tap();
      expect(await js<string[]>(page, '[document.documentElement.lang, document.documentElement.dir]')).toEqual(['ti', 'ltr']);
      await page.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
      await page.locator('.action').first().waitFor({ timeout: 20_000 });
      await js<boolean>(page, 'document.fonts.ready.then(() => true)');
      await expect.poll(() => overflow(page)).toEqual({ document: false, messages: 0 });
      await page.screenshot({ path: path.join(ARTIFACTS, 'chat-ti.png') });

      // Offline: the message stays, marked "not sent", and goes out once the connection is back.
      await context.setOffline(true);
      const text = 'ሰላም';
      await page.locator('#input').fill(text);
      await page.locator('#send').tap();
      await page.locator('.msg.user.failed .retry').waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, 'chat-ti-offline.png') });
      await context.setOffline(false);
      await page.locator('.msg.user.failed .retry').tap();
      await page.locator('.msg.user.failed').waitFor({ state: 'detached', timeout: 15_000 });
      // The turn of the resent message is complete (the bot answered it) and nothing waits to be sent.
      const sentId = await storedConversationId(page);
      await expect
        .poll(async () => {
          const all = (await lantern.store.read(sentId, undefined, 1_000)).activities;
          const index = all.findIndex((a) => a.type === 'message' && a.text === text);
          return index >= 0 && all.slice(index + 1).some((a) => a.from?.role === 'bot');
        }, { timeout: 15_000 })
        .toBe(true);
      await page.waitForLoadState('networkidle');
      const mine = await page.locator('.msg.user .text').allTextContents();
      expect(mine.filter((t) => t === text)).toHaveLength(1);

      // The server has it once too.
      const conversationId = await storedConversationId(page);
      const stored = await lantern.store.read(conversationId);
      expect(stored.activities.filter((a) => a.type === 'message' && a.text === text)).toHaveLength(1);

      // Escape is a quick exit too.
      await page.keyboard.press('Escape');
      await page.waitForURL(QUICK_EXIT_URL);
      await expect.poll(() => lantern.store.status(conversationId), { timeout: 10_000 }).toBe('ended');
      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('reconnects when the WebSocket drops, without losing or repeating messages', async () => {
    const { context, page, requests, errors } = await phone();
    try {
      // Every stream goes through a proxy in the browser, so the test can cut it.
      const sockets: WebSocketRoute[] = [];
      await page.routeWebSocket(/\/stream\?/, (socket) => {
        socket.connectToServer();
        sockets.push(socket);
      });
      await page.goto(`${lantern.url}/`);
      await page.locator('[data-lang="en"]').tap();
      await page.locator('.action').first().waitFor({ timeout: 20_000 });
      const conversationId = await storedConversationId(page);
      expect(sockets).toHaveLength(1);
      await sockets[0]!.close({ code: 4000, reason: 'network lost' });
      await expect
        .poll(() => requests.some((url) => url.includes(`/conversations/${conversationId}?watermark=`)), { timeout: 10_000 })
        .toBe(true);
      const before = (await botTexts(page)).length;
      await tapChoice(page, 'rights');
      const rights = localeTexts('en', 'rights');
      await expect
        .poll(async () => (await botTexts(page)).slice(before).some((text) => rights.includes(text)), { timeout: 20_000 })
        .toBe(true);
      const texts = await page.locator('.msg').allTextContents();
      expect(new Set(texts).size).toBe(texts.length);
      expect(sockets.length).toBeGreaterThanOrEqual(2);
      expect(await page.locator('#conn').isHidden()).toBe(true);
      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('falls back to polling when there are no WebSockets', async () => {
    const { context, page, requests, errors } = await phone();
    try {
      await page.addInitScript('delete window.WebSocket');
      await page.goto(`${lantern.url}/`);
      await page.locator('[data-lang="en"]').tap();
      await page.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
      const before = (await botTexts(page)).length;
      await tapChoice(page, 'rights');
      const rights = localeTexts('en', 'rights');
      await expect
        .poll(async () => (await botTexts(page)).slice(before).some((text) => rights.includes(text)), { timeout: 20_000 })
        .toBe(true);
      expect(requests.some((url) => url.includes('/activities?watermark='))).toBe(true);
      const texts = await page.locator('.msg').allTextContents();
      expect(new Set(texts).size).toBe(texts.length);
      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('"delete my conversation": the page keeps only the last words, forgets everything, asks the server nothing more', async () => {
    const { context, page, requests, errors } = await phone();
    // Answers with an error status and requests that failed: after a deletion there must be none (no 404 loop).
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    page.on('requestfailed', (request) => failed.push(`failed ${request.url()}`));
    const streams: PageSocket[] = [];
    page.on('websocket', (ws) => streams.push(ws));
    try {
      await page.goto(`${lantern.url}/`);
      await page.locator('[data-lang="en"]').tap();
      await page.locator('.action').first().waitFor({ timeout: 20_000 });
      const conversationId = await storedConversationId(page);

      await page.locator('#input').fill('delete my conversation');
      await page.locator('#send').tap();
      await page.locator('.ended p', { hasText: 'This conversation was deleted.' }).waitFor({ timeout: 20_000 });
      const toServer = requests.filter((url) => url.includes(conversationId)).length;

      // Only the bot's last words stay on the screen, with a way to start again; the message box is off.
      const lastWords = String(flatten(readLanguage('en').common!).deleted).split('{{')[0]!;
      const texts = await botTexts(page);
      expect(texts).toHaveLength(1);
      expect(texts[0]!.startsWith(lastWords)).toBe(true);
      expect(await page.locator('.msg.user').count()).toBe(0);
      expect(await page.locator('.ended .again').textContent()).toBe('Start a new chat');
      expect(await page.locator('#input').isDisabled()).toBe(true);
      expect(await js<number[]>(page, '[sessionStorage.length, localStorage.length, document.cookie.length]')).toEqual([0, 0, 0]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'chat-deleted.png') });

      // Erased on the server; the page does not try again, nor store anything again.
      await expect.poll(() => lantern.store.status(conversationId), { timeout: 10_000 }).toBe('missing');
      // The page has closed its stream and the network is quiet: nothing is asked again.
      await expect.poll(() => streams.length > 0 && streams.every((ws) => ws.isClosed()), { timeout: 10_000 }).toBe(true);
      await page.waitForLoadState('networkidle');
      expect(requests.filter((url) => url.includes(conversationId))).toHaveLength(toServer);
      expect(await js<number[]>(page, '[sessionStorage.length, localStorage.length]')).toEqual([0, 0]);
      expect(await page.locator('#conn').isHidden()).toBe(true);
      expect(await page.locator('.msg.user.failed, .retry').count()).toBe(0);
      expect(failed).toEqual([]);

      // "Start a new chat": the language picker, then a fresh conversation.
      await page.locator('.ended .again').tap();
      await page.locator('[data-lang="en"]').tap();
      await page.locator('.action').first().waitFor({ timeout: 20_000 });
      const fresh = await storedConversationId(page);
      expect(fresh).not.toBe(conversationId);
      expect(await lantern.store.status(fresh)).toBe('active');
      expect(await page.locator('#input').isEnabled()).toBe(true);
      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
      expect(failed).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('sending very fast: a clear line in the young person’s language, nothing lost, all sent after Retry-After', async () => {
    const { context, page, requests, errors } = await phone();
    const statuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/activities') && response.request().method() === 'POST') statuses.push(response.status());
    });
    try {
      await page.goto(`${lantern.url}/`);
      await page.locator('[data-lang="nl"]').tap();
      await page.locator('.action').first().waitFor({ timeout: 20_000 });
      const conversationId = await storedConversationId(page);
      // The language event counts too: eight per five seconds is the default, so the last messages wait.
      const texts = Array.from({ length: 10 }, (_, i) => `bericht ${i + 1}`);
      for (const text of texts) {
        await page.locator('#input').fill(text);
        await page.locator('#input').press('Enter');
      }
      const tooFast = String(readLanguage('nl').web!.tooFast);
      await expect.poll(() => page.locator('#conn').textContent(), { timeout: 15_000 }).toBe(tooFast);
      expect(statuses).toContain(429);
      await page.screenshot({ path: path.join(ARTIFACTS, 'chat-too-fast.png') });
      // Never "not sent": every bubble is there, waiting, none marked failed.
      expect(await page.locator('.msg.user.failed, .retry').count()).toBe(0);
      expect(await page.locator('.msg.user .text').allTextContents()).toEqual(texts);
      expect(await js<string>(page, "JSON.stringify(JSON.parse(sessionStorage.getItem('lantern') || '{}').outbox || [])")).toContain('bericht 10');

      // After Retry-After the page sends the rest by itself, once each, in order; the line goes away.
      await expect
        .poll(async () => (await lantern.store.read(conversationId, undefined, 1_000)).activities.filter((a) => a.from?.role === 'user' && a.type === 'message').map((a) => a.text), { timeout: 20_000 })
        .toEqual(texts);
      await page.locator('#conn').waitFor({ state: 'hidden', timeout: 10_000 });
      expect(await page.locator('.msg.user.pending, .msg.user.failed').count()).toBe(0);
      expect(external(requests)).toEqual([]);
      // The browser reports the refused requests on the console; the page itself has no errors.
      expect(errors.filter((e) => !/status of 429/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('resumes after a reload without showing anything twice; the bot switches the language; talk to a person', async () => {
    const { context, page, requests, errors } = await phone();
    try {
      await page.goto(`${lantern.url}/`);
      await page.locator('[data-lang="en"]').tap();
      await page.locator('.action').first().waitFor({ timeout: 20_000 });
      const before = await page.locator('.msg').allTextContents();
      await page.reload();
      await page.locator('.action').first().waitFor({ timeout: 20_000 });
      await expect.poll(() => page.locator('.msg').allTextContents()).toEqual(before);
      expect(await js<string>(page, 'document.documentElement.lang')).toBe('en');

      // The language button asks the bot; its lantern.language event switches the page in place.
      await js(page, 'window.notReloaded = true');
      await page.locator('#lang').tap();
      await tapChoice(page, 'lang_nl');
      await expect.poll(() => js<string[]>(page, '[document.documentElement.lang, document.documentElement.dir]'), { timeout: 10_000 }).toEqual(['nl', 'ltr']);
      expect(await page.locator('#exit').textContent()).toBe('Snel weg');
      expect(await page.locator('#input').getAttribute('placeholder')).toBe('Schrijf een bericht');
      expect(await js<boolean>(page, 'window.notReloaded')).toBe(true);
      expect(await js<string>(page, "JSON.parse(sessionStorage.getItem('lantern') || '{}').lang")).toBe('nl');

      // "Talk to a person" is sent as the command, shown as the young person's words, answered by the bot.
      const botBefore = (await botTexts(page)).length;
      await page.locator('#human').tap();
      await page.locator('.msg.user .text', { hasText: 'Praat met een mens' }).waitFor({ timeout: 10_000 });
      const handoffTexts = localeTexts('nl', 'handoff');
      await expect
        .poll(async () => (await botTexts(page)).slice(botBefore).some((text) => handoffTexts.includes(text)), { timeout: 20_000 })
        .toBe(true);
      const conversationId = await storedConversationId(page);
      const sent = (await lantern.store.read(conversationId)).activities.filter((a) => a.from?.role === 'user');
      expect(sent.some((a) => a.type === 'message' && (a.value as { command?: string } | undefined)?.command === 'talk_to_human')).toBe(true);
      expect(sent.find((a) => a.type === 'event')).toMatchObject({ name: 'lantern.language', value: 'en', locale: 'en' });
      expect(sent.every((a) => typeof a.locale === 'string')).toBe(true);
      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});

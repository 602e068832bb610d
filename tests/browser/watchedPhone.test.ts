/**
 * "A phone that may be watched" (issue 16) in a real browser (Debian's Chromium through
 * playwright-core) against the whole server, on a 360 px touch phone:
 * - the calm look, switched on from the bar's eye button in every language and by a link
 *   (`?look=calm`, also through the partners' launcher `data-look="calm"`): after a reload the page
 *   opens on a neutral face, titled "Notes" in the young person's language with a plain icon, with
 *   nothing red (computed colours and the screenshot's pixels) and no words about help, the chat or
 *   112 in its visible text, its accessibility tree or its title until it is tapped; the quick exit
 *   is one tap ("Close") or Escape; the choice is kept in sessionStorage only and can be undone;
 * - covering: when the page is hidden, and after the chosen time without a tap (Playwright's clock,
 *   no sleeps), the neutral face covers the chat and the title; a tap or a key brings it back;
 *   "Never" turns it off;
 * - after a reload the earlier messages wait behind "Show earlier messages", new ones show at once;
 * - nothing is written to local storage, cookies, IndexedDB, Cache Storage or a service worker.
 * axe-core (WCAG 2.0/2.1 A and AA, 44 px targets) checks the neutral face and the open panel.
 *
 * Hiding the page: headless Chromium keeps every page "visible" (checked: another page brought to
 * the front, a new tab activated through CDP, the window minimised, the page frozen; none changes
 * `document.visibilityState`), so the test makes the document report "hidden" and dispatches
 * `visibilitychange`, as the browser does when the young person switches apps.
 *
 * Screenshots (tests/artifacts/): watched-calm-<language>-360.png (the neutral face after a reload),
 * watched-calm-prs-link-360.png, watched-calm-chat-ar-360.png (tapped into), watched-look-panel-360.png,
 * watched-calm-ar-dark-360.png, watched-covered-360.png, watched-reload-360.png.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LANGUAGES, type Language } from '../../contracts/languages.js';
import type { LanternInstance } from '../../server/Lantern.js';
import { readLanguage } from '../../texts/localeFiles.js';
import { type Browser, chatCovered as covered, externalRequests, js, launchBrowser, setVisibility } from '../helpers/browser.js';
import { ARTIFACTS, startBuiltLantern, stopBuiltLantern } from '../helpers/builtLantern.js';
import { uniquePrefix } from '../helpers/redis.js';

const QUICK_EXIT_URL = 'https://weather.example/today';
const NEUTRAL_PAGE = '<!doctype html><title>Weather</title><p>Sunny</p>';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const tempDirs: string[] = [];
let lantern: LanternInstance;

beforeAll(async () => {
  lantern = await startBuiltLantern(inject('redisUrl'), uniquePrefix('watched'), tempDirs, { quickExitUrl: QUICK_EXIT_URL, tokenRateLimitMax: 1000 });
}, 60_000);

afterAll(() => stopBuiltLantern(lantern, tempDirs));

/** The page's strings of one language (placeholders as written). */
function web(language: Language): Record<string, string> {
  return readLanguage(language)['web'] as Record<string, string>;
}

/** A fresh 360×640 touch phone; the quick exit's neutral site is answered locally; CSP bypassed for axe only. */
async function phone(): Promise<Browser> {
  return launchBrowser({
    tempDirs,
    context: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US', bypassCSP: true },
    ignoreConsole: /ERR_INTERNET_DISCONNECTED|net::ERR_/,
    setup: async (context) => {
      await context.route(QUICK_EXIT_URL, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: NEUTRAL_PAGE }));
    },
  });
}

/** A new tab (its own sessionStorage), its page errors recorded in `errors`. */
async function newTab(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/net::ERR_|Failed to load resource/.test(message.text())) errors.push(message.text());
  });
  return page;
}

/** Opens the chat in `language` (by a link, without the picker) and waits for the bot's buttons. */
async function openChat(page: Page, language: Language, query = ''): Promise<void> {
  await page.goto(`${lantern.url}/?lang=${language}${query}`);
  await page.locator('#actions .action').first().waitFor({ timeout: 20_000 });
}

/** The stored conversation id. */
async function conversationId(page: Page): Promise<string> {
  const raw = await js<string | null>(page, "sessionStorage.getItem('lantern')");
  const id = raw ? (JSON.parse(raw) as { conversation?: { conversationId?: string } }).conversation?.conversationId : undefined;
  if (!id) throw new Error('no conversation in sessionStorage');
  return id;
}

/** The lines of text a person sees (innerText: what is rendered and visible). */
async function visibleLines(page: Page): Promise<string[]> {
  const text = await js<string>(page, 'document.body.innerText');
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** A red colour: what the quick exit, 112 and "not sent" use in the usual look (light and dark). */
const RED = 'r >= 140 && r - g >= 90 && r - b >= 90';

/** Visible elements with a red text, background, border or icon colour. */
async function redColours(page: Page): Promise<string[]> {
  return js<string[]>(
    page,
    `(() => {
      const red = (value) => {
        const m = /rgba?\\((\\d+), (\\d+), (\\d+)(?:, ([\\d.]+))?\\)/.exec(value || '');
        if (!m || m[4] === '0') return false;
        const [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
        return ${RED};
      };
      const found = [];
      for (const el of document.querySelectorAll('body *')) {
        const style = getComputedStyle(el);
        if (!el.getClientRects().length || style.visibility !== 'visible') continue;
        const colours = [style.color, style.backgroundColor, style.fill, style.stroke];
        for (const side of ['Top', 'Right', 'Bottom', 'Left']) if (parseFloat(style['border' + side + 'Width']) > 0) colours.push(style['border' + side + 'Color']);
        const hit = colours.find(red);
        if (hit) found.push((el.id || el.className.baseVal || el.className || el.tagName) + ' ' + hit);
      }
      return found;
    })()`,
  );
}

/** Red pixels in a screenshot, decoded by Chromium in a blank tab of `context`. */
async function redPixels(context: BrowserContext, png: Buffer): Promise<number> {
  const blank = await context.newPage();
  try {
    return await js<number>(
      blank,
      `(async () => {
        const bytes = Uint8Array.from(atob('${png.toString('base64')}'), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d');
        context.drawImage(bitmap, 0, 0);
        const d = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
        let count = 0;
        for (let i = 0; i < d.length; i += 4) {
          const r = d[i], g = d[i + 1], b = d[i + 2];
          if (${RED}) count++;
        }
        return count;
      })()`,
    );
  } finally {
    await blank.close();
  }
}

/** What the origin keeps in the browser beyond the tab: local storage, cookies, IndexedDB, Cache Storage, service workers. */
async function lastingStorage(page: Page): Promise<{ local: number; cookie: string; indexedDB: string[]; caches: string[]; serviceWorkers: number }> {
  return js(
    page,
    `(async () => ({
      local: localStorage.length,
      cookie: document.cookie,
      indexedDB: (await indexedDB.databases()).map((db) => db.name),
      caches: await caches.keys(),
      serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
    }))()`,
  );
}

const NOTHING_LASTING = { local: 0, cookie: '', indexedDB: [], caches: [], serviceWorkers: 0 };

/** axe-core violations (WCAG 2.0/2.1 A and AA, target size 44 px). */
async function axe(page: Page): Promise<string[]> {
  if (!(await js<boolean>(page, 'typeof window.axe === "object"'))) await page.addScriptTag({ content: AXE });
  return js<string[]>(
    page,
    `(async () => {
      axe.configure({
        checks: [{ id: 'target-size', options: { minSize: 44 } }, { id: 'target-offset', options: { minOffset: 44 } }],
        rules: [{ id: 'target-size', enabled: true, any: ['target-size', 'target-offset'] }],
      });
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
      return result.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '));
    })()`,
  );
}

/** Everything of one language that says what the page is: none of it may show on the neutral face. */
function tellingTexts(language: Language): string[] {
  const strings = web(language);
  const keys = ['title', 'talkToPerson', 'emergency', 'quickExit', 'quickExitHint', 'pickLanguage', 'messages', 'placeholder', 'lookTitle'];
  return [...keys.map((key) => strings[key]!.replace(/\{\{\w+\}\}/g, '').trim()), '112'];
}

/** The neutral face of `language`: its three lines, its title and icon, nothing red, nothing telling, axe clean. */
async function checkNeutralFace(page: Page, context: BrowserContext, language: Language, screenshot: string): Promise<void> {
  const strings = web(language);
  expect(await covered(page), `${language}: covered`).toBe(true);
  expect(await page.title()).toBe(strings['calmTitle']);
  expect(await js<string>(page, "document.getElementById('icon').href")).toMatch(/^data:image\/svg\+xml,/);
  expect((await visibleLines(page)).sort()).toEqual([strings['calmTitle'], strings['calmExit'], strings['calmOpen']].sort());
  const tree = await page.locator('body').ariaSnapshot();
  for (const text of tellingTexts(language)) {
    expect.soft(tree, `${language}: the accessibility tree shows "${text}"`).not.toContain(text);
    expect.soft((await visibleLines(page)).join(' '), `${language}: visible "${text}"`).not.toContain(text);
  }
  // The quick exit is the first control of the neutral face, one tap away.
  expect(await js<string>(page, "document.querySelector('#cover button').id")).toBe('coverExit');
  const exit = await page.locator('#coverExit').boundingBox();
  expect(exit!.height).toBeGreaterThanOrEqual(44);
  expect(await redColours(page), `${language}: red colours`).toEqual([]);
  const png = await page.screenshot({ path: path.join(ARTIFACTS, screenshot) });
  expect(await redPixels(context, png), `${language}: red pixels`).toBe(0);
  expect.soft(await axe(page), `${language}: axe on the neutral face`).toEqual([]);
}

describe('a phone that may be watched', () => {
  it('the calm look from the bar in every language: a neutral face until tapped, nothing red, Close is one tap, kept for the tab only, can be undone', async () => {
    const { context, page: first, requests, errors } = await phone();
    try {
      await first.close();
      for (const language of LANGUAGES) {
        const strings = web(language);
        const page = await newTab(context, errors);
        await openChat(page, language);
        // The usual look: red quick exit and 112 (so the checks below can see red), no cover.
        expect(await redColours(page)).not.toEqual([]);
        if (language === 'en') expect(await redPixels(context, await page.screenshot())).toBeGreaterThan(100);
        expect(await covered(page)).toBe(false);
        expect(await page.title()).toBe(strings['title']);

        // The eye button in the bar opens the panel; "Plain look" switches at once (title, icon, Close).
        const eye = page.locator('#look');
        expect(await eye.getAttribute('aria-label')).toBe(strings['lookTitle']);
        await eye.tap();
        expect(await eye.getAttribute('aria-expanded')).toBe('true');
        await page.locator('#calm').tap();
        expect(await page.locator('#calm').getAttribute('aria-pressed')).toBe('true');
        expect(await page.title()).toBe(strings['calmTitle']);
        expect(await page.locator('#exit').textContent()).toBe(strings['calmExit']);
        // What it does and does not do is said where it is switched on.
        expect(await page.locator('#calmInfo').textContent()).toBe(strings['calmInfo']);
        expect(await page.locator('#hideInfo').textContent()).toBe(strings['hideInfo']);
        if (language === 'en') {
          expect.soft(await axe(page), 'axe on the open panel').toEqual([]);
          await page.screenshot({ path: path.join(ARTIFACTS, 'watched-look-panel-360.png') });
        }
        await page.locator('#lookDone').tap();
        expect(await page.locator('#lookPanel').isHidden()).toBe(true);
        const id = await conversationId(page);

        // After a reload: the neutral face first.
        await page.reload();
        await page.locator('#uncover').waitFor();
        await checkNeutralFace(page, context, language, `watched-calm-${language}-360.png`);
        // Kept in this tab's sessionStorage only.
        expect(JSON.parse((await js<string | null>(page, "sessionStorage.getItem('lantern-look')"))!)).toEqual({ calm: true, hide: 5 });
        expect(await lastingStorage(page)).toEqual(NOTHING_LASTING);

        if (language === 'prs') {
          // "Close" on the neutral face is the quick exit: one tap, the conversation ends on the server.
          await page.locator('#coverExit').tap();
          await page.waitForURL(QUICK_EXIT_URL);
          await expect.poll(() => lantern.store.status(id), { timeout: 10_000 }).toBe('ended');
          await page.close();
          continue;
        }
        if (language === 'ti') {
          // Escape too.
          await page.keyboard.press('Escape');
          await page.waitForURL(QUICK_EXIT_URL);
          await expect.poll(() => lantern.store.status(id), { timeout: 10_000 }).toBe('ended');
          await page.close();
          continue;
        }

        // A tap opens the chat, still calm: no red, "Close" last in the bar, the title stays plain.
        await page.locator('#uncover').tap();
        expect(await covered(page)).toBe(false);
        await page.locator('#actions .action').first().waitFor();
        expect(await page.title()).toBe(strings['calmTitle']);
        expect(await js<string>(page, "[...document.querySelectorAll('.bar button, .bar a')].filter((el) => el.getClientRects().length).pop().id")).toBe('exit');
        expect(await redColours(page), `${language}: red in the calm chat`).toEqual([]);
        const calmChat = await page.screenshot(language === 'ar' ? { path: path.join(ARTIFACTS, 'watched-calm-chat-ar-360.png') } : {});
        expect(await redPixels(context, calmChat)).toBe(0);

        // Back to the usual look.
        await page.locator('#look').tap();
        await page.locator('#calm').tap();
        expect(await page.locator('#calm').getAttribute('aria-pressed')).toBe('false');
        expect(await page.title()).toBe(strings['title']);
        expect(await page.locator('#exit').textContent()).toBe(strings['quickExit']);
        await page.reload();
        await page.locator('#actions .action').first().waitFor({ timeout: 20_000 });
        expect(await covered(page)).toBe(false);
        expect(await page.title()).toBe(strings['title']);
        await page.close();
      }
      // Another tab has its own sessionStorage: the usual look.
      const other = await newTab(context, errors);
      await other.goto(`${lantern.url}/`);
      await other.locator('[data-lang]').first().waitFor();
      expect(await covered(other)).toBe(false);
      expect(await lastingStorage(other)).toEqual(NOTHING_LASTING);
      expect(externalRequests(requests, lantern.url, (url) => url === QUICK_EXIT_URL)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);

  it('a link with ?look=calm and the launcher’s data-look="calm" open on the neutral face; the young person’s own choice wins', async () => {
    const { context, page, errors } = await phone();
    try {
      const prs = web('prs');
      await page.goto(`${lantern.url}/?lang=prs&look=calm`);
      await page.locator('#uncover').waitFor();
      await checkNeutralFace(page, context, 'prs', 'watched-calm-prs-link-360.png');
      await page.locator('#uncover').tap();
      await page.locator('#actions .action').first().waitFor({ timeout: 20_000 });
      expect(await js<string[]>(page, '[document.documentElement.lang, document.documentElement.dir]')).toEqual(['fa-AF', 'rtl']);
      expect(await page.locator('#exit').textContent()).toBe(prs['calmExit']);
      // Switched back by the young person: the link's parameter does not switch it on again.
      await page.locator('#look').tap();
      await page.locator('#calm').tap();
      await page.reload();
      await page.locator('#actions .action').first().waitFor({ timeout: 20_000 });
      expect(await covered(page)).toBe(false);
      expect(await page.title()).toBe(prs['title']);

      // The partners' launcher on a site that may not frame the chat: the same tab, calm.
      const launcherPage = await newTab(context, errors);
      await launcherPage.setContent(`<script src="${lantern.url}/embed.js" data-lang="ti" data-look="calm"></script>`);
      await launcherPage.getByRole('button', { name: web('ti')['embedOpen'] }).tap();
      await launcherPage.waitForURL(`${lantern.url}/?lang=ti&look=calm`);
      await launcherPage.locator('#uncover').waitFor();
      expect(await covered(launcherPage)).toBe(true);
      expect(await launcherPage.title()).toBe(web('ti')['calmTitle']);
      // From the keyboard: Tab reaches "Close" first; Enter there is the quick exit, not "open".
      await launcherPage.keyboard.press('Tab');
      expect(await js<string>(launcherPage, 'document.activeElement.id')).toBe('coverExit');
      await launcherPage.keyboard.press('Enter');
      await launcherPage.waitForURL(QUICK_EXIT_URL);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('the calm look in dark mode: nothing red on the neutral face nor in the chat', async () => {
    const { context, page, errors } = await launchBrowser({
      tempDirs,
      context: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US', bypassCSP: true, colorScheme: 'dark' },
      ignoreConsole: /net::ERR_/,
    });
    try {
      await page.goto(`${lantern.url}/?lang=ar&look=calm`);
      await page.locator('#uncover').waitFor();
      await checkNeutralFace(page, context, 'ar', 'watched-calm-ar-dark-360.png');
      await page.locator('#uncover').tap();
      await page.locator('#actions .action').first().waitFor({ timeout: 20_000 });
      expect(await redColours(page)).toEqual([]);
      expect(await redPixels(context, await page.screenshot())).toBe(0);
      expect.soft(await axe(page), 'axe on the calm chat, dark').toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('covers the chat when the page is hidden; a key or a tap brings it back; "Never" turns it off', async () => {
    const { context, page, requests, errors } = await phone();
    try {
      const en = web('en');
      await openChat(page, 'en');
      await page.locator('#input').fill('hello');
      await page.locator('#input').press('Enter');
      await page.locator('.msg.user', { hasText: 'hello' }).waitFor();

      await setVisibility(page, 'hidden');
      expect(await covered(page)).toBe(true);
      expect(await page.title()).toBe(en['calmTitle']);
      expect((await visibleLines(page)).sort()).toEqual([en['calmTitle'], en['calmExit'], en['calmOpen']].sort());
      expect(await page.locator('#log').isVisible()).toBe(false);
      expect(await page.locator('#composer').isVisible()).toBe(false);
      expect(await page.locator('.bar #human').isVisible()).toBe(false);
      await setVisibility(page, 'visible');
      // Still covered when the young person (or someone else) comes back.
      expect(await covered(page)).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'watched-covered-360.png') });
      expect(await redPixels(context, await page.screenshot())).toBe(0);

      // A key brings it back, and is not typed into the message box.
      await page.keyboard.press('a');
      expect(await covered(page)).toBe(false);
      expect(await page.title()).toBe(en['title']);
      expect(await page.locator('#input').inputValue()).toBe('');
      expect(await page.locator('.msg.user', { hasText: 'hello' }).isVisible()).toBe(true);

      // A tap too.
      await setVisibility(page, 'hidden');
      await setVisibility(page, 'visible');
      expect(await covered(page)).toBe(true);
      await page.locator('#uncover').tap();
      expect(await covered(page)).toBe(false);

      // "Never": leaving the page does not cover it.
      await page.locator('#look').tap();
      await page.locator('#hide [data-min="0"]').tap();
      expect(await page.locator('#hide [data-min="0"]').getAttribute('aria-pressed')).toBe('true');
      await setVisibility(page, 'hidden');
      await setVisibility(page, 'visible');
      expect(await covered(page)).toBe(false);
      expect(JSON.parse((await js<string | null>(page, "sessionStorage.getItem('lantern-look')"))!)).toEqual({ calm: false, hide: 0 });
      expect(await lastingStorage(page)).toEqual(NOTHING_LASTING);
      expect(externalRequests(requests, lantern.url)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('covers the chat after the chosen time without a tap (5 minutes by default, 1 minute chosen)', async () => {
    const { context, page, errors } = await phone();
    try {
      const nl = web('nl');
      await page.clock.install();
      await openChat(page, 'nl');
      // A tap on the edge of a message: nothing but "the young person is here".
      const touch = () => page.locator('.msg.bot').first().tap({ position: { x: 4, y: 4 } });
      await touch();
      // The default: five minutes.
      await page.clock.fastForward('04:50');
      expect(await covered(page)).toBe(false);
      await page.clock.fastForward('00:15');
      expect(await covered(page)).toBe(true);
      expect(await page.title()).toBe(nl['calmTitle']);
      await page.locator('#uncover').tap();

      // One minute, chosen in the panel (the labels in the young person's language).
      await page.locator('#look').tap();
      const one = page.locator('#hide [data-min="1"]');
      expect(await one.textContent()).toBe(nl['hideAfter_one']!.replace('{{minutes}}', '1'));
      expect(await page.locator('#hide [data-min="15"]').textContent()).toBe(nl['hideAfter_other']!.replace('{{minutes}}', '15'));
      await one.tap();
      expect(await one.getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator('#hide [data-min="5"]').getAttribute('aria-pressed')).toBe('false');
      await page.locator('#lookDone').tap();
      await page.clock.fastForward('00:30');
      // A tap counts: the minute starts again.
      await touch();
      await page.clock.fastForward('00:45');
      expect(await covered(page)).toBe(false);
      await page.clock.fastForward('00:20');
      expect(await covered(page)).toBe(true);
      await page.locator('#uncover').tap();
      expect(await covered(page)).toBe(false);
      expect(await page.title()).toBe(nl['title']);
      expect(await lastingStorage(page)).toEqual(NOTHING_LASTING);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('after a reload the earlier messages wait behind "Show earlier messages"; new ones show at once; with "Never" they show', async () => {
    const { context, page, requests, errors } = await phone();
    try {
      const en = web('en');
      await openChat(page, 'en');
      await page.locator('[data-choice="rights"]').tap();
      await page.locator('.msg.user').first().waitFor();
      await page.locator('#actions .action').first().waitFor({ timeout: 20_000 });
      await page.waitForLoadState('networkidle');
      const before = await page.locator('.msg').allTextContents();
      expect(before.length).toBeGreaterThan(2);

      await page.reload();
      const show = page.getByRole('button', { name: en['showEarlier'] });
      await show.waitFor({ timeout: 20_000 });
      await page.locator('#actions .action').first().waitFor({ timeout: 20_000 });
      // Every earlier message is there, out of view.
      await expect.poll(() => page.locator('.earlier .msg').allTextContents()).toEqual(before);
      expect(await page.locator('.msg:visible').count()).toBe(0);
      expect(await visibleLines(page)).not.toContain(before[0]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'watched-reload-360.png') });

      // Something new shows as usual.
      await page.locator('#input').fill('hello again');
      await page.locator('#send').tap();
      await page.locator('.msg.user:visible', { hasText: 'hello again' }).waitFor();
      await page.locator('.msg.bot:visible').first().waitFor({ timeout: 20_000 });
      expect(await page.locator('.earlier .msg:visible').count()).toBe(0);

      // Asked for: all of them, before the new ones.
      await show.tap();
      expect(await show.count()).toBe(0);
      const all = await page.locator('.msg:visible').allTextContents();
      expect(all.slice(0, before.length)).toEqual(before);
      expect(all.length).toBeGreaterThan(before.length + 1);
      expect(await lastingStorage(page)).toEqual(NOTHING_LASTING);

      // With "Never", a reload shows the conversation as before.
      await page.locator('#look').tap();
      await page.locator('#hide [data-min="0"]').tap();
      await page.reload();
      await page.locator('#actions .action').first().waitFor({ timeout: 20_000 });
      await expect.poll(() => page.locator('.msg:visible').count()).toBeGreaterThanOrEqual(all.length);
      expect(await page.locator('.more').count()).toBe(0);
      expect(await lastingStorage(page)).toEqual(NOTHING_LASTING);
      expect((await context.cookies()).length).toBe(0);
      expect(externalRequests(requests, lantern.url)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

/**
 * The launcher partner organisations paste on their own sites (`<script src=…/embed.js
 * data-lang="ti">`), in a real browser (Debian's Chromium) against the whole server on the test
 * Redis. The partner's site is another origin (a plain HTTP server here, with a strict
 * Content-Security-Policy of its own), Lantern's ALLOWED_ORIGINS names it:
 * - the launcher is a named button of at least 44 px, in the chosen language; nothing is loaded
 *   from Lantern before it is pressed;
 * - pressed, the chat opens framed in Tigrinya (`/embed?lang=ti`); hiding keeps the conversation;
 * - the quick exit in the frame (a tap, or Escape from the keyboard) replaces the partner's page
 *   too: the neutral site is on screen, one step back is the page before the partner's, and the
 *   conversation is ended on the server; Escape on the panel's own button does the same (only the
 *   chat holds the token: the launcher asks it to leave), and leaves even when the chat cannot answer;
 * - on a site that may not frame the chat, the launcher replaces the page with the chat instead,
 *   and the quick exit there leaves no help site behind either;
 * - /embed.js and /embed carry the headers that make this work (and / still refuses every frame).
 * Screenshots go to tests/artifacts/ (gitignored).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LanternInstance } from '../../server/Lantern.js';
import { readLanguage } from '../../texts/localeFiles.js';
import { js, launchBrowser, type Browser, type ContextOptions, type LaunchBrowserOptions } from '../helpers/browser.js';
import { ARTIFACTS, startBuiltLantern, stopBuiltLantern } from '../helpers/builtLantern.js';
import { uniquePrefix } from '../helpers/redis.js';

const tempDirs: string[] = [];
let lantern: LanternInstance;
/** The partner that may frame the chat, and one that may not (which also hosts the neutral site). */
let partner: { server: http.Server; origin: string };
let stranger: { server: http.Server; origin: string };

const web = (language: string) => readLanguage(language as 'ti')['web'] as Record<string, string>;

/** A partner's site: a start page, a page with the launcher under a strict CSP, a neutral page. */
async function partnerSite(lanternUrl: () => string, lang: string): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === '/start' || url === '/neutral') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>${url.slice(1)}</title><p>${url.slice(1)}</p>`);
      return;
    }
    if (url === '/partner') {
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        // A careful partner: no inline styles or scripts, only Lantern's script and frame.
        'content-security-policy': `default-src 'none'; script-src ${lanternUrl()}; frame-src ${lanternUrl()}; style-src 'none'`,
      });
      response.end(
        `<!doctype html><html lang="nl"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner</title><body><a href="/start">Home</a><h1>Hulp</h1>` +
          `<script src="${lanternUrl()}/embed.js" data-lang="${lang}" async></script></body></html>`,
      );
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  let url = '';
  partner = await partnerSite(() => url, 'ti');
  stranger = await partnerSite(() => url, 'ar');
  lantern = await startBuiltLantern(inject('redisUrl'), uniquePrefix('partner-embed'), tempDirs, {
    allowedOrigins: [partner.origin],
    quickExitUrl: `${stranger.origin}/neutral`,
    tokenRateLimitMax: 1000,
  });
  url = lantern.url;
}, 60_000);

afterAll(async () => {
  await stopBuiltLantern(lantern, tempDirs);
  partner?.server.close();
  stranger?.server.close();
});

/** The frame of the chat inside the partner's page. */
async function chatFrame(page: Page): Promise<Frame> {
  await expect.poll(() => page.frames().some((frame) => frame.url().startsWith(`${lantern.url}/embed`)), { timeout: 20_000 }).toBe(true);
  return page.frames().find((frame) => frame.url().startsWith(`${lantern.url}/embed`))!;
}

/**
 * The conversation the browser talks in, read from its Direct Line requests (a framed chat on
 * another site may not use sessionStorage: browsers that block third-party storage refuse it).
 */
async function conversationIdIn(requests: string[]): Promise<string> {
  const find = () => requests.map((url) => /^https?:\/\/[^/]+\/v3\/directline\/conversations\/([\w-]+)/.exec(url)?.[1]).find(Boolean);
  await expect.poll(find, { timeout: 20_000 }).toBeTruthy();
  return find()!;
}

const ignoreConsole = /Failed to load resource/;

const PHONE: ContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'nl-NL' };
const LAPTOP: ContextOptions = { viewport: { width: 1366, height: 768 }, locale: 'nl-NL' };

/**
 * A fresh browser on `site`'s start page, then on its page with the launcher (so one step back
 * from there is the start page); `body` runs there, the page must have logged no errors, and the
 * browser is closed whatever happened. `setup` as in launchBrowser.
 */
async function onPartnerPage(
  site: { origin: string },
  device: ContextOptions,
  body: (browser: Browser) => Promise<void>,
  setup?: LaunchBrowserOptions['setup'],
): Promise<void> {
  const browser = await launchBrowser({ tempDirs, context: device, ignoreConsole, setup });
  try {
    await browser.page.goto(`${site.origin}/start`);
    await browser.page.goto(`${site.origin}/partner`);
    await body(browser);
    expect(browser.errors).toEqual([]);
  } finally {
    await browser.context.close();
  }
}

/**
 * The tab's history as Chromium keeps it (what the back button walks), read through a DevTools
 * session of its own. Reading it does not navigate, so it can be asked again until it answers:
 * while Chromium moves the tab to the neutral site's process, a session may answer "Not attached
 * to an active page" (a page.goBack() at that moment failed the suite in CI three times).
 */
async function tabHistory(page: Page): Promise<{ back: string | undefined; all: string[] }> {
  let history: { back: string | undefined; all: string[] } | undefined;
  await expect
    .poll(
      async () => {
        const session = await page.context().newCDPSession(page);
        try {
          const { currentIndex, entries } = await session.send('Page.getNavigationHistory');
          history = { back: entries[currentIndex - 1]?.url, all: entries.map((entry) => entry.url) };
          return entries[currentIndex]?.url;
        } catch (error) {
          if (/Not attached to an active page|Target closed|Session closed/.test(String(error))) return undefined;
          throw error;
        } finally {
          await session.detach().catch(() => undefined);
        }
      },
      { timeout: 10_000 },
    )
    .toBe(`${stranger.origin}/neutral`);
  return history!;
}

/**
 * After a quick exit: the page is the neutral site, the conversation (if one began) has ended on the server, and
 * one step back is `before`, the page before the one that held the chat: that page was replaced,
 * not pushed, so it is nowhere in the tab's history (nor is any of `replaced`).
 */
async function expectLeftFor(page: Page, conversationId: string | undefined, before: string, replaced: string[]): Promise<void> {
  await page.waitForURL(`${stranger.origin}/neutral`);
  if (conversationId) await expect.poll(() => lantern.store.status(conversationId), { timeout: 10_000 }).toBe('ended');
  const history = await tabHistory(page);
  expect(history.back).toBe(before);
  for (const url of replaced) expect(history.all).not.toContain(url);
}

describe('the partners’ launcher', () => {
  it('opens the chat framed in Tigrinya on a phone; the quick exit leaves the partner’s page too', async () => {
    const ti = web('ti');
    await onPartnerPage(partner, PHONE, async ({ page, requests }) => {
      const launcher = page.getByRole('button', { name: ti['embedOpen'] });
      await launcher.waitFor();
      const box = await launcher.boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);
      expect(box!.width).toBeGreaterThanOrEqual(44);
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
      // Nothing from Lantern but the launcher itself before it is pressed.
      expect(requests.filter((url) => url.startsWith(lantern.url))).toEqual([`${lantern.url}/embed.js`]);

      await launcher.tap();
      const dialog = page.getByRole('dialog', { name: ti['embedTitle'] });
      await dialog.waitFor();
      const frame = await chatFrame(page);
      expect(new URL(frame.url()).search).toBe('?lang=ti');
      // The chat started in Tigrinya without the picker, the bot speaks first.
      await frame.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
      expect(await frame.evaluate('document.documentElement.lang')).toBe('ti');
      expect(await frame.locator('#exit').textContent()).toBe(ti['quickExit']);
      const conversationId = await conversationIdIn(requests);
      expect(await lantern.store.status(conversationId)).toBe('active');
      // Full screen on a phone.
      const panel = await dialog.boundingBox();
      expect(panel!.width).toBe(360);
      await page.screenshot({ path: path.join(ARTIFACTS, 'embed-partner-ti-phone.png') });

      // Hidden and shown again: the same conversation, the launcher takes the focus back.
      await page.getByRole('button', { name: ti['embedHide'] }).tap();
      await dialog.waitFor({ state: 'hidden' });
      expect(await js<string>(page, "document.querySelector('[data-lantern-embed]').shadowRoot.activeElement.textContent")).toBe(ti['embedOpen']);
      await launcher.tap();
      await dialog.waitFor();
      expect(await conversationIdIn(requests)).toBe(conversationId);

      // Quick exit inside the frame.
      await frame.locator('#exit').tap();
      // One step back is the page before the one that held the chat: that one was replaced.
      await expectLeftFor(page, conversationId, `${partner.origin}/start`, [`${partner.origin}/partner`]);
    });
  }, 120_000);

  it('works from the keyboard on a laptop: Tab to the launcher, Enter, Escape in the chat leaves the partner’s page', async () => {
    const ti = web('ti');
    await onPartnerPage(partner, LAPTOP, async ({ page, requests }) => {
      const launcher = page.getByRole('button', { name: ti['embedOpen'] });
      await launcher.waitFor();
      // The partner's one link, then the launcher.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      expect(await js<string>(page, "document.activeElement && document.activeElement.getAttribute('data-lantern-embed')")).toBe('');
      await page.keyboard.press('Enter');
      const frame = await chatFrame(page);
      await frame.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
      // A panel in the corner on a laptop, focus inside the chat.
      const panel = await page.getByRole('dialog', { name: ti['embedTitle'] }).boundingBox();
      expect(panel!.width).toBe(400);
      await expect.poll(() => js<string>(page, "document.querySelector('[data-lantern-embed]').shadowRoot.activeElement?.tagName ?? ''"), { timeout: 10_000 }).toBe('IFRAME');
      await page.screenshot({ path: path.join(ARTIFACTS, 'embed-partner-laptop.png') });
      const conversationId = await conversationIdIn(requests);

      // Escape, whether the keyboard is in the chat's page already or still on the frame: either way
      // the conversation ends (the next test presses it on the panel's own button).
      await page.keyboard.press('Escape');
      // One step back is the page before the one that held the chat: that one was replaced.
      await expectLeftFor(page, conversationId, `${partner.origin}/start`, [`${partner.origin}/partner`]);
    });
  }, 120_000);

  it('Escape on the panel’s own button leaves too, and the chat (which alone holds the token) still ends the conversation', async () => {
    const ti = web('ti');
    await onPartnerPage(partner, LAPTOP, async ({ page, requests }) => {
      await page.getByRole('button', { name: ti['embedOpen'] }).click();
      const frame = await chatFrame(page);
      await frame.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
      const conversationId = await conversationIdIn(requests);
      // The keyboard on the launcher's "hide" button, on the partner's page, not in the chat.
      const hide = page.getByRole('button', { name: ti['embedHide'] });
      await hide.focus();
      expect(await js<string>(page, "document.querySelector('[data-lantern-embed]').shadowRoot.activeElement.textContent")).toBe(ti['embedHide']);

      await page.keyboard.press('Escape');
      await expectLeftFor(page, conversationId, `${partner.origin}/start`, [`${partner.origin}/partner`]);
    });
  }, 120_000);

  it('Escape on the panel leaves even when the chat cannot answer (its page never came)', async () => {
    const ti = web('ti');
    // The chat's page is held back for good: the frame stays empty and cannot answer.
    const holdChatPage = async (context: BrowserContext) => {
      await context.route((url) => url.href.startsWith(`${lantern.url}/embed?`), () => undefined);
    };
    await onPartnerPage(
      partner,
      LAPTOP,
      async ({ page, requests }) => {
        await page.getByRole('button', { name: ti['embedOpen'] }).click();
        await expect.poll(() => requests.some((url) => url.startsWith(`${lantern.url}/embed?`)), { timeout: 10_000 }).toBe(true);
        await page.getByRole('button', { name: ti['embedHide'] }).focus();

        await page.keyboard.press('Escape');
        // No conversation began.
        await expectLeftFor(page, undefined, `${partner.origin}/start`, [`${partner.origin}/partner`]);
      },
      holdChatPage,
    );
  }, 120_000);

  it('on a site that may not frame the chat, replaces the page with the chat; its quick exit leaves no help site behind', async () => {
    const ar = web('ar');
    await onPartnerPage(stranger, PHONE, async ({ page, requests }) => {
      const launcher = page.getByRole('button', { name: ar['embedOpen'] });
      await launcher.waitFor();
      expect(await launcher.getAttribute('dir')).toBe('rtl');
      expect(await launcher.getAttribute('aria-haspopup')).toBeNull();
      await launcher.tap();
      await page.waitForURL(`${lantern.url}/?lang=ar`);
      await page.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
      expect(await js<string>(page, 'document.documentElement.dir')).toBe('rtl');
      const conversationId = await conversationIdIn(requests);

      await page.locator('#exit').tap();
      // One step back is the page before the one that held the chat: that one was replaced.
      await expectLeftFor(page, conversationId, `${stranger.origin}/start`, [`${stranger.origin}/partner`, `${lantern.url}/?lang=ar`]);
    });
  }, 120_000);

  it('serves /embed.js to any site and /embed only to the partners; / refuses every frame', async () => {
    const script = await fetch(`${lantern.url}/embed.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(script.headers.get('cache-control')).toBe('public, max-age=600');
    expect(script.headers.get('set-cookie')).toBeNull();
    const code = await script.text();
    expect(code).toContain(JSON.stringify([partner.origin]));
    expect(code).toContain(JSON.stringify(`${stranger.origin}/neutral`));
    expect(code).not.toContain('@@LANTERN_');

    const framed = await fetch(`${lantern.url}/embed`);
    expect(framed.status).toBe(200);
    expect(framed.headers.get('content-security-policy')).toContain(`frame-ancestors ${partner.origin}`);
    expect(framed.headers.get('x-frame-options')).toBeNull();
    expect(framed.headers.get('cache-control')).toBe('no-store');

    const own = await fetch(`${lantern.url}/`);
    expect(own.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(own.headers.get('x-frame-options')).toBe('DENY');
  });
});

/**
 * The chat page's accessibility in a real browser (Debian's Chromium through playwright-core), in
 * every language, in light and dark mode (prefers-color-scheme through playwright's colorScheme),
 * on phones 360 and 320 px wide: axe-core (node_modules/axe-core/axe.min.js, injected into the page;
 * the page's CSP is bypassed for that in the test only) finds no violation of the WCAG 2.0/2.1 A and
 * AA rules, nor of target-size set to 44 px; every button measures at least 44 × 44 px; nothing
 * overflows sideways; "Talk to a person" takes at most two lines; while waiting for a person "Stop
 * waiting" is on screen exactly once; a message that could not be sent passes too. Screenshots: tests/artifacts/chat-<lng>-dark.png (360 px,
 * waiting for a person) and chat-ti-320.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LANGUAGES, type Language } from '../../contracts/languages.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { buildWeb } from '../../scripts/build-web.js';
import { startLantern } from '../../server/Lantern.js';
import { externalRequests, js, launchBrowser } from '../helpers/browser.js';
import { uniquePrefix } from '../helpers/redis.js';

const ARTIFACTS = path.resolve('tests/artifacts');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** WCAG 2.0 and 2.1, levels A and AA; target-size (WCAG 2.2) is switched on separately, at 44 px. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const MIN_TARGET = 44;

type Lantern = Awaited<ReturnType<typeof startLantern>>;
type Scheme = 'light' | 'dark';

let lantern: Lantern;
const tempDirs: string[] = [];

beforeAll(async () => {
  const distDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-web-'));
  tempDirs.push(distDir);
  await buildWeb({ outDir: distDir, log: false });
  mkdirSync(ARTIFACTS, { recursive: true });
  lantern = await startLantern(
    { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('browser-a11y'), host: '127.0.0.1', port: 0, logLevel: 'silent', tokenRateLimitMax: 1000 },
    // Counsellors are "open", so "Talk to a person" puts the young person in line (and shows "Stop waiting").
    { webDistDir: distDir, openingHours: OpeningHours.always() },
  );
});

afterAll(async () => {
  await lantern?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** One violation, short: rule id and the elements with what failed. */
interface Violation {
  id: string;
  nodes: string[];
}

/** Runs axe-core in the page (injected once per page) and returns the violations. */
async function axe(page: Page): Promise<Violation[]> {
  if (!(await js<boolean>(page, 'typeof window.axe === "object"'))) await page.addScriptTag({ content: AXE });
  return js<Violation[]>(
    page,
    `(async () => {
      axe.configure({
        checks: [
          { id: 'target-size', options: { minSize: ${MIN_TARGET} } },
          { id: 'target-offset', options: { minOffset: ${MIN_TARGET} } },
        ],
        rules: [{ id: 'target-size', enabled: true, any: ['target-size', 'target-offset'] }],
      });
      const result = await axe.run(document, {
        runOnly: { type: 'tag', values: ${JSON.stringify([...AXE_TAGS, 'wcag22aa'])} },
        resultTypes: ['violations'],
      });
      return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' ')) }));
    })()`,
  );
}

/** Visible buttons and button-like links smaller than 44 × 44 px (links inside message text are part of a sentence). */
async function smallTargets(page: Page): Promise<string[]> {
  return js<string[]>(
    page,
    `[...document.querySelectorAll('button, a, textarea, [role=button]')]
      .filter((el) => !el.closest('.text') && el.getClientRects().length > 0)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < ${MIN_TARGET} - 0.5 || r.height < ${MIN_TARGET} - 0.5)
      .map(({ el, r }) => (el.id || el.className || el.tagName) + ' ' + Math.round(r.width) + '×' + Math.round(r.height))`,
  );
}

/** Elements wider than their box, and whether the document scrolls sideways. */
async function overflow(page: Page): Promise<{ document: boolean; wide: string[] }> {
  return js(
    page,
    `(() => {
      const root = document.documentElement;
      const wide = [...document.querySelectorAll('.msg, .action, .bar > *, .status, .composer, .lang')]
        .filter((el) => el.getClientRects().length > 0 && el.scrollWidth > el.clientWidth + 1)
        .map((el) => el.id || el.className);
      return { document: root.scrollWidth > root.clientWidth, wide };
    })()`,
  );
}

/** Lines the "Talk to a person" label takes (line boxes of its text). */
async function humanLines(page: Page): Promise<number> {
  return js<number>(
    page,
    `(() => {
      const label = document.querySelector('#human [data-t]');
      const range = document.createRange();
      range.selectNodeContents(label);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      return tops.size;
    })()`,
  );
}

/** How many "stop waiting" buttons are on screen (the status line's and the bot's). */
async function stopButtons(page: Page): Promise<Array<{ height: number; width: number }>> {
  return js(
    page,
    `[...document.querySelectorAll('#stopWaiting, [data-choice="cancel_waiting"], [data-command="cancel_handoff"]')]
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => { const r = el.getBoundingClientRect(); return { height: r.height, width: r.width }; })`,
  );
}

/** A browser in `scheme` (one context, a new tab per language), every request and page error recorded. */
async function phone(scheme: Scheme) {
  return launchBrowser({
    tempDirs,
    context: {
      viewport: { width: 360, height: 640 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'en-US',
      colorScheme: scheme,
      // axe is injected as an inline script: the page's CSP (script-src 'self') would refuse it.
      bypassCSP: true,
    },
    ignoreConsole: /^$/,
  });
}

/** A new tab (its own sessionStorage: a new conversation), with its page errors recorded in `errors`. */
async function newTab(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // Requests refused while offline (the page retries them itself) are not errors of the page.
    if (message.type() === 'error' && !/net::ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(message.text())) errors.push(message.text());
  });
  return page;
}

/** Everything one state of the page must pass at the current width. */
async function checkState(page: Page, what: string): Promise<void> {
  await js(page, 'document.fonts.ready.then(() => true)');
  // Soft: one run lists every failing language, mode and state.
  expect.soft(await axe(page), `axe: ${what}`).toEqual([]);
  expect.soft(await smallTargets(page), `targets under 44 px: ${what}`).toEqual([]);
  expect.soft(await overflow(page), `overflow: ${what}`).toEqual({ document: false, wide: [] });
  expect.soft(await humanLines(page), `"Talk to a person" lines: ${what}`).toBeLessThanOrEqual(2);
}

describe('chat page accessibility', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme} mode: picker, greeting and waiting for a person pass axe, 44 px targets and 320 px in every language`, async () => {
      const { context, page: first, requests, errors } = await phone(scheme);
      try {
        // The language picker (shown in the browser's language, English here), at 360 and 320 px.
        await first.goto(`${lantern.url}/`);
        await first.locator('[data-lang]').first().waitFor();
        expect(await js<boolean>(first, "matchMedia('(prefers-color-scheme: dark)').matches")).toBe(scheme === 'dark');
        await checkState(first, `${scheme} picker 360`);
        await first.setViewportSize({ width: 320, height: 640 });
        await checkState(first, `${scheme} picker 320`);
        await first.close();

        for (const language of LANGUAGES) {
          const page = await newTab(context, errors);
          await page.setViewportSize({ width: 360, height: 640 });
          await page.goto(`${lantern.url}/`);
          await page.locator(`[data-lang="${language}"]`).tap();
          await page.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
          await page.locator('.action').first().waitFor({ timeout: 20_000 });
          await checkState(page, `${scheme} ${language} greeting 360`);

          // Waiting for a person: the place in line, and "Stop waiting" once (the status line's; the
          // bot's own button of the same meaning is not shown as well), at least 44 px.
          await page.locator('#human').tap();
          await page.locator('[data-choice="cancel_waiting"]').waitFor({ state: 'attached', timeout: 20_000 });
          await page.locator('#handoffText').filter({ hasText: /\d/ }).waitFor({ timeout: 10_000 });
          let stops = await stopButtons(page);
          expect.soft(stops.length, `"Stop waiting" on screen: ${scheme} ${language}`).toBe(1);
          for (const button of stops) expect.soft(button.height, `"Stop waiting" height: ${scheme} ${language}`).toBeGreaterThanOrEqual(MIN_TARGET);
          await checkState(page, `${scheme} ${language} waiting 360`);
          if (scheme === 'dark') await page.screenshot({ path: path.join(ARTIFACTS, `chat-${language}-dark.png`) });

          // Something typed while waiting: the bot's buttons go (at once) and come again with its
          // answer (its own "stop waiting" among them); "Stop waiting" stays on screen, once.
          await page.locator('#input').fill('ok');
          await page.locator('#send').tap();
          await page.locator('#actions').waitFor({ state: 'visible', timeout: 10_000 });
          await page.locator('#actions [data-command="cancel_handoff"]').waitFor({ state: 'attached' });
          stops = await stopButtons(page);
          expect.soft(stops.length, `"Stop waiting" on screen after a message: ${scheme} ${language}`).toBe(1);
          expect.soft(await page.locator('#stopWaiting').isVisible(), `the status line's "Stop waiting": ${scheme} ${language}`).toBe(true);

          await page.setViewportSize({ width: 320, height: 640 });
          await checkState(page, `${scheme} ${language} waiting 320`);
          if (scheme === 'light' && language === 'ti') await page.screenshot({ path: path.join(ARTIFACTS, 'chat-ti-320.png') });

          if (language === 'ar') {
            // A message that could not be sent: red border and "not sent – try again" in the young person's bubble.
            await context.setOffline(true);
            await page.locator('#input').fill('مرحبا');
            await page.locator('#send').tap();
            await page.locator('.msg.user.failed .retry').waitFor({ timeout: 10_000 });
            await checkState(page, `${scheme} ${language} not sent 320`);
            await context.setOffline(false);
          }
          await page.close();
        }
        expect(externalRequests(requests, lantern.url)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 240_000);
  }

  it('axe is set to 44 px targets: a 30 px button is a violation', async () => {
    const { context, page, errors } = await phone('light');
    try {
      await page.goto(`${lantern.url}/`);
      await page.locator('[data-lang]').first().waitFor();
      await js(page, `(() => { const b = document.createElement('button'); b.textContent = 'x'; b.style.cssText = 'width:30px;height:30px;min-height:0;position:fixed;top:200px;left:10px'; document.body.append(b); })()`);
      expect((await axe(page)).map((v) => v.id)).toContain('target-size');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

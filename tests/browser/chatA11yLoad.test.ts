/**
 * What the chat page downloads on a first visit, per language, on a 360×640 phone: the language
 * picker alone, then the picked language up to its greeting and first buttons. Fonts are counted
 * twice: as this machine fetches them (it has Noto Sans Ethiopic installed, as Android phones do,
 * so `local()` finds it) and as a phone without any of the fonts would (the stylesheet's `local()`
 * sources taken out in the browser, e.g. an iPhone). The numbers go to
 * tests/artifacts/first-load.json. The picker must load no web font at all (its native names are
 * shown in the phone's own fonts), and a language only the fonts of its own script, regular weight
 * (bold is synthesised).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LANGUAGES, type Language } from '../../contracts/languages.js';
import { buildWeb } from '../../scripts/build-web.js';
import { startLantern } from '../../server/Lantern.js';
import { externalRequests, js, launchBrowser } from '../helpers/browser.js';
import { uniquePrefix } from '../helpers/redis.js';

const ARTIFACTS = path.resolve('tests/artifacts');

type Lantern = Awaited<ReturnType<typeof startLantern>>;

let lantern: Lantern;
const tempDirs: string[] = [];

beforeAll(async () => {
  const distDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-web-'));
  tempDirs.push(distDir);
  await buildWeb({ outDir: distDir, log: false });
  mkdirSync(ARTIFACTS, { recursive: true });
  lantern = await startLantern(
    { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('browser-load'), host: '127.0.0.1', port: 0, logLevel: 'silent', tokenRateLimitMax: 1000 },
    { webDistDir: distDir },
  );
});

afterAll(async () => {
  await lantern?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Bytes of one stage: every response body as it came over the wire (gzipped where the server gzips). */
interface Stage {
  total: number;
  fonts: number;
  /** Font files fetched (names without the hash). */
  fontFiles: string[];
  /** Web font faces the page used (`family weight`), fetched or found on the phone. */
  faces: string[];
  /** Font files (by name start) whose script is on screen in an element that uses them. */
  onScreen: string[];
}

interface Load {
  picker: Stage;
  chat: Stage;
}

/** Waits until no request of the page is in flight (WebSockets are not requests). */
async function quiet(page: Page, pending: Set<Request>): Promise<void> {
  await expect.poll(() => pending.size, { timeout: 15_000 }).toBe(0);
}

/** The web font faces the page has used so far. */
async function usedFaces(page: Page): Promise<string[]> {
  return js<string[]>(
    page,
    `document.fonts.ready.then(() => [...document.fonts].filter((f) => f.status !== 'unloaded').map((f) => f.family.replace(/"/g, '') + ' ' + f.weight).sort())`,
  );
}

/**
 * The web fonts the screen needs: visible text in Arabic script or Ethiopic, in an element whose
 * font-family has Vazirmatn or Noto Sans Ethiopic.
 */
async function scriptsOnScreen(page: Page): Promise<string[]> {
  return js<string[]>(
    page,
    `(() => {
      const found = new Set();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || !parent.getClientRects().length) continue;
        const family = getComputedStyle(parent).fontFamily;
        if (/Vazirmatn/.test(family) && /[\\u0600-\\u06ff]/.test(node.data)) found.add('vazirmatn');
        if (/Noto Sans Ethiopic/.test(family) && /[\\u1200-\\u137f]/.test(node.data)) found.add('noto-sans-ethiopic');
      }
      return [...found].sort();
    })()`,
  );
}

/** A first visit in `language`; `noLocalFonts` takes the stylesheet's local() sources out (a phone without the fonts). */
async function firstLoad(language: Language, noLocalFonts: boolean): Promise<Load> {
  const { context, page, requests, errors } = await launchBrowser({
    tempDirs,
    context: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' },
    ignoreConsole: /^$/,
  });
  try {
    if (noLocalFonts) {
      await page.route(/\/assets\/app\.\w+\.css$/, async (route) => {
        const response = await route.fetch();
        const css = (await response.text()).replace(/local\("[^"]*"\),?/g, '');
        const headers = Object.fromEntries(Object.entries(response.headers()).filter(([name]) => !/^content-(encoding|length)$/i.test(name)));
        await route.fulfill({ status: response.status(), headers, body: css });
      });
    }
    const pending = new Set<Request>();
    const done: Request[] = [];
    page.on('request', (request) => pending.add(request));
    const finish = (request: Request) => {
      pending.delete(request);
      done.push(request);
    };
    page.on('requestfinished', finish);
    page.on('requestfailed', finish);
    const stage = async (from: number): Promise<Stage> => {
      await quiet(page, pending);
      const list = done.slice(from);
      let total = 0;
      let fonts = 0;
      const fontFiles: string[] = [];
      for (const request of list) {
        const sizes = await request.sizes();
        total += sizes.responseBodySize;
        if (/\/fonts\//.test(request.url())) {
          fonts += sizes.responseBodySize;
          fontFiles.push(request.url().replace(/^.*\/fonts\/(.*)\.\w+\.woff2$/, '$1'));
        }
      }
      return { total, fonts, fontFiles: fontFiles.sort(), faces: await usedFaces(page), onScreen: await scriptsOnScreen(page) };
    };

    await page.goto(`${lantern.url}/`);
    await page.locator('[data-lang]').first().waitFor();
    await js(page, 'document.fonts.ready.then(() => true)');
    const picker = await stage(0);
    const mark = done.length;
    await page.locator(`[data-lang="${language}"]`).tap();
    await page.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
    await page.locator('.action').first().waitFor({ timeout: 20_000 });
    await js(page, 'document.fonts.ready.then(() => true)');
    const chat = await stage(mark);
    // The chat's bytes include the picker's: it is one first visit.
    chat.total += picker.total;
    chat.fonts += picker.fonts;
    chat.fontFiles = [...picker.fontFiles, ...chat.fontFiles].sort();
    // Recorded for the report: what the greeting shows in the language's own script.
    chat.onScreen = [...new Set([...picker.onScreen, ...chat.onScreen])].sort();
    expect(externalRequests(requests, lantern.url)).toEqual([]);
    expect(errors).toEqual([]);
    return { picker, chat };
  } finally {
    await context.close();
  }
}

describe('first load', () => {
  it('measures the bytes of a first visit in every language (fonts fetched, and as a phone without the fonts would)', async () => {
    const report: Record<string, { withLocalFonts: Load; withoutLocalFonts: Load }> = {};
    for (const language of LANGUAGES) {
      const withLocalFonts = await firstLoad(language, false);
      const withoutLocalFonts = await firstLoad(language, true);
      // The rewritten stylesheet went out uncompressed: count everything but the fonts as in the real run.
      for (const stage of ['picker', 'chat'] as const) {
        withoutLocalFonts[stage].total = withLocalFonts[stage].total - withLocalFonts[stage].fonts + withoutLocalFonts[stage].fonts;
      }
      report[language] = { withLocalFonts, withoutLocalFonts };

      // The picker (every language's name in its own script) needs no web font; the chat only the
      // fonts of the scripts on its screen, never a bold Ethiopic one.
      for (const load of [withLocalFonts, withoutLocalFonts]) {
        expect(load.picker.fontFiles, `${language}: picker`).toEqual([]);
        for (const file of load.chat.fontFiles) {
          expect(load.chat.onScreen.some((script) => file.startsWith(script)), `${language}: ${file} without its script on screen`).toBe(true);
          expect(file, `${language}: bold Ethiopic`).not.toMatch(/ethiopic-700/);
        }
      }
      // The greeting is in the language's own script: a phone without its font gets it.
      const own = language === 'ar' || language === 'prs' ? 'vazirmatn' : language === 'ti' ? 'noto-sans-ethiopic' : undefined;
      if (own) expect(withoutLocalFonts.chat.fontFiles.some((file) => file.startsWith(own)), `${language}: its script's font`).toBe(true);
      else expect(withoutLocalFonts.chat.fontFiles, `${language}: no web font`).toEqual([]);
    }
    writeFileSync(path.join(ARTIFACTS, 'first-load.json'), `${JSON.stringify(report, null, 2)}\n`);
  }, 180_000);
});

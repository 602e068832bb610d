/**
 * Left-to-right pieces in right-to-left bubbles, measured where Chromium draws them (Range rects),
 * not by string content: in Arabic and Dari a number stays right next to the word after it
 * ("24" beside "ساعة"/"ساعت", also after "Veilig Thuis،"), "0 + 0 + 0 = 1" reads left to right as
 * written, a link reads left to right with its trailing "/" at its right end, Latin names keep their
 * word order, and a bubble that starts with a Latin name is still right-to-left. Checked on what the
 * bot really sends in a Direct Line conversation through the page (help, small signs, waiting for a
 * person) and on crafted messages shown through the page's own rendering path (appended to the
 * conversation as the bot's messages, and typed by the young person). Screenshot:
 * tests/artifacts/chat-ar-bidi.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpeningHours } from '../../handoff/OpeningHours.js';
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
    { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('browser-bidi'), host: '127.0.0.1', port: 0, logLevel: 'silent', tokenRateLimitMax: 1000 },
    { webDistDir: distDir, openingHours: OpeningHours.always() },
  );
});

afterAll(async () => {
  await lantern?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** What the geometry check found in the bubbles. */
interface Audit {
  /** How many of each kind were measured. */
  checked: { numberBeforeWord: number; formulas: number; links: number; names: number; rtlBubbles: number };
  failures: string[];
}

/**
 * Browser-side: measures every right-to-left bubble (`.msg .text` whose direction is rtl, or every
 * bubble with Arabic letters, which must be rtl) by the rects of its characters.
 */
const AUDIT = `(() => {
  const ARABIC_WORD = /[\\u0600-\\u06ff\\u200c]+/g;
  const failures = [];
  const checked = { numberBeforeWord: 0, formulas: 0, links: 0, names: 0, rtlBubbles: 0 };
  const textMap = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const map = [];
    let text = '';
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) map.push([node, i]);
      text += node.data;
    }
    return { text, map };
  };
  const rectOf = (map, start, end) => {
    const range = document.createRange();
    range.setStart(map[start][0], map[start][1]);
    range.setEnd(map[end - 1][0], map[end - 1][1] + 1);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0);
    if (!rects.length) return null;
    const top = Math.min(...rects.map((r) => r.top));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    // Only pieces on one line are compared (a piece that wraps has no single position).
    const oneLine = rects.every((r) => Math.abs(r.top - rects[0].top) < r.height / 2);
    return { left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)), top, bottom, oneLine };
  };
  const sameLine = (a, b) => a && b && a.oneLine && b.oneLine && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > (a.bottom - a.top) / 2;
  /** Non-space characters of [start, end) must run left to right (each on the same line as the next). */
  const leftToRight = (what, map, text, start, end) => {
    let previous = null;
    let pairs = 0;
    for (let i = start; i < end; i++) {
      if (/\\s/.test(text[i])) continue;
      const rect = rectOf(map, i, i + 1);
      if (previous && sameLine(previous.rect, rect)) {
        pairs++;
        if (!(rect.left >= previous.rect.left + 0.5)) failures.push(what + ': "' + text[i] + '" is not right of "' + previous.char + '" in "' + text.slice(start, end) + '"');
      }
      previous = { rect, char: text[i] };
    }
    return pairs;
  };
  for (const body of document.querySelectorAll('.msg .text')) {
    const { text, map } = textMap(body);
    const hasArabic = /[\\u0600-\\u06ff]/.test(text);
    const rtl = getComputedStyle(body).direction === 'rtl';
    if (hasArabic && !rtl) failures.push('not right-to-left: "' + text + '"');
    if (!rtl) continue;
    checked.rtlBubbles++;
    const size = parseFloat(getComputedStyle(body).fontSize);
    // A number (all of it: "0800-0432", "11:00") and the right-to-left word after it: the number sits
    // right beside the word, on its right.
    for (const m of text.matchAll(/(?<![\\d\\-\\/.:+])(\\d(?:[\\d\\-\\/.:]*\\d)?) ([\\u0600-\\u06ff\\u200c]+)/g)) {
      const number = rectOf(map, m.index, m.index + m[1].length);
      const word = rectOf(map, m.index + m[1].length + 1, m.index + m[0].length);
      if (!sameLine(number, word)) continue;
      checked.numberBeforeWord++;
      const gap = number.left - word.right;
      if (gap < -1 || gap > size) failures.push('"' + m[1] + '" is ' + Math.round(gap) + ' px from "' + m[2] + '" in "' + text + '"');
    }
    // Formulas like 0 + 0 + 0 = 1: as written, left to right.
    for (const m of text.matchAll(/\\d+(?: [-+=×] \\d+)+/g)) {
      if (leftToRight('formula', map, text, m.index, m.index + m[0].length) > 0) checked.formulas++;
    }
    // Latin names: their words left to right.
    for (const m of text.matchAll(/[A-Za-z]+(?: [A-Za-z]+)+/g)) {
      if (leftToRight('name', map, text, m.index, m.index + m[0].length) > 0) checked.names++;
    }
    // Links: left to right, so a trailing "/" stays at the right end.
    let offset = 0;
    for (const node of map.length ? [...body.querySelectorAll('a')] : []) {
      const start = text.indexOf(node.textContent, offset);
      if (start < 0) continue;
      offset = start + node.textContent.length;
      if (leftToRight('link', map, text, start, offset) > 0) checked.links++;
      const last = rectOf(map, offset - 1, offset);
      const whole = node.getBoundingClientRect();
      if (whole.height < last.bottom - last.top + 4 && Math.abs(last.right - whole.right) > 1) {
        failures.push('the last character of ' + node.textContent + ' is not at its right end');
      }
    }
  }
  return { checked, failures };
})()`;

async function audit(page: Page): Promise<Audit> {
  return js<Audit>(page, AUDIT);
}

/** The rect of `piece` (its `nth` occurrence) in the bubble whose text contains `bubble`. */
async function rect(page: Page, bubble: string, piece: string, nth = 0): Promise<{ left: number; right: number; top: number; bottom: number }> {
  return js(
    page,
    `(() => {
      const body = [...document.querySelectorAll('.msg .text')].find((el) => el.textContent.includes(${JSON.stringify(bubble)}));
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      const map = [];
      let text = '';
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length; i++) map.push([node, i]);
        text += node.data;
      }
      let start = -1;
      for (let n = 0; n <= ${nth}; n++) start = text.indexOf(${JSON.stringify(piece)}, start + 1);
      const range = document.createRange();
      range.setStart(map[start][0], map[start][1]);
      const end = start + ${piece.length} - 1;
      range.setEnd(map[end][0], map[end][1] + 1);
      const r = range.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    })()`,
  );
}

async function phone() {
  return launchBrowser({
    tempDirs,
    context: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' },
    ignoreConsole: /^$/,
  });
}

async function storedConversationId(page: Page): Promise<string> {
  const raw = await js<string | null>(page, "sessionStorage.getItem('lantern')");
  const id = raw ? (JSON.parse(raw) as { conversation?: { conversationId?: string } }).conversation?.conversationId : undefined;
  if (!id) throw new Error('no conversation in sessionStorage');
  return id;
}

/** Taps the button of `choice` once the bot offers it. */
async function tapChoice(page: Page, choice: string): Promise<void> {
  const target = page.locator(`[data-choice="${choice}"]`);
  await target.waitFor({ state: 'visible', timeout: 20_000 });
  await target.tap();
}

/** Shows `text` as the bot's message through the page's own path: appended to the conversation, pushed over Direct Line. */
async function botSays(page: Page, text: string): Promise<void> {
  const conversationId = await storedConversationId(page);
  await lantern.store.append(conversationId, { type: 'message', from: { id: 'bot', name: 'Lantern', role: 'bot' }, text });
  await page.locator('.msg.bot .text', { hasText: text }).waitFor({ timeout: 10_000 });
}

describe('right-to-left bubbles with left-to-right pieces', () => {
  for (const language of ['ar', 'prs'] as const) {
    it(`${language}: what the bot sends (help, small signs, waiting for a person) is laid out as written`, async () => {
      const { context, page, requests, errors } = await phone();
      try {
        await page.goto(`${lantern.url}/`);
        await page.locator(`[data-lang="${language}"]`).tap();
        await page.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
        await tapChoice(page, 'help');
        await tapChoice(page, 'menu');
        await tapChoice(page, 'exploitation');
        await tapChoice(page, 'signs');
        await page.locator('.action').first().waitFor({ timeout: 20_000 });
        await page.locator('#human').tap();
        // The bot's question after the place in line (its "stop waiting" is in the status line).
        await page.locator('[data-choice="cancel_waiting"]').waitFor({ state: 'attached', timeout: 20_000 });
        await js(page, 'document.fonts.ready.then(() => true)');

        const result = await audit(page);
        expect(result.failures).toEqual([]);
        // The conversation had numbers before words ("24 ساعت"), the formula, links and Latin names.
        expect(result.checked.numberBeforeWord).toBeGreaterThan(0);
        expect(result.checked.formulas).toBeGreaterThan(0);
        expect(result.checked.links).toBeGreaterThan(0);
        expect(result.checked.names).toBeGreaterThan(0);
        expect(externalRequests(requests, lantern.url)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 90_000);
  }

  it('crafted messages in Arabic and Dari: numbers by their words, formulas and links as written, names in order', async () => {
    const { context, page, requests, errors } = await phone();
    try {
      await page.goto(`${lantern.url}/`);
      await page.locator('[data-lang="ar"]').tap();
      await page.locator('.action').first().waitFor({ timeout: 20_000 });

      const veilig = 'منظمة Veilig Thuis، 24 ساعة في اليوم.';
      const formula = 'العلامات الصغيرة معًا: 0 + 0 + 0 = 1. تحدث مع شخص.';
      const url = 'افتح https://chatmet.fier.nl/ الآن.';
      const startsLatin = 'Veilig Thuis: 0800-2000، 24 ساعة.';
      const brackets = 'Chat met Fier (https://chatmet.fier.nl/) و Keerpunt.';
      const dari = 'مرکز Veilig Thuis، 24 ساعت شبانه‌روز، مفت: 0800-2000.';
      for (const text of [veilig, formula, url, startsLatin, brackets, dari]) await botSays(page, text);
      // Typed by the young person: the same path as every message they write.
      const typed = 'اتصلت بـ Veilig Thuis، 24 ساعة';
      await page.locator('#input').fill(typed);
      await page.locator('#send').tap();
      await page.locator('.msg.user .text', { hasText: typed }).waitFor();
      await js(page, 'document.fonts.ready.then(() => true)');

      const result = await audit(page);
      expect(result.failures).toEqual([]);

      // "24" right beside "ساعة", left of "Veilig Thuis" (which reads Veilig, then Thuis).
      const [n24, hours, veiligWord, thuis] = await Promise.all([
        rect(page, veilig, '24'),
        rect(page, veilig, 'ساعة'),
        rect(page, veilig, 'Veilig'),
        rect(page, veilig, 'Thuis'),
      ]);
      expect(n24.left - hours.right).toBeGreaterThanOrEqual(-1);
      expect(n24.left - hours.right).toBeLessThan(16);
      expect(n24.right).toBeLessThan(veiligWord.left);
      expect(veiligWord.right).toBeLessThan(thuis.left);
      for (const [text, hoursWord] of [[dari, 'ساعت'], [typed, 'ساعة']] as const) {
        const [number, word] = await Promise.all([rect(page, text, '24'), rect(page, text, hoursWord)]);
        expect(number.left - word.right, text).toBeGreaterThanOrEqual(-1);
        expect(number.left - word.right, text).toBeLessThan(16);
      }

      // 0 + 0 + 0 = 1: the first 0 leftmost, the 1 rightmost, in order.
      const zeros = await Promise.all([0, 1, 2].map((n) => rect(page, formula, '0', n)));
      const one = await rect(page, formula, '1');
      const equals = await rect(page, formula, '=');
      expect(zeros[0]!.right).toBeLessThan(zeros[1]!.left);
      expect(zeros[1]!.right).toBeLessThan(zeros[2]!.left);
      expect(zeros[2]!.right).toBeLessThan(equals.left);
      expect(equals.right).toBeLessThan(one.left);

      // The link reads left to right; its trailing "/" is its rightmost character; "الآن" comes after it (on its left).
      const [https, slash, now] = await Promise.all([rect(page, url, 'https'), rect(page, url, '/', 2), rect(page, url, 'الآن')]);
      const link = await js<{ left: number; right: number }>(
        page,
        `(() => { const a = [...document.querySelectorAll('.msg .text')].find((el) => el.textContent.includes(${JSON.stringify(url)})).querySelector('a'); const r = a.getBoundingClientRect(); return { left: r.left, right: r.right, dir: a.dir }; })()`,
      );
      expect(https.left).toBeLessThan(slash.left);
      expect(Math.abs(slash.right - link.right)).toBeLessThanOrEqual(1);
      expect(now.right).toBeLessThan(link.left);

      // A bubble that starts with a Latin name is still right-to-left; the phone number reads 0800-2000.
      expect(await js<string>(page, `getComputedStyle([...document.querySelectorAll('.msg .text')].find((el) => el.textContent.includes(${JSON.stringify(startsLatin)}))).direction`)).toBe('rtl');
      const [name, a0800, a2000] = await Promise.all([rect(page, startsLatin, 'Veilig'), rect(page, startsLatin, '0800'), rect(page, startsLatin, '2000')]);
      expect(a0800.right).toBeLessThan(a2000.left);
      // Right-to-left: the name first (rightmost), the number after it (to its left).
      expect(a2000.right).toBeLessThan(name.left);

      // Brackets around a link: "(" on its right, ")" on its left, the name rightmost.
      const [open, close, chat] = await Promise.all([rect(page, brackets, '('), rect(page, brackets, ')'), rect(page, brackets, 'Chat')]);
      const bracketLink = await js<{ left: number; right: number }>(
        page,
        `(() => { const r = [...document.querySelectorAll('.msg .text')].find((el) => el.textContent.includes(${JSON.stringify(brackets)})).querySelector('a').getBoundingClientRect(); return { left: r.left, right: r.right }; })()`,
      );
      expect(open.left).toBeGreaterThanOrEqual(bracketLink.right - 1);
      expect(close.right).toBeLessThanOrEqual(bracketLink.left + 1);
      // The name comes first: on the right of "(" on its line, or on a line above.
      expect(chat.left > open.left || chat.bottom <= open.top + 1).toBe(true);

      await page.locator('.msg').last().scrollIntoViewIfNeeded();
      await page.locator('.msg.bot .text', { hasText: veilig }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'chat-ar-bidi.png') });
      expect(externalRequests(requests, lantern.url)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

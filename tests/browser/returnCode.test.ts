/**
 * The return code across two "devices" (two Chromium browsers with their own profiles) on a 360 px
 * touch phone, in Dari: on the first the young person chats and types the return-code words; the
 * bot shows a code. On the second, whose browser speaks Dari, they tap "I have a return code" on
 * the start page, type the code in Persian digits with dashes, and continue the same conversation:
 * the earlier messages wait behind "Show earlier messages", and appear when asked. The code works
 * once: typed again, the page says so in Dari. Nothing lasting is stored (sessionStorage only).
 *
 * Screenshots (tests/artifacts/): returncode-given-prs-360.png (the code in the chat),
 * returncode-form-prs-360.png (the code typed on the start page), returncode-back-prs-360.png
 * (continued, earlier messages hidden), returncode-earlier-prs-360.png (shown when asked).
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LanternInstance } from '../../server/Lantern.js';
import { readLanguage } from '../../texts/localeFiles.js';
import { js, launchBrowser, type Browser } from '../helpers/browser.js';
import { ARTIFACTS, startBuiltLantern, stopBuiltLantern } from '../helpers/builtLantern.js';
import { uniquePrefix } from '../helpers/redis.js';

const tempDirs: string[] = [];
let lantern: LanternInstance;

beforeAll(async () => {
  lantern = await startBuiltLantern(inject('redisUrl'), uniquePrefix('returncode-web'), tempDirs, { tokenRateLimitMax: 1000 });
}, 60_000);

afterAll(() => stopBuiltLantern(lantern, tempDirs));

const dari = readLanguage('prs');
const web = dari['web'] as Record<string, string>;
const commands = dari['commands'] as Record<string, string[]>;

/** A fresh 360×640 touch phone whose browser speaks `locale`. */
function phone(locale: string): Promise<Browser> {
  return launchBrowser({
    tempDirs,
    context: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale },
    ignoreConsole: /net::ERR_|Failed to load resource/,
  });
}

/** The stored conversation id of a page. */
async function conversationId(page: Page): Promise<string | undefined> {
  const raw = await js<string | null>(page, "sessionStorage.getItem('lantern')");
  return raw ? (JSON.parse(raw) as { conversation?: { conversationId?: string } }).conversation?.conversationId : undefined;
}

/** What was stored anywhere lasting (localStorage, cookies). */
async function lastingStorage(page: Page): Promise<{ local: number; cookies: string }> {
  return js(page, '({ local: localStorage.length, cookies: document.cookie })');
}

const persianDigits = (text: string) => text.replace(/\d/g, (digit) => String.fromCodePoint(0x6f0 + Number(digit)));

describe('a return code on another device, in Dari, on a 360 px phone', () => {
  it('continues the same conversation with its history behind "Show earlier messages"; works once', async () => {
    const first = await phone('fa-AF');
    const second = await phone('fa-AF');
    const third = await phone('fa-AF');
    try {
      // Device one: a chat in Dari, then the return code asked for in words.
      const a = first.page;
      await a.goto(`${lantern.url}/?lang=prs`);
      await a.locator('#actions .action').first().waitFor({ timeout: 20_000 });
      await a.locator('#input').fill('سلام، من کمک می‌خواهم');
      await a.locator('#send').tap();
      await a.locator('.msg.user', { hasText: 'سلام' }).waitFor();
      await a.locator('#input').fill(commands['return_code']![0]!);
      await a.locator('#send').tap();
      const given = a.locator('.msg.bot', { hasText: /\d{4} \d{4} \d{4}/ });
      await given.waitFor({ timeout: 20_000 });
      const code = /\d{4} \d{4} \d{4}/.exec(await given.innerText())![0];
      // Shown in reading order inside the right-to-left sentence: the first group left of the last.
      const [firstGroup, , lastGroup] = code.split(' ') as [string, string, string];
      const order = await js<{ first: number; last: number }>(
        a,
        `(() => {
          const bubble = [...document.querySelectorAll('.msg.bot')].find((el) => el.textContent.includes(${JSON.stringify(firstGroup)}));
          const left = (group) => {
            const walker = document.createTreeWalker(bubble, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const at = node.textContent.indexOf(group);
              if (at < 0) continue;
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + group.length);
              return range.getBoundingClientRect().left;
            }
            return NaN;
          };
          return { first: left(${JSON.stringify(firstGroup)}), last: left(${JSON.stringify(lastGroup)}) };
        })()`,
      );
      expect(order.first).toBeLessThan(order.last);
      await a.locator('#actions .action').first().waitFor({ timeout: 20_000 });
      await a.waitForLoadState('networkidle');
      await a.screenshot({ path: path.join(ARTIFACTS, 'returncode-given-prs-360.png') });
      const before = await a.locator('.msg').allTextContents();
      const conversation = await conversationId(a);
      expect(conversation).toBeTruthy();

      // Device two: the start page in Dari, the code typed in Persian digits with dashes.
      const b = second.page;
      await b.goto(`${lantern.url}/`);
      const open = b.getByRole('button', { name: web['returnCodeOpen'] });
      await open.tap();
      await b.locator('#codeInput').fill(persianDigits(code).replace(/ /g, '-'));
      await b.screenshot({ path: path.join(ARTIFACTS, 'returncode-form-prs-360.png') });
      await b.getByRole('button', { name: web['returnCodeContinue'] }).tap();
      const show = b.getByRole('button', { name: web['showEarlier'] });
      await show.waitFor({ timeout: 20_000 });
      expect(await conversationId(b)).toBe(conversation);
      // Everything said before is there, out of view; the code is no longer in the field.
      await expect.poll(() => b.locator('.earlier .msg').allTextContents()).toEqual(before);
      expect(await b.locator('.msg:visible').count()).toBe(0);
      expect(await b.locator('#codeInput').inputValue()).toBe('');
      await b.screenshot({ path: path.join(ARTIFACTS, 'returncode-back-prs-360.png') });

      // It is the same conversation: a new message gets the bot's answer there.
      await b.locator('#input').fill(commands['menu']![0]!);
      await b.locator('#send').tap();
      await b.locator('.msg.bot:visible').first().waitFor({ timeout: 20_000 });
      await show.tap();
      const all = await b.locator('.msg:visible').allTextContents();
      expect(all.slice(0, before.length)).toEqual(before);
      await b.screenshot({ path: path.join(ARTIFACTS, 'returncode-earlier-prs-360.png') });
      expect(await lastingStorage(b)).toEqual({ local: 0, cookies: '' });

      // The code worked once: on a third device it is refused, in Dari.
      const c = third.page;
      await c.goto(`${lantern.url}/`);
      await c.getByRole('button', { name: web['returnCodeOpen'] }).tap();
      await c.locator('#codeInput').fill(code);
      await c.getByRole('button', { name: web['returnCodeContinue'] }).tap();
      await expect.poll(() => c.locator('#codeStatus').innerText()).toBe(web['returnCodeWrong']);
      expect(await conversationId(c)).toBeUndefined();

      for (const device of [first, second, third]) expect(device.errors).toEqual([]);
    } finally {
      await Promise.all([first.context.close(), second.context.close(), third.context.close()]);
    }
  }, 120_000);
});

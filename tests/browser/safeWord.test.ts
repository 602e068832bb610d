/**
 * The safe word end to end, in a real browser (Debian's Chromium through playwright-core) against
 * the whole server: a young person in Dari on a 360 px phone in the calm look (`?look=calm`) agrees
 * on the offered everyday phrase from the menu, goes into another part of the chat, and later types
 * it. Their screen shows nothing unusual (one ordinary answer, no "waiting for a person", no words
 * about help); the counsellor's console, in another browser context, shows "may be watched" on the
 * waiting-list entry and in the chat panel, and its phrasebook offers only the neutral phrases, in
 * Dari with their Dutch meaning.
 *
 * Screenshots (tests/artifacts/): safeword-young-agreed-prs-360.png, safeword-young-typed-prs-360.png,
 * safeword-console-queue.png, safeword-console-panel.png, safeword-console-phrasebook.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LanternInstance } from '../../server/Lantern.js';
import { readLanguage } from '../../texts/localeFiles.js';
import { Translator } from '../../texts/Translator.js';
import { CONSOLE_HANDLED_ERRORS, js, launchBrowser, signInToConsole } from '../helpers/browser.js';
import { ARTIFACTS, startBuiltLantern, stopBuiltLantern } from '../helpers/builtLantern.js';
import { uniquePrefix } from '../helpers/redis.js';

const PASSWORD = 'correct horse battery staple';
const staffNl = JSON.parse(readFileSync('locales/staff/nl.json', 'utf8')) as { console: Record<string, string> };
const dari = new Translator().forLanguage('prs');
const choices = readLanguage('prs')['choices'] as unknown as Record<string, { title: string }>;

const tempDirs: string[] = [];
let lantern: LanternInstance;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  lantern = await startBuiltLantern(inject('redisUrl'), uniquePrefix('safeword-browser'), tempDirs, { tokenRateLimitMax: 1000 });
}, 60_000);

afterAll(() => stopBuiltLantern(lantern, tempDirs));

/** The stored conversation id of the page. */
async function conversationId(page: Page): Promise<string> {
  const raw = await js<string | null>(page, "sessionStorage.getItem('lantern')");
  const id = raw ? (JSON.parse(raw) as { conversation?: { conversationId?: string } }).conversation?.conversationId : undefined;
  if (!id) throw new Error('no conversation in sessionStorage');
  return id;
}

/** The texts of the bot's messages on the page. */
function botTexts(page: Page): Promise<string[]> {
  return page.locator('.msg.bot:not(.person) .text').allTextContents();
}

/** Taps the bot's button with this choice's Dari title. */
async function tapChoice(page: Page, choice: string): Promise<void> {
  const button = page.locator('#actions .action', { hasText: choices[choice]!.title }).first();
  await button.waitFor({ timeout: 20_000 });
  await button.tap();
}

describe('the safe word, from a watched phone to the console', () => {
  it('Dari, 360 px, calm look: agreed, typed later; nothing unusual on the phone; the console shows "may be watched" and the neutral phrases', async () => {
    const young = await launchBrowser({
      tempDirs,
      context: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' },
      ignoreConsole: /net::ERR_/,
    });
    // The console's 401 before logging in is a failed request the page handles itself, not an error.
    const counsellor = await launchBrowser({ tempDirs, context: { viewport: { width: 1280, height: 900 }, locale: 'nl-NL' }, ignoreConsole: CONSOLE_HANDLED_ERRORS });
    try {
      const page = young.page;
      await page.goto(`${lantern.url}/?lang=prs&look=calm`);
      await page.locator('#uncover').tap();
      await page.locator('#actions .action').first().waitFor({ timeout: 20_000 });
      const id = await conversationId(page);

      // Agree on the phrase offered in Dari.
      await tapChoice(page, 'safe_word');
      await expect.poll(() => botTexts(page), { timeout: 10_000 }).toContain(dari('privacy:safeWord.limits'));
      await tapChoice(page, 'safe_word_offered');
      const offered = dari('privacy:safeWord.offered');
      await expect.poll(() => botTexts(page), { timeout: 10_000 }).toContain(dari('privacy:safeWord.set', { word: offered }));
      await page.screenshot({ path: path.join(ARTIFACTS, 'safeword-young-agreed-prs-360.png') });

      // Somewhere else in the chat, later: the phrase, typed.
      const agreed = (await botTexts(page)).length;
      await tapChoice(page, 'rights');
      await expect.poll(async () => (await botTexts(page)).length, { timeout: 10_000 }).toBeGreaterThan(agreed);
      await page.locator('#actions .action').first().waitFor({ timeout: 10_000 });
      const before = (await botTexts(page)).length;
      await page.locator('#input').fill(offered);
      await page.locator('#input').press('Enter');
      await expect.poll(async () => (await botTexts(page)).slice(before), { timeout: 10_000 }).toEqual([dari('privacy:safeWord.reply')]);
      // Nothing unusual on the phone: no status line about a person, no buttons of the answer, still calm.
      expect(await page.locator('#handoffText').isVisible().catch(() => false)).toBe(false);
      expect(await page.title()).toBe((readLanguage('prs')['web'] as Record<string, string>)['calmTitle']);
      const visible = await js<string>(page, 'document.body.innerText');
      for (const key of ['handoff:queued', 'handoff:accepted', 'handoff:waitingAck']) expect(visible).not.toContain(dari(key));
      await page.screenshot({ path: path.join(ARTIFACTS, 'safeword-young-typed-prs-360.png') });

      // The console, in another browser context: the entry says "may be watched".
      await lantern.app.staffStore.create({ username: 'hulp.prs', role: 'counsellor', languages: ['prs', 'nl'], password: PASSWORD });
      const desk = counsellor.page;
      await signInToConsole(desk, lantern.url, 'hulp.prs', PASSWORD);
      const row = desk.locator(`#queue li[data-conversation="${id}"]`);
      await row.waitFor({ timeout: 10_000 });
      await expect.poll(() => row.locator('.badge.watched').textContent(), { timeout: 10_000 }).toBe(staffNl.console['mayBeWatched']);
      expect(await row.getAttribute('class')).toContain('danger');
      await desk.screenshot({ path: path.join(ARTIFACTS, 'safeword-console-queue.png') });

      // Taken: the panel says how to write, and the phrasebook has only the neutral phrases.
      await row.locator('[data-action="claim"]').click();
      const panel = desk.locator(`.panel[data-conversation="${id}"]`);
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
      await expect.poll(() => panel.locator('.watchedAdvice').textContent(), { timeout: 10_000 }).toBe(staffNl.console['mayBeWatchedAdvice']);
      expect(await panel.locator('.watchedAdvice').isVisible()).toBe(true);
      expect(await panel.locator('.badges .badge.watched').textContent()).toBe(staffNl.console['mayBeWatched']);
      await desk.screenshot({ path: path.join(ARTIFACTS, 'safeword-console-panel.png') });

      await panel.locator('textarea.messageInput').focus();
      await desk.keyboard.press('Control+k');
      const book = panel.locator('.phrasebook');
      await book.waitFor({ state: 'visible' });
      const phrasesNl = JSON.parse(readFileSync('locales/nl/phrases.json', 'utf8')) as Record<string, Record<string, string>>;
      const phrasesPrs = JSON.parse(readFileSync('locales/prs/phrases.json', 'utf8')) as Record<string, Record<string, string>>;
      const shown = book.locator('.phrase:not([hidden])');
      await expect.poll(() => shown.count(), { timeout: 10_000 }).toBe(Object.keys(phrasesNl['neutral']!).length);
      expect(await book.locator('.groupName').allTextContents()).toEqual([staffNl.console['phraseGroupNeutral']]);
      const goodMoment = book.locator('.phrase[data-key="neutral.goodMoment"]');
      expect(await goodMoment.locator('.meaning').textContent()).toBe(phrasesNl['neutral']!['goodMoment']);
      expect(await goodMoment.locator('.theirs').textContent()).toBe(phrasesPrs['neutral']!['goodMoment']);
      await desk.screenshot({ path: path.join(ARTIFACTS, 'safeword-console-phrasebook.png') });

      expect(young.errors).toEqual([]);
      expect(counsellor.errors).toEqual([]);
    } finally {
      await young.context.close();
      await counsellor.context.close();
    }
  }, 120_000);
});

/**
 * Issue 16's "Done when", walked once end to end in real browsers (Debian's Chromium through
 * playwright-core) against the whole server, on a real Redis, with the counsellors on duty:
 *
 * 1. A young person on a 360×640 touch phone opens `/?lang=prs&look=calm`, taps through the neutral
 *    face into the chat (Dari), agrees on the offered safe word from the menu and asks for a person.
 * 2. Counsellor A (a second browser context, laptop, console in Dutch, speaks Dari) takes the
 *    conversation; a message each way.
 * 3. The young person types the safe word: the phone shows nothing unusual (with a counsellor in the
 *    chat the bot stays silent, as always: no new bot message, no words about waiting or help, the
 *    status line unchanged, the title still plain); A's console shows "may be watched" (badge and
 *    advice) and its phrasebook offers only the neutral phrases.
 * 4. The young person types the return-code request and reads the code from the page, then leaves:
 *    the page is hidden (the test makes the document report "hidden" and dispatches
 *    `visibilitychange`, as tests/browser/watchedPhone.test.ts does, because headless Chromium keeps
 *    every page visible) and a watcher sees only the neutral face: its three lines, no chat text,
 *    no code, no 112, no words about help. A then ends the chat from the console; the face stays.
 * 5. "The next day, another phone": a new browser (its own profile, nothing shared) opens the start
 *    page, taps "I have a return code", types the code: the same conversation is back, the earlier
 *    messages behind "Show earlier messages", and there when asked.
 * 6. The young person asks for a person again: A's waiting list marks the entry "was with you
 *    before", "back with a code" and "may be watched"; A takes it (the panel says the same) and the
 *    young person's phone shows A's message, like the bot's (no visible "person" label since the
 *    safe word).
 *
 * What this does NOT prove: another day. A return code lives `CONVERSATION_TTL_SECONDS` (48 h) and
 * the clock of the server and Redis cannot be moved in this test, so "the next day" is a new device
 * minutes later; the expiry itself is covered by the return-code unit tests. The preferred offer is
 * set to 600 s here (default 120 s) so a slow machine cannot let it lapse mid-test.
 *
 * Screenshots (tests/artifacts/): donewhen-1-calm-prs-360.png, donewhen-2-console-watched.png,
 * donewhen-3-hidden-cover-360.png, donewhen-4-back-with-code-360.png,
 * donewhen-5-console-same-counsellor.png.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LanternInstance } from '../../server/Lantern.js';
import { readLanguage } from '../../texts/localeFiles.js';
import { Translator } from '../../texts/Translator.js';
import { type Browser, chatCovered as covered, CONSOLE_HANDLED_ERRORS, js, launchBrowser, setVisibility, signInToConsole } from '../helpers/browser.js';
import { ARTIFACTS, startBuiltLantern, stopBuiltLantern } from '../helpers/builtLantern.js';
import { uniquePrefix } from '../helpers/redis.js';

const PASSWORD = 'correct horse battery staple';
const COUNSELLOR = 'hulp.a';
const WAIT = 30_000;

const staffNl = JSON.parse(readFileSync('locales/staff/nl.json', 'utf8')) as { console: Record<string, string> };
const phrasesNl = JSON.parse(readFileSync('locales/nl/phrases.json', 'utf8')) as Record<string, Record<string, string>>;
const phrasesPrs = JSON.parse(readFileSync('locales/prs/phrases.json', 'utf8')) as Record<string, Record<string, string>>;
const dari = new Translator().forLanguage('prs');
const prs = readLanguage('prs');
const web = prs['web'] as Record<string, string>;
const commands = prs['commands'] as Record<string, string[]>;
const choices = prs['choices'] as unknown as Record<string, { title: string }>;
const handoffTexts = prs['handoff'] as Record<string, string>;

const tempDirs: string[] = [];
let lantern: LanternInstance;

beforeAll(async () => {
  lantern = await startBuiltLantern(inject('redisUrl'), uniquePrefix('donewhen-browser'), tempDirs, { tokenRateLimitMax: 1000, preferredCounsellorSeconds: 600 });
}, 60_000);

afterAll(() => stopBuiltLantern(lantern, tempDirs));

/** A fresh 360×640 touch phone (its own profile: nothing shared with any other). */
function phone(locale: string): Promise<Browser> {
  return launchBrowser({
    tempDirs,
    context: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale },
    ignoreConsole: /net::ERR_|Failed to load resource/,
  });
}

/** Counsellor A's console, laptop size, in Dutch, signed in. */
async function consoleOf(username: string): Promise<Browser> {
  // The console's 401 before logging in is a failed request the page handles itself, not an error.
  const browser = await launchBrowser({ tempDirs, context: { viewport: { width: 1280, height: 900 }, locale: 'nl-NL' }, ignoreConsole: CONSOLE_HANDLED_ERRORS });
  await signInToConsole(browser.page, lantern.url, username, PASSWORD, WAIT);
  return browser;
}

/** The stored conversation id of a page (sessionStorage), if any. */
async function conversationId(page: Page): Promise<string | undefined> {
  const raw = await js<string | null>(page, "sessionStorage.getItem('lantern')");
  return raw ? (JSON.parse(raw) as { conversation?: { conversationId?: string } }).conversation?.conversationId : undefined;
}

/** The texts of the bot's own messages (not a person's). */
function botTexts(page: Page): Promise<string[]> {
  return page.locator('.msg.bot:not(.person) .text').allTextContents();
}

/** The texts of a person's (the counsellor's) messages. */
function personTexts(page: Page): Promise<string[]> {
  return page.locator('.msg.person .text').allTextContents();
}

/** Taps the bot's button with this choice's Dari title. */
async function tapChoice(page: Page, choice: string): Promise<void> {
  const button = page.locator('#actions .action', { hasText: choices[choice]!.title }).first();
  await button.waitFor({ timeout: WAIT });
  await button.tap();
}

/** Types a message into the chat and sends it with the send button. */
async function send(page: Page, text: string): Promise<void> {
  await page.locator('#input').fill(text);
  await page.locator('#send').tap();
}

/** The lines of text a person sees (innerText: rendered and visible). */
async function visibleLines(page: Page): Promise<string[]> {
  const text = await js<string>(page, 'document.body.innerText');
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** The start of a text with placeholders (up to its first `{{`), trimmed: enough to recognise it on a screen. */
const stem = (text: string) => text.split('{{')[0]!.trim();

/** Words of the handoff and of help that would tell a watcher what this page is (Dari). */
const TELLING = [
  ...['waitingAck', 'waitingDanger', 'danger112', 'queued_one', 'queued_other', 'dangerQueued_one', 'dangerQueued_other', 'accepted', 'ended', 'helplines', 'whatNext'].map((key) => stem(handoffTexts[key]!)),
  ...['title', 'talkToPerson', 'emergency', 'quickExit', 'quickExitHint', 'messages', 'placeholder', 'stopWaiting', 'handoffAccepted'].map((key) => stem(web[key]!)),
].filter((text) => text.length >= 4);

describe("issue 16's Done when, one young person on a watched phone", () => {
  it('calm look and safe word, a counsellor, the return code on another phone, back to the same counsellor', async () => {
    await lantern.app.staffStore.create({ username: COUNSELLOR, role: 'counsellor', languages: ['prs', 'nl'], password: PASSWORD });
    const first = await phone('en-US');
    let firstOpen = true;
    const counsellor = await consoleOf(COUNSELLOR);
    let second: Browser | undefined;
    try {
      // ── 1. The calm look, the safe word agreed, a person asked for. ──────────────────────────────
      const a = first.page;
      await a.goto(`${lantern.url}/?lang=prs&look=calm`);
      await a.locator('#uncover').waitFor({ timeout: WAIT });
      expect(await covered(a)).toBe(true);
      expect(await a.title()).toBe(web['calmTitle']);
      await a.locator('#uncover').tap();
      await a.locator('#actions .action').first().waitFor({ timeout: WAIT });
      expect(await covered(a)).toBe(false);
      const id = (await conversationId(a))!;
      expect(id).toBeTruthy();

      await tapChoice(a, 'safe_word');
      await expect.poll(() => botTexts(a), { timeout: WAIT }).toContain(dari('privacy:safeWord.limits'));
      await tapChoice(a, 'safe_word_offered');
      const safeWord = dari('privacy:safeWord.offered');
      await expect.poll(() => botTexts(a), { timeout: WAIT }).toContain(dari('privacy:safeWord.set', { word: safeWord }));
      await a.screenshot({ path: path.join(ARTIFACTS, 'donewhen-1-calm-prs-360.png') });

      await tapChoice(a, 'human');
      // Waiting, in the calm look: the page title stays plain.
      await expect.poll(() => lantern.app.handoff.queueItems().then((items) => items.some((item) => item.conversationId === id)), { timeout: WAIT }).toBe(true);
      expect(await a.title()).toBe(web['calmTitle']);

      // ── 2. Counsellor A takes it; a message each way. ───────────────────────────────────────────
      const desk = counsellor.page;
      const row = desk.locator(`#queue li[data-conversation="${id}"]`);
      await row.waitFor({ timeout: WAIT });
      // Not yet watched: an ordinary entry.
      expect(await row.locator('.badge.watched').count()).toBe(0);
      await row.locator('[data-action="claim"]').click();
      const panel = desk.locator(`.panel[data-conversation="${id}"]`);
      await panel.waitFor({ state: 'visible', timeout: WAIT });
      await expect.poll(() => a.locator('#handoffText').textContent(), { timeout: WAIT }).toBe(web['handoffAccepted']);

      const fromYoung = 'سلام، ممنون که آمدی. می‌خواهم چیزی بپرسم.';
      await send(a, fromYoung);
      await expect.poll(() => panel.locator('.line.young .text').allTextContents(), { timeout: WAIT }).toContain(fromYoung);
      const fromA = 'سلام، من اینجا هستم. بپرس.';
      await panel.locator('textarea.messageInput').fill(fromA);
      await panel.locator('textarea.messageInput').press('Enter');
      await expect.poll(() => personTexts(a), { timeout: WAIT }).toContain(fromA);
      expect(await panel.locator('.badges .badge.watched').count()).toBe(0);

      // ── 3. The safe word, typed during the chat. ────────────────────────────────────────────────
      const botBefore = await botTexts(a);
      const personBefore = await personTexts(a);
      const statusBefore = await a.locator('#handoffText').textContent();
      const linesBefore = await visibleLines(a);
      await send(a, safeWord);
      await a.locator('.msg.user', { hasText: safeWord }).last().waitFor({ timeout: WAIT });

      // A's console: "may be watched" on the open chat, the advice, and only the neutral phrases.
      await expect.poll(() => panel.locator('.badges .badge.watched').textContent(), { timeout: WAIT }).toBe(staffNl.console['mayBeWatched']);
      await expect.poll(() => panel.locator('.watchedAdvice').textContent(), { timeout: WAIT }).toBe(staffNl.console['mayBeWatchedAdvice']);
      expect(await panel.locator('.watchedAdvice').isVisible()).toBe(true);
      // The summary's priority follows: the safe word made it danger (not the "normal" it was claimed at).
      const staffAll = JSON.parse(readFileSync('locales/staff/nl.json', 'utf8')) as { priority: Record<string, string>; summary: Record<string, string> };
      await expect.poll(() => panel.locator('.summaryList dd').allTextContents(), { timeout: WAIT }).toContain(staffAll.priority['danger']);
      const summaryNow = await panel.locator('.summaryList dd').allTextContents();
      expect(summaryNow).not.toContain(staffAll.priority['normal']);
      // "Danger signal": yes, now.
      expect(summaryNow[(await panel.locator('.summaryList dt').allTextContents()).indexOf(staffAll.summary['dangerFlag']!)]).toBe(staffAll.summary['yes']);
      await expect.poll(() => panel.locator('.line.young .text').allTextContents(), { timeout: WAIT }).toContain(safeWord);
      await panel.locator('textarea.messageInput').focus();
      await desk.keyboard.press('Control+k');
      const book = panel.locator('.phrasebook');
      await book.waitFor({ state: 'visible', timeout: WAIT });
      const shown = book.locator('.phrase:not([hidden])');
      await expect.poll(() => shown.count(), { timeout: WAIT }).toBe(Object.keys(phrasesNl['neutral']!).length);
      expect(await book.locator('.groupName').allTextContents()).toEqual([staffNl.console['phraseGroupNeutral']]);
      const goodMoment = book.locator('.phrase[data-key="neutral.goodMoment"]');
      expect(await goodMoment.locator('.meaning').textContent()).toBe(phrasesNl['neutral']!['goodMoment']);
      expect(await goodMoment.locator('.theirs').textContent()).toBe(phrasesPrs['neutral']!['goodMoment']);
      await desk.screenshot({ path: path.join(ARTIFACTS, 'donewhen-2-console-watched.png') });
      await desk.keyboard.press('Escape');
      await book.waitFor({ state: 'hidden', timeout: WAIT });

      // The phone (the console has seen the whole turn by now): nothing unusual. With a counsellor in
      // the chat the bot stays silent (docs/protocol.md, "The safe word"): no new bot message, no new
      // person message, the status line as it was, the title plain, no new words about waiting or help.
      expect(await botTexts(a)).toEqual(botBefore);
      expect(await personTexts(a)).toEqual(personBefore);
      expect(await a.locator('#handoffText').textContent()).toBe(statusBefore);
      expect(await a.title()).toBe(web['calmTitle']);
      const newLines = (await visibleLines(a)).filter((line) => !linesBefore.includes(line));
      expect(newLines.join('\n')).toContain(safeWord);
      for (const text of TELLING) expect.soft(newLines.join('\n'), `new on the phone: "${text}"`).not.toContain(text);
      expect(newLines.join('\n')).not.toContain('112');

      // ── 4. A return code, read from the page; the young person leaves; A ends the chat. ─────────
      await send(a, commands['return_code']![0]!);
      const given = a.locator('.msg.bot', { hasText: /\d{4} \d{4} \d{4}/ });
      await given.waitFor({ timeout: WAIT });
      const code = /\d{4} \d{4} \d{4}/.exec(await given.innerText())![0];
      // The code's explanation ends with the "keep longer" button (no menu during a counsellor's chat).
      await a.locator('#actions .action').first().waitFor({ timeout: WAIT });

      await setVisibility(a, 'hidden');
      await expect.poll(() => covered(a), { timeout: WAIT }).toBe(true);
      await setVisibility(a, 'visible');
      // What someone picking up the phone sees: the neutral face only, still covered.
      const watcherSees = async () => {
        expect(await covered(a)).toBe(true);
        expect(await a.title()).toBe(web['calmTitle']);
        const lines = await visibleLines(a);
        expect(lines.slice().sort()).toEqual([web['calmTitle'], web['calmExit'], web['calmOpen']].sort());
        const seen = lines.join('\n');
        for (const text of [fromYoung, fromA, safeWord, code, code.replace(/ /g, ''), '112', ...TELLING]) expect(seen, `a watcher sees "${text}"`).not.toContain(text);
        expect(await a.locator('#log').isVisible()).toBe(false);
        expect(await a.locator('#composer').isVisible()).toBe(false);
      };
      await watcherSees();
      await a.screenshot({ path: path.join(ARTIFACTS, 'donewhen-3-hidden-cover-360.png') });

      await panel.locator('[data-action="end"]').click();
      await panel.locator('.drawer select').selectOption('information_given');
      await panel.locator('[data-action="end-confirm"]').click();
      await panel.waitFor({ state: 'detached', timeout: WAIT });
      await expect.poll(() => desk.locator('.toast').textContent(), { timeout: WAIT }).toBe(staffNl.console['ended']);
      await expect.poll(() => lantern.app.handoff.mySessions({ username: COUNSELLOR, languages: ['prs', 'nl'] }).then((sessions) => sessions.length), { timeout: WAIT }).toBe(0);
      // The end changes nothing a watcher sees.
      await watcherSees();
      expect(first.errors).toEqual([]);
      await first.context.close();
      firstOpen = false;

      // ── 5. "The next day", another phone: the code brings the conversation back. ────────────────
      second = await phone('fa-AF');
      const b = second.page;
      await b.goto(`${lantern.url}/`);
      await b.getByRole('button', { name: web['returnCodeOpen'] }).tap();
      await b.locator('#codeInput').fill(code);
      await b.getByRole('button', { name: web['returnCodeContinue'] }).tap();
      const showEarlier = b.getByRole('button', { name: web['showEarlier'] });
      await showEarlier.waitFor({ timeout: WAIT });
      expect(await conversationId(b)).toBe(id);
      expect(await b.locator('#codeInput').inputValue()).toBe('');
      await showEarlier.tap();
      await expect.poll(() => b.locator('.msg.user .text:visible').allTextContents(), { timeout: WAIT }).toContain(fromYoung);
      await expect.poll(() => personTexts(b), { timeout: WAIT }).toContain(fromA);
      expect(await b.locator('.msg.person .text', { hasText: fromA }).first().isVisible()).toBe(true);
      // A ended the chat: the replayed conversation does not claim a person is still there.
      await expect.poll(() => b.locator('#handoff').isHidden(), { timeout: WAIT }).toBe(true);
      await b.screenshot({ path: path.join(ARTIFACTS, 'donewhen-4-back-with-code-360.png') });

      // ── 6. A person again: offered to A first, marked; A takes it and writes. ───────────────────
      await b.locator('.bar #human').tap();
      const again = desk.locator(`#queue li[data-conversation="${id}"]`);
      await again.waitFor({ timeout: WAIT });
      await expect.poll(() => again.locator('.badge.preferred').textContent(), { timeout: WAIT }).toBe(staffNl.console['withYouBefore']);
      expect(await again.getAttribute('class')).toContain('preferred');
      await expect.poll(() => again.locator('.badge.cameback').textContent(), { timeout: WAIT }).toBe(staffNl.console['cameBackWithCode']);
      await expect.poll(() => again.locator('.badge.watched').textContent(), { timeout: WAIT }).toBe(staffNl.console['mayBeWatched']);
      expect(await again.getAttribute('class')).toContain('danger');
      await desk.screenshot({ path: path.join(ARTIFACTS, 'donewhen-5-console-same-counsellor.png') });

      await again.locator('[data-action="claim"]').click();
      const panelAgain = desk.locator(`.panel[data-conversation="${id}"]`);
      await panelAgain.waitFor({ state: 'visible', timeout: WAIT });
      await expect.poll(() => panelAgain.locator('.badges .badge.preferred').textContent(), { timeout: WAIT }).toBe(staffNl.console['withYouBefore']);
      expect(await panelAgain.locator('.badges .badge.cameback').textContent()).toBe(staffNl.console['cameBackWithCode']);
      expect(await panelAgain.locator('.badges .badge.watched').textContent()).toBe(staffNl.console['mayBeWatched']);
      // Everything said before is in the transcript.
      await expect.poll(() => panelAgain.locator('.line.young .text').allTextContents(), { timeout: WAIT }).toContain(fromYoung);
      const welcomeBack = phrasesPrs['neutral']!['goodMoment']!;
      await panelAgain.locator('textarea.messageInput').fill(welcomeBack);
      await panelAgain.locator('textarea.messageInput').press('Enter');
      // After the safe word a person's message looks like the bot's: no visible "person" label
      // (a screen reader still says who wrote it); the messages from before keep theirs.
      const discreet = b.locator('.msg[data-author="person"]:not(.person)', { hasText: welcomeBack }).last();
      await discreet.waitFor({ timeout: WAIT });
      expect(await discreet.locator('.text').isVisible()).toBe(true);
      expect(await discreet.locator('.who').count()).toBe(0);
      expect(await discreet.locator('.sr').textContent()).toBe(web['person']);
      expect(await personTexts(b)).not.toContain(welcomeBack);

      expect(second.errors).toEqual([]);
      expect(counsellor.errors).toEqual([]);
    } finally {
      if (firstOpen) await first.context.close();
      await second?.context.close();
      await counsellor.context.close();
    }
  }, 240_000);
});

/**
 * "Was with you before" in the console, in real browsers (Debian's Chromium through playwright-core)
 * against the whole server: a counsellor's chat with a young person ended; the young person asks for
 * a person again while that counsellor's console is open. Her waiting list marks the entry "was with
 * you before" (and counts the offer down) and her console says so; a colleague's console, open at
 * the same time, shows an ordinary row without her name. She takes it: the chat panel says "was with
 * you before" too.
 *
 * Screenshots (tests/artifacts/): samecounsellor-console-offered.png, samecounsellor-console-colleague.png,
 * samecounsellor-console-panel.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LanternInstance } from '../../server/Lantern.js';
import { type Browser, CONSOLE_HANDLED_ERRORS, launchBrowser, signInToConsole } from '../helpers/browser.js';
import { ARTIFACTS, startBuiltLantern, stopBuiltLantern } from '../helpers/builtLantern.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

const PASSWORD = 'correct horse battery staple';
const staffNl = JSON.parse(readFileSync('locales/staff/nl.json', 'utf8')) as { console: Record<string, string> };
const isStatus = (state: string) => (a: Activity) => a.type === 'event' && a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === state;

const tempDirs: string[] = [];
let lantern: LanternInstance;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  lantern = await startBuiltLantern(inject('redisUrl'), uniquePrefix('samecounsellor-browser'), tempDirs, { preferredCounsellorSeconds: 600 });
}, 60_000);

afterAll(() => stopBuiltLantern(lantern, tempDirs));

/** A console in its own browser, signed in. */
async function consoleOf(username: string): Promise<Browser> {
  // The console's 401 before logging in is a failed request the page handles itself, not an error.
  const browser = await launchBrowser({ tempDirs, context: { viewport: { width: 1280, height: 900 }, locale: 'nl-NL' }, ignoreConsole: CONSOLE_HANDLED_ERRORS });
  await signInToConsole(browser.page, lantern.url, username, PASSWORD);
  return browser;
}

const rowOf = (page: Page, conversationId: string) => page.locator(`#queue li[data-conversation="${conversationId}"]`);

describe('"was with you before" in the console', () => {
  it('marks the entry for the counsellor who had it last, and in her chat panel; a colleague sees an ordinary row', async () => {
    for (const username of ['anna.terug', 'bert.collega']) {
      await lantern.app.staffStore.create({ username, role: 'counsellor', languages: ['en', 'nl'], password: PASSWORD });
    }
    // Anna's first chat with the young person, through the API; it ends with an outcome.
    const young = await YoungPersonClient.start(lantern, 'en');
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor(isStatus('waiting'));
    const annaApi = await CounsellorClient.login(lantern, 'anna.terug', ['en', 'nl'], PASSWORD);
    expect((await annaApi.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    expect((await annaApi.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given' })).status).toBe(200);
    await young.waitFor(isStatus('completed'));

    const anna = await consoleOf('anna.terug');
    const bert = await consoleOf('bert.collega');
    try {
      // The young person asks again while both consoles are open.
      const asked = young.seen.length;
      await young.say('x', { command: 'talk_to_human' });
      await young.waitFor((a) => young.seen.indexOf(a) >= asked && isStatus('waiting')(a));

      const annaRow = rowOf(anna.page, young.conversationId);
      await annaRow.waitFor({ timeout: 10_000 });
      await expect.poll(() => annaRow.locator('.badge.preferred').textContent(), { timeout: 10_000 }).toBe(staffNl.console['withYouBefore']);
      expect(await annaRow.getAttribute('class')).toContain('preferred');
      expect(await annaRow.locator('.badge.preferred').getAttribute('title')).toBe(staffNl.console['withYouBeforeTitle']);
      await expect.poll(() => annaRow.locator('.preferredLeft').textContent(), { timeout: 5_000 }).toMatch(/^eerst aangeboden: nog (9|10):\d\d$/);
      await expect.poll(() => anna.page.locator('.toast').textContent(), { timeout: 10_000 }).toBe(staffNl.console['preferredAlert']);
      await anna.page.screenshot({ path: path.join(ARTIFACTS, 'samecounsellor-console-offered.png') });

      const bertRow = rowOf(bert.page, young.conversationId);
      await bertRow.waitFor({ timeout: 10_000 });
      expect(await bertRow.locator('.badge.preferred').count()).toBe(0);
      expect(await bertRow.locator('.preferredLeft').count()).toBe(0);
      expect(await bertRow.getAttribute('class')).not.toContain('preferred');
      expect(await bertRow.textContent()).not.toContain('anna');
      expect(await bert.page.locator('.toast').textContent()).not.toBe(staffNl.console['preferredAlert']);
      await bert.page.screenshot({ path: path.join(ARTIFACTS, 'samecounsellor-console-colleague.png') });

      // Anna takes it: the panel says she had it before.
      await annaRow.locator('[data-action="claim"]').click();
      const panel = anna.page.locator(`.panel[data-conversation="${young.conversationId}"]`);
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
      await expect.poll(() => panel.locator('.badges .badge.preferred').textContent(), { timeout: 10_000 }).toBe(staffNl.console['withYouBefore']);
      expect(await panel.locator('.badges .badge.preferred').getAttribute('title')).toBe(staffNl.console['withYouBeforeChatTitle']);
      await young.waitFor(isStatus('accepted'));
      await anna.page.screenshot({ path: path.join(ARTIFACTS, 'samecounsellor-console-panel.png') });

      expect(anna.errors).toEqual([]);
      expect(bert.errors).toEqual([]);
    } finally {
      await anna.context.close();
      await bert.context.close();
    }
  }, 120_000);
});

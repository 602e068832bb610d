/**
 * The interpreters' page in a real browser (Debian's Chromium through playwright-core) against the
 * whole server on the test Redis: a counsellor makes a one-time link for a Tigrinya conversation;
 * the interpreter opens it (laptop and tablet size), the token leaves the address bar, the page
 * shows only the chat since joining, sends a translation the young person receives labelled
 * "interpreter", and stops when the counsellor withdraws the link; the same link in a second
 * browser does not work. Nothing leaves 127.0.0.1 and the page logs no errors (so no CSP
 * violations). Screenshots go to tests/artifacts/ (gitignored).
 */
import type { Activity } from 'botbuilder';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { InterpreterLink } from '../../contracts/counsellorApi.js';
import type { LanternInstance } from '../../server/Lantern.js';
import { externalRequests, js, launchBrowser } from '../helpers/browser.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';
import { ARTIFACTS, startBuiltLantern, stopBuiltLantern } from '../helpers/builtLantern.js';

const tempDirs: string[] = [];
let lantern: LanternInstance;

const isEvent = (name: string, state?: string) => (a: Activity) =>
  a.type === 'event' && a.name === name && (state === undefined || (a.value as { state?: string } | undefined)?.state === state);

beforeAll(async () => {
  lantern = await startBuiltLantern(inject('redisUrl'), uniquePrefix('interpreter'), tempDirs);
}, 60_000);

afterAll(() => stopBuiltLantern(lantern, tempDirs));

describe('the interpreters’ page', () => {
  for (const device of [
    { name: 'laptop', viewport: { width: 1366, height: 768 } },
    { name: 'tablet', viewport: { width: 820, height: 1180 }, isMobile: true, hasTouch: true },
  ]) {
    it(`joins by the link, translates, and stops when the link is withdrawn (${device.name})`, async () => {
      const young = await YoungPersonClient.start(lantern, 'ti');
      await young.say('x', { command: 'talk_to_human' });
      await young.waitFor(isEvent('handoff.status', 'waiting'));
      await young.say('ሰላም'); // before the interpreter joined: not shown to them
      const counsellor = await CounsellorClient.login(lantern, `anna-${device.name}`, ['nl']);
      expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
      const link = await counsellor.api<InterpreterLink>('POST', `/api/staff/conversations/${young.conversationId}/interpreter`);
      expect(link.status).toBe(201);

      const { viewport, isMobile, hasTouch } = device;
      const browser = await launchBrowser({ tempDirs, context: { viewport, isMobile, hasTouch, locale: 'nl-NL' }, ignoreConsole: /Failed to load resource/ });
      const { page } = browser;
      await page.goto(`${lantern.url}${link.body.url}`);
      await page.locator('#chat').waitFor({ state: 'visible' });
      expect(new URL(page.url()).hash).toBe('');
      await page.getByText('Nog geen berichten sinds je erbij kwam.').waitFor();
      expect(await page.locator('#language').textContent()).toContain('Tigrinya');

      // The young person writes; the counsellor writes; both appear, labelled.
      await young.say('ክሕግዙኒ ይኽእሉ ድዮም?');
      expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: 'Wat kan ik voor je doen?' })).status).toBe(200);
      await page.locator('.lines li.young_person', { hasText: 'ክሕግዙኒ ይኽእሉ ድዮም?' }).waitFor();
      await page.locator('.lines li.counsellor', { hasText: 'Wat kan ik voor je doen?' }).waitFor();
      expect(await page.locator('.lines li', { hasText: 'ሰላም' }).count()).toBe(0);

      await page.locator('#message').fill('ከመይ ክሕግዘኩም ይኽእል?');
      await page.locator('#send').click();
      await page.locator('.lines li.interpreter', { hasText: 'ከመይ ክሕግዘኩም ይኽእል?' }).waitFor();
      await young.waitFor((x) => x.type === 'message' && x.text === 'ከመይ ክሕግዘኩም ይኽእል?' && (x.channelData as { lantern?: { sender?: string } }).lantern?.sender === 'interpreter');
      await page.screenshot({ path: path.join(ARTIFACTS, `interpreter-${device.name}.png`), fullPage: true });

      // English, then the link withdrawn: the page says so and stops.
      await page.locator('#langToggle').click();
      await page.getByText('Interpreter (you)').first().waitFor();
      expect((await counsellor.api('DELETE', `/api/staff/conversations/${young.conversationId}/interpreter`)).status).toBe(204);
      await page.getByText('The conversation has ended, or the counsellor withdrew the link.', { exact: false }).waitFor();
      expect(await js<boolean>(page, `document.getElementById('chat').hidden`)).toBe(true);

      // The same link in another browser: used already.
      const second = await launchBrowser({ tempDirs, context: { viewport, locale: 'nl-NL' }, ignoreConsole: /Failed to load resource/ });
      await second.page.goto(`${lantern.url}${link.body.url}`);
      await second.page.getByText('Deze link werkt niet (meer)', { exact: false }).waitFor();

      expect(browser.errors).toEqual([]);
      expect(second.errors).toEqual([]);
      expect(externalRequests([...browser.requests, ...second.requests], lantern.url)).toEqual([]);
      await browser.context.close();
      await second.context.close();
    }, 60_000);
  }
});

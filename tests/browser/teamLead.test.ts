/**
 * The team lead's view in a real browser (Debian's Chromium through playwright-core) against the
 * whole server on the test Redis: two counsellors (one in the browser, one through the API) and a
 * team lead in the console's Team tab, at laptop (1366x768) and tablet (820x1180) size. The team
 * lead sees every open conversation and counsellor, takes a conversation over from a colleague
 * (whose console is told who took it), and puts another back in the list. Nothing leaves
 * 127.0.0.1 and the pages log no errors. Screenshots go to tests/artifacts/ (gitignored).
 */
import path from 'node:path';
import type { Activity } from 'botbuilder';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SessionItem, TeamView } from '../../contracts/counsellorApi.js';
import type { LanternInstance } from '../../server/Lantern.js';
import { externalRequests, launchBrowser, type Browser } from '../helpers/browser.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';
import { ARTIFACTS, startBuiltLantern, stopBuiltLantern } from '../helpers/builtLantern.js';

const PASSWORD = 'a long enough test password';
const tempDirs: string[] = [];
let lantern: LanternInstance;

const isStatus = (state: string) => (a: Activity) => a.type === 'event' && a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === state;

beforeAll(async () => {
  lantern = await startBuiltLantern(inject('redisUrl'), uniquePrefix('teamlead'), tempDirs);
}, 60_000);

afterAll(() => stopBuiltLantern(lantern, tempDirs));

async function signIn(browser: Browser, username: string): Promise<Page> {
  const { page } = browser;
  await page.goto(`${lantern.url}/counsellor`);
  await page.locator('#loginForm').waitFor({ state: 'visible' });
  await page.locator('#loginUser').fill(username);
  await page.locator('#loginPassword').fill(PASSWORD);
  await page.locator('#loginForm button[type=submit]').click();
  await page.locator('#me').waitFor({ state: 'visible' });
  return page;
}

async function waiting(language: string): Promise<YoungPersonClient> {
  const young = await YoungPersonClient.start(lantern, language);
  await young.say('x', { command: 'talk_to_human' });
  await young.waitFor(isStatus('waiting'));
  return young;
}

describe('a team lead in the console', () => {
  for (const device of [
    { name: 'laptop', viewport: { width: 1366, height: 768 } },
    { name: 'tablet', viewport: { width: 820, height: 1180 }, isMobile: true, hasTouch: true },
  ]) {
    it(`sees everyone, takes over from a colleague who is told, and returns one to the list (${device.name})`, async () => {
      const suffix = device.name;
      const lead = `lead-${suffix}`;
      const colleague = `carla-${suffix}`;
      await lantern.app.staffStore.create({ username: lead, role: 'teamlead', languages: ['nl', 'en'], password: PASSWORD });
      await lantern.app.staffStore.create({ username: colleague, role: 'counsellor', languages: ['nl', 'ti'], password: PASSWORD });
      const other = await CounsellorClient.login(lantern, `dirk-${suffix}`, ['nl']);
      const first = await waiting('ti');
      const second = await waiting('ar');

      const { viewport, isMobile, hasTouch } = device;
      const carlaBrowser = await launchBrowser({ tempDirs, context: { viewport: { width: 1366, height: 768 }, locale: 'nl-NL' }, ignoreConsole: /Failed to load resource/ });
      const carla = await signIn(carlaBrowser, colleague);
      expect((await other.api('POST', `/api/staff/conversations/${second.conversationId}/claim`)).status).toBe(200);
      // Carla takes the Tigrinya conversation in her console (by the API, as her console would).
      const carlaApi = await CounsellorClient.login(lantern, colleague, ['nl', 'ti'], PASSWORD);
      expect((await carlaApi.api('POST', `/api/staff/conversations/${first.conversationId}/claim`)).status).toBe(200);

      const leadBrowser = await launchBrowser({ tempDirs, context: { viewport, isMobile, hasTouch, locale: 'nl-NL' }, ignoreConsole: /Failed to load resource/ });
      const page = await signIn(leadBrowser, lead);
      await page.locator('#viewTeam').click();
      const team = page.locator('#team');
      await team.waitFor({ state: 'visible' });
      const firstRow = team.locator(`tr[data-conversation="${first.conversationId}"]`);
      const secondRow = team.locator(`tr[data-conversation="${second.conversationId}"]`);
      await firstRow.waitFor();
      await secondRow.waitFor();
      await team.locator(`tr[data-username="${colleague}"]`).waitFor();
      expect(await firstRow.textContent()).toContain(colleague);
      await page.screenshot({ path: path.join(ARTIFACTS, `team-lead-${suffix}.png`), fullPage: true });

      // Take over from Carla: the conversation becomes the team lead's; Carla's console says who took it.
      await firstRow.locator('[data-action="takeover"]').click();
      await page.locator('dialog.teamDialog [data-action="team-confirm"]').click();
      await expect
        .poll(async () => (await lantern.app.handoff.mySessions({ username: lead, languages: ['nl', 'en'] })).map((s) => s.conversationId), { timeout: 10_000 })
        .toContain(first.conversationId);
      await carla.getByText(lead, { exact: false }).first().waitFor({ timeout: 10_000 });
      await first.waitFor((x) => x.type === 'message' && typeof x.text === 'string' && x.text.length > 0 && (x.channelData as { lantern?: { texts?: Array<{ key: string }> } } | undefined)?.lantern?.texts?.some((t) => t.key === 'handoff:transferred') === true);

      // Back to the list: the Arabic conversation Dirk has (the taken one opened in the chat view).
      await page.locator('dialog.teamDialog').waitFor({ state: 'hidden' });
      await page.locator('#viewTeam').click();
      await secondRow.waitFor({ state: 'visible' });
      await secondRow.locator('[data-action="return"]').click();
      await page.locator('dialog.teamDialog [data-action="team-confirm"]').click();
      await second.waitFor(isStatus('waiting'));
      await expect
        .poll(async () => {
          const view = (await lantern.app.handoff.queueItems()).map((q) => q.conversationId);
          return view.includes(second.conversationId);
        }, { timeout: 10_000 })
        .toBe(true);
      const mine = await other.api<SessionItem[]>('GET', '/api/staff/conversations');
      expect(mine.body.some((s) => s.conversationId === second.conversationId)).toBe(false);
      await page.screenshot({ path: path.join(ARTIFACTS, `team-lead-after-${suffix}.png`), fullPage: true });

      // The audit says who did it.
      const reference = await lantern.app.audit.reference(first.conversationId);
      const entries = (await lantern.app.audit.list({ conversation: reference })).entries;
      expect(entries.some((e) => e.action === 'conversation.taken-over' && e.by === lead && e.target === colleague)).toBe(true);
      const teamNow = await CounsellorClient.login(lantern, lead, ['nl', 'en'], PASSWORD);
      const view = await teamNow.api<TeamView>('GET', '/api/staff/team');
      expect(view.body.conversations.find((c) => c.conversationId === first.conversationId)?.counsellor).toBe(lead);

      expect(leadBrowser.errors).toEqual([]);
      expect(carlaBrowser.errors).toEqual([]);
      expect(externalRequests([...leadBrowser.requests, ...carlaBrowser.requests], lantern.url)).toEqual([]);
      await leadBrowser.context.close();
      await carlaBrowser.context.close();
      await lantern.app.handoff.forget(first.conversationId);
      await lantern.app.handoff.forget(second.conversationId);
    }, 90_000);
  }
});

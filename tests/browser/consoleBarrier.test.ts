/**
 * The console for a Dutch counsellor talking with a young person who writes Tigrinya (issue "The
 * console for a Dutch counsellor…"), in a real browser (Debian's Chromium through playwright-core)
 * against the whole server on the test Redis:
 * - the waiting list says why each young person is there, in Dutch (how they asked, the danger
 *   answer, what the screening read), and shows the notes a conversation carries;
 * - the counsellor (Dutch and English only) takes the Tigrinya conversation: the header shows its
 *   reference, the bot's Tigrinya lines show their Dutch beneath (lang and dir set on each);
 * - the young person types during the chat that they are locked in: the server's screening flags
 *   it, and the console marks that very line with a red Dutch badge, says it in an alert, and the
 *   conversation's priority goes up in "my conversations";
 * - a note is written (as text, never HTML) and listed; the English switch relabels the badge and
 *   the translations; a team lead moving the conversation closes its panel with a notice.
 * Screenshots at laptop (1366x768) and tablet (820x1180) size go to tests/artifacts/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConversationDetail, QueueItem } from '../../contracts/counsellorApi.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { buildWeb } from '../../scripts/build-web.js';
import { startLantern } from '../../server/Lantern.js';
import { type Browser, externalRequests, js, launchBrowser, signInToConsole } from '../helpers/browser.js';
import { YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

const ARTIFACTS = path.resolve('tests/artifacts');
const PASSWORD = 'a long enough test password';
const LAPTOP = { width: 1366, height: 768 };
const TABLET = { width: 820, height: 1180 };

type Lantern = Awaited<ReturnType<typeof startLantern>>;
type Labels = Record<string, string>;
type StaffTexts = { console: Labels; languages: Labels; priority: Labels; reason: Labels; answers: Labels; dangerCategories: Labels; intents: Labels; screeningLevel: Labels };

const staff = {
  nl: JSON.parse(readFileSync(path.resolve('locales/staff/nl.json'), 'utf8')) as StaffTexts,
  en: JSON.parse(readFileSync(path.resolve('locales/staff/en.json'), 'utf8')) as StaffTexts,
};
const nl = staff.nl;

// Written for this test: "Tonight they locked me in a storeroom; they locked the door with a key."
const LOCKED_IN = 'ሎሚ ለይቲ ኣብ መኽዘን ቆሊፎምኒ፡ ማዕጾ ብቑልፊ ዓጽዮም';
// Typed before asking for a person: "They are holding me in the house, they do not let me go out."
const HELD = 'ኣብ ገዛ ሓቢሶምኒ ክወጽእ ኣይፈቕዱለይን';
// A note with markup in it: shown as text, never run.
const NOTE = 'Zit opgesloten in een opslagruimte. <img src=x onerror="window.__xss=1"> Tolk gevraagd.';

let lantern: Lantern;
const tempDirs: string[] = [];

function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

const isStatus = (state: string) => (a: Activity) => a.type === 'event' && a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === state;

async function laptop(): Promise<Browser> {
  return launchBrowser({
    tempDirs,
    context: { viewport: LAPTOP, deviceScaleFactor: 1, isMobile: false, hasTouch: false, locale: 'nl-NL' },
    ignoreConsole: /net::ERR_|Failed to load resource/,
  });
}

/** What the server answers the console for a conversation (the browser's session; a GET needs no CSRF token). */
async function detailIn(page: Page, conversationId: string): Promise<ConversationDetail> {
  return js<ConversationDetail>(page, `fetch('/api/staff/conversations/${encodeURIComponent(conversationId)}', { cache: 'no-store' }).then((r) => r.json())`);
}

/** Nothing is wider than the window. */
async function fitsWidth(page: Page): Promise<boolean> {
  return js<boolean>(page, 'document.documentElement.scrollWidth <= document.documentElement.clientWidth');
}

beforeAll(async () => {
  const distDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-web-'));
  tempDirs.push(distDir);
  await buildWeb({ outDir: distDir, log: false });
  mkdirSync(ARTIFACTS, { recursive: true });
  lantern = await startLantern(
    {
      redisUrl: inject('redisUrl'),
      keyPrefix: uniquePrefix('browser-barrier'),
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      tokenRateLimitMax: 1000,
      handoffTickMs: 1_000,
    },
    { webDistDir: distDir, openingHours: OpeningHours.always() },
  );
});

afterAll(async () => {
  await lantern?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the console for a Dutch counsellor and a young person who writes Tigrinya', () => {
  it('shows why each one waits, the bot in Dutch, danger typed during the chat on the line, and notes', async () => {
    // Two young people write Tigrinya. The first asks for a person with the button; the second
    // first types that they are held in a house and answers "yes" to "are you in danger now?".
    const asked = await YoungPersonClient.start(lantern, 'ti');
    await asked.say('x', { command: 'talk_to_human' });
    await asked.waitFor(isStatus('waiting'));
    const held = await YoungPersonClient.start(lantern, 'ti');
    const before = held.seen.length;
    await held.say(HELD);
    const question = await held.waitFor((x) => held.seen.indexOf(x) >= before && x.type === 'message' && Boolean(x.suggestedActions?.actions?.length));
    const actions = question.suggestedActions!.actions;
    const yes = actions.find((action) => (action.value as { choice?: string } | undefined)?.choice === 'yes') ?? actions[0]!;
    await held.post({ type: 'message', text: String(yes.text ?? yes.title ?? ''), value: yes.value });
    await held.waitFor(isStatus('waiting'));
    const queue = await lantern.handoff.queueItems();
    const heldItem = queue.find((item) => item.conversationId === held.conversationId) as QueueItem;
    expect(heldItem.triage).toMatchObject({ reason: 'danger_now', dangerNow: 'yes' });
    expect(heldItem.triage.categories).toContain('confinement');

    await lantern.app.staffStore.create({ username: 'hulp.nl', role: 'counsellor', languages: ['nl', 'en'], password: PASSWORD });
    const { context, page, requests, errors } = await laptop();
    // The live connection goes through a proxy in the browser, so the test can add what a team
    // lead's move sends.
    const sockets: WebSocketRoute[] = [];
    // While the test shows a list of its own, the server's lists are held back.
    let ownQueue = false;
    await page.routeWebSocket(/\/api\/staff\/live$/, (socket) => {
      const server = socket.connectToServer();
      socket.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        if (!(ownQueue && (JSON.parse(String(message)) as { type?: string }).type === 'queue')) socket.send(message);
      });
      sockets.push(socket);
    });
    try {
      await signInToConsole(page, lantern.url, 'hulp.nl', PASSWORD);
      // A counsellor has no team view.
      expect(await page.locator('#views').isHidden()).toBe(true);

      // The waiting list says why, in Dutch.
      const askedRow = page.locator(`#queue li[data-conversation="${asked.conversationId}"]`);
      const heldRow = page.locator(`#queue li[data-conversation="${held.conversationId}"]`);
      await askedRow.waitFor({ timeout: 10_000 });
      await heldRow.waitFor({ timeout: 10_000 });
      expect(await askedRow.locator('.why').textContent()).toBe(`${nl.console.triageWhy} ${nl.reason.talk_to_human}`);
      // "Said: in danger now" (the answer "yes" is not said twice), and what the screening read.
      expect(await heldRow.locator('.why').textContent()).toBe(
        `${nl.console.triageWhy} ${nl.reason.danger_now} · ${fill(nl.console.triageRead!, { codes: nl.dangerCategories.confinement! })}`,
      );
      expect(await heldRow.locator('.languageName').textContent()).toBe(nl.languages.ti);
      expect(await heldRow.innerText()).toContain(nl.console.interpreterNeeded);
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-queue-triage.png') });

      // Take the Tigrinya conversation that asked with the button.
      await askedRow.locator('[data-action="claim"]').click();
      const panel = page.locator(`.panel[data-conversation="${asked.conversationId}"]`);
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
      await asked.waitFor(isStatus('accepted'));
      const detail = await detailIn(page, asked.conversationId);
      expect(detail.reference).toBeTruthy();
      await expect.poll(() => panel.locator('.chatHead .reference').textContent()).toBe(fill(nl.console.reference!, { reference: detail.reference }));

      // The bot's Tigrinya lines, each with its Dutch beneath (what the server rendered).
      const botLines = detail.transcript.filter((line) => line.sender === 'bot' && line.nl && line.nl !== line.text);
      expect(botLines.length).toBeGreaterThan(0);
      for (const line of botLines) {
        const node = panel.locator(`.line.bot[data-id="${line.id}"]`);
        await node.waitFor();
        expect(await node.locator('.text').textContent()).toBe(line.text);
        expect(await node.locator('.text').getAttribute('lang')).toBe('ti');
        expect(await node.locator('.text').getAttribute('dir')).toBe('ltr');
        const translation = node.locator('.translation');
        expect(await translation.isVisible()).toBe(true);
        expect(await translation.textContent()).toBe(`${nl.console.translation} ${line.nl}`);
        expect(await translation.getAttribute('lang')).toBe('nl');
      }
      // Nobody on duty speaks Tigrinya: the interpreter box says so.
      expect(await panel.locator('.interpreterBox .interpreterState').textContent()).toBe(fill(nl.console.interpreterNeededText!, { language: nl.languages.ti! }));

      // The young person writes during the chat that they are locked in.
      const plain = (await (await asked.say('ሰላም፡ ከመይ ኣለኻ?')).json()) as { id: string };
      await panel.locator(`.line.young[data-id="${plain.id}"]`).waitFor({ timeout: 10_000 });
      const sent = (await (await asked.say(LOCKED_IN)).json()) as { id: string };
      // The server's screening flagged it (read from what the server answers).
      let flagged: ConversationDetail['transcript'][number] | undefined;
      await expect
        .poll(async () => {
          flagged = (await detailIn(page, asked.conversationId)).transcript.find((line) => line.id === sent.id);
          return flagged?.screening?.level;
        }, { timeout: 10_000 })
        .toBe('urgent');
      expect(flagged!.screening!.categories).toContain('confinement');
      expect(flagged!.screening!.nl).toBe(`${nl.screeningLevel.urgent}: ${nl.dangerCategories.confinement}`);
      // The console marks that line, in Dutch, red (urgent); the everyday message stays unmarked.
      const line = panel.locator(`.line.young[data-id="${sent.id}"]`);
      const badge = line.locator('.badge.flag');
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe(flagged!.screening!.nl);
      expect(await badge.getAttribute('class')).toBe('badge flag flag-urgent');
      expect(await line.getAttribute('class')).toContain('flag-urgent');
      expect(await line.locator('.text').textContent()).toBe(LOCKED_IN);
      expect(await line.locator('.text').getAttribute('lang')).toBe('ti');
      expect(await panel.locator(`.line.young[data-id="${plain.id}"] .badge.flag`).count()).toBe(0);
      // Said at once (an alert), and the conversation is urgent now in "my conversations".
      const urgent = page.locator('.urgentAlert [role="alert"]');
      await expect.poll(() => urgent.textContent(), { timeout: 10_000 }).toBe(
        fill(nl.console.flaggedAlert!, { chat: `${nl.languages.ti} (${fill(nl.console.reference!, { reference: detail.reference })})`, label: flagged!.screening!.nl }),
      );
      const tab = page.locator(`.tab[data-conversation="${asked.conversationId}"]`);
      await expect.poll(() => tab.locator('.badge').first().textContent(), { timeout: 10_000 }).toBe(nl.priority.danger);
      expect(await panel.locator('.chatHead .badges .badge').first().textContent()).toBe(nl.priority.danger);
      await js<boolean>(page, 'document.fonts.ready.then(() => true)');
      await line.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-flagged-laptop.png') });
      expect(await fitsWidth(page)).toBe(true);
      await page.setViewportSize(TABLET);
      await expect.poll(() => fitsWidth(page)).toBe(true);
      await line.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-flagged-tablet.png'), fullPage: true });
      await page.setViewportSize(LAPTOP);
      // "Seen" puts the alert away and the focus back in the message box.
      await page.locator('.urgentAlert button').click();
      await page.locator('.urgentAlert').waitFor({ state: 'hidden' });
      expect(await js<boolean>(page, "document.activeElement === document.querySelector('.panel:not([hidden]) textarea.messageInput')")).toBe(true);

      // A note, at any time: listed with who wrote it, as text (the markup is not run).
      const notes = panel.locator('.notesBox');
      expect(await notes.locator('summary').textContent()).toBe(fill(nl.console.notesTitle!, { count: 0 }));
      await notes.locator('textarea').fill(NOTE);
      await notes.locator('[data-action="note-save"]').click();
      await expect.poll(() => notes.locator('.noteText').allTextContents(), { timeout: 10_000 }).toEqual([NOTE]);
      expect(await notes.locator('.note .who').textContent()).toBe('hulp.nl');
      expect(await notes.locator('summary').textContent()).toBe(fill(nl.console.notesTitle!, { count: 1 }));
      expect(await notes.locator('textarea').inputValue()).toBe('');
      expect(await notes.locator('img').count()).toBe(0);
      expect(await js<unknown>(page, 'window.__xss')).toBeUndefined();
      expect((await detailIn(page, asked.conversationId)).notes.map((note) => note.text)).toEqual([NOTE]);
      await notes.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-notes.png') });

      // English: the badge, the translations and the notes box follow the switch.
      await page.locator('#langToggle').click();
      await expect.poll(() => badge.textContent()).toBe(flagged!.screening!.en);
      const first = botLines.find((each) => each.en && each.en !== each.text)!;
      expect(await panel.locator(`.line.bot[data-id="${first.id}"] .translation`).textContent()).toBe(`${staff.en.console.translation} ${first.en}`);
      expect(await panel.locator(`.line.bot[data-id="${first.id}"] .translation`).getAttribute('lang')).toBe('en');
      expect(await notes.locator('summary').textContent()).toBe(fill(staff.en.console.notesTitle!, { count: 1 }));
      await page.locator('#langToggle').click();
      await expect.poll(() => badge.textContent()).toBe(flagged!.screening!.nl);

      // A team lead gives the conversation to a colleague (the live message such a move sends):
      // the panel closes, with a notice who did what.
      sockets.at(-1)!.send(JSON.stringify({ type: 'reassigned', conversationId: asked.conversationId, by: 'lead.anna', to: 'hulp.b' }));
      await panel.waitFor({ state: 'detached', timeout: 10_000 });
      expect(await page.locator('.toast').textContent()).toBe(
        `${nl.languages.ti} (${fill(nl.console.reference!, { reference: detail.reference })}): ${fill(nl.console.reassignedTo!, { name: 'lead.anna', to: 'hulp.b' })}`,
      );

      // Rows from before triage and notes existed still show; notes in a row are text too.
      ownQueue = true;
      sockets.at(-1)!.send(
        JSON.stringify({
          type: 'queue',
          items: [
            { conversationId: 'older-row', language: 'ar', priority: 'normal', waitingSeconds: 30, danger: false, interpreterNeeded: false, position: 1, lastSeenSeconds: null, returned: false },
            { ...heldItem, position: 2, notes: [{ at: new Date().toISOString(), by: 'hulp.b', text: '<b>geen</b> tolk', handover: true }] },
          ],
        }),
      );
      const olderRow = page.locator('#queue li[data-conversation="older-row"]');
      await olderRow.waitFor();
      expect(await olderRow.locator('.why, .rowNotes').count()).toBe(0);
      expect(await olderRow.locator('.languageName').textContent()).toBe(nl.languages.ar);
      const rowNotes = heldRow.locator('.rowNotes');
      expect(await rowNotes.locator('summary').textContent()).toBe(fill(nl.console.notesTitle!, { count: 1 }));
      await rowNotes.locator('summary').click();
      expect(await rowNotes.locator('.noteText').textContent()).toBe('<b>geen</b> tolk');
      expect(await rowNotes.locator('.handoverBadge').textContent()).toBe(nl.console.noteHandover);
      expect(await rowNotes.locator('b').count()).toBe(0);

      expect(externalRequests(requests, lantern.url)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await lantern.handoff.forget(asked.conversationId);
      await lantern.handoff.forget(held.conversationId);
    }
  }, 120_000);
});

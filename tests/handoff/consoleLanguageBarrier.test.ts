/**
 * A Dutch counsellor with a young person who writes Tigrinya (issue "The console for a Dutch
 * counsellor…"): what the young person types during the chat is screened and flagged on the
 * message in Dutch, raises the priority and alerts the counsellor; the bot's texts carry their keys
 * and come with Dutch and English in the transcript; notes can be written at any time, travel with
 * a transfer and come back with the conversation; the waiting list says why someone is waiting.
 * Real Redis, real HTTP, two app instances.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { liveConsole, waitUntil } from '../helpers/liveConsole.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';
import type { ConversationDetail } from '../../contracts/counsellorApi.js';
import type { QueueItem, SessionItem } from '../../contracts/counsellorApi.js';

const isEvent = (name: string, state?: string) => (a: Activity) =>
  a.type === 'event' && a.name === name && (state === undefined || (a.value as { state?: string } | undefined)?.state === state);

describe('a Dutch counsellor and a young person who writes Tigrinya', () => {
  let a: LanternInstance;
  let b: LanternInstance;
  beforeAll(async () => {
    const shared = { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('barrier'), port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false };
    a = await startLantern(shared, { openingHours: OpeningHours.always() });
    b = await startLantern(shared, { openingHours: OpeningHours.always() });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  async function waitingTigrinya(): Promise<YoungPersonClient> {
    const young = await YoungPersonClient.start(a, 'ti');
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor(isEvent('handoff.status', 'waiting'));
    return young;
  }

  it('flags danger typed during the chat on the message, in Dutch, raises the priority and alerts', async () => {
    const young = await waitingTigrinya();
    const anna = await CounsellorClient.login(b, 'anna-nl', ['nl', 'en']);
    const console_ = liveConsole(b, anna);
    await console_.opened;
    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    await young.waitFor(isEvent('handoff.status', 'accepted'));

    // "They locked me in a room, I cannot get out."
    const sent = await young.say('ኣብ ክፍሊ ዓጽዮምኒ ክወጽእ ኣይክእልን');
    const { id } = (await sent.json()) as { id: string };
    const flagged = await console_.waitFor((m) => m.type === 'flagged' && m.conversationId === young.conversationId);
    expect(flagged).toMatchObject({ activityId: id, screening: { level: 'urgent', categories: ['confinement'], nl: 'Acuut gevaar: opgesloten / mag niet weg' } });
    await console_.waitFor((m) => m.type === 'alert' && m.kind === 'danger' && m.conversationId === young.conversationId);

    const detail = await anna.api<ConversationDetail>('GET', `/api/staff/conversations/${young.conversationId}`);
    const line = detail.body.transcript.find((l) => l.id === id);
    expect(line).toMatchObject({ sender: 'young_person', language: 'ti', screening: { level: 'urgent', categories: ['confinement'] } });
    expect(detail.body.priority).toBe('danger');
    const mine = await anna.api<SessionItem[]>('GET', '/api/staff/conversations');
    expect(mine.body.find((s) => s.conversationId === young.conversationId)?.priority).toBe('danger');

    // An everyday message is not flagged.
    const plain = (await (await young.say('ሰላም')).json()) as { id: string };
    const again = await anna.api<ConversationDetail>('GET', `/api/staff/conversations/${young.conversationId}`);
    expect(again.body.transcript.find((l) => l.id === plain.id)?.screening).toBeUndefined();
    console_.socket.close();
  });

  it('shows the bot’s Tigrinya texts in Dutch and English, from the keys the bot sent along', async () => {
    const young = await waitingTigrinya();
    const botMessages = young.seen.filter((x) => x.type === 'message' && x.from?.role === 'bot' && x.text);
    expect(botMessages.length).toBeGreaterThan(0);
    for (const message of botMessages) {
      const lantern = (message.channelData as { lantern?: { texts?: Array<{ key: string }>; textLanguage?: string } }).lantern;
      expect(lantern?.textLanguage).toBe('ti');
      expect(lantern?.texts?.length).toBeGreaterThan(0);
    }
    const bob = await CounsellorClient.login(b, 'bob-nl', ['nl']);
    expect((await bob.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    const detail = await bob.api<ConversationDetail>('GET', `/api/staff/conversations/${young.conversationId}`);
    const botLines = detail.body.transcript.filter((l) => l.sender === 'bot');
    expect(botLines.length).toBeGreaterThan(0);
    for (const line of botLines) {
      expect(line.nl, `bot line ${line.text} has Dutch`).toBeTruthy();
      expect(line.en).toBeTruthy();
      expect(line.nl).not.toBe(line.text);
    }
    // The waiting text was said in Tigrinya, and is shown in Dutch.
    expect(botLines.some((l) => /wacht|rij|plek/i.test(l.nl ?? ''))).toBe(true);
  });

  it('keeps notes written during the chat, passes them on with a transfer, and shows them when it comes back', async () => {
    const young = await waitingTigrinya();
    const carla = await CounsellorClient.login(b, 'carla', ['nl']);
    const dirk = await CounsellorClient.login(a, 'dirk', ['nl', 'ti']);
    const dirkConsole = liveConsole(a, dirk);
    await dirkConsole.opened;
    const carlaConsole = liveConsole(b, carla);
    await carlaConsole.opened;
    expect((await carla.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);

    expect((await carla.api('POST', `/api/staff/conversations/${young.conversationId}/notes`, { text: '' })).status).toBe(400);
    expect((await carla.api('POST', `/api/staff/conversations/${young.conversationId}/notes`, { text: 'x'.repeat(2001) })).status).toBe(400);
    expect((await dirk.api('POST', `/api/staff/conversations/${young.conversationId}/notes`, { text: 'not mine' })).status).toBe(404);
    const written = await carla.api<{ text: string; by: string }>('POST', `/api/staff/conversations/${young.conversationId}/notes`, { text: 'Woont op azc, schuld aan smokkelaar.' });
    expect(written.status).toBe(201);
    expect(written.body).toMatchObject({ text: 'Woont op azc, schuld aan smokkelaar.', by: 'carla' });

    await waitUntil(async () => (await carla.api<Array<{ username: string }>>('GET', '/api/staff/colleagues')).body.some?.((c) => c.username === 'dirk'), 8_000, 'dirk on duty');
    const moved = await carla.api('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'dirk', note: 'Spreekt Tigrinya, tolk niet meer nodig.' });
    expect(moved.status).toBe(200);
    const atDirk = await dirk.api<ConversationDetail>('GET', `/api/staff/conversations/${young.conversationId}`);
    expect(atDirk.body.notes.map((n) => n.text)).toEqual(['Woont op azc, schuld aan smokkelaar.', 'Spreekt Tigrinya, tolk niet meer nodig.']);
    expect(atDirk.body.notes[1]).toMatchObject({ by: 'carla', handover: true });

    // Back to the list: the row shows the notes and why the young person is waiting.
    expect((await dirk.api('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'queue' })).status).toBe(200);
    const queue = await dirk.api<QueueItem[]>('GET', '/api/staff/queue');
    const row = queue.body.find((q) => q.conversationId === young.conversationId);
    expect(row).toMatchObject({ returned: true, triage: { reason: 'talk_to_human', signals: [], categories: [], intents: [] } });
    expect(row?.notes.map((n) => n.text)).toEqual(['Woont op azc, schuld aan smokkelaar.', 'Spreekt Tigrinya, tolk niet meer nodig.']);
    dirkConsole.socket.close();
    carlaConsole.socket.close();
  });

  it('the waiting list says why: the danger answer and the free-text categories', async () => {
    const young = await YoungPersonClient.start(a, 'ti');
    await young.say('ኣብ ክፍሊ ዓጽዮምኒ ክወጽእ ኣይክእልን');
    // The danger path asks; whatever is answered, the young person can ask for a person.
    await young.waitFor((x) => x.type === 'message' && Boolean(x.suggestedActions?.actions?.length));
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor(isEvent('handoff.status', 'waiting'));
    const erik = await CounsellorClient.login(b, 'erik', ['nl']);
    const queue = await erik.api<QueueItem[]>('GET', '/api/staff/queue');
    const row = queue.body.find((q) => q.conversationId === young.conversationId);
    expect(row?.triage.categories).toContain('confinement');
    expect(row?.priority).toBe('danger');
  });
});

/**
 * The handoff end to end against real Redis, with two app instances on one Redis: the young person
 * on instance A, counsellors on instance B. Priority, language routing, claim race, cancel, timeout,
 * opening hours, transfer, end, and a console that reconnects without losing messages.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { liveConsole } from '../helpers/liveConsole.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { Translator } from '../../texts/Translator.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

const isEvent = (name: string, state?: string) => (a: Activity) =>
  a.type === 'event' && a.name === name && (state === undefined || (a.value as { state?: string } | undefined)?.state === state);

async function pair(overrides: Parameters<typeof startLantern>[0] = {}, openingHours = OpeningHours.always(), now?: () => number): Promise<[LanternInstance, LanternInstance]> {
  const shared = { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('handoff'), port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false, ...overrides };
  const a = await startLantern(shared, { openingHours, now });
  const b = await startLantern(shared, { openingHours, now });
  return [a, b];
}

async function askForPerson(young: YoungPersonClient): Promise<void> {
  await young.say('x', { command: 'talk_to_human' });
  await young.waitFor(isEvent('handoff.status', 'waiting'));
}

const live = liveConsole;

describe('handoff across two app instances', () => {
  let a: LanternInstance;
  let b: LanternInstance;
  beforeAll(async () => {
    [a, b] = await pair();
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  it('queues, is claimed on the other instance, relays both ways, and ends with the bot back', async () => {
    const young = await YoungPersonClient.start(a, 'ar');
    await askForPerson(young);
    const anna = await CounsellorClient.login(b, 'anna', ['ar', 'nl']);
    const queue = await anna.api<Array<{ conversationId: string; language: string; priority: string; danger: boolean }>>('GET', '/api/staff/queue');
    expect(queue.body).toContainEqual(expect.objectContaining({ conversationId: young.conversationId, language: 'ar', priority: 'normal', danger: false }));

    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    await young.waitFor(isEvent('handoff.status', 'accepted'));

    // The bot is silent now; the young person's words reach the counsellor exactly as written.
    const before = young.seen.length;
    await young.say('مرحبا، أحتاج مساعدة');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await young.read()).filter((x) => x.from?.role === 'bot')).toEqual([]);
    expect(young.seen.length).toBeGreaterThan(before);
    const detail = await anna.api<{ transcript: Array<{ sender: string; text?: string; language?: string }>; summary: { nl: Array<{ label: string; value: string }> } }>(
      'GET',
      `/api/staff/conversations/${young.conversationId}`,
    );
    expect(detail.body.transcript).toContainEqual(expect.objectContaining({ sender: 'young_person', text: 'مرحبا، أحتاج مساعدة', language: 'ar' }));
    expect(detail.body.summary.nl).toContainEqual({ label: 'Taal', value: 'Arabisch' });

    await anna.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: 'Hallo, ik ben er.' });
    await young.waitFor((x) => x.text === 'Hallo, ik ben er.' && (x.channelData as { lantern?: { sender?: string } })?.lantern?.sender === 'counsellor');
    // A phrase from the phrasebook reaches the young person in Arabic (the former quick-reply route and key still work).
    const reply = await anna.api<{ id: string }>('POST', `/api/staff/conversations/${young.conversationId}/quick-replies`, { key: 'safeNow' });
    expect(reply.status).toBe(200);
    const arabic = a.handoff.phrasebook.text('ar', 'safety.safeNow');
    expect(arabic).toBeTruthy();
    await young.waitFor((x) => x.text === arabic);

    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'nonsense' })).status).toBe(400);
    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given', note: 'Veiligheid besproken.' })).status).toBe(200);
    await young.waitFor(isEvent('handoff.status', 'completed'));
    await young.waitFor((x) => x.type === 'message' && Boolean(x.suggestedActions?.actions?.length));
    expect((await anna.api('GET', `/api/staff/conversations/${young.conversationId}`)).status).toBe(404);
  });

  it('two counsellors on two instances can never take one conversation', async () => {
    const young = await YoungPersonClient.start(a, 'nl');
    await askForPerson(young);
    const [c1, c2] = await Promise.all([CounsellorClient.login(a, 'bert', ['nl']), CounsellorClient.login(b, 'carla', ['nl'])]);
    const results = await Promise.all([
      c1.api('POST', `/api/staff/conversations/${young.conversationId}/claim`),
      c2.api('POST', `/api/staff/conversations/${young.conversationId}/claim`),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('danger comes first, and claim-next routes by language with interpreter-needed as the fallback', async () => {
    const ti = await YoungPersonClient.start(a, 'ti');
    await askForPerson(ti);
    const ar = await YoungPersonClient.start(a, 'ar');
    await askForPerson(ar);
    const danger = await YoungPersonClient.start(b, 'en');
    await danger.say('x', { command: 'menu' });
    await danger.say('Am I in danger?', { choice: 'danger' });
    await danger.say('Yes', { choice: 'yes' });
    await danger.waitFor(isEvent('handoff.status', 'waiting'));

    const dina = await CounsellorClient.login(b, 'dina', ['ar']);
    const console = live(b, dina); // on duty: heartbeat over the live socket
    await console.opened;
    await console.waitFor((m) => m.type === 'queue');
    const queue = (await dina.api<Array<{ conversationId: string; priority: string; interpreterNeeded: boolean }>>('GET', '/api/staff/queue')).body;
    const mine = queue.filter((q) => [ti, ar, danger].some((y) => y.conversationId === q.conversationId));
    expect(mine[0]).toMatchObject({ conversationId: danger.conversationId, priority: 'danger' });
    expect(mine.find((q) => q.conversationId === ti.conversationId)?.interpreterNeeded).toBe(true);
    expect(mine.find((q) => q.conversationId === ar.conversationId)?.interpreterNeeded).toBe(false);

    // Danger first, for everyone: Dina does not speak English, but nobody skips a child in danger.
    const first = await dina.api<{ conversationId: string; interpreterNeeded: boolean }>('POST', '/api/staff/queue/next');
    expect(first.body).toMatchObject({ conversationId: danger.conversationId, interpreterNeeded: true });
    // Then a language she speaks, before the older Tigrinya one.
    const second = await dina.api<{ conversationId: string }>('POST', '/api/staff/queue/next');
    expect(second.body.conversationId).toBe(ar.conversationId);
    console.socket.close();
  });

  it('the young person can stop waiting and keep talking to the bot', async () => {
    const young = await YoungPersonClient.start(a, 'en');
    await askForPerson(young);
    const eve = await CounsellorClient.login(a, 'eve', ['en']);
    expect((await eve.api<Array<{ conversationId: string }>>('GET', '/api/staff/queue')).body.map((q) => q.conversationId)).toContain(young.conversationId);
    await young.say('Stop waiting', { choice: 'cancel_waiting' });
    await young.waitFor(isEvent('handoff.status', 'failed'));
    expect((await eve.api<Array<{ conversationId: string }>>('GET', '/api/staff/queue')).body.map((q) => q.conversationId)).not.toContain(young.conversationId);
    expect((await eve.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(409);
  });

  it('transfers to a colleague and back to the queue', async () => {
    const young = await YoungPersonClient.start(a, 'nl');
    await askForPerson(young);
    const fleur = await CounsellorClient.login(a, 'fleur', ['nl']);
    const gijs = await CounsellorClient.login(b, 'gijs', ['nl']);
    await fleur.api('POST', `/api/staff/conversations/${young.conversationId}/claim`);
    expect((await fleur.api('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'nobody-here' })).status).toBe(400);
    // Only to a colleague on duty: Gijs has not opened the console yet.
    await a.redis.zrem(a.keys.counsellorPresence(), 'gijs');
    const notOnDuty = await fleur.api<{ error: { code: string } }>('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'gijs' });
    expect([notOnDuty.status, notOnDuty.body.error.code]).toEqual([409, 'ColleagueNotOnDuty']);
    await gijs.api('GET', '/api/staff/queue'); // now he is
    expect((await fleur.api('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'gijs', note: 'Spreekt over schulden.' })).status).toBe(200);
    expect((await gijs.api<{ handover: { from: string; note: string } }>('GET', `/api/staff/conversations/${young.conversationId}`)).body.handover).toMatchObject({ from: 'fleur', note: 'Spreekt over schulden.' });
    expect((await fleur.api('GET', `/api/staff/conversations/${young.conversationId}`)).status).toBe(404);
    expect((await gijs.api('GET', `/api/staff/conversations/${young.conversationId}`)).status).toBe(200);
    expect((await gijs.api('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'queue' })).status).toBe(200);
    await young.waitFor((x) => isEvent('handoff.status', 'waiting')(x) && young.seen.some(isEvent('handoff.status', 'accepted')));
    expect((await gijs.api<Array<{ conversationId: string }>>('GET', '/api/staff/queue')).body.map((q) => q.conversationId)).toContain(young.conversationId);
  });

  it('a console that reconnects with its watermark misses nothing and shows nothing twice', async () => {
    const young = await YoungPersonClient.start(a, 'en');
    await askForPerson(young);
    const hanna = await CounsellorClient.login(b, 'hanna', ['en']);
    await hanna.api('POST', `/api/staff/conversations/${young.conversationId}/claim`);
    const detail = await hanna.api<{ watermark: string; transcript: Array<{ id: string }> }>('GET', `/api/staff/conversations/${young.conversationId}`);
    // While the console is away, the young person writes twice (on the other instance).
    await young.say('first while away');
    await young.say('second while away');
    const console = live(b, hanna);
    await console.opened;
    console.send({ type: 'subscribe', conversationId: young.conversationId, watermark: detail.body.watermark });
    await console.waitFor((m) => m.type === 'activities' && JSON.stringify(m).includes('second while away'));
    const lines = console.messages.filter((m) => m.type === 'activities').flatMap((m) => m.lines as Array<{ id: string; text?: string }>);
    expect(lines.map((l) => l.text).filter((t) => t?.includes('while away'))).toEqual(['first while away', 'second while away']);
    expect(lines.some((l) => detail.body.transcript.some((t) => t.id === l.id))).toBe(false);
    // Live: a new message arrives once.
    await young.say('third, live');
    await console.waitFor((m) => m.type === 'activities' && JSON.stringify(m).includes('third, live'));
    const thirds = console.messages.filter((m) => m.type === 'activities').flatMap((m) => m.lines as Array<{ text?: string }>).filter((l) => l.text === 'third, live');
    expect(thirds).toHaveLength(1);
    console.socket.close();
  });

  it('a counsellor with an open console is on duty for colleagues, and off duty at once after logging out', async () => {
    const ivo = await CounsellorClient.login(a, 'ivo', ['ti']);
    const jet = await CounsellorClient.login(b, 'jet', ['nl']);
    const console = live(a, ivo);
    await console.opened;
    await console.waitFor((m) => m.type === 'queue');
    const onDuty = async () => (await jet.api<Array<{ username: string }>>('GET', '/api/staff/colleagues')).body.map((c) => c.username);
    expect(await onDuty()).toContain('ivo');
    expect((await ivo.api('POST', '/api/staff/logout')).status).toBe(204);
    expect(await onDuty()).not.toContain('ivo');
    console.socket.close();
  });

  it('refuses the console to anyone without a counsellor session', async () => {
    expect((await fetch(`${b.url}/api/staff/queue`)).status).toBe(401);
    const socket = new WebSocket(`${b.url.replace('http', 'ws')}/api/staff/live`);
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(4401);
  });
});

describe('handoff timing and opening hours', () => {
  it('after a long wait offers the 24/7 alternatives and the choice to keep waiting', async () => {
    const [a, b] = await pair({ handoffWaitTimeoutSeconds: 1, handoffTickMs: 200 });
    try {
      const young = await YoungPersonClient.start(a, 'en');
      await askForPerson(young);
      const offer = await young.waitFor((x) => x.type === 'message' && (x.suggestedActions?.actions ?? []).some((act) => (act.value as { command?: string })?.command === 'keep_waiting'), 15_000);
      expect(offer.text).toBe(new Translator({ variables: { retentionHours: 48 } }).forLanguage('en')('handoff:keepWaitingQuestion'));
      expect(young.seen.some((x) => x.type === 'message' && x.text?.includes('0800-2000'))).toBe(true);
      await young.say('Keep waiting', { command: 'keep_waiting' });
      const queue = await a.handoff.queueItems();
      expect(queue.map((q) => q.conversationId)).toContain(young.conversationId);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('outside opening hours queues nothing and says when people are back', async () => {
    const closed = new OpeningHours({ timeZone: 'Europe/Amsterdam', weekly: { mon: [['09:00', '17:00']] }, holidays: [] });
    const sunday = new Date('2026-11-22T12:00:00Z').getTime(); // a Sunday afternoon in Amsterdam
    const [a, b] = await pair({}, closed, () => sunday);
    try {
      const young = await YoungPersonClient.start(a, 'nl');
      await young.say('x', { command: 'talk_to_human' });
      await young.waitFor(isEvent('handoff.status', 'failed'));
      expect(young.seen.some((x) => x.text?.includes('maandag'))).toBe(true);
      expect(young.seen.some((x) => x.text?.includes('0800-2000'))).toBe(true);
      expect(await a.handoff.queueItems()).toEqual([]);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

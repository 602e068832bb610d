/**
 * The team lead and the interpreter (issue "The console for a Dutch counsellor…", items 4, 7, 9):
 * a counsellor invites an interpreter by a one-time link, the interpreter joins (once), reads only
 * the chat since they joined, writes in it, and the young person is told in their language; a team
 * lead sees every open conversation and counsellor, takes over, reassigns and returns a
 * conversation, and the counsellor who had it is told; every action is one audit entry, without text.
 * Real Redis, real HTTP, two app instances.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConversationDetail, InterpreterLink, InterpreterView, InterpretingService, SessionItem, TeamView } from '../../contracts/counsellorApi.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { liveConsole, waitUntil } from '../helpers/liveConsole.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

const isEvent = (name: string, state?: string) => (a: Activity) =>
  a.type === 'event' && a.name === name && (state === undefined || (a.value as { state?: string } | undefined)?.state === state);

/** An interpreter's browser: a cookie jar of one cookie. */
class InterpreterClient {
  cookie = '';
  constructor(private readonly lantern: LanternInstance) {}
  async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.lantern.url}${path}`, {
      method,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0] ?? '';
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

describe('an interpreter who joins by link, and a team lead who steers', () => {
  let a: LanternInstance;
  let b: LanternInstance;
  beforeAll(async () => {
    const shared = { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('team'), port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false };
    a = await startLantern(shared, { openingHours: OpeningHours.always() });
    b = await startLantern(shared, { openingHours: OpeningHours.always() });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  async function waiting(language: string): Promise<YoungPersonClient> {
    const young = await YoungPersonClient.start(a, language);
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor(isEvent('handoff.status', 'waiting'));
    return young;
  }

  async function auditOf(conversationId: string) {
    const reference = await a.app.audit.reference(conversationId);
    return (await a.app.audit.list({ conversation: reference })).entries;
  }

  it('joins once by the link, sees only the chat since then, writes in it, and the young person is told', async () => {
    const young = await waiting('ti');
    await young.say('ሰላም'); // before the interpreter: never shown to them
    const anna = await CounsellorClient.login(b, 'anna-i', ['nl']);
    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    await young.waitFor(isEvent('handoff.status', 'accepted'));
    const annaConsole = liveConsole(b, anna);
    await annaConsole.opened;

    const service = await anna.api<InterpretingService>('GET', '/api/staff/interpreting');
    expect(service.body.phone).toMatch(/^[+0-9][0-9 ()-]+$/);

    const made = await anna.api<InterpreterLink>('POST', `/api/staff/conversations/${young.conversationId}/interpreter`);
    expect(made.status).toBe(201);
    expect(made.body.url).toMatch(/^\/interpreter#[A-Za-z0-9_-]{32}$/);
    const token = made.body.url.split('#')[1]!;
    // A colleague cannot make one for a conversation that is not theirs.
    const bob = await CounsellorClient.login(a, 'bob-i', ['nl']);
    expect((await bob.api('POST', `/api/staff/conversations/${young.conversationId}/interpreter`)).status).toBe(404);

    const interpreter = new InterpreterClient(a);
    expect((await interpreter.call('GET', '/api/interpreter/conversation')).body).toMatchObject({ ended: true });
    expect((await interpreter.call('POST', '/api/interpreter/session', { token: 'x'.repeat(32) })).status).toBe(404);
    expect((await interpreter.call('POST', '/api/interpreter/session', { token: 42 })).status).toBe(404);
    const joined = await interpreter.call<InterpreterView>('POST', '/api/interpreter/session', { token });
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ language: 'ti', ended: false, lines: [] });
    // Once only: a second browser with the same link gets nothing.
    const other = new InterpreterClient(b);
    expect((await other.call('POST', '/api/interpreter/session', { token })).status).toBe(404);

    // The young person is told, in Tigrinya; the counsellor's console sees it.
    const told = await young.waitFor((x) => x.type === 'message' && (x.text ?? '').includes('ተርጓሚ'));
    expect(told.text).toContain('ምስጢር');
    await annaConsole.waitFor((m) => m.type === 'interpreter' && m.conversationId === young.conversationId && m.joined === true);
    const mine = await anna.api<SessionItem[]>('GET', '/api/staff/conversations');
    expect(mine.body.find((s) => s.conversationId === young.conversationId)?.interpreter?.joinedAt).toBeTruthy();

    await young.say('ክሕግዙኒ ይኽእሉ ድዮም?');
    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: 'Hoe gaat het met je?' })).status).toBe(200);
    const sent = await interpreter.call<{ id: string }>('POST', '/api/interpreter/messages', { text: 'ከመይ ኣለኹም?' });
    expect(sent.status).toBe(201);
    expect((await interpreter.call('POST', '/api/interpreter/messages', { text: '   ' })).status).toBe(400);
    expect((await interpreter.call('POST', '/api/interpreter/messages', { text: { no: 1 } })).status).toBe(400);
    const seen = await interpreter.call<InterpreterView>('GET', '/api/interpreter/conversation');
    expect(seen.body.lines.map((l) => [l.sender, l.text])).toEqual([
      ['young_person', 'ክሕግዙኒ ይኽእሉ ድዮም?'],
      ['counsellor', 'Hoe gaat het met je?'],
      ['interpreter', 'ከመይ ኣለኹም?'],
    ]);
    const newer = await interpreter.call<InterpreterView>('GET', `/api/interpreter/conversation?after=${encodeURIComponent(seen.body.watermark!)}`);
    expect(newer.body.lines).toEqual([]);
    expect((await interpreter.call('GET', '/api/interpreter/conversation?after=nonsense')).status).toBe(200);
    // The young person sees the interpreter's message as a person's; the counsellor's transcript labels it.
    await young.waitFor((x) => x.type === 'message' && (x.channelData as { lantern?: { sender?: string } } | undefined)?.lantern?.sender === 'interpreter');
    const detail = await anna.api<ConversationDetail>('GET', `/api/staff/conversations/${young.conversationId}`);
    expect(detail.body.transcript.some((l) => l.sender === 'interpreter' && l.text === 'ከመይ ኣለኹም?')).toBe(true);

    // The counsellor withdraws the link: the interpreter is out at once, the young person is told.
    expect((await anna.api('DELETE', `/api/staff/conversations/${young.conversationId}/interpreter`)).status).toBe(204);
    expect((await interpreter.call<InterpreterView>('GET', '/api/interpreter/conversation')).body.ended).toBe(true);
    expect((await interpreter.call('POST', '/api/interpreter/messages', { text: 'nog iets' })).status).toBe(401);
    await young.waitFor((x) => x.type === 'message' && x.text === 'ተርጓሚ ካብዚ ዕላል ወጺኡ ኣሎ። ሕጂ\'ውን ምስ ኣማኻሪ ኢኹም ትዛረቡ ዘለኹም።');
    expect((await anna.api('DELETE', `/api/staff/conversations/${young.conversationId}/interpreter`)).status).toBe(404);

    // A new link ends with the conversation.
    const again = await anna.api<InterpreterLink>('POST', `/api/staff/conversations/${young.conversationId}/interpreter`);
    const second = new InterpreterClient(b);
    expect((await second.call('POST', '/api/interpreter/session', { token: again.body.url.split('#')[1] })).status).toBe(201);
    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given' })).status).toBe(200);
    expect((await second.call<InterpreterView>('GET', '/api/interpreter/conversation')).body.ended).toBe(true);
    const keys = await a.redis.keys(`${a.keys.prefix}handoff:interpreter*`);
    expect(keys).toEqual([]);

    const actions = (await auditOf(young.conversationId)).map((e) => e.action).reverse();
    expect(actions).toEqual([
      'conversation.claimed',
      'interpreter.link-created',
      'interpreter.joined',
      'conversation.viewed',
      'interpreter.removed',
      'interpreter.link-created',
      'interpreter.joined',
      'conversation.ended',
    ]);
    annaConsole.socket.close();
  });

  it('a team lead sees everyone, takes over, reassigns and returns; the counsellor who had it is told', async () => {
    const first = await waiting('ar');
    const second = await waiting('nl');
    const carla = await CounsellorClient.login(b, 'carla-t', ['nl', 'ar']);
    const dirk = await CounsellorClient.login(a, 'dirk-t', ['nl']);
    const lead = await CounsellorClient.login(a, 'lead-t', ['nl', 'en'], undefined, 'teamlead');
    const carlaConsole = liveConsole(b, carla);
    await carlaConsole.opened;
    await dirk.api('GET', '/api/staff/queue'); // on duty
    expect((await carla.api('GET', '/api/staff/team')).status).toBe(403);
    expect((await carla.api('POST', `/api/staff/conversations/${first.conversationId}/takeover`)).status).toBe(403);

    expect((await carla.api('POST', `/api/staff/conversations/${first.conversationId}/claim`)).status).toBe(200);
    const team = await lead.api<TeamView>('GET', '/api/staff/team');
    expect(team.status).toBe(200);
    const talking = team.body.conversations.find((c) => c.conversationId === first.conversationId);
    expect(talking).toMatchObject({ state: 'talking', counsellor: 'carla-t', language: 'ar' });
    expect(talking?.reference).toBe(await a.app.audit.reference(first.conversationId));
    expect(team.body.conversations.find((c) => c.conversationId === second.conversationId)).toMatchObject({ state: 'waiting', language: 'nl' });
    expect(team.body.counsellors.find((c) => c.username === 'carla-t')).toMatchObject({ open: 1, onDuty: true, role: 'counsellor' });

    // Take over from carla: she is told who took it; the young person that another counsellor continues.
    const taken = await lead.api<SessionItem>('POST', `/api/staff/conversations/${first.conversationId}/takeover`);
    expect(taken.status).toBe(200);
    await carlaConsole.waitFor((m) => m.type === 'reassigned' && m.conversationId === first.conversationId && m.by === 'lead-t' && m.to === 'lead-t');
    await first.waitFor((x) => x.type === 'message' && (x.text ?? '').includes('مختص آخر'));
    expect((await carla.api('GET', `/api/staff/conversations/${first.conversationId}`)).status).toBe(404);

    // Reassign to dirk (on duty, room); to someone not on duty is refused with a code.
    expect((await lead.api<{ error: { code: string } }>('POST', `/api/staff/conversations/${first.conversationId}/reassign`, { to: 'nobody' })).body.error.code).toBe('HandoffRequestError');
    expect((await lead.api('POST', `/api/staff/conversations/${first.conversationId}/reassign`, {})).status).toBe(400);
    const moved = await lead.api<SessionItem>('POST', `/api/staff/conversations/${first.conversationId}/reassign`, { to: 'dirk-t' });
    expect(moved.status).toBe(200);
    await waitUntil(async () => (await dirk.api<SessionItem[]>('GET', '/api/staff/conversations')).body.some((s) => s.conversationId === first.conversationId), 5_000, 'dirk has it');
    // A waiting conversation can be given too.
    expect((await lead.api('POST', `/api/staff/conversations/${second.conversationId}/reassign`, { to: 'carla-t' })).status).toBe(200);
    await carlaConsole.waitFor((m) => m.type === 'sessions' && (m.items as SessionItem[]).some((s) => s.conversationId === second.conversationId));

    // Return to the list: back in line, carla is told.
    expect((await lead.api('POST', `/api/staff/conversations/${second.conversationId}/return`)).status).toBe(200);
    await carlaConsole.waitFor((m) => m.type === 'reassigned' && m.conversationId === second.conversationId && m.to === 'queue');
    await second.waitFor(isEvent('handoff.status', 'waiting'));
    expect((await lead.api('POST', `/api/staff/conversations/${second.conversationId}/return`)).status).toBe(404);

    const firstAudit = (await auditOf(first.conversationId)).map((e) => [e.by, e.action, e.target]).reverse();
    expect(firstAudit).toEqual([
      ['carla-t', 'conversation.claimed', undefined],
      ['lead-t', 'conversation.taken-over', 'carla-t'],
      ['lead-t', 'conversation.reassigned', 'dirk-t'],
    ]);
    const secondAudit = (await auditOf(second.conversationId)).map((e) => [e.by, e.action, e.target, e.detail]).reverse();
    expect(secondAudit).toEqual([
      ['lead-t', 'conversation.reassigned', 'carla-t', undefined],
      ['lead-t', 'conversation.returned', 'carla-t', 'teamlead'],
    ]);
    // No entry holds any text: only codes, usernames and references.
    const raw = await a.redis.xrange(a.keys.auditTrail(), '-', '+');
    const text = JSON.stringify(raw);
    for (const secret of ['ክሕግዙኒ', 'Hoe gaat het', 'ከመይ', first.conversationId, second.conversationId]) expect(text).not.toContain(secret);
    carlaConsole.socket.close();
  });
  it('every conversation action of a counsellor is one audit entry; messages and phrases are in the transcript, not the audit', async () => {
    const young = await waiting('nl');
    const eva = await CounsellorClient.login(a, 'eva-a', ['nl']);
    const finn = await CounsellorClient.login(b, 'finn-a', ['nl']);
    await finn.api('GET', '/api/staff/queue'); // on duty
    expect((await eva.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    expect((await eva.api('GET', `/api/staff/conversations/${young.conversationId}`)).status).toBe(200);
    expect((await eva.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: 'Hoi, ik ben Eva.' })).status).toBe(200);
    expect((await eva.api('POST', `/api/staff/conversations/${young.conversationId}/phrases`, { key: 'safety.safeNow' })).status).toBe(200);
    expect((await eva.api('POST', `/api/staff/conversations/${young.conversationId}/notes`, { text: 'Geheime notitie' })).status).toBe(201);
    expect((await eva.api('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'finn-a', note: 'Overdracht' })).status).toBe(200);
    expect((await finn.api('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'queue' })).status).toBe(200);
    expect((await finn.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    expect((await finn.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given', note: 'Slotnotitie' })).status).toBe(200);
    // Refused actions write nothing.
    expect((await eva.api('POST', `/api/staff/conversations/${young.conversationId}/notes`, { text: 'te laat' })).status).toBe(404);

    const entries = (await auditOf(young.conversationId)).map((e) => [e.by, e.action, e.target, e.detail]).reverse();
    expect(entries).toEqual([
      ['eva-a', 'conversation.claimed', undefined, undefined],
      ['eva-a', 'conversation.viewed', undefined, undefined],
      ['eva-a', 'note.added', undefined, undefined],
      ['eva-a', 'conversation.transferred', 'finn-a', undefined],
      ['finn-a', 'conversation.returned', undefined, undefined],
      ['finn-a', 'conversation.claimed', undefined, undefined],
      ['finn-a', 'conversation.ended', undefined, 'information_given'],
    ]);
    const raw = JSON.stringify(await a.redis.xrange(a.keys.auditTrail(), '-', '+'));
    for (const secret of ['Hoi, ik ben Eva', 'Geheime notitie', 'Overdracht', 'Slotnotitie', young.conversationId]) expect(raw).not.toContain(secret);
  });
});

/**
 * "The same counsellor when on duty" (issue 16, item 4), over real HTTP against real Redis: a young
 * person whose chat with a counsellor ended comes back (with a return code, on a "new device") and
 * asks for a person again. While that counsellor is on duty with room, the waiting-list entry is
 * offered to them first — marked "was with you before" on their list only, with an alert on their
 * console — for a short configured time; everyone else sees an ordinary row and may claim it at any
 * moment; "next" of the others passes it over meanwhile, except in danger, which keeps its place.
 * Afterwards, or as soon as that counsellor goes off duty, it is for everyone. Off duty at the
 * request: an ordinary request. "Delete my conversation" erases the remembered counsellor.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { QueueItem, SessionItem } from '../../contracts/counsellorApi.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { liveConsole, waitUntil, type LiveConsole } from '../helpers/liveConsole.js';
import { uniquePrefix } from '../helpers/redis.js';

const isStatus = (state: string) => (a: Activity) => a.type === 'event' && a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === state;

async function lanternWith(overrides: Parameters<typeof startLantern>[0]): Promise<LanternInstance> {
  return startLantern(
    { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('samecounsellor'), port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false, ...overrides },
    { openingHours: OpeningHours.always() },
  );
}

/** Something that speaks Direct Line for one conversation: the first phone, or a "new device". */
interface Chat {
  conversationId: string;
  seen: Activity[];
  say(text: string, value?: unknown): Promise<Response>;
  waitFor(predicate: (activity: Activity) => boolean, timeoutMs?: number): Promise<Activity>;
}

/** The young person on another device, with the token a return code bought. */
class NewDevice implements Chat {
  readonly seen: Activity[] = [];
  private watermark: string | undefined;

  private constructor(
    private readonly lantern: LanternInstance,
    readonly conversationId: string,
    private readonly token: string,
  ) {}

  /** Trades the code for a token of the same conversation (`POST /tokens/generate {returnCode}`). */
  static async withCode(lantern: LanternInstance, code: string): Promise<NewDevice> {
    const response = await fetch(`${lantern.url}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ returnCode: code }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; conversationId: string };
    return new NewDevice(lantern, body.conversationId, body.token);
  }

  say(text: string, value?: unknown): Promise<Response> {
    return fetch(`${this.lantern.url}/v3/directline/conversations/${this.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'x' }, text, ...(value === undefined ? {} : { value }) }),
    });
  }

  async waitFor(predicate: (activity: Activity) => boolean, timeoutMs = 10_000): Promise<Activity> {
    return waitUntil(async () => {
      const found = this.seen.find(predicate);
      if (found) return found;
      const query = this.watermark ? `?watermark=${encodeURIComponent(this.watermark)}` : '';
      const response = await fetch(`${this.lantern.url}/v3/directline/conversations/${this.conversationId}/activities${query}`, { headers: { authorization: `Bearer ${this.token}` } });
      const set = (await response.json()) as { activities: Activity[]; watermark?: string };
      this.watermark = set.watermark ?? this.watermark;
      this.seen.push(...set.activities);
      return this.seen.find(predicate);
    }, timeoutMs, 'an activity on the new device');
  }
}

async function askForPerson(young: Chat): Promise<void> {
  const before = young.seen.length;
  expect((await young.say('x', { command: 'talk_to_human' })).status).toBe(200);
  await young.waitFor((a) => young.seen.indexOf(a) >= before && isStatus('waiting')(a));
}

/** Asks the bot for a return code (the event the page sends) and returns it. */
async function askCode(young: YoungPersonClient): Promise<string> {
  const before = young.seen.length;
  await young.post({ type: 'event', name: 'lantern.returnCode' });
  const reply = await young.waitFor((a) => young.seen.indexOf(a) >= before && typeof (a.channelData as { returnCode?: unknown } | undefined)?.returnCode === 'string');
  return (reply.channelData as { returnCode: string }).returnCode;
}

/** `counsellor` claims the conversation, writes, and ends it with an outcome: the bot is back. */
async function chatAndEnd(counsellor: CounsellorClient, young: YoungPersonClient): Promise<void> {
  await askForPerson(young);
  expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
  await young.waitFor(isStatus('accepted'));
  expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: 'Hallo' })).status).toBe(200);
  expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given' })).status).toBe(200);
  await young.waitFor(isStatus('completed'));
}

async function queueOf(counsellor: CounsellorClient): Promise<QueueItem[]> {
  const answer = await counsellor.api<QueueItem[]>('GET', '/api/staff/queue');
  expect(answer.status).toBe(200);
  return answer.body;
}

async function rowOf(counsellor: CounsellorClient, conversationId: string): Promise<QueueItem | undefined> {
  return (await queueOf(counsellor)).find((item) => item.conversationId === conversationId);
}

/** Nothing on a row says anything about another counsellor. */
function expectOrdinary(row: QueueItem | undefined, names: string[]): void {
  expect(row).toBeDefined();
  expect(row!.preferredForYou).toBeUndefined();
  expect(row!.preferredCounsellor).toBeUndefined();
  expect(row!.preferredSecondsLeft).toBeUndefined();
  for (const name of names) expect(JSON.stringify(row)).not.toContain(name);
}

const preferredAlert = (conversationId: string) => (m: Record<string, unknown>) => m.type === 'alert' && m.kind === 'preferred' && m.conversationId === conversationId;

describe('the same counsellor when on duty', () => {
  let lantern: LanternInstance;
  const consoles: LiveConsole[] = [];
  beforeAll(async () => {
    lantern = await lanternWith({ preferredCounsellorSeconds: 600 });
  });
  afterAll(async () => {
    for (const console of consoles) console.socket.close();
    await lantern.stop();
  });

  async function openConsole(counsellor: CounsellorClient): Promise<LiveConsole> {
    const console = liveConsole(lantern, counsellor);
    consoles.push(console);
    await console.opened;
    return console;
  }

  it('back with a code on a new device: offered to the counsellor who had it, alerted; a colleague sees an ordinary row and can still claim it', async () => {
    const anna = await CounsellorClient.login(lantern, 'anna', ['ar', 'nl']);
    const bert = await CounsellorClient.login(lantern, 'bert', ['ar', 'nl']);
    const lead = await CounsellorClient.login(lantern, 'lotte', ['nl'], undefined, 'teamlead');
    const annaLive = await openConsole(anna);
    const bertLive = await openConsole(bert);

    const young = await YoungPersonClient.start(lantern, 'ar');
    await chatAndEnd(anna, young);
    // Remembered: who had it (a staff name, in the conversation's own key), expiring with the conversation.
    const key = lantern.keys.handoffLastCounsellor(young.conversationId);
    expect(key).toContain(`{${young.conversationId}}`);
    expect(await lantern.redis.get(key)).toBe('anna');
    const ttl = await lantern.redis.ttl(key);
    expect(ttl).toBeGreaterThan(lantern.config.conversationTtlSeconds - 60);
    expect(ttl).toBeLessThanOrEqual(lantern.config.conversationTtlSeconds);

    // Another device, with the code; asks for a person there.
    const code = await askCode(young);
    const device = await NewDevice.withCode(lantern, code);
    expect(device.conversationId).toBe(young.conversationId);
    await askForPerson(device);

    // Anna: "was with you before", for a while; her console is alerted.
    const annaRow = await rowOf(anna, young.conversationId);
    expect(annaRow).toMatchObject({ preferredForYou: true, cameBackWithCode: true, position: 1 });
    expect(annaRow!.preferredSecondsLeft).toBeGreaterThan(500);
    expect(annaRow!.preferredSecondsLeft).toBeLessThanOrEqual(600);
    expect(annaRow!.preferredCounsellor).toBeUndefined();
    await annaLive.waitFor(preferredAlert(young.conversationId));
    await annaLive.waitFor((m) => m.type === 'queue' && (m.items as QueueItem[]).some((item) => item.conversationId === young.conversationId && item.preferredForYou === true));

    // Bert: an ordinary row, no name; on his live list too.
    expectOrdinary(await rowOf(bert, young.conversationId), ['anna']);
    await bertLive.waitFor((m) => m.type === 'queue' && (m.items as QueueItem[]).some((item) => item.conversationId === young.conversationId));
    for (const message of bertLive.messages.filter((m) => m.type === 'queue')) {
      for (const item of message.items as QueueItem[]) expectOrdinary(item, ['anna']);
    }
    // A team lead sees to whom it is offered.
    expect(await rowOf(lead, young.conversationId)).toMatchObject({ preferredCounsellor: 'anna' });

    // Bert may claim it at any time: a claim is never blocked.
    const taken = await bert.api<SessionItem>('POST', `/api/staff/conversations/${young.conversationId}/claim`);
    expect(taken.status).toBe(200);
    expect(taken.body.wasWithYouBefore).toBeUndefined();
    await device.waitFor(isStatus('accepted'));
    expect((await bert.api<SessionItem>('GET', `/api/staff/conversations/${young.conversationId}`)).body.wasWithYouBefore).toBeUndefined();
    expect(JSON.stringify((await bert.api('GET', `/api/staff/conversations/${young.conversationId}`)).body)).not.toMatch(/"anna"|preferred/);
    // Only Anna's console was alerted.
    expect(bertLive.messages.filter((m) => m.type === 'alert' && m.kind === 'preferred')).toEqual([]);
    expect(annaLive.messages.filter((m) => m.type === 'alert' && m.kind === 'preferred')).toHaveLength(1);

    // Bert ends: now he is the one who had it last.
    expect((await bert.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given' })).status).toBe(200);
    expect(await lantern.redis.get(key)).toBe('bert');
  });

  it('"next" brings it to that counsellor first and passes it over for the others meanwhile; danger keeps its place and goes to whoever asks', async () => {
    const carla = await CounsellorClient.login(lantern, 'carla', ['en']);
    const dirk = await CounsellorClient.login(lantern, 'dirk', ['en']);
    const young = await YoungPersonClient.start(lantern, 'en');
    await chatAndEnd(carla, young);

    // Someone else asked earlier; then the young person asks again (same phone: any conversation).
    const earlier = await YoungPersonClient.start(lantern, 'en');
    await askForPerson(earlier);
    await askForPerson(young);
    expect((await rowOf(carla, young.conversationId))?.preferredForYou).toBe(true);
    // Carla's "next": the one who came back to her, before the one waiting longer.
    const carlaNext = await carla.api<SessionItem>('POST', '/api/staff/queue/next');
    expect(carlaNext.status).toBe(200);
    expect(carlaNext.body).toMatchObject({ conversationId: young.conversationId, wasWithYouBefore: true });
    await young.waitFor(isStatus('accepted'));
    const mine = await carla.api<SessionItem[]>('GET', '/api/staff/conversations');
    expect(mine.body.find((s) => s.conversationId === young.conversationId)?.wasWithYouBefore).toBe(true);
    // The chat panel's detail says so too.
    expect((await carla.api<SessionItem>('GET', `/api/staff/conversations/${young.conversationId}`)).body.wasWithYouBefore).toBe(true);
    expect((await carla.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given' })).status).toBe(200);

    // Dirk takes the one who waited longer.
    expect((await dirk.api('POST', `/api/staff/conversations/${earlier.conversationId}/claim`)).status).toBe(200);

    // Again, now first in line: Dirk's "next" passes it over and takes the one behind it.
    await askForPerson(young);
    const later = await YoungPersonClient.start(lantern, 'en');
    await askForPerson(later);
    expect((await rowOf(dirk, young.conversationId))?.position).toBeLessThan((await rowOf(dirk, later.conversationId))!.position);
    const dirkNext = await dirk.api<SessionItem>('POST', '/api/staff/queue/next');
    expect(dirkNext.status).toBe(200);
    expect(dirkNext.body.conversationId).toBe(later.conversationId);
    // Nothing else for Dirk's "next" while it waits for Carla (by hand he could still take it).
    expect((await dirk.api('POST', '/api/staff/queue/next')).status).toBe(204);

    // Danger while it waits: it moves to the front and goes to whoever asks, still marked for Carla.
    expect(await lantern.handoff.raise(young.conversationId, 'danger')).toBe(true);
    const row = await rowOf(carla, young.conversationId);
    expect(row).toMatchObject({ priority: 'danger', position: 1, preferredForYou: true });
    const dangerNext = await dirk.api<SessionItem>('POST', '/api/staff/queue/next');
    expect(dangerNext.status).toBe(200);
    expect(dangerNext.body).toMatchObject({ conversationId: young.conversationId, danger: true });
    expect(dangerNext.body.wasWithYouBefore).toBeUndefined();
  });

  it('off duty at the request: an ordinary request; going off duty during the offer makes it everyone\'s at once', async () => {
    const eva = await CounsellorClient.login(lantern, 'eva', ['ti']);
    const finn = await CounsellorClient.login(lantern, 'finn', ['ti']);
    const young = await YoungPersonClient.start(lantern, 'ti');
    await chatAndEnd(eva, young);
    expect((await eva.api('POST', '/api/staff/logout')).status).toBe(204);

    await askForPerson(young);
    expectOrdinary(await rowOf(finn, young.conversationId), ['eva']);
    // Back on duty later: it was an ordinary request, it stays one.
    const evaAgain = await CounsellorClient.login(lantern, 'eva', ['ti']);
    expectOrdinary(await rowOf(evaAgain, young.conversationId), ['eva']);
    const finnNext = await finn.api<SessionItem>('POST', '/api/staff/queue/next');
    expect(finnNext.body.conversationId).toBe(young.conversationId);
    expect((await finn.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given' })).status).toBe(200);

    // Finn had it last; he is on duty: offered to him. He logs out: everyone's at once.
    await askForPerson(young);
    expect((await rowOf(finn, young.conversationId))?.preferredForYou).toBe(true);
    expect((await evaAgain.api('POST', '/api/staff/queue/next')).status).toBe(204);
    expect((await finn.api('POST', '/api/staff/logout')).status).toBe(204);
    expectOrdinary(await rowOf(evaAgain, young.conversationId), ['finn']);
    const evaNext = await evaAgain.api<SessionItem>('POST', '/api/staff/queue/next');
    expect(evaNext.status).toBe(200);
    expect(evaNext.body.conversationId).toBe(young.conversationId);
    // Finn had it last, not Eva.
    expect(evaNext.body.wasWithYouBefore).toBeUndefined();
  });

  it('at capacity: an ordinary request', async () => {
    const gert = await CounsellorClient.login(lantern, 'gert', ['prs']);
    const hana = await CounsellorClient.login(lantern, 'hana', ['prs']);
    const young = await YoungPersonClient.start(lantern, 'prs');
    await chatAndEnd(gert, young);
    await lantern.app.staffStore.setMaxConversations('gert', 1);
    const busy = await YoungPersonClient.start(lantern, 'prs');
    await askForPerson(busy);
    expect((await gert.api('POST', `/api/staff/conversations/${busy.conversationId}/claim`)).status).toBe(200);

    await askForPerson(young);
    expectOrdinary(await rowOf(gert, young.conversationId), ['gert']);
    expect((await hana.api<SessionItem>('POST', '/api/staff/queue/next')).body.conversationId).toBe(young.conversationId);
  });

  it('"delete my conversation" erases the remembered counsellor', async () => {
    const ines = await CounsellorClient.login(lantern, 'ines', ['en']);
    const young = await YoungPersonClient.start(lantern, 'en');
    await chatAndEnd(ines, young);
    const key = lantern.keys.handoffLastCounsellor(young.conversationId);
    expect(await lantern.redis.get(key)).toBe('ines');
    await young.say('Delete my conversation', { command: 'delete_conversation' });
    await young.waitFor((a) => a.type === 'event' && a.name === 'lantern.deleted');
    await expect.poll(() => lantern.redis.exists(key), { timeout: 10_000 }).toBe(0);
  });
});

describe('after the short offer it is for everyone', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await lanternWith({ preferredCounsellorSeconds: 6 });
  });
  afterAll(() => lantern.stop());

  it('the mark goes, and the others\' "next" takes it', async () => {
    const jan = await CounsellorClient.login(lantern, 'jan', ['ar']);
    const kees = await CounsellorClient.login(lantern, 'kees', ['ar']);
    const young = await YoungPersonClient.start(lantern, 'ar');
    await chatAndEnd(jan, young);
    await askForPerson(young);
    expect((await rowOf(jan, young.conversationId))?.preferredForYou).toBe(true);
    expect((await kees.api('POST', '/api/staff/queue/next')).status).toBe(204);
    // Wait for the offer to end (never a fixed sleep); Jan stays on duty meanwhile (his list calls are heartbeats).
    await waitUntil(async () => {
      const row = await rowOf(jan, young.conversationId);
      return row !== undefined && row.preferredForYou === undefined;
    }, 15_000, 'the offer to end');
    expectOrdinary(await rowOf(jan, young.conversationId), ['jan']);
    const next = await kees.api<SessionItem>('POST', '/api/staff/queue/next');
    expect(next.status).toBe(200);
    expect(next.body.conversationId).toBe(young.conversationId);
  });
});

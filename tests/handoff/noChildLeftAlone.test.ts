/**
 * The seams of the handoff, against real Redis with two app instances: nothing is orphaned (logout,
 * a console gone past the grace period, an account removed, a session expired), access ends when it
 * ends (on the other instance too), one bad subscription never stops delivery for others, danger is
 * never skipped and keeps alerting from the server, capacity, young people who left, honest short
 * danger turns, and waiting as a conversation.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scanKeys } from '../../contracts/RedisHandle.js';
import { Translator } from '../../texts/Translator.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { liveConsole, waitUntil } from '../helpers/liveConsole.js';
import { uniquePrefix } from '../helpers/redis.js';

const t = new Translator({ variables: { retentionHours: 48 } });
const en = t.forLanguage('en');
const isStatus = (state: string) => (a: Activity) => a.type === 'event' && a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === state;

async function pair(overrides: Parameters<typeof startLantern>[0] = {}, openingHours = OpeningHours.always()): Promise<[LanternInstance, LanternInstance]> {
  const shared = { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('alone'), port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false, ...overrides };
  return [await startLantern(shared, { openingHours }), await startLantern(shared, { openingHours })];
}

const live = liveConsole;

async function askForPerson(young: YoungPersonClient): Promise<void> {
  await young.say('x', { command: 'talk_to_human' });
  await young.waitFor(isStatus('waiting'));
}

async function claimed(lantern: LanternInstance, name: string, languages: string[], young: YoungPersonClient): Promise<CounsellorClient> {
  const counsellor = await CounsellorClient.login(lantern, name, languages);
  const answer = await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/claim`);
  expect(answer.status).toBe(200);
  await young.waitFor(isStatus('accepted'));
  return counsellor;
}

const inQueue = async (lantern: LanternInstance, young: YoungPersonClient) => (await lantern.handoff.queueItems()).find((q) => q.conversationId === young.conversationId);

describe('nothing is orphaned, access ends when it ends', () => {
  let a: LanternInstance;
  let b: LanternInstance;
  beforeAll(async () => {
    [a, b] = await pair({ counsellorGraceSeconds: 1, handoffTickMs: 200, dangerRealertSeconds: 1 });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  it('logging out returns every conversation to the list at its original wait, tells the young person, alerts colleagues and closes the live view on the other instance', async () => {
    const young = await YoungPersonClient.start(a, 'en');
    await askForPerson(young);
    const requestedWait = (await inQueue(a, young))!.waitingSeconds;
    const kim = await claimed(b, 'kim', ['en'], young);
    const kimConsole = live(a, kim); // the console on the other instance
    await kimConsole.opened;
    await kimConsole.waitFor((m) => m.type === 'sessions');
    kimConsole.send({ type: 'subscribe', conversationId: young.conversationId });
    const lia = await CounsellorClient.login(a, 'lia', ['nl']);
    const liaConsole = live(b, lia);
    await liaConsole.opened;
    await liaConsole.waitFor((m) => m.type === 'queue');

    expect((await kim.api('POST', '/api/staff/logout')).status).toBe(204);

    await young.waitFor((x) => (x.text ?? '').startsWith(en('handoff:counsellorLeft', { position: '§' }).split('§')[0]!));
    expect(young.seen.filter(isStatus('waiting')).length).toBeGreaterThanOrEqual(2);
    const back = await waitUntil(() => inQueue(a, young), 5_000, 'back in the list');
    expect(back.returned).toBe(true);
    expect(back.waitingSeconds).toBeGreaterThanOrEqual(requestedWait);
    await liaConsole.waitFor((m) => m.type === 'alert' && m.kind === 'returned' && m.conversationId === young.conversationId);
    await waitUntil(async () => kimConsole.closeCode === 4401, 5_000, 'kim console closed');

    // And the bot answers the young person again, in their language: nobody is waiting for nobody.
    await young.say('I am scared, someone is outside');
    await young.waitFor((x) => x.text === en('handoff:waitingDanger'));
    expect((await inQueue(a, young))?.priority).toBe('danger');
    liaConsole.socket.close();
    await a.handoff.forget(young.conversationId);
  });

  it('a console gone longer than the grace period loses its conversations to the list', async () => {
    const young = await YoungPersonClient.start(a, 'nl');
    await askForPerson(young);
    const max = await claimed(a, 'max', ['nl'], young);
    const console = live(b, max);
    await console.opened;
    await console.waitFor((m) => m.type === 'sessions');
    console.socket.terminate(); // the browser is closed at the end of a shift
    await waitUntil(() => inQueue(a, young), 10_000, 'returned after the grace period');
    await young.waitFor((x) => (x.text ?? '').startsWith(t.forLanguage('nl')('handoff:counsellorLeft', { position: '§' }).split('§')[0]!));
    expect((await max.api('GET', `/api/staff/conversations/${young.conversationId}`)).status).toBe(404);
  });

  it('a removed account or an expired session loses its conversations too', async () => {
    const one = await YoungPersonClient.start(a, 'en');
    await askForPerson(one);
    const two = await YoungPersonClient.start(a, 'en');
    await askForPerson(two);
    const noor = await claimed(a, 'noor', ['en'], one);
    const omar = await claimed(b, 'omar', ['en'], two);
    const keepAlive = setInterval(() => {
      void noor.api('GET', '/api/staff/queue').catch(() => undefined);
      void omar.api('GET', '/api/staff/queue').catch(() => undefined);
    }, 200);
    try {
      // Removed on the command line (no hook): the sweep finds it.
      await a.app.staffStore.remove('noor');
      await a.app.staffSessions.revokeAllForUser('noor');
      await waitUntil(() => inQueue(a, one), 10_000, 'removed account returned');
      // Session expired: no live session left.
      await a.app.staffSessions.revokeAllForUser('omar');
      await waitUntil(() => inQueue(a, two), 10_000, 'expired session returned');
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('end and transfer close the live subscription on every instance; a counsellor follows only their own', async () => {
    const young = await YoungPersonClient.start(a, 'en');
    await askForPerson(young);
    const other = await YoungPersonClient.start(a, 'en');
    await askForPerson(other);
    const pia = await claimed(a, 'pia', ['en'], young);
    const quin = await CounsellorClient.login(b, 'quin', ['en']);
    const console = live(b, pia);
    await console.opened;
    await console.waitFor((m) => m.type === 'sessions');
    console.send({ type: 'subscribe', conversationId: other.conversationId });
    await console.waitFor((m) => m.type === 'error' && m.code === 'NotYourConversation');
    console.send({ type: 'subscribe', conversationId: young.conversationId, watermark: '99999999999999999999-0' });
    await console.waitFor((m) => m.type === 'error' && m.code === 'BadWatermark');
    console.send({ type: 'subscribe', conversationId: young.conversationId });
    await young.say('hello pia');
    await console.waitFor((m) => m.type === 'activities' && JSON.stringify(m).includes('hello pia'));

    await quin.api('GET', '/api/staff/queue'); // on duty
    expect((await pia.api('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'quin' }, a)).status).toBe(200);
    await console.waitFor((m) => m.type === 'closed' && m.conversationId === young.conversationId);
    await young.say('only for quin');
    await young.waitFor((x) => x.text === 'only for quin');
    const quinDetail = await quin.api<{ transcript: Array<{ text?: string }> }>('GET', `/api/staff/conversations/${young.conversationId}`);
    expect(quinDetail.body.transcript.some((l) => l.text === 'only for quin')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(JSON.stringify(console.messages)).not.toContain('only for quin');
    console.socket.close();
    await a.handoff.forget(other.conversationId);
  });

  it('the server sends the danger alert to every console, again until someone takes it, and at once to a console that opens', async () => {
    const rosa = await CounsellorClient.login(a, 'rosa', ['nl']);
    const first = live(a, rosa);
    await first.opened;
    await first.waitFor((m) => m.type === 'queue');
    const young = await YoungPersonClient.start(b, 'prs');
    await young.say('x', { command: 'menu' });
    await young.say('x', { choice: 'danger' });
    await young.say('x', { choice: 'yes' });
    await young.waitFor(isStatus('waiting'));
    await first.waitFor((m) => m.type === 'alert' && m.kind === 'danger' && m.conversationId === young.conversationId);
    const firstAlertAt = Date.now();
    await first.waitFor((m) => m.type === 'alert' && m.kind === 'danger' && m.repeat === true && m.conversationId === young.conversationId, 5_000);
    const sam = await CounsellorClient.login(b, 'sam', ['en']);
    const late = live(b, sam);
    await late.opened;
    await late.waitFor((m) => m.type === 'alert' && m.kind === 'danger' && m.conversationId === young.conversationId, 3_000);
    await late.waitFor((m) => m.type === 'alert' && m.kind === 'danger' && m.repeat === true && m.conversationId === young.conversationId, 5_000);
    // Sam does not speak Dari: "claim next" still gives him the danger conversation, with the interpreter flag.
    const next = await sam.api<{ conversationId: string; interpreterNeeded: boolean }>('POST', '/api/staff/queue/next');
    expect(next.body).toMatchObject({ conversationId: young.conversationId, interpreterNeeded: true });
    // The re-alerts are counted (a language code, no id) once per interval, not once per console or
    // instance: two consoles on two instances were re-alerted, yet at most one count per second waited.
    const seconds = Math.ceil((Date.now() - firstAlertAt) / 1000);
    const realerts = async () => {
      let total = 0;
      for (const key of await scanKeys(a.redis, a.keys.metricsHourPattern())) total += Number((await a.redis.hget(key, 'danger_realert|lang=prs')) ?? 0);
      return total;
    };
    await expect.poll(realerts).toBeGreaterThanOrEqual(2);
    expect(await realerts()).toBeLessThanOrEqual(seconds + 1);
    first.socket.close();
    late.socket.close();
  });
});

describe('capacity, young people who left, honest turns, waiting as a conversation', () => {
  let a: LanternInstance;
  let b: LanternInstance;
  beforeAll(async () => {
    [a, b] = await pair({ handoffTickMs: 200, youngPersonAwaySeconds: 2, dangerWaitTimeoutSeconds: 1, counsellorMaxConversations: 2 });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  it('a counsellor has at most their maximum open; claim, claim next and transfer answer 409', async () => {
    const youngs = await Promise.all([0, 1, 2].map(() => YoungPersonClient.start(a, 'nl')));
    for (const young of youngs) await askForPerson(young);
    const tara = await CounsellorClient.login(b, 'tara', ['nl']);
    const keepSeen = setInterval(() => void Promise.all(youngs.map((y) => y.read().catch(() => undefined))), 300);
    try {
      expect((await tara.api('POST', `/api/staff/conversations/${youngs[0]!.conversationId}/claim`)).status).toBe(200);
      expect((await tara.api('POST', '/api/staff/queue/next')).status).toBe(200);
      const refused = await tara.api<{ error: { code: string } }>('POST', `/api/staff/conversations/${youngs[2]!.conversationId}/claim`);
      expect([refused.status, refused.body.error.code]).toEqual([409, 'AtCapacity']);
      expect((await tara.api('POST', '/api/staff/queue/next')).status).toBe(409);
      const uma = await CounsellorClient.login(a, 'uma', ['nl']);
      await uma.api('POST', `/api/staff/conversations/${youngs[2]!.conversationId}/claim`);
      // Tara is full: Uma cannot pass one to her.
      const full = await uma.api<{ error: { code: string } }>('POST', `/api/staff/conversations/${youngs[2]!.conversationId}/transfer`, { to: 'tara' });
      expect([full.status, full.body.error.code]).toEqual([409, 'AtCapacity']);
      // A larger maximum for one account.
      await a.app.staffStore.setMaxConversations('tara', 3);
      expect((await uma.api('POST', `/api/staff/conversations/${youngs[2]!.conversationId}/transfer`, { to: 'tara' })).status).toBe(200);
    } finally {
      clearInterval(keepSeen);
    }
  });

  it('a young person whose page is gone leaves the list; the others move up; the list shows "last seen"', async () => {
    const gone = await YoungPersonClient.start(a, 'ar');
    await askForPerson(gone);
    const stays = await YoungPersonClient.start(a, 'ar');
    await askForPerson(stays);
    const item = await inQueue(a, stays);
    expect(item?.lastSeenSeconds).not.toBeNull();
    const keepSeen = setInterval(() => void stays.read().catch(() => undefined), 300);
    try {
      await waitUntil(async () => !(await inQueue(a, gone)), 15_000, 'gone young person out of the list');
      expect(await inQueue(a, stays)).toBeDefined();
      // When they come back, the page says honestly that they are no longer in line.
      await gone.waitFor((x) => x.text === t.forLanguage('ar')('handoff:away'));
    } finally {
      clearInterval(keepSeen);
      await a.handoff.forget(stays.conversationId);
    }
  });

  it('"yes, I am in danger" with nobody on duty: at most four messages, 112 and the 24/7 line first, no promise', async () => {
    await a.redis.del(a.keys.counsellorPresence()); // everyone off duty
    const young = await YoungPersonClient.start(a, 'en');
    await young.say('x', { command: 'menu' });
    await young.say('x', { choice: 'danger' });
    await young.read();
    const before = young.seen.length;
    await young.say('Yes', { choice: 'yes' });
    await young.waitFor(isStatus('waiting'));
    await young.read();
    const turn = young.seen.slice(before).filter((x) => x.type === 'message' && x.from?.role === 'bot');
    expect(turn.length).toBeLessThanOrEqual(4);
    expect(turn[0]?.text).toBe(en('danger:yes.call112'));
    expect(turn[1]?.text).toContain('0800-2000');
    const texts = turn.map((x) => x.text).join(' ');
    expect(texts).not.toContain('soon');
    expect(texts).not.toMatch(/I will (now )?(try to )?find a person/);
    // After the (short, for danger) timeout: the 24/7 options again, with the choice to keep waiting.
    const keep = setInterval(() => void young.read().catch(() => undefined), 300);
    try {
      await young.waitFor((x) => x.text === en('handoff:dangerTimeout') && (x.suggestedActions?.actions ?? []).some((act) => (act.value as { command?: string }).command === 'keep_waiting'), 10_000);
    } finally {
      clearInterval(keep);
      await a.handoff.forget(young.conversationId);
    }
  });

  it('"yes, I am in danger" with a counsellor on duty: short, and says a person comes first', async () => {
    const vera = await CounsellorClient.login(b, 'vera', ['en']);
    await vera.api('GET', '/api/staff/queue');
    const young = await YoungPersonClient.start(a, 'en');
    await young.say('x', { command: 'menu' });
    await young.say('x', { choice: 'danger' });
    await young.read();
    const before = young.seen.length;
    await young.say('Yes', { choice: 'yes' });
    await young.waitFor(isStatus('waiting'));
    const turn = young.seen.slice(before).filter((x) => x.type === 'message' && x.from?.role === 'bot');
    expect(turn.length).toBeLessThanOrEqual(4);
    expect(turn.map((x) => x.text)).toEqual([en('danger:yes.call112'), en('handoff:dangerQueued', { position: 1 }), en('handoff:whatNext')]);
    await a.handoff.forget(young.conversationId);
  });

  it('while waiting, what the young person types is acknowledged, screened, and in the summary on claiming', async () => {
    const young = await YoungPersonClient.start(a, 'en');
    await askForPerson(young);
    await young.say("I'm here");
    await young.waitFor((x) => x.text === en('handoff:waitingAck'));
    expect(young.seen.some((x) => x.text === en('common:notUnderstood'))).toBe(false);
    expect((await inQueue(a, young))?.priority).toBe('normal');
    await young.say('he says he will hurt me if i do not pay tonight');
    await young.waitFor((x) => x.text === en('handoff:waitingDanger'));
    expect((await inQueue(a, young))?.priority).toBe('danger');
    const wim = await CounsellorClient.login(b, 'wim', ['en']);
    await wim.api('POST', `/api/staff/conversations/${young.conversationId}/claim`);
    const detail = await wim.api<{ whileWaiting: string[]; summary: { nl: Array<{ label: string; value: string }> } }>('GET', `/api/staff/conversations/${young.conversationId}`);
    expect(detail.body.whileWaiting).toEqual(["I'm here", 'he says he will hurt me if i do not pay tonight']);
    expect(detail.body.summary.nl.some((line) => line.label === 'Geschreven tijdens het wachten')).toBe(true);
  });
});

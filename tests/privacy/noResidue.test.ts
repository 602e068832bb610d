/**
 * "No residue": after a conversation is deleted ("delete my conversation") or has expired (its TTL
 * passed and the retention job ran), no Redis record names it — not in a key name, and not in any
 * value: strings, hash fields and values, lists, sets, sorted-set members, stream entries (BullMQ's
 * events stream included). Records of conversations that are still alive may name them. The log
 * names no conversation at all.
 *
 * Real Lantern instances on the test redis-server, driven through the real flow: the young person
 * chats and asks for a person; counsellors claim, chat, end with a note, hand back to the line.
 */
import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Translator } from '../../texts/Translator.js';
import { TokenService } from '../../directline/TokenService.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { scanKeys as scanAll } from '../../contracts/RedisHandle.js';
import { MetricsRollup } from '../../metrics/MetricsRollup.js';
import { RetentionJob } from '../../privacy/RetentionJob.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

/** Short enough to wait for, long enough for each step of a flow on a busy machine. */
const SHORT_TTL_SECONDS = 5;

const isEvent = (name: string, state?: string) => (a: Activity) =>
  a.type === 'event' && a.name === name && (state === undefined || (a.value as { state?: string } | undefined)?.state === state);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every log line of the instances (pino JSON), to check that none names a conversation. */
const logLines: string[] = [];

/** The log of one instance (its lines marked with `instance`, so the test can tell whose retention ran). */
function logStream(instance: number): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.stringify({ ...(JSON.parse(line) as object), instance }));
      done();
    },
  });
}

/** One Redis record found naming a conversation. */
interface Finding {
  key: string;
  type: string;
  where: 'key name' | 'value';
}

/** A key's type and every piece of its content (as bytes: BullMQ keeps msgpack next to JSON). */
async function contentOf(redis: Redis, key: string): Promise<{ type: string; pieces: Buffer[] }> {
  const type = await redis.type(key);
  switch (type) {
    case 'none':
      return { type, pieces: [] };
    case 'string':
      return { type, pieces: [(await redis.getBuffer(key)) ?? Buffer.alloc(0)] };
    case 'hash':
      return { type, pieces: Object.entries(await redis.hgetallBuffer(key)).flatMap(([field, value]) => [Buffer.from(field), value]) };
    case 'list':
      return { type, pieces: await redis.lrangeBuffer(key, 0, -1) };
    case 'set':
      return { type, pieces: await redis.smembersBuffer(key) };
    case 'zset':
      return { type, pieces: await redis.zrangeBuffer(key, 0, -1) };
    case 'stream':
      return { type, pieces: (await redis.xrangeBuffer(key, '-', '+')).flatMap(([, fields]) => fields) };
    default:
      throw new Error(`unexpected Redis type ${type} of ${key}`);
  }
}

/** Every record under `prefix` that names the conversation: its id or its URL-encoded form, in a key name or a value. */
async function recordsNaming(redis: Redis, prefix: string, conversationId: string): Promise<Finding[]> {
  const forms = [...new Set([conversationId, encodeURIComponent(conversationId)])];
  const findings: Finding[] = [];
  for (const key of await scanAll(redis, `${prefix}*`)) {
    const { type, pieces } = await contentOf(redis, key);
    if (forms.some((form) => key.includes(form))) findings.push({ key, type, where: 'key name' });
    if (pieces.some((piece) => forms.some((form) => piece.includes(form)))) findings.push({ key, type, where: 'value' });
  }
  return findings;
}

/** Polls until no record names any of the conversations; returns what is left at the deadline. */
async function untilNoRecordNames(redis: Redis, prefix: string, ids: string[], timeoutMs: number): Promise<Record<string, Finding[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left: Record<string, Finding[]> = {};
    for (const id of ids) {
      const findings = await recordsNaming(redis, prefix, id);
      if (findings.length > 0) left[id] = findings;
    }
    if (Object.keys(left).length === 0 || Date.now() > deadline) return left;
    await sleep(200);
  }
}

async function askForPerson(young: YoungPersonClient): Promise<void> {
  const before = young.seen.filter(isEvent('handoff.status', 'waiting')).length;
  await young.say('x', { command: 'talk_to_human' });
  await young.waitFor(() => young.seen.filter(isEvent('handoff.status', 'waiting')).length > before);
}

async function claim(counsellor: CounsellorClient, young: YoungPersonClient): Promise<void> {
  const before = young.seen.filter(isEvent('handoff.status', 'accepted')).length;
  expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
  await young.waitFor(() => young.seen.filter(isEvent('handoff.status', 'accepted')).length > before);
}

async function chat(counsellor: CounsellorClient, young: YoungPersonClient, words: string): Promise<void> {
  await young.say(`${words}, from the young person`);
  expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: `${words}, from the counsellor` })).status).toBe(200);
  await young.waitFor((a) => a.text === `${words}, from the counsellor`);
}

async function end(counsellor: CounsellorClient, young: YoungPersonClient): Promise<void> {
  const before = young.seen.filter(isEvent('handoff.status', 'completed')).length;
  const ended = await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given', note: 'Rights explained; will come back tomorrow.' });
  expect(ended.status).toBe(200);
  await young.waitFor(() => young.seen.filter(isEvent('handoff.status', 'completed')).length > before);
}

async function requeue(counsellor: CounsellorClient, young: YoungPersonClient): Promise<void> {
  const before = young.seen.filter(isEvent('handoff.status', 'waiting')).length;
  expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'queue' })).status).toBe(200);
  await young.waitFor(() => young.seen.filter(isEvent('handoff.status', 'waiting')).length > before);
}

/** The Direct Line token the test client holds (to try restarting a deleted conversation with it). */
const tokenOf = (young: YoungPersonClient) => (young as unknown as { token: string }).token;

async function untilExists(redis: Redis, key: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await redis.exists(key)) === 0) {
    if (Date.now() > deadline) throw new Error(`${key} did not appear`);
    await sleep(100);
  }
}

/** Retention runs (pino lines with event "retention") logged after `since` (ms). */
function retentionRunsAfter(since: number, instance: number): number {
  return logLines
    .map((line) => JSON.parse(line) as { event?: string; time?: number; instance?: number })
    .filter((entry) => entry.event === 'retention' && (entry.time ?? 0) > since && entry.instance === instance).length;
}

describe('no residue of deleted or expired conversations', () => {
  const opening = OpeningHours.always();
  let a: LanternInstance; // normal retention: conversations are deleted here
  let b: LanternInstance; // a retention of SHORT_TTL_SECONDS: conversations expire here
  const everyone: string[] = [];

  beforeAll(async () => {
    const common = { redisUrl: inject('redisUrl'), port: 0, host: '127.0.0.1', logLevel: 'debug', secureCookies: false, handoffTickMs: 300 };
    a = await startLantern({ ...common, keyPrefix: uniquePrefix('residue-a') }, { openingHours: opening, logStream: logStream(1) });
    b = await startLantern(
      { ...common, keyPrefix: uniquePrefix('residue-b'), conversationTtlSeconds: SHORT_TTL_SECONDS, retentionEveryMs: 1_000 },
      { openingHours: opening, logStream: logStream(2) },
    );
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('"delete my conversation": nothing names it any more, the tombstone does not either and still works', { timeout: 90_000 }, async () => {
    const redis = a.redis as Redis; // one Redis here (the cluster has its own tests)
    const prefix = a.keys.prefix;

    // Alive: waiting; claimed, chatted and ended; claimed and handed back to the line.
    const waiting = await YoungPersonClient.start(a, 'en');
    await waiting.say('I have to work for a man and he keeps my money');
    await askForPerson(waiting);
    const ended = await YoungPersonClient.start(a, 'nl');
    await askForPerson(ended);
    const anna = await CounsellorClient.login(a, 'anna', ['nl', 'en']);
    await claim(anna, ended);
    await chat(anna, ended, 'Hallo');
    await end(anna, ended);
    const requeued = await YoungPersonClient.start(a, 'en');
    await askForPerson(requeued);
    const bram = await CounsellorClient.login(a, 'bram', ['en']);
    await claim(bram, requeued);
    await requeue(bram, requeued);

    // Deleted while waiting again, after a whole history: waited, claimed, chatted, handed back,
    // claimed again, ended with a note, asked again, was told its place (wait state).
    const afterHistory = await YoungPersonClient.start(a, 'en');
    await afterHistory.say('Someone makes me sell things');
    await askForPerson(afterHistory);
    const cees = await CounsellorClient.login(a, 'cees', ['en']);
    await claim(cees, afterHistory);
    await chat(cees, afterHistory, 'First talk');
    await requeue(cees, afterHistory);
    await claim(cees, afterHistory);
    await chat(cees, afterHistory, 'Second talk');
    await end(cees, afterHistory);
    await askForPerson(afterHistory);
    await untilExists(redis, a.keys.handoffWaitState(afterHistory.conversationId));
    // Deleted during a live counsellor chat.
    const inSession = await YoungPersonClient.start(a, 'ar');
    await askForPerson(inSession);
    const dina = await CounsellorClient.login(a, 'dina', ['ar']);
    await claim(dina, inSession);
    await chat(dina, inSession, 'مرحبا');
    everyone.push(waiting.conversationId, ended.conversationId, requeued.conversationId, afterHistory.conversationId, inSession.conversationId);

    // The scanner sees every kind of record that names a conversation (else the test proves nothing).
    const before = [...(await recordsNaming(redis, prefix, afterHistory.conversationId)), ...(await recordsNaming(redis, prefix, inSession.conversationId))];
    const seen = new Set(before.map((f) => `${f.type}/${f.where}`));
    for (const kind of ['stream/key name', 'hash/key name', 'stream/value', 'hash/value', 'zset/value', 'set/value']) expect(seen, kind).toContain(kind);
    expect(before.some((f) => f.key === a.keys.bullEvents('handoff'))).toBe(true);
    expect(before.some((f) => f.key === a.keys.handoffNotes(afterHistory.conversationId))).toBe(true);
    // The queue's events stream is bounded well below BullMQ's default of 10 000 entries.
    expect(Number(await redis.hget(`${a.keys.bullPrefix()}:handoff:meta`, 'opts.maxLenEvents'))).toBeLessThanOrEqual(1_000);

    // Both delete: one typed, one with the button.
    const words = new Translator({ variables: { retentionHours: 48 } }).list('en', 'commands:delete_conversation')[0]!;
    await afterHistory.say(words);
    await afterHistory.waitFor(isEvent('lantern.deleted'));
    await inSession.say('Delete my conversation', { command: 'delete_conversation' });
    await inSession.waitFor(isEvent('lantern.deleted'));

    const deleted = [afterHistory.conversationId, inSession.conversationId];
    expect(await untilNoRecordNames(redis, prefix, deleted, 10_000)).toEqual({});
    // Nothing comes back later (the handoff tick runs every 300 ms, the consoles refresh).
    await sleep(1_500);
    expect(await untilNoRecordNames(redis, prefix, deleted, 0)).toEqual({});

    // The tombstone is there, named by a keyed pseudonym, with the conversation's retention, and it works.
    const tokens = new TokenService({ redis, keys: a.keys, ttlSeconds: 60 });
    for (const young of [afterHistory, inSession]) {
      const tombstone = a.keys.conversationTombstone(await tokens.pseudonym('tombstone', young.conversationId));
      expect(tombstone).not.toContain(young.conversationId);
      const ttl = await redis.ttl(tombstone);
      expect(ttl).toBeGreaterThan(a.config.conversationTtlSeconds - 60);
      expect(ttl).toBeLessThanOrEqual(a.config.conversationTtlSeconds);
      const restart = await fetch(`${a.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf(young)}` } });
      expect(restart.status).toBe(404);
      expect((await young.say('hello again')).status).toBe(404);
    }
    expect(await untilNoRecordNames(redis, prefix, deleted, 0)).toEqual({});

    // A retention run now keeps what belongs to the living conversations and brings nothing back.
    const connection = redis.duplicate({ maxRetriesPerRequest: null });
    const queue = new Queue('handoff', { connection, prefix: a.keys.bullPrefix(), skipMetasUpdate: true });
    try {
      const retention = new RetentionJob({ redis, keys: a.keys, rollup: new MetricsRollup({ redis, keys: a.keys, dayTtlSeconds: 86_400 }), conversationTtlSeconds: a.config.conversationTtlSeconds, queues: [queue] });
      await retention.run();
    } finally {
      await queue.close();
      await connection.quit();
    }
    expect(await untilNoRecordNames(redis, prefix, deleted, 0)).toEqual({});
    const line = (await a.handoff.queueItems()).map((item) => item.conversationId);
    expect(line).toEqual(expect.arrayContaining([waiting.conversationId, requeued.conversationId]));
    for (const alive of [waiting, ended, requeued]) {
      const findings = await recordsNaming(redis, prefix, alive.conversationId);
      expect(findings.length).toBeGreaterThan(0);
      // What names a living conversation expires by itself (BullMQ's job hash lives as long as the job).
      for (const finding of findings.filter((f) => f.where === 'key name' && !f.key.startsWith(`${a.keys.bullPrefix()}:`))) {
        expect(await redis.ttl(finding.key), finding.key).toBeGreaterThan(0);
      }
    }
    expect((await recordsNaming(redis, prefix, waiting.conversationId)).some((f) => f.key === a.keys.bullEvents('handoff'))).toBe(true);
  });

  it('expired: after the retention, nothing names the conversation', { timeout: 90_000 }, async () => {
    const redis = b.redis as Redis;
    const prefix = b.keys.prefix;
    // Each step comes within the short retention of the one before (every activity restarts it).
    const waiting = await YoungPersonClient.start(b, 'en');
    await waiting.say('I have to work for a man and he keeps my money');
    await askForPerson(waiting);
    const ended = await YoungPersonClient.start(b, 'en');
    await askForPerson(ended);
    const eva = await CounsellorClient.login(b, 'eva', ['en']);
    await claim(eva, ended);
    await chat(eva, ended, 'Hello');
    await end(eva, ended);
    const requeued = await YoungPersonClient.start(b, 'en');
    await askForPerson(requeued);
    const finn = await CounsellorClient.login(b, 'finn', ['en']);
    await claim(finn, requeued);
    await requeue(finn, requeued);
    const leftInSession = await YoungPersonClient.start(b, 'en');
    await askForPerson(leftInSession);
    const gert = await CounsellorClient.login(b, 'gert', ['en']);
    await claim(gert, leftInSession);
    await chat(gert, leftInSession, 'Are you there');
    const expiring = [waiting, ended, requeued, leftInSession].map((young) => young.conversationId);
    everyone.push(...expiring);
    expect((await recordsNaming(redis, prefix, leftInSession.conversationId)).some((f) => f.key === b.keys.counsellorSessions('gert'))).toBe(true);

    // Wait (polling) until they have expired: the TTL of their metadata, restarted by every
    // activity, has passed (what else is named after them expires about then, or is left over)…
    const deadline = Date.now() + 30_000;
    for (;;) {
      const alive = (await Promise.all(expiring.map((id) => redis.exists(b.keys.conversationMeta(id))))).filter((n) => n === 1).length;
      if (alive === 0) break;
      if (Date.now() > deadline) throw new Error(`${alive} conversations did not expire`);
      await sleep(100);
    }
    // …then until the retention job (a maintenance task, every second here) has run twice since.
    const expiredAt = Date.now();
    const runsDeadline = Date.now() + 20_000;
    while (retentionRunsAfter(expiredAt, 2) < 2) {
      if (Date.now() > runsDeadline) throw new Error('the retention job did not run');
      await sleep(200);
    }
    expect(await untilNoRecordNames(redis, prefix, expiring, 0)).toEqual({});
    // Nothing comes back later (the handoff tick runs every 300 ms).
    await sleep(1_500);
    expect(await untilNoRecordNames(redis, prefix, expiring, 0)).toEqual({});
    expect(await b.handoff.queueItems()).toEqual([]);
  });

  it('the log names no conversation', () => {
    expect(everyone.length).toBe(9);
    expect(logLines.length).toBeGreaterThan(50);
    for (const id of everyone) {
      expect(logLines.filter((line) => line.includes(id) || line.includes(encodeURIComponent(id)))).toEqual([]);
    }
  });
});

/**
 * Lantern on a real Redis Cluster (three masters, started by tests/helpers/globalRedis.ts): two app
 * instances with REDIS_CLUSTER_NODES and one key prefix, as docs/deployment.md describes. The main
 * flows run across both instances: a conversation through the Direct Line channel (token,
 * conversation, messages, the bot's replies over the WebSocket), the handoff (queue, claim,
 * transfer, messages, end), staff login and password links, the metrics rollup, "delete my
 * conversation" and the retention job, an interpreter's link, and BullMQ's repeatable jobs. And the
 * key layout itself: every group of keys a script or MULTI uses together is in one slot.
 */
import { execFile } from 'node:child_process';
import type { Activity } from 'botframework-directlinejs';
import { Queue } from 'bullmq';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { duplicateConnection, scanKeys } from '../../contracts/RedisHandle.js';
import { RedisKeys } from '../../contracts/RedisKeys.js';
import { TypingRelay } from '../../directline/TypingRelay.js';
import { CounsellorPresence } from '../../handoff/CounsellorPresence.js';
import { HandoffBus } from '../../handoff/HandoffBus.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { MaintenanceJobs } from '../../jobs/MaintenanceJobs.js';
import { MetricsRecorder } from '../../metrics/MetricsRecorder.js';
import { MetricsRollup } from '../../metrics/MetricsRollup.js';
import { RetentionJob } from '../../privacy/RetentionJob.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { connectDirectLine } from '../helpers/directLineClient.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

let a: LanternInstance;
let b: LanternInstance;
let cluster: Cluster;

const isStatus = (state: string) => (x: { type?: string; name?: string; value?: unknown }) =>
  x.type === 'event' && x.name === 'handoff.status' && (x.value as { state?: string } | undefined)?.state === state;

/** Polls until `check` holds (no fixed sleep). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  const shared = {
    redisClusterNodes: inject('redisClusterNodes').split(','),
    keyPrefix: uniquePrefix('cluster'),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    secureCookies: false,
    handoffTickMs: 300,
    tokenRateLimitMax: 1_000,
  };
  [a, b] = [await startLantern(shared, { openingHours: OpeningHours.always() }), await startLantern(shared, { openingHours: OpeningHours.always() })];
  expect(a.redis.isCluster).toBe(true);
  cluster = a.redis as Cluster;
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

describe('the key layout on a cluster', () => {
  const slot = async (key: string) => Number(await cluster.cluster('KEYSLOT', key));
  const oneSlot = async (keys: string[]) => new Set(await Promise.all(keys.map(slot))).size;

  it('keeps every group a script or MULTI uses in one slot, and spreads conversations', async () => {
    const k = a.keys;
    const conversation = (id: string) => [
      k.conversationActivities(id),
      k.conversationMeta(id),
      k.botState(`webchat/conversations/${id}/`),
      k.turnLock(id),
      k.handoffWaitState(id),
      k.handoffNotes(id),
      k.handoffFlags(id),
    ];
    expect(await oneSlot(conversation('A1b2C3d4E5f6G7h8I9j0Kk'))).toBe(1);
    expect(await oneSlot([k.handoffClaimLock(), k.handoffSession('x'), k.counsellorSessions('anna'), k.handoffHolders(), k.counsellorPresence(), k.counsellorLanguages(), k.handoffWaits(), k.handoffInterpreter('x'), k.interpreterToken('t'), k.interpreterSession('s')])).toBe(1);
    expect(
      await oneSlot([k.staffUsers(), k.staffUser('anna'), k.staffLoginAttempts('anna'), k.staffLoginPair('anna', 'c'), k.staffLoginClient('c'), k.staffLoginKnown('anna'), k.staffLoginPairs('anna'), k.staffSession('h'), k.staffUserSessions('anna'), k.staffSetupToken(), k.staffResetToken('t'), k.staffUserReset('anna'), k.staffTotpPending('anna')]),
    ).toBe(1);
    expect(await oneSlot([k.metricsHour('2026-01-01T10'), k.metricsDay('2026-01-01')])).toBe(1);
    expect(await oneSlot([`${k.bullPrefix()}:handoff:wait`, `${k.bullPrefix()}:maintenance:wait`, k.bullEvents('handoff')])).toBe(1);
    const limit = RedisKeys.activityRateLimit(k.rateLimitPrefix(), 'pseudo');
    expect(await oneSlot([limit.burst, limit.window])).toBe(1);
    // Conversations are not all in one slot (that would put every conversation on one node).
    const slots = new Set(await Promise.all(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((id) => slot(k.conversationMeta(id)))));
    expect(slots.size).toBeGreaterThan(1);
  });

  it('refuses a key prefix with braces', () => {
    expect(() => new RedisKeys('lantern:{x}:')).toThrow(/may not contain/);
  });
});

describe('a conversation through the Direct Line channel', () => {
  it('token, conversation, messages on one instance, the bot answering over the WebSocket of the other', async () => {
    const generated = (await (await fetch(`${a.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    // Microsoft's client, WebSocket on instance B.
    const client = connectDirectLine({ token: generated.token, domain: `${b.url}/v3/directline`, conversationStartProperties: { locale: 'en' } });
    try {
      const isBot = (x: Activity) => x.from.role === 'bot' && x.type === 'message';
      await client.waitFor(isBot);
      // The "rights" button, posted to instance A: the turn runs there, the reply reaches B's socket.
      const button = [...client.received].reverse().flatMap((x) => (x as { suggestedActions?: { actions?: Array<{ title?: string; value?: unknown }> } }).suggestedActions?.actions ?? []).find((action) => (action.value as { choice?: string } | undefined)?.choice === 'rights');
      expect(button).toBeDefined();
      const before = client.received.length;
      const posted = await fetch(`${a.url}/v3/directline/conversations/${generated.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${generated.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', from: { id: 'x' }, text: String(button!.title), value: button!.value }),
      });
      expect(posted.status).toBe(200);
      await client.waitFor((x) => client.received.indexOf(x) >= before && isBot(x));
      // And through the client itself (instance B), with its own echo and the bot's answer.
      await client.post({ type: 'message', text: 'menu' });
      await client.waitFor((x) => x.from.role !== 'bot' && (x as { text?: string }).text === 'menu');
      // The bot state is where the key layout says, with the conversation's tag.
      expect(await cluster.exists(a.keys.botState(`webchat/conversations/${generated.conversationId}/`))).toBe(1);
    } finally {
      client.stop();
    }
  });
});

describe('the handoff', () => {
  it('queues, claims on the other instance, transfers to a colleague, messages both ways and ends', async () => {
    const young = await YoungPersonClient.start(a, 'en');
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor(isStatus('waiting'));
    expect((await a.handoff.queueItems()).map((item) => item.conversationId)).toContain(young.conversationId);

    const anna = await CounsellorClient.login(b, 'anna', ['en']);
    const bart = await CounsellorClient.login(a, 'bart', ['en', 'nl']);
    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    await young.waitFor(isStatus('accepted'));
    // A second claim (the other instance) finds it taken.
    expect((await bart.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(409);
    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: 'Hello, I am Anna.' })).status).toBe(200);
    await young.waitFor((x) => x.text === 'Hello, I am Anna.');
    await young.say('Thank you');

    // Bart is on duty (the heartbeat his open console would send).
    await new CounsellorPresence({ redis: a.redis, keys: a.keys }).heartbeat('bart', ['en', 'nl']);
    const moved = await anna.api('POST', `/api/staff/conversations/${young.conversationId}/transfer`, { to: 'bart', note: 'Needs Dutch later.' });
    expect(moved.status).toBe(200);
    expect((await a.handoff.mySessions({ username: 'bart', languages: ['en'] })).map((s) => s.conversationId)).toEqual([young.conversationId]);
    expect(await a.handoff.mySessions({ username: 'anna', languages: ['en'] })).toEqual([]);
    const view = await bart.api<{ transcript: Array<{ text?: string }> }>('GET', `/api/staff/conversations/${young.conversationId}`);
    expect(view.status).toBe(200);

    expect((await bart.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given' })).status).toBe(200);
    await young.waitFor(isStatus('completed'));
    expect(await a.handoff.mySessions({ username: 'bart', languages: ['en'] })).toEqual([]);
    // Logging out returns nothing (nothing held) and ends the session.
    expect((await anna.api('POST', '/api/staff/logout')).status).toBeLessThan(300);
  });

  it('an interpreter redeems a one-time link once', async () => {
    const young = await YoungPersonClient.start(a, 'ti');
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor(isStatus('waiting'));
    const cora = await CounsellorClient.login(a, 'cora', ['en']);
    expect((await cora.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    const link = await cora.api<{ url: string }>('POST', `/api/staff/conversations/${young.conversationId}/interpreter`);
    expect(link.status).toBe(201);
    const token = link.body.url.split('#')[1];
    const redeem = () => fetch(`${b.url}/api/interpreter/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    expect((await redeem()).status).toBe(201);
    expect((await redeem()).status).toBeGreaterThanOrEqual(400);
    expect((await a.handoff.interpreterState(young.conversationId))?.joinedAt).toBeGreaterThan(0);
    expect((await cora.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given' })).status).toBe(200);
    // The link (its hash, token and session) ends with the conversation.
    expect(await a.handoff.interpreterState(young.conversationId)).toBeUndefined();
  });
});

describe('pub/sub between instances', () => {
  it('carries handoff events and typing on subscriber connections of their own', async () => {
    const [busA, busB] = [new HandoffBus({ redis: a.redis, keys: a.keys }), new HandoffBus({ redis: b.redis, keys: a.keys })];
    const [typingA, typingB] = [a, b].map((instance) => new TypingRelay({ redis: instance.redis, channel: a.keys.directLineTypingChannel() }));
    try {
      await Promise.all([busA.listening(), busB.listening()]);
      const heard: string[] = [];
      busA.on((event) => heard.push(event.type));
      const typed: string[] = [];
      typingA!.listen('conv-typing', (activity) => typed.push(activity.type));
      // A subscription is made asynchronously: publish until it is heard (each publish is one message).
      await until(async () => {
        await busB.publish({ type: 'queueChanged' });
        await typingB!.publish('conv-typing', { type: 'typing' } as never);
        return heard.includes('queueChanged') && typed.includes('typing');
      }, 'the other instance hearing the bus and the typing relay');
    } finally {
      await Promise.all([busA.close(), busB.close(), typingA!.close(), typingB!.close()]);
    }
  });
});

describe('staff', () => {
  it('logs in on either instance, counts a wrong password, and uses a password link once', async () => {
    await a.app.staffStore.create({ username: 'dirk', role: 'coordinator', languages: [], password: 'correct horse battery staple' });
    const login = (password: string, via = b) =>
      fetch(`${via.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'dirk', password }) });
    expect((await login('wrong password, surely')).status).toBe(401);
    expect((await a.app.staffStore.get('dirk'))?.failedLogins).toBe(1);
    const ok = await login('correct horse battery staple');
    expect(ok.status).toBe(200);
    expect(await a.app.staffSessions.countLive('dirk')).toBe(1);

    const first = await a.app.staffPasswordLinks.issue('dirk');
    const second = await b.app.staffPasswordLinks.issue('dirk');
    const tokenOf = (link: string) => link.split('#')[1];
    await expect(a.app.staffPasswordLinks.redeem(tokenOf(first.link), 'a brand new password')).rejects.toThrow();
    expect((await b.app.staffPasswordLinks.redeem(tokenOf(second.link), 'a brand new password')).username).toBe('dirk');
    await expect(a.app.staffPasswordLinks.redeem(tokenOf(second.link), 'another new password')).rejects.toThrow();
    expect((await login('a brand new password', a)).status).toBe(200);

    // `npm run staff` reaches the cluster too (REDIS_CLUSTER_NODES, as the server).
    const listed = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/staff.ts', 'list'],
        { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', REDIS_CLUSTER_NODES: inject('redisClusterNodes'), KEY_PREFIX: a.keys.prefix }, timeout: 30_000 },
        (error, stdout) => resolve({ code: error ? 1 : 0, stdout }),
      );
    });
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { username: string }).username)).toContain('dirk');
  });
});

describe('metrics, erasure, retention and jobs', () => {
  it('rolls finished hours into days', async () => {
    const past = Date.parse('2026-03-02T08:10:00Z');
    await new MetricsRecorder({ redis: a.redis, keys: a.keys, now: () => past }).record({ name: 'quick_exit', lang: 'ar' });
    await until(async () => (await cluster.exists(a.keys.metricsHour('2026-03-02T09'))) === 1, 'the hour counter');
    const rolled = await new MetricsRollup({ redis: a.redis, keys: a.keys, dayTtlSeconds: 86_400 }).run();
    expect(rolled).toBeGreaterThanOrEqual(1);
    expect(await cluster.hgetall(a.keys.metricsDay('2026-03-02'))).toEqual({ 'quick_exit|lang=ar': '1' });
    expect(await scanKeys(a.redis, a.keys.metricsHour('2026-03-02T*'))).toEqual([]);
  });

  it('keeping a conversation longer: one slot per script, every key of it the longer retention, on either instance', async () => {
    const young = await YoungPersonClient.start(a, 'en');
    await young.say('return code');
    await young.post({ type: 'event', name: 'lantern.keepLonger' });
    await young.waitFor((x) => x.type === 'message' && /kept until 7 days after your last message/.test(String(x.text)));
    const extended = a.config.conversationTtlExtendedSeconds;
    const ttlOf = (key: string) => cluster.ttl(key);
    const keysOfIt = [a.keys.conversationActivities(young.conversationId), a.keys.conversationMeta(young.conversationId), a.keys.botState(`webchat/conversations/${young.conversationId}/`), a.keys.returnCodeOfConversation(young.conversationId)];
    // A later turn on the other instance keeps it so.
    await young.post({ type: 'message', text: 'x', value: { command: 'menu' } }, b);
    for (const key of keysOfIt) {
      await until(async () => (await ttlOf(key)) > a.config.conversationTtlSeconds, `the longer retention of ${key}`);
      expect(await ttlOf(key)).toBeLessThanOrEqual(extended);
    }
  });

  it('"delete my conversation" leaves no key naming it on any node; the retention job runs over every node', async () => {
    const young = await YoungPersonClient.start(a, 'nl');
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor(isStatus('waiting'));
    const naming = () => scanKeys(a.redis, `${a.keys.prefix}*${young.conversationId}*`);
    expect((await naming()).length).toBeGreaterThan(2);
    await young.say('Delete my conversation', { command: 'delete_conversation' });
    await young.waitFor((x) => x.type === 'event' && x.name === 'lantern.deleted');
    await until(async () => (await naming()).length === 0, 'no key naming the conversation').catch(async (error: Error) => {
      throw new Error(`${error.message}; left: ${(await naming()).join(', ')}`);
    });
    expect((await a.handoff.queueItems()).map((item) => item.conversationId)).not.toContain(young.conversationId);

    // A key left behind for a conversation that is gone (as a late write would) goes at the next run.
    await cluster.set(a.keys.botState('webchat/conversations/gone-conversation/'), 'x', 'EX', 600);
    const connection = duplicateConnection(a.redis, { maxRetriesPerRequest: null });
    const queue = new Queue('handoff', { connection, prefix: a.keys.bullPrefix(), skipMetasUpdate: true });
    try {
      const report = await new RetentionJob({ redis: a.redis, keys: a.keys, rollup: a.app.metricsRollup, conversationTtlSeconds: a.config.conversationTtlSeconds, queues: [queue] }).run();
      expect(report.removed).toBeGreaterThanOrEqual(1);
      expect(await cluster.exists(a.keys.botState('webchat/conversations/gone-conversation/'))).toBe(0);
    } finally {
      await queue.close();
      await connection.quit();
    }
  });

  it('runs repeatable BullMQ jobs on the cluster (one instance per run)', async () => {
    const keys = new RedisKeys(uniquePrefix('cluster-jobs'));
    let runs = 0;
    const jobs = [0, 1].map(() => new MaintenanceJobs({ redis: a.redis, keys, tasks: [{ name: 'count', everyMs: 200, run: async () => void (runs += 1) }] }));
    try {
      await Promise.all(jobs.map((j) => j.start()));
      await until(async () => runs >= 3, 'three runs of the repeatable job', 15_000);
    } finally {
      await Promise.all(jobs.map((j) => j.close()));
    }
  });
});

/**
 * One flooding client must not hurt the others: a per-token rate limit on POST …/activities shared
 * by every instance through Redis, a bound on one conversation's turns in flight on an instance,
 * and a cut-off for WebSocket clients that send too much. Real Redis, real HTTP, real sockets.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKeys } from '../helpers/redis.js';
import { call, echoBot, postMessage, startConversation, startHarness, StreamClient, type Harness, type StartedConversation } from './harness.js';

const keys = testKeys('dl-flood');
let a: Harness;
let b: Harness;

/** Conversations whose bot turns wait for `release()`. */
const held = new Map<string, { release: () => void; gate: Promise<void> }>();
function hold(conversationId: string): () => void {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  held.set(conversationId, { release, gate });
  return () => {
    held.delete(conversationId);
    release();
  };
}

async function bot(activity: Activity, store: Harness['store']): Promise<void> {
  await held.get(activity.conversation.id)?.gate;
  await echoBot(activity, store);
}

beforeAll(async () => {
  // Two app instances on one Redis, with small limits: 3 per burst window, 5 per longer window;
  // refusals answered at once (the pause before a refusal has a test of its own).
  const plugin = {
    activityRateLimit: { burstMax: 3, burstWindowMs: 60_000, max: 5, windowMs: 120_000 },
    streamMessageLimit: { max: 5, windowMs: 10_000 },
    rateLimitedDelayMs: 0,
  };
  a = await startHarness({ keys, plugin, onActivity: bot });
  b = await startHarness({ keys, plugin, onActivity: bot });
});
afterAll(async () => {
  for (const { release } of held.values()) release();
  await a.close();
  await b.close();
});

const userTexts = async (h: Harness, c: StartedConversation) =>
  (await h.store.read(c.conversationId)).activities.filter((x) => x.from?.role === 'user').map((x) => x.text);

function expectTooMany(response: { status: number; body: any; headers: Headers }) {
  expect(response.status).toBe(429);
  expect(response.body).toEqual({ error: { code: 'TooManyRequests', message: expect.any(String) } });
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

/** Waits until `predicate` holds, checking every 10 ms. */
async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('per-token rate limit on POST …/activities', () => {
  it('counts one token across app instances: 429 with Retry-After, nothing stored, nothing given to the bot', async () => {
    const c = await startConversation(a);
    expect((await postMessage(a, c, 'one')).status).toBe(200);
    expect((await postMessage(b, c, 'two')).status).toBe(200);
    expect((await call(`${a.baseUrl}/conversations/${c.conversationId}/activities`, { token: c.token, json: { type: 'event', name: 'x' } })).status).toBe(200);
    const botBefore = a.botActivities.length + b.botActivities.length;

    const limitedOnB = await postMessage(b, c, 'three');
    expectTooMany(limitedOnB);
    expect(Number(limitedOnB.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expectTooMany(await postMessage(a, c, 'four'));
    expect(await userTexts(a, c)).toEqual(['one', 'two', undefined]);
    expect(a.botActivities.length + b.botActivities.length).toBe(botBefore);

    // A refreshed token is the same young person: still limited.
    const refreshed = await call(`${b.baseUrl}/tokens/refresh`, { method: 'POST', token: c.token });
    expectTooMany(await postMessage(a, { ...c, token: refreshed.body.token }, 'five'));

    // Others are not limited, on either instance.
    const other = await startConversation(b);
    expect((await postMessage(a, other, 'hello')).status).toBe(200);
    expect((await postMessage(b, other, 'hello again')).status).toBe(200);
  });

  it('does not count typing, and always lets endOfConversation (the quick exit) through', async () => {
    const c = await startConversation(a);
    for (const text of ['1', '2', '3']) expect((await postMessage(a, c, text)).status).toBe(200);
    expectTooMany(await postMessage(b, c, '4'));
    const url = `${a.baseUrl}/conversations/${c.conversationId}/activities`;
    expect((await call(url, { token: c.token, json: { type: 'typing' } })).status).toBe(200);
    const bye = await call(url, { token: c.token, json: { type: 'endOfConversation' } });
    expect(bye.status).toBe(200);
    expect(await a.store.status(c.conversationId)).toBe('ended');
  });

  it('limits typing per conversation (it is echoed, never stored): a flood is refused, others still type', async () => {
    const typing = await startHarness({ keys, plugin: { typingLimit: { max: 3, windowMs: 60_000 } } });
    try {
      const c = await startConversation(typing);
      const other = await startConversation(typing);
      const url = (conversation: StartedConversation) => `${typing.baseUrl}/conversations/${conversation.conversationId}/activities`;
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await call(url(c), { token: c.token, json: { type: 'typing' } }));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429, 429]);
      expectTooMany(answers[3]!);
      expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another conversation types; the flooded one still sends messages (typing has its own limit).
      expect((await call(url(other), { token: other.token, json: { type: 'typing' } })).status).toBe(200);
      expect((await postMessage(typing, c, 'hello')).status).toBe(200);
    } finally {
      await typing.close();
    }
  });

  it('limits the longer window too, and lets the young person go on after Retry-After', async () => {
    const shortWindow = await startHarness({
      keys,
      plugin: { activityRateLimit: { burstMax: 2, burstWindowMs: 600, max: 3, windowMs: 1_500 }, rateLimitedDelayMs: 0 },
    });
    try {
      const c = await startConversation(shortWindow);
      expect((await postMessage(shortWindow, c, 'a')).status).toBe(200);
      expect((await postMessage(shortWindow, c, 'b')).status).toBe(200);
      const burst = await postMessage(shortWindow, c, 'c');
      expectTooMany(burst);
      expect(burst.headers.get('retry-after')).toBe('1');
      // After the burst window, one more fits the longer window; then that one is full.
      let third = await postMessage(shortWindow, c, 'c');
      await until(async () => third.status === 200 || ((third = await postMessage(shortWindow, c, 'c')), third.status === 200));
      expectTooMany(await postMessage(shortWindow, c, 'd'));
      // And after Retry-After the same young person can send again.
      let later = await postMessage(shortWindow, c, 'd');
      await until(async () => later.status === 200 || ((later = await postMessage(shortWindow, c, 'd')), later.status === 200), 5_000);
      expect(await userTexts(shortWindow, c)).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      await shortWindow.close();
    }
  });

  it('counts a long text once per started 500 characters; one longer than the burst only into empty windows', async () => {
    const h = await startHarness({ keys, plugin: { activityRateLimit: { burstMax: 4, burstWindowMs: 60_000, max: 100, windowMs: 120_000 }, rateLimitedDelayMs: 0 } });
    try {
      const c = await startConversation(h);
      expect((await postMessage(h, c, 'x'.repeat(1_500))).status).toBe(200); // 3
      expect((await postMessage(h, c, 'short')).status).toBe(200); // 4: full
      expectTooMany(await postMessage(h, c, 'one more'));

      const d = await startConversation(h);
      // 4 000 characters count 8, more than the whole burst of 4: accepted as the first…
      expect((await postMessage(h, d, 'ሰ'.repeat(4_000))).status).toBe(200);
      // …and nothing else fits until the window is over.
      expectTooMany(await postMessage(h, d, 'short'));
    } finally {
      await h.close();
    }
  });

  it('answers a refusal for the rate after a pause, so a looping flooder slows itself down', async () => {
    // The default pause: 1 s, never longer than the wait itself.
    const h = await startHarness({ keys, onActivity: bot, plugin: { activityRateLimit: { burstMax: 1, burstWindowMs: 60_000 } } });
    try {
      const c = await startConversation(h);
      expect((await postMessage(h, c, 'first')).status).toBe(200);
      const started = Date.now();
      const refused = await postMessage(h, c, 'second');
      expectTooMany(refused);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      // Retry-After counts from the answer: about 59 s of the minute are left.
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(59);

    } finally {
      for (const { release } of held.values()) release();
      await h.close();
    }
  });

  it('keeps its counters under a keyed pseudonym with a short expiry, never the conversation id or token', async () => {
    const c = await startConversation(a);
    await postMessage(a, c, 'counted');
    const counters = await a.redis.keys(`${keys.prefix}dl:ratelimit:activities:*`);
    expect(counters.length).toBeGreaterThanOrEqual(2);
    const tokenParts = c.token.split('.');
    for (const key of counters) {
      expect(key).not.toContain(c.conversationId);
      for (const part of tokenParts) expect(key).not.toContain(part);
      const ttl = await a.redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(120_000);
    }
    const mine = await a.tokens.pseudonym('ratelimit:activities', c.conversationId);
    expect(counters.filter((key) => key.includes(mine))).toHaveLength(2);
  });
});

describe('turns in flight per conversation on one instance', () => {
  it('answers 429 at once, without storing, when three posts of a conversation already wait for the bot', async () => {
    // With the default pause for refusals of the rate: a full queue is still refused at once.
    const plugin = { maxActivitiesInFlight: 3, activityRateLimit: { burstMax: 100, max: 100 } };
    const h = await startHarness({ keys, onActivity: bot, plugin });
    const h2 = await startHarness({ keys, onActivity: bot, plugin });
    try {
      const c = await startConversation(h);
      const release = hold(c.conversationId);
      const waiting = [postMessage(h, c, 'w1'), postMessage(h, c, 'w2'), postMessage(h, c, 'w3')];
      await until(() => h.botActivities.filter((x) => x.conversation.id === c.conversationId && x.type === 'message').length === 3);

      const started = Date.now();
      const fourth = await postMessage(h, c, 'w4');
      expectTooMany(fourth);
      expect(fourth.headers.get('retry-after')).toBe('1');
      expect(Date.now() - started).toBeLessThan(500);
      expect((await userTexts(h, c)).sort()).toEqual(['w1', 'w2', 'w3']);

      // Another conversation on the same instance is not held up.
      const other = await startConversation(h);
      expect((await postMessage(h, other, 'unaffected')).status).toBe(200);
      // The same conversation on another instance has its own places (its turn waits like the others).
      const elsewhere = postMessage(h2, c, 'elsewhere');
      await until(() => h2.botActivities.some((x) => x.conversation.id === c.conversationId && x.text === 'elsewhere'));

      release();
      expect((await Promise.all([...waiting, elsewhere])).map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect((await postMessage(h, c, 'w5')).status).toBe(200);
      expect((await userTexts(h, c)).filter((t) => t !== 'elsewhere').sort()).toEqual(['w1', 'w2', 'w3', 'w5']);
    } finally {
      for (const { release } of held.values()) release();
      await h.close();
      await h2.close();
    }
  });
});

describe('a conversation whose stream is broken', () => {
  it('has its WebSocket closed with 1011; the other WebSockets of the instance keep flowing', async () => {
    const hubErrors: string[] = [];
    const h = await startHarness({ keys, onHubError: (code) => hubErrors.push(code) });
    try {
      const broken = await startConversation(h);
      const fine = await startConversation(h);
      const brokenSocket = await StreamClient.open(broken.streamUrl);
      const fineSocket = await StreamClient.open(fine.streamUrl);
      await postMessage(h, fine, 'before');
      await fineSocket.waitFor((s) => s.activities.length >= 2);
      // Someone writes a string where the conversation's stream should be.
      await h.redis.del(keys.conversationActivities(broken.conversationId));
      await h.redis.set(keys.conversationActivities(broken.conversationId), 'not a stream');
      const third = await startConversation(h);
      const thirdSocket = await StreamClient.open(third.streamUrl);
      // The hub's next read of it meets it: on an announcement for it (as here; or the slow sweep,
      // or a reconnect's catch-up). The hub reads each stream on its own, so the others never wait.
      await h.redis.publish(keys.directLineAppendedChannel(), broken.conversationId);
      await brokenSocket.waitFor((s) => s.closeCode !== undefined);
      expect(brokenSocket.closeCode).toBe(1011);
      expect(hubErrors).toContain('directline.hub.stream_dropped');

      const started = Date.now();
      await postMessage(h, fine, 'after');
      await postMessage(h, third, 'me too');
      await fineSocket.waitFor((s) => s.activities.length >= 4, 2_000);
      await thirdSocket.waitFor((s) => s.activities.length >= 2, 2_000);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(fineSocket.activities.map((x) => x.text)).toEqual(['before', 'echo: before', 'after', 'echo: after']);
      expect(hubErrors).not.toContain('directline.hub.read_failed');
      await fineSocket.close();
      await thirdSocket.close();
    } finally {
      await h.close();
    }
  });
});

describe('WebSocket clients that send too much', () => {
  it('closes a socket that sends more messages than allowed with 1008; other sockets go on', async () => {
    const c = await startConversation(a);
    const flooder = await StreamClient.open(c.streamUrl);
    const calmUrl = (await call(`${b.baseUrl}/conversations/${c.conversationId}`, { token: c.token })).body.streamUrl;
    const calm = await StreamClient.open(calmUrl);
    const sameInstance = await StreamClient.open((await call(`${a.baseUrl}/conversations/${c.conversationId}`, { token: c.token })).body.streamUrl);

    // Keep-alives within the limit are fine.
    for (let i = 0; i < 5; i++) calm.socket.send('');
    for (let i = 0; i < 5; i++) sameInstance.socket.send('');
    for (let i = 0; i < 50; i++) flooder.socket.send('');
    await flooder.waitFor((s) => s.closeCode !== undefined);
    expect(flooder.closeCode).toBe(1008);

    await postMessage(a, c, 'still listening?');
    await calm.waitFor((s) => s.activities.length >= 2);
    await sameInstance.waitFor((s) => s.activities.length >= 2);
    expect(calm.closeCode).toBeUndefined();
    expect(sameInstance.closeCode).toBeUndefined();
    expect(calm.activities.map((x) => x.text)).toEqual(['still listening?', 'echo: still listening?']);
    await calm.close();
    await sameInstance.close();
  });
});

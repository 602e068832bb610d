/**
 * "Last seen" of a young person's page (for the handoff): every authenticated request of the
 * conversation and every live stream marks it on the conversation's meta hash, throttled per
 * instance. Real Redis, real HTTP, real WebSockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { testKeys } from '../helpers/redis.js';
import { call, postMessage, startConversation, startHarness, StreamClient, type Harness } from './harness.js';

const keys = testKeys('dl-seen');
/** No throttle: every request marks. */
let eager: Harness;
/** No throttle, keep-alive rounds every 100 ms. */
let pinging: Harness;
/** The default throttle (10 s). */
let throttled: Harness;

beforeAll(async () => {
  eager = await startHarness({ keys, plugin: { seenThrottleMs: 0 } });
  pinging = await startHarness({ keys, keepAliveMs: 100, plugin: { seenThrottleMs: 0 } });
  throttled = await startHarness({ keys });
});
afterAll(async () => {
  await eager.close();
  await pinging.close();
  await throttled.close();
});

const seenField = (conversationId: string) => eager.redis.hget(keys.conversationMeta(conversationId), 'seenAt');
const forget = (conversationId: string) => eager.redis.hdel(keys.conversationMeta(conversationId), 'seenAt');

async function until(predicate: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('last seen', () => {
  it('is marked by every authenticated request of the conversation', async () => {
    const c = await startConversation(eager);
    await until(async () => (await eager.store.lastSeen(c.conversationId)) !== undefined);
    const base = `${eager.baseUrl}/conversations/${c.conversationId}`;
    const requests: [string, () => Promise<unknown>][] = [
      ['POST activity', () => postMessage(eager, c, 'hi')],
      ['POST typing', () => call(`${base}/activities`, { token: c.token, json: { type: 'typing' } })],
      ['GET activities', () => call(`${base}/activities`, { token: c.token })],
      ['GET conversation', () => call(base, { token: c.token })],
      ['token refresh', () => call(`${eager.baseUrl}/tokens/refresh`, { method: 'POST', token: c.token })],
    ];
    for (const [name, request] of requests) {
      await forget(c.conversationId);
      const before = Date.now();
      await request();
      await until(async () => (await seenField(c.conversationId)) !== null).catch(() => {
        throw new Error(`${name} did not mark the conversation seen`);
      });
      const seen = (await eager.store.lastSeen(c.conversationId))!;
      expect(seen).toBeGreaterThanOrEqual(before - 1_000);
      expect(seen).toBeLessThanOrEqual(Date.now() + 1_000);
    }
    // Only a field on the existing meta hash: no key of its own, and the meta hash keeps its TTL.
    expect(await eager.redis.ttl(keys.conversationMeta(c.conversationId))).toBeGreaterThan(0);
    const named = await eager.redis.keys(`${keys.prefix}*${c.conversationId}*`);
    expect(named.sort()).toEqual([keys.conversationActivities(c.conversationId), keys.conversationMeta(c.conversationId)].sort());
  });

  it('is not marked for a request that is not authenticated for that conversation', async () => {
    const c = await startConversation(eager);
    const other = await startConversation(eager);
    await until(async () => (await seenField(c.conversationId)) !== null);
    await forget(c.conversationId);
    const base = `${eager.baseUrl}/conversations/${c.conversationId}`;
    expect((await call(`${base}/activities`, { token: other.token })).status).toBe(403);
    expect((await call(`${base}/activities`)).status).toBe(401);
    // Sync point: a mark issued after those requests on the same connection.
    await forget(other.conversationId);
    await call(`${eager.baseUrl}/conversations/${other.conversationId}/activities`, { token: other.token });
    await until(async () => (await seenField(other.conversationId)) !== null);
    expect(await seenField(c.conversationId)).toBeNull();
  });

  it('is marked when a stream opens', async () => {
    // Keep-alive rounds every 15 s here: only the opening can mark it.
    const c = await startConversation(eager);
    await until(async () => (await seenField(c.conversationId)) !== null);
    await forget(c.conversationId);
    const client = await StreamClient.open(c.streamUrl);
    await until(async () => (await seenField(c.conversationId)) !== null);
    await client.close();
  });

  it('is marked on keep-alive rounds whose previous ping was answered', async () => {
    const c = await startConversation(pinging);
    const client = await StreamClient.open(c.streamUrl);
    await until(async () => (await seenField(c.conversationId)) !== null);
    // Keep-alives every 100 ms: the client answers pings, so it is marked again and again.
    for (let round = 0; round < 3; round++) {
      await forget(c.conversationId);
      await until(async () => (await seenField(c.conversationId)) !== null);
    }
    await client.close();
  });

  it('is not marked by keep-alive rounds of a client that does not answer pings', async () => {
    const c = await startConversation(pinging);
    await until(async () => (await seenField(c.conversationId)) !== null);
    await forget(c.conversationId);
    const socket = new WebSocket(c.streamUrl, { autoPong: false });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    // The stream opening marks it…
    await until(async () => (await seenField(c.conversationId)) !== null);
    await forget(c.conversationId);
    // …then the server drops it after one unanswered ping; no round marks it.
    await new Promise((resolve) => socket.once('close', resolve));
    expect(await seenField(c.conversationId)).toBeNull();
  });

  it('is written at most once per 10 s per conversation from one instance', async () => {
    const c = await startConversation(throttled);
    await until(async () => (await seenField(c.conversationId)) !== null);
    await eager.redis.hset(keys.conversationMeta(c.conversationId), 'seenAt', '1');
    const base = `${throttled.baseUrl}/conversations/${c.conversationId}`;
    await postMessage(throttled, c, 'hello');
    await call(`${base}/activities`, { token: c.token });
    await call(base, { token: c.token });
    await call(`${throttled.baseUrl}/tokens/refresh`, { method: 'POST', token: c.token });
    // Sync point: another conversation's first mark, issued later on the same connection.
    const later = await startConversation(throttled);
    await until(async () => (await seenField(later.conversationId)) !== null);
    expect(await throttled.store.lastSeen(c.conversationId)).toBe(1);
    // Another instance has its own throttle.
    await call(`${eager.baseUrl}/conversations/${c.conversationId}/activities`, { token: c.token });
    await until(async () => (await throttled.store.lastSeen(c.conversationId)) !== 1);
  });
});

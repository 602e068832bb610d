import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKeys } from '../helpers/redis.js';
import { call, postMessage, sleep, startConversation, startHarness, StreamClient, type Harness } from './harness.js';

const keys = testKeys('dl-stream');
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ keys, keepAliveMs: 300 });
});
afterAll(() => h.close());

const reconnectUrl = async (conversationId: string, token: string, watermark?: string) => {
  const response = await call(`${h.baseUrl}/conversations/${conversationId}${watermark ? `?watermark=${watermark}` : ''}`, { token });
  expect(response.status).toBe(200);
  return response.body.streamUrl as string;
};

describe('WebSocket stream', () => {
  it('hands out a ws:// streamUrl with a short-lived stream token', async () => {
    const c = await startConversation(h);
    const url = new URL(c.streamUrl);
    expect(url.protocol).toBe('ws:');
    expect(url.pathname).toBe(`/v3/directline/conversations/${c.conversationId}/stream`);
    const claims = await h.tokens.verify(url.searchParams.get('t')!, 'stream');
    expect(claims.expiresAt - claims.issuedAt).toBe(60);
  });

  it('replays everything after the watermark, then pushes new entries', async () => {
    const c = await startConversation(h);
    await postMessage(h, c, 'one');
    await postMessage(h, c, 'two');

    const client = await StreamClient.open(c.streamUrl);
    await client.waitFor((s) => s.activities.length >= 4);
    expect(client.activities.map((a) => a.text)).toEqual(['one', 'echo: one', 'two', 'echo: two']);
    // One activity per ActivitySet (directlinejs interleaves multi-activity sets), each with its own watermark.
    for (const set of client.sets) {
      expect(set.activities).toHaveLength(1);
      expect(set.activities[0]!.id).toBe(`${c.conversationId}|${set.watermark}`);
    }
    const replayWatermark = client.watermark;
    expect(replayWatermark).toMatch(/^\d+-\d+$/);

    await postMessage(h, c, 'three');
    await client.waitFor((s) => s.activities.length >= 6);
    expect(client.activities.map((a) => a.text)).toEqual(['one', 'echo: one', 'two', 'echo: two', 'three', 'echo: three']);
    const echo = client.activities[5]!;
    expect(echo.replyToId).toBe(client.activities[4]!.id);
    expect(echo.from).toMatchObject({ id: 'lantern', role: 'bot' });
    expect(typeof echo.timestamp).toBe('string');
    await client.close();

    // With a watermark, only what came after it.
    const again = await StreamClient.open(await reconnectUrl(c.conversationId, c.token, replayWatermark));
    await again.waitFor((s) => s.activities.length >= 2);
    await sleep(100);
    expect(again.activities.map((a) => a.text)).toEqual(['three', 'echo: three']);
    await again.close();
  });

  it('sends empty keep-alive messages and ignores the client’s own', async () => {
    const c = await startConversation(h);
    const client = await StreamClient.open(c.streamUrl);
    client.socket.send('');
    await client.waitFor((s) => s.empties.length >= 2, 3_000);
    expect(client.closeCode).toBeUndefined();
    await postMessage(h, c, 'still here');
    await client.waitFor((s) => s.activities.length >= 2);
    await client.close();
  });

  it('delivers what is left and closes when the conversation ends', async () => {
    const c = await startConversation(h);
    const client = await StreamClient.open(c.streamUrl);
    await postMessage(h, c, 'last words');
    await call(`${h.baseUrl}/conversations/${c.conversationId}/activities`, { token: c.token, json: { type: 'endOfConversation' } });
    await client.waitFor((s) => s.closeCode !== undefined);
    expect(client.closeCode).toBe(1000);
    expect(client.activities.map((a) => a.type)).toEqual(['message', 'message', 'endOfConversation']);

    // Connecting to an ended conversation (with something unread) replays and closes.
    const late = await StreamClient.open(await reconnectUrl(c.conversationId, c.token));
    await late.waitFor((s) => s.closeCode !== undefined);
    expect(late.activities).toHaveLength(3);
  });

  it('closes when the bot ends the conversation (store.end)', async () => {
    const c = await startConversation(h);
    const client = await StreamClient.open(c.streamUrl);
    await postMessage(h, c, 'hi');
    await h.store.append(c.conversationId, { type: 'message', text: 'goodbye', from: { id: 'lantern', role: 'bot' } as never });
    await h.store.end(c.conversationId);
    await client.waitFor((s) => s.closeCode !== undefined);
    expect(client.activities.map((a) => a.text)).toEqual(['hi', 'echo: hi', 'goodbye']);
  });

  it('closes when the conversation is deleted (quick exit)', async () => {
    const c = await startConversation(h);
    const client = await StreamClient.open(c.streamUrl);
    await h.store.delete(c.conversationId);
    await client.waitFor((s) => s.closeCode !== undefined, 3_000);
    expect(client.closeCode).toBe(1000);
  });

  it('refuses the upgrade for missing, bad, wrong-scope or foreign tokens and unknown conversations', async () => {
    const c = await startConversation(h);
    const base = `${h.wsBase}/v3/directline/conversations/${c.conversationId}/stream`;
    await expect(StreamClient.open(base)).rejects.toMatchObject({ status: 401 });
    await expect(StreamClient.open(`${base}?t=nonsense`)).rejects.toMatchObject({ status: 401 });
    await expect(StreamClient.open(`${base}?t=${encodeURIComponent(c.token)}`)).rejects.toMatchObject({ status: 403 });
    const other = await startConversation(h);
    const otherToken = new URL(other.streamUrl).searchParams.get('t')!;
    await expect(StreamClient.open(`${base}?t=${otherToken}`)).rejects.toMatchObject({ status: 403 });
    const streamToken = new URL(c.streamUrl).searchParams.get('t')!;
    await expect(StreamClient.open(`${base}?t=${streamToken}&watermark=bad`)).rejects.toMatchObject({ status: 400 });

    const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST' });
    const notStarted = await h.tokens.streamToken(await h.tokens.verify(generated.body.token));
    const notStartedUrl = `${h.wsBase}/v3/directline/conversations/${generated.body.conversationId}/stream?t=${notStarted.token}`;
    await expect(StreamClient.open(notStartedUrl)).rejects.toMatchObject({ status: 404 });
  });

  it('serves many sockets of many conversations at once, each only its own activities, nothing twice', async () => {
    const conversations = await Promise.all(Array.from({ length: 5 }, () => startConversation(h)));
    const clients = await Promise.all(conversations.flatMap((c) => [StreamClient.open(c.streamUrl), StreamClient.open(c.streamUrl)]));
    await Promise.all(conversations.map(async (c, i) => {
      for (let n = 0; n < 3; n++) await postMessage(h, c, `c${i}-m${n}`);
    }));
    await Promise.all(clients.map((client) => client.waitFor((s) => s.activities.length >= 6)));
    await sleep(200);
    clients.forEach((client, index) => {
      const i = Math.floor(index / 2);
      const texts = client.activities.map((a) => a.text);
      expect(texts).toEqual([`c${i}-m0`, `echo: c${i}-m0`, `c${i}-m1`, `echo: c${i}-m1`, `c${i}-m2`, `echo: c${i}-m2`]);
      expect(new Set(client.activities.map((a) => a.id)).size).toBe(6);
    });
    await Promise.all(clients.map((client) => client.close()));
    await sleep(50);
    expect(h.hub.size).toBe(0);
  });
});

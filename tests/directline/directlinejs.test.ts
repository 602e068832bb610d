/**
 * Drives the server with Microsoft's own Direct Line client (botframework-directlinejs), as Web
 * Chat does: token from /tokens/generate, conversation start, WebSocket, post and receive, then a
 * reconnect with the last watermark.
 */
import { createRequire } from 'node:module';
import { type Activity, ConnectionStatus, DirectLine, type DirectLineOptions } from 'botframework-directlinejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { testKeys } from '../helpers/redis.js';
import { call, sleep, startHarness, type Harness } from './harness.js';

// directlinejs uses the browser's XMLHttpRequest (rxjs ajax) and WebSocket: give Node both.
const require = createRequire(import.meta.url);
Object.assign(globalThis, { XMLHttpRequest: require('xhr2') as unknown, WebSocket });

const keys = testKeys('dl-directlinejs');
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ keys });
});
afterAll(() => h.close());

/** A DirectLine client with its received activities. */
function connect(options: DirectLineOptions) {
  // `random: () => 0` makes directlinejs retry a closed WebSocket after its shortest delay (3 s).
  const dl = new DirectLine({ webSocket: true, ...options, random: () => 0 } as DirectLineOptions);
  const received: Activity[] = [];
  let failure: unknown;
  const subscription = dl.activity$.subscribe(
    (activity) => received.push(activity),
    (error) => {
      failure = error;
    },
  );
  return {
    dl,
    received,
    failure: () => failure,
    /** The client's own watermark (what it would send on reconnect). */
    watermark: () => (dl as unknown as { watermark: string }).watermark,
    post: (activity: Record<string, unknown>) =>
      new Promise<string>((resolve, reject) => {
        dl.postActivity({ from: { id: 'chosen-by-client' }, ...activity } as Activity).subscribe(resolve, reject);
      }),
    stop: () => {
      subscription.unsubscribe();
      dl.end();
    },
  };
}

/** directlinejs' Activity type has no replyToId, the wire format has. */
const replyTo = (a: Activity) => (a as { replyToId?: string }).replyToId;

async function until(predicate: () => boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

describe('botframework-directlinejs against Lantern', () => {
  it('posts, receives the reply, reconnects with the watermark and gets exactly what it missed', async () => {
    const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST' });
    expect(generated.status).toBe(200);
    const { token, conversationId } = generated.body as { token: string; conversationId: string };

    // 1. Start, post, receive the echo of our own message and the bot's reply over the WebSocket.
    const first = connect({ token, domain: h.baseUrl });
    const sentId = await first.post({ type: 'message', text: 'Hallo, ik heb hulp nodig', channelData: { clientActivityID: 'c1' } });
    expect(sentId).toMatch(new RegExp(`^${conversationId}\\|`));
    await until(() => first.received.some((a) => replyTo(a) === sentId));
    expect(first.dl.connectionStatus$.getValue()).toBe(ConnectionStatus.Online);
    // It really is on the WebSocket (not polling): the socket is subscribed to the hub.
    expect(h.hub.size).toBe(1);
    const own = first.received.find((a) => a.id === sentId)!;
    expect(own.from.id).toMatch(/^u_/);
    expect(own.channelData).toEqual({ clientActivityID: 'c1' });
    expect(first.received.map((a) => (a as { text?: string }).text)).toEqual(['Hallo, ik heb hulp nodig', 'echo: Hallo, ik heb hulp nodig']);
    const conversationUpdates = h.botActivities.filter((a) => a.type === 'conversationUpdate' && a.conversation.id === conversationId);
    expect(conversationUpdates).toHaveLength(1);

    // 2. Disconnect; meanwhile the bot (or a counsellor) writes, and the young person posts from elsewhere.
    const watermark = first.watermark();
    expect(watermark).toMatch(/^\d+-\d+$/);
    first.stop();
    await sleep(100);
    const missed = [];
    missed.push(await h.store.append(conversationId, { type: 'message', text: 'Ben je er nog?', from: { id: 'lantern', role: 'bot' } as never }));
    missed.push(await h.store.append(conversationId, { type: 'message', text: 'Ik wacht op je.', from: { id: 'lantern', role: 'bot' } as never }));
    const rest = await call(`${h.baseUrl}/conversations/${conversationId}/activities`, { token, json: { type: 'message', text: 'ja' } });
    expect(rest.status).toBe(200);

    // 3. Reconnect with the conversation id and watermark: exactly the missed activities, in order.
    const second = connect({ token, conversationId, watermark, domain: h.baseUrl });
    await until(() => second.received.length >= 4);
    const afterReconnect = await second.post({ type: 'message', text: 'dank je' });
    await until(() => second.received.some((a) => replyTo(a) === afterReconnect));
    await sleep(300);
    expect(second.received.map((a) => (a as { text?: string }).text)).toEqual([
      'Ben je er nog?',
      'Ik wacht op je.',
      'ja',
      'echo: ja',
      'dank je',
      'echo: dank je',
    ]);
    expect(second.received[0]!.id).toBe(missed[0]!.id);
    const allIds = [...first.received, ...second.received].map((a) => a.id);
    expect(new Set(allIds).size).toBe(allIds.length);
    expect(second.failure()).toBeUndefined();
    second.stop();
  });

  it('receives bursts of bot messages in order, during replay and live', async () => {
    const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST' });
    const { token, conversationId } = generated.body as { token: string; conversationId: string };
    const first = connect({ token, domain: h.baseUrl });
    await first.post({ type: 'message', text: 'start' });
    await until(() => first.received.length >= 2);
    const watermark = first.watermark();
    first.stop();

    const say = (text: string) =>
      h.store.append(conversationId, { type: 'message', text, from: { id: 'lantern', role: 'bot' } as never });
    // Pipelined on one connection: written in this order, read back by the hub in one go.
    const burst = (from: number, to: number, label: string) =>
      Promise.all(Array.from({ length: to - from }, (_, i) => say(`${label} ${from + i}`)));
    await burst(0, 20, 'replay');
    const second = connect({ token, conversationId, watermark, domain: h.baseUrl });
    // Live bursts written while the replay is still being emitted by the client, back to back.
    await until(() => second.received.length >= 1);
    await burst(0, 5, 'live');
    await burst(5, 10, 'live');
    await burst(10, 15, 'live');
    await until(() => second.received.length >= 35);
    await sleep(200);
    const expected = [...Array.from({ length: 20 }, (_, i) => `replay ${i}`), ...Array.from({ length: 15 }, (_, i) => `live ${i}`)];
    expect(second.received.map((a) => (a as { text?: string }).text)).toEqual(expected);
    second.stop();
  });

  it('refreshes its token through /tokens/refresh', async () => {
    const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST' });
    const client = connect({ token: generated.body.token, domain: h.baseUrl });
    await client.post({ type: 'message', text: 'hoi' });
    const refreshed = await new Promise<string>((resolve, reject) => {
      (client.dl as unknown as { refreshToken(): { subscribe(next: (t: string) => void, error: (e: unknown) => void): void } })
        .refreshToken()
        .subscribe(resolve, reject);
    });
    expect((await h.tokens.verify(refreshed)).conversationId).toBe(generated.body.conversationId);
    client.stop();
  });

  it('learns that the conversation is over after endOfConversation, without a reconnect loop', async () => {
    const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST' });
    const client = connect({ token: generated.body.token, domain: h.baseUrl });
    await client.post({ type: 'message', text: 'stop' });
    await until(() => client.received.length >= 2);
    await client.post({ type: 'endOfConversation' });
    await until(() => client.received.some((a) => (a.type as string) === 'endOfConversation'));
    // The server closes the socket; directlinejs asks to reconnect after 3 s, gets 404 and stops.
    await until(() => client.failure() !== undefined, 10_000);
    expect(String((client.failure() as Error).message)).toMatch(/conversation ended/);
    client.stop();
  });
});

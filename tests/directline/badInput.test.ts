import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKeys } from '../helpers/redis.js';
import { WebSocket } from 'ws';
import { call, postMessage, startConversation, startHarness, type Harness, type StartedConversation } from './harness.js';

const keys = testKeys('dl-input');
let h: Harness;
let c: StartedConversation;

beforeAll(async () => {
  // Input validation, not flood limits (tests/directline/flood.test.ts): room for many long texts.
  h = await startHarness({ keys, plugin: { activityRateLimit: { burstMax: 1_000, max: 1_000 } } });
  c = await startConversation(h);
});
afterAll(() => h.close());

const activitiesUrl = () => `${h.baseUrl}/conversations/${c.conversationId}/activities`;
const post = (body: unknown) => call(activitiesUrl(), { token: c.token, json: body });

/** Tries a WebSocket upgrade that the server should refuse; resolves with its HTTP status and JSON body. */
function refusedUpgrade(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        socket.terminate();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    socket.once('error', () => undefined);
  });
}

function expectError(response: { status: number; body: any }, status: number, code = 'BadArgument') {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
}

describe('bad input', () => {
  it('answers 400 for a body that is not JSON, without echoing it', async () => {
    const response = await call(activitiesUrl(), { token: c.token, body: '{"type":"message","text":"my secret', contentType: 'application/json' });
    expectError(response, 400);
    expect(JSON.stringify(response.body)).not.toContain('secret');
    expectError(await call(activitiesUrl(), { token: c.token, body: '', contentType: 'application/json' }), 400);
  });

  it('answers 400 for JSON that is not an activity object', async () => {
    for (const body of [[], 'hello', 42, null, [{ type: 'message', text: 'x' }]]) {
      expectError(await post(body), 400);
    }
  });

  it('answers 400 for activity types, texts and fields it does not accept', async () => {
    const cases: unknown[] = [
      { text: 'no type' },
      { type: 'conversationUpdate' },
      { type: 'invoke', name: 'x' },
      { type: 'message' },
      { type: 'message', text: 42 },
      { type: 'message', text: 'x'.repeat(4_001) },
      { type: 'message', text: 'hi', locale: 'not a locale!' },
      { type: 'message', text: 'hi', textFormat: 'html' },
      { type: 'message', text: 'hi', channelData: 'x' },
      { type: 'message', text: 'hi', attachments: [{ contentType: 'image/png', contentUrl: 'http://example.invalid/x.png' }] },
      { type: 'event' },
      { type: 'event', name: '' },
    ];
    for (const body of cases) expectError(await post(body), 400);
    expect((await h.store.read(c.conversationId)).activities).toEqual([]);
  });

  it('accepts 4000 characters, counted as characters not bytes', async () => {
    expect((await post({ type: 'message', text: 'ሰ'.repeat(4_000) })).status).toBe(200);
    expect((await post({ type: 'message', text: '😀'.repeat(4_000) })).status).toBe(200);
  });

  it('answers 413 for a body over the limit and 415 for a media type it does not read', async () => {
    expectError(await post({ type: 'message', text: 'hi', value: 'x'.repeat(40_000) }), 413, 'MessageSizeTooBig');
    expectError(await post({ type: 'message', text: 'hi', value: 'x'.repeat(20_000) }), 413, 'MessageSizeTooBig');
    expectError(await call(activitiesUrl(), { token: c.token, body: '<a/>', contentType: 'application/xml' }), 415);
    // Fastify parses text/plain as a string, which is not an activity.
    expectError(await call(activitiesUrl(), { token: c.token, body: 'hello', contentType: 'text/plain' }), 400);
  });

  it('answers 400 for malformed or repeated watermarks', async () => {
    expectError(await call(`${activitiesUrl()}?watermark=abc`, { token: c.token }), 400);
    expectError(await call(`${activitiesUrl()}?watermark=1-0&watermark=2-0`, { token: c.token }), 400);
    expectError(await call(`${h.baseUrl}/conversations/${c.conversationId}?watermark=(0`, { token: c.token }), 400);
  });

  it('answers 400 for watermarks outside the range of a stream entry id, on every path, never 500', async () => {
    // Both halves of an entry id are unsigned 64-bit integers: 18446744073709551615 at most.
    const bad = ['99999999999999999999-0', '0-99999999999999999999', '18446744073709551616-0', '0-18446744073709551616', '1-2-3', '-1-0', '1.5-0'];
    const streamToken = new URL(c.streamUrl).searchParams.get('t')!;
    for (const watermark of bad) {
      const query = `?watermark=${encodeURIComponent(watermark)}`;
      expectError(await call(`${activitiesUrl()}${query}`, { token: c.token }), 400);
      expectError(await call(`${h.baseUrl}/conversations/${c.conversationId}${query}`, { token: c.token }), 400);
      const upgrade = await refusedUpgrade(`${h.baseUrl.replace('http', 'ws')}/conversations/${c.conversationId}/stream?t=${streamToken}&watermark=${encodeURIComponent(watermark)}`);
      expectError(upgrade, 400);
    }
    // The largest ids are valid: nothing comes after them, and that is no error either.
    for (const watermark of ['18446744073709551615-18446744073709551615', '18446744073709551615-0', '0-18446744073709551615', '0-0']) {
      const query = `?watermark=${watermark}`;
      const page = await call(`${activitiesUrl()}${query}`, { token: c.token });
      expect(page.status).toBe(200);
      if (watermark.startsWith('18446744073709551615-')) expect(page.body).toEqual({ activities: [], watermark });
      expect((await call(`${h.baseUrl}/conversations/${c.conversationId}${query}`, { token: c.token })).status).toBe(200);
    }
  });

  it('answers 404 for a conversation that was never started, expired or was deleted', async () => {
    const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST' });
    const notStarted = { conversationId: generated.body.conversationId, token: generated.body.token, streamUrl: '' };
    expectError(await postMessage(h, notStarted, 'hello?'), 404, 'NotFound');
    expectError(await call(`${h.baseUrl}/conversations/${notStarted.conversationId}`, { token: notStarted.token }), 404, 'NotFound');
    expectError(await call(`${h.baseUrl}/conversations/${notStarted.conversationId}/activities`, { token: notStarted.token }), 404, 'NotFound');

    const deleted = await startConversation(h);
    await h.store.delete(deleted.conversationId);
    expectError(await postMessage(h, deleted, 'still there?'), 404, 'NotFound');
  });

  it('overrides from, recipient, channelId and serviceUrl; keeps channelData for the echo', async () => {
    const response = await post({
      type: 'message',
      text: 'who am I',
      from: { id: 'admin', role: 'bot', name: 'Real Name' },
      recipient: { id: 'someone' },
      channelId: 'emulator',
      serviceUrl: 'http://evil.invalid',
      conversation: { id: 'another' },
      channelData: { clientActivityID: 'abc123' },
      entities: [{ type: 'ClientCapabilities' }],
    });
    expect(response.status).toBe(200);
    const stored = (await h.store.read(c.conversationId)).activities.find((a) => a.id === response.body.id)!;
    const claims = await h.tokens.verify(c.token);
    expect(stored.from).toEqual({ id: claims.userId, role: 'user' });
    expect(stored.recipient).toMatchObject({ id: 'lantern', role: 'bot' });
    expect(stored.channelId).toBe('webchat');
    expect(stored.serviceUrl).not.toContain('evil');
    expect(stored.conversation.id).toBe(c.conversationId);
    expect(stored.channelData).toEqual({ clientActivityID: 'abc123' });
    expect(stored).not.toHaveProperty('entities');
    expect(h.botActivities.at(-1)?.id).toBe(response.body.id);
  });

  it('takes typing without storing it or passing it to the bot', async () => {
    const before = (await h.store.read(c.conversationId)).activities.length;
    const bot = h.botActivities.length;
    const response = await post({ type: 'typing' });
    expect(response.status).toBe(200);
    expect(typeof response.body.id).toBe('string');
    expect((await h.store.read(c.conversationId)).activities).toHaveLength(before);
    expect(h.botActivities).toHaveLength(bot);
  });

  it('answers 200 with the id when the bot fails: the activity is already stored', async () => {
    const failing = await startHarness({
      keys,
      onActivity: async () => {
        throw Object.assign(new Error('bot crashed while reading "my secret"'), { code: 'BOT_BROKEN' });
      },
    });
    try {
      const conversation = await startConversation(failing);
      const response = await postMessage(failing, conversation, 'hello');
      expect(response.status).toBe(200);
      expect(response.body.id).toMatch(/\|/);
      expect((await failing.store.read(conversation.conversationId)).activities.map((a) => a.text)).toEqual(['hello']);
    } finally {
      await failing.close();
    }
  });

  it('ends the conversation on endOfConversation: stored, given to the bot, then every POST is 403', async () => {
    const conversation = await startConversation(h);
    const url = `${h.baseUrl}/conversations/${conversation.conversationId}/activities`;
    const bye = await call(url, { token: conversation.token, json: { type: 'endOfConversation' } });
    expect(bye.status).toBe(200);
    expect(h.botActivities.at(-1)).toMatchObject({ type: 'endOfConversation', id: bye.body.id });
    expect(await h.store.status(conversation.conversationId)).toBe('ended');

    expectError(await postMessage(h, conversation, 'wait'), 403, 'ConversationEnded');
    expectError(await call(url, { token: conversation.token, json: { type: 'endOfConversation' } }), 403, 'ConversationEnded');
    expectError(await call(`${h.baseUrl}/conversations`, { token: conversation.token, json: {} }), 403, 'ConversationEnded');
    expectError(await call(`${h.baseUrl}/tokens/refresh`, { method: 'POST', token: conversation.token }), 403, 'ConversationEnded');
    // Reading what is there still works.
    const read = await call(url, { token: conversation.token });
    expect(read.status).toBe(200);
    expect(read.body.activities.map((a: { type: string }) => a.type)).toEqual(['endOfConversation']);
    // Nothing left after the last watermark: reconnecting says the conversation is over.
    const reconnect = await call(`${h.baseUrl}/conversations/${conversation.conversationId}?watermark=${read.body.watermark}`, {
      token: conversation.token,
    });
    expectError(reconnect, 404, 'NotFound');
  });

  it('never answers 500 to a flood of odd requests', async () => {
    const odd = [
      call(`${h.baseUrl}/conversations/${'x'.repeat(3_000)}/activities`, { token: c.token }),
      call(`${h.baseUrl}/conversations/%00/activities`, { token: c.token }),
      call(`${h.baseUrl}/conversations`, { token: c.token, body: '[1,2', contentType: 'application/json' }),
      call(`${h.baseUrl}/conversations`, { token: c.token, json: { locale: 42, user: 'x' } }),
      call(`${h.baseUrl}/tokens/generate`, { body: '{"__proto__":{"x":1}}', contentType: 'application/json' }),
      call(activitiesUrl(), { token: c.token, body: '{"type":"message","text":"a","__proto__":{"polluted":true}}', contentType: 'application/json' }),
      call(activitiesUrl(), { token: `${c.token}\u0000`, json: { type: 'message', text: 'x' } }).catch(() => ({ status: 400, body: {} })),
      call(activitiesUrl(), { token: 'a.b.c', json: { type: 'message', text: 'x' } }),
    ];
    for (const response of await Promise.all(odd)) {
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(500);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKeys } from '../helpers/redis.js';
import { call, postMessage, sleep, startConversation, startHarness, StreamClient, type Harness } from './harness.js';

const keys = testKeys('dl-two');
let a: Harness;
let b: Harness;

beforeAll(async () => {
  a = await startHarness({ keys });
  b = await startHarness({ keys });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('two app instances on one Redis', () => {
  it('share tokens: a token from one instance works on the other', async () => {
    const generated = await call(`${a.baseUrl}/tokens/generate`, { method: 'POST' });
    const started = await call(`${b.baseUrl}/conversations`, { token: generated.body.token, json: {} });
    expect(started.status).toBe(201);
    // The second start (on the other instance) does not start it again.
    const again = await call(`${a.baseUrl}/conversations`, { token: generated.body.token, json: {} });
    expect(again.status).toBe(200);
    const updates = [...a.botActivities, ...b.botActivities].filter(
      (x) => x.type === 'conversationUpdate' && x.conversation.id === generated.body.conversationId,
    );
    expect(updates).toHaveLength(1);
    expect(updates[0]!.membersAdded!.map((m) => m.role)).toEqual(['user', 'bot']);
  });

  it('starts a conversation once even when both instances are asked at the same time', async () => {
    const generated = await call(`${a.baseUrl}/tokens/generate`, { method: 'POST' });
    const token = generated.body.token;
    const results = await Promise.all([
      call(`${a.baseUrl}/conversations`, { token, json: {} }),
      call(`${b.baseUrl}/conversations`, { token, json: {} }),
      call(`${a.baseUrl}/conversations`, { token, json: {} }),
      call(`${b.baseUrl}/conversations`, { token, json: {} }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    const updates = [...a.botActivities, ...b.botActivities].filter(
      (x) => x.type === 'conversationUpdate' && x.conversation.id === generated.body.conversationId,
    );
    expect(updates).toHaveLength(1);
  });

  it('a message posted on one instance reaches the WebSocket on the other, with the bot’s reply', async () => {
    const c = await startConversation(a);
    const reconnect = await call(`${b.baseUrl}/conversations/${c.conversationId}`, { token: c.token });
    const onB = await StreamClient.open(reconnect.body.streamUrl);
    const onA = await StreamClient.open(c.streamUrl);

    await postMessage(a, c, 'posted on A');
    await postMessage(b, c, 'posted on B');
    await onB.waitFor((s) => s.activities.length >= 4);
    await onA.waitFor((s) => s.activities.length >= 4);
    await sleep(150);
    const expected = ['posted on A', 'echo: posted on A', 'posted on B', 'echo: posted on B'];
    expect(onB.activities.map((x) => x.text)).toEqual(expected);
    expect(onA.activities.map((x) => x.text)).toEqual(expected);
    expect(onB.activities.map((x) => x.id)).toEqual(onA.activities.map((x) => x.id));

    // A bot reply written by any instance (e.g. a counsellor's message) reaches both.
    await a.store.append(c.conversationId, { type: 'message', text: 'from elsewhere', from: { id: 'lantern', role: 'bot' } as never });
    await onB.waitFor((s) => s.activities.length >= 5);
    expect(onB.activities.at(-1)!.text).toBe('from elsewhere');
    await onA.close();
    await onB.close();
  });

  it('reconnecting on the other instance with the watermark replays exactly what was missed', async () => {
    const c = await startConversation(a);
    const first = await StreamClient.open(c.streamUrl);
    await postMessage(a, c, 'seen');
    await first.waitFor((s) => s.activities.length >= 2);
    const watermark = first.watermark!;
    await first.close();

    await postMessage(a, c, 'missed 1');
    await postMessage(b, c, 'missed 2');

    const reconnect = await call(`${b.baseUrl}/conversations/${c.conversationId}?watermark=${watermark}`, { token: c.token });
    const second = await StreamClient.open(reconnect.body.streamUrl);
    await second.waitFor((s) => s.activities.length >= 4);
    await postMessage(a, c, 'live');
    await second.waitFor((s) => s.activities.length >= 6);
    await sleep(150);
    expect(second.activities.map((x) => x.text)).toEqual([
      'missed 1',
      'echo: missed 1',
      'missed 2',
      'echo: missed 2',
      'live',
      'echo: live',
    ]);
    await second.close();
  });

  it('an end on one instance closes the WebSocket on the other', async () => {
    const c = await startConversation(a);
    const onB = await StreamClient.open((await call(`${b.baseUrl}/conversations/${c.conversationId}`, { token: c.token })).body.streamUrl);
    await call(`${a.baseUrl}/conversations/${c.conversationId}/activities`, { token: c.token, json: { type: 'endOfConversation' } });
    await onB.waitFor((s) => s.closeCode !== undefined);
    expect(onB.activities.map((x) => x.type)).toEqual(['endOfConversation']);
    expect((await postMessage(b, c, 'too late')).status).toBe(403);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { HandoffQueue, NotWaitingError, type HandoffJobData } from '../../handoff/HandoffQueue.js';
import type { Priority } from '../../dialogs/ConversationProfile.js';
import type { Language } from '../../contracts/languages.js';
import { commandsSent, testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const queues: HandoffQueue[] = [];
afterAll(async () => {
  for (const q of queues) await q.close();
  await redis.quit();
});

let seq = 0;
function job(priority: Priority, language: Language = 'ar'): HandoffJobData {
  seq += 1;
  return {
    conversationId: `conv${String(seq).padStart(4, '0')}abcdefghijklmnop`,
    language,
    priority,
    topics: [],
    screening: { signals: {} },
    reason: 'talk_to_human',
    requestedAt: Date.now() + seq,
    reference: { userId: 'u_x', serviceUrl: 'urn:test' },
  };
}

function newQueue(): HandoffQueue {
  const q = new HandoffQueue({ redis, keys: testKeys('queue') });
  queues.push(q);
  return q;
}

describe('HandoffQueue', () => {
  it('orders danger first, then exploitation signals, then the rest; first come first served within a priority', async () => {
    const q = newQueue();
    const a = job('normal');
    const b = job('raised');
    const c = job('danger');
    const d = job('normal');
    const e = job('danger');
    for (const j of [a, b, c, d, e]) await q.enqueue(j);
    expect((await q.waiting()).map((w) => w.conversationId)).toEqual([c, e, b, a, d].map((j) => j.conversationId));
  });

  it("gives each conversation the place in line the waiting list shows, in one command", async () => {
    const keys = testKeys('position');
    const q = new HandoffQueue({ redis, keys });
    queues.push(q);
    const [a, b, c, d, e] = [job('normal'), job('normal'), job('danger'), job('raised'), job('normal')];
    // Came back to the list (a counsellor left): it keeps its first place among its priority.
    const back = { ...job('normal'), requestedAt: a.requestedAt - 60_000, returned: 1 };
    // Two requests in the same millisecond: BullMQ's own order decides between them.
    const twin = { ...job('normal'), requestedAt: e.requestedAt };
    const positions: number[] = [];
    for (const j of [a, b, c, d, e, back, twin]) positions.push(await q.enqueue(j));
    expect(positions).toEqual([1, 2, 1, 2, 5, 3, 7]);
    // Danger typed while waiting raises one among the danger ones, by when it asked.
    expect(await q.raise(b.conversationId, 'danger')).toBe(true);
    const line = await q.waiting();
    expect(line.map((w) => w.conversationId)).toEqual([b, c, d, back, a, e, twin].map((j) => j.conversationId));
    for (const entry of line) expect(await q.positionOf(entry.conversationId), entry.conversationId).toBe(entry.position);
    expect(await q.positionOf('not-waiting')).toBeUndefined();
    const sent = await commandsSent(keys.prefix, () => q.positionOf(a.conversationId));
    expect(sent).toHaveLength(1);
  });

  it('claims a chosen conversation from the middle of the line and completes its job', async () => {
    const q = newQueue();
    const [a, b, c] = [job('danger'), job('normal'), job('normal')];
    for (const j of [a, b, c]) await q.enqueue(j);
    const claimed = await q.claim(b.conversationId, 'anna');
    expect(claimed.conversationId).toBe(b.conversationId);
    expect((await q.waiting()).map((w) => w.conversationId)).toEqual([a.conversationId, c.conversationId]);
    expect(await q.queue.getJob(b.conversationId)).toBeUndefined(); // completed and removed
    expect(await q.queue.getActiveCount()).toBe(0); // no job left active: no lock to renew during the chat
  });

  it('lets exactly one of many concurrent claims on one conversation win', async () => {
    const q = newQueue();
    const other = newQueue(); // a second app instance on the same Redis and prefix
    const target = job('danger');
    await q.enqueue(target);
    const claims = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? q : other).claim(target.conversationId, `c${i}`)),
    );
    expect(claims.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of claims.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(NotWaitingError);
  });

  it('a second request while waiting does not queue twice', async () => {
    const q = newQueue();
    const a = job('normal');
    await q.enqueue(a);
    await q.enqueue({ ...a, priority: 'danger' });
    expect((await q.waiting()).filter((w) => w.conversationId === a.conversationId)).toHaveLength(1);
  });

  it('cancels a waiting conversation, and a cancelled one cannot be claimed', async () => {
    const q = newQueue();
    const a = job('normal');
    await q.enqueue(a);
    expect(await q.cancel(a.conversationId)).toBe(true);
    expect(await q.cancel(a.conversationId)).toBe(false);
    await expect(q.claim(a.conversationId, 'anna')).rejects.toBeInstanceOf(NotWaitingError);
  });
});

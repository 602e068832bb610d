import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ActivityStreamHub, type StreamDelivery } from '../../directline/ActivityStreamHub.js';
import { RedisConversationStore } from '../../directline/RedisConversationStore.js';
import { testKeys, testRedis } from '../helpers/redis.js';
import { sleep } from './harness.js';

const redis = testRedis();
const keys = testKeys('dl-hub');
const store = new RedisConversationStore({ redis, keys, ttlSeconds: 300 });
const hubName = `lantern-test-hub-${randomBytes(4).toString('hex')}`;
const hub = new ActivityStreamHub({ redis, keys, blockMs: 20_000, connectionName: hubName });

afterAll(async () => {
  await hub.close();
  await redis.quit();
});

const newConversation = async () => {
  const id = randomBytes(16).toString('base64url');
  await store.create(id);
  return id;
};
const say = (id: string, text: string) => store.append(id, { type: 'message', text, from: { id: 'lantern', role: 'bot' } as never });

/** Collects deliveries of one subscription. */
function collector() {
  const deliveries: StreamDelivery[] = [];
  return {
    deliveries,
    listener: (d: StreamDelivery) => deliveries.push(d),
    texts: () => deliveries.flatMap((d) => d.activities.map((a) => a.text)),
    async until(predicate: () => boolean, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('timed out');
        await sleep(10);
      }
    },
  };
}

describe('ActivityStreamHub', () => {
  it('delivers new entries to a subscriber, with the watermark', async () => {
    const id = await newConversation();
    const c = collector();
    const sub = hub.subscribe(id, '0-0', c.listener);
    const stored = await say(id, 'hello');
    await c.until(() => c.texts().length === 1);
    expect(c.deliveries[0]!.watermark).toBe(stored.id!.split('|')[1]);
    expect(sub.lastId).toBe(stored.id!.split('|')[1]);
    sub.unsubscribe();
  });

  it('interrupts a long blocking read at once when a new conversation is subscribed', async () => {
    const first = await newConversation();
    const sub1 = hub.subscribe(first, '0-0', () => undefined);
    await sleep(100); // the hub is now blocked (blockMs is 20 s) on the first stream only
    const second = await newConversation();
    const c = collector();
    const sub2 = hub.subscribe(second, '0-0', c.listener);
    const started = Date.now();
    await say(second, 'quick');
    await c.until(() => c.texts().length === 1, 2_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    sub1.unsubscribe();
    sub2.unsubscribe();
  });

  it('gives each subscriber what comes after its own position, nothing twice', async () => {
    const id = await newConversation();
    const a = collector();
    const subA = hub.subscribe(id, '0-0', a.listener);
    await say(id, 'm1');
    await say(id, 'm2');
    await a.until(() => a.texts().length === 2);
    // A late subscriber that starts from the beginning gets the old entries too; A gets no repeats.
    const b = collector();
    const subB = hub.subscribe(id, '0-0', b.listener);
    await b.until(() => b.texts().length === 2);
    await say(id, 'm3');
    await a.until(() => a.texts().length === 3);
    await b.until(() => b.texts().length === 3);
    await sleep(100);
    expect(a.texts()).toEqual(['m1', 'm2', 'm3']);
    expect(b.texts()).toEqual(['m1', 'm2', 'm3']);
    subA.unsubscribe();
    await say(id, 'm4');
    await b.until(() => b.texts().length === 4);
    expect(a.texts()).toEqual(['m1', 'm2', 'm3']);
    subB.unsubscribe();
  });

  it('reports the end marker', async () => {
    const id = await newConversation();
    const c = collector();
    const sub = hub.subscribe(id, '0-0', c.listener);
    await say(id, 'bye');
    await store.end(id);
    await c.until(() => c.deliveries.some((d) => d.ended));
    expect(c.texts()).toEqual(['bye']);
    sub.unsubscribe();
  });

  it('loses nothing when its Redis connection is killed, and repeats nothing', async () => {
    const id = await newConversation();
    const c = collector();
    const sub = hub.subscribe(id, '0-0', c.listener);
    await say(id, 'before');
    await c.until(() => c.texts().length === 1);

    for (let round = 0; round < 3; round++) {
      const list = (await redis.client('LIST')) as string;
      const line = list.split('\n').find((l) => l.includes(`name=${hubName} `));
      expect(line).toBeDefined();
      const clientId = /id=(\d+)/.exec(line!)![1]!;
      await redis.client('KILL', 'ID', clientId);
      // Written while the hub is (re)connecting.
      await say(id, `during-${round}`);
      await say(id, `during-${round}b`);
      await c.until(() => c.texts().length === 1 + 2 * (round + 1));
    }
    await say(id, 'after');
    await c.until(() => c.texts().length === 8);
    await sleep(200);
    expect(c.texts()).toEqual(['before', 'during-0', 'during-0b', 'during-1', 'during-1b', 'during-2', 'during-2b', 'after']);
    sub.unsubscribe();
  });

  it('closes cleanly, also while blocked, and refuses new subscriptions', async () => {
    const own = new ActivityStreamHub({ redis, keys, blockMs: 20_000, connectionName: `${hubName}-own` });
    const id = await newConversation();
    own.subscribe(id, '0-0', () => undefined);
    await sleep(100);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(() => own.subscribe(id, '0-0', () => undefined)).toThrow();
    const list = (await redis.client('LIST')) as string;
    expect(list).not.toContain(`name=${hubName}-own `);
  });
});

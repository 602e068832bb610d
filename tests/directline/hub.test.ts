import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ActivityStreamHub, type StreamDelivery, type StreamDropReason } from '../../directline/ActivityStreamHub.js';
import { RedisConversationStore } from '../../directline/RedisConversationStore.js';
import { testKeys, testRedis } from '../helpers/redis.js';
import { sleep } from './harness.js';

const redis = testRedis();
const keys = testKeys('dl-hub');
const store = new RedisConversationStore({ redis, keys, ttlSeconds: 300 });
const hubName = `lantern-test-hub-${randomBytes(4).toString('hex')}`;
const hubErrors: string[] = [];
// No sweep: every delivery here comes from a notification, a subscription's first read or a reconnect's catch-up.
const hub = new ActivityStreamHub({ redis, keys, sweepMs: 0, connectionName: hubName, onError: (code) => hubErrors.push(code) });

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

  it('delivers to a new subscription at once, however many other streams are subscribed', async () => {
    const others = await Promise.all(Array.from({ length: 50 }, () => newConversation()));
    const idle = others.map((id) => hub.subscribe(id, '0-0', () => undefined));
    await sleep(100);
    const second = await newConversation();
    const c = collector();
    const sub2 = hub.subscribe(second, '0-0', c.listener);
    const started = Date.now();
    await say(second, 'quick');
    await c.until(() => c.texts().length === 1, 2_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    for (const sub of idle) sub.unsubscribe();
    sub2.unsubscribe();
  });

  it('announces every append with the conversation id only, never its text', async () => {
    const id = await newConversation();
    const listener = redis.duplicate();
    const heard: string[] = [];
    listener.on('message', (_channel: string, message: string) => heard.push(message));
    await listener.subscribe(keys.directLineAppendedChannel());
    await say(id, 'a secret the young person typed');
    await store.end(id);
    const deadline = Date.now() + 2_000;
    while (heard.length < 2 && Date.now() < deadline) await sleep(10);
    await listener.quit();
    expect(heard).toEqual([id, id]);
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

  it('loses nothing when its Redis connections are killed, and repeats nothing', async () => {
    const id = await newConversation();
    const c = collector();
    const sub = hub.subscribe(id, '0-0', c.listener);
    await say(id, 'before');
    await c.until(() => c.texts().length === 1);

    // The notification connection (its announcements are lost while it is away), then the read
    // connection, then both at once.
    const rounds = [[`${hubName}`], [`${hubName}:reads`], [`${hubName}`, `${hubName}:reads`]];
    for (const [round, names] of rounds.entries()) {
      const list = (await redis.client('LIST')) as string;
      for (const name of names) {
        const line = list.split('\n').find((l) => l.includes(`name=${name} `));
        expect(line).toBeDefined();
        const clientId = /id=(\d+)/.exec(line!)![1]!;
        await redis.client('KILL', 'ID', clientId);
      }
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

  it('reads only the streams that changed: idle subscriptions cost no reads', async () => {
    const made: Redis[] = [];
    const base = testRedis();
    const duplicate = base.duplicate.bind(base);
    base.duplicate = ((override?: Parameters<Redis['duplicate']>[0]) => {
      const connection = duplicate(override);
      made.push(connection);
      return connection;
    }) as Redis['duplicate'];
    const own = new ActivityStreamHub({ redis: base, keys, sweepMs: 0, connectionName: `${hubName}-count` });
    const reader = made.find((connection) => connection.options.connectionName === `${hubName}-count:reads`)!;
    const reads: string[] = [];
    const call = reader.call.bind(reader) as (...args: unknown[]) => Promise<unknown>;
    (reader as unknown as { call: (...args: unknown[]) => Promise<unknown> }).call = (...args: unknown[]) => {
      if (args[0] === 'XREAD') reads.push(String(args[4]));
      return call(...args);
    };
    try {
      // Once it listens (its first catch-up, with nothing subscribed yet, is over).
      for (let i = 0; i < 200; i++) {
        const list = (await redis.client('LIST')) as string;
        if (list.split('\n').some((l) => l.includes(`name=${hubName}-count `) && l.includes(' sub=1 '))) break;
        await sleep(10);
      }
      const idleIds = await Promise.all(Array.from({ length: 300 }, () => newConversation()));
      const idle = idleIds.map((id) => own.subscribe(id, '0-0', () => undefined));
      const active = await newConversation();
      const c = collector();
      const sub = own.subscribe(active, '0-0', c.listener);
      await sleep(300);
      // Each subscription read its stream once when it came.
      expect(reads.length).toBe(301);
      reads.length = 0;
      for (let i = 0; i < 10; i++) {
        await say(active, `turn ${i}`);
        await c.until(() => c.texts().length === i + 1);
      }
      expect(new Set(reads)).toEqual(new Set([keys.conversationActivities(active)]));
      expect(reads.length).toBeGreaterThanOrEqual(10);
      expect(reads.length).toBeLessThanOrEqual(20);
      for (const s of idle) s.unsubscribe();
      sub.unsubscribe();
    } finally {
      await own.close();
      await base.quit();
    }
  });

  it('finds, with its slow sweep, what a writer wrote without announcing it', async () => {
    const own = new ActivityStreamHub({ redis, keys, sweepMs: 200, connectionName: `${hubName}-sweep` });
    try {
      const id = await newConversation();
      const c = collector();
      const sub = own.subscribe(id, '0-0', c.listener);
      await sleep(50);
      // As an older instance would: XADD without the announcement.
      await redis.xadd(keys.conversationActivities(id), '*', 'a', JSON.stringify({ type: 'message', text: 'unannounced' }));
      await c.until(() => c.texts().length === 1, 2_000);
      await sleep(500);
      expect(c.texts()).toEqual(['unannounced']);
      sub.unsubscribe();
    } finally {
      await own.close();
    }
  });

  it('refuses, synchronously, a position that is not a stream entry id', async () => {
    const id = await newConversation();
    for (const bad of ['abc', '99999999999999999999-0', '0-18446744073709551616', '$', '>', '']) {
      expect(() => hub.subscribe(id, bad, () => undefined)).toThrow(RangeError);
    }
    const size = hub.size;
    const sub = hub.subscribe(id, '18446744073709551615-18446744073709551615', () => undefined);
    expect(hub.size).toBe(size + 1);
    sub.unsubscribe();
  });

  it('drops only the stream whose key is broken; the others keep flowing at once', async () => {
    const good1 = await newConversation();
    const good2 = await newConversation();
    const broken = await newConversation();
    // Someone writes a string where the stream should be: Redis refuses any XREAD naming it.
    await redis.set(keys.conversationActivities(broken), 'not a stream');
    const errorsBefore = hubErrors.length;

    const a = collector();
    const b = collector();
    const subA = hub.subscribe(good1, '0-0', a.listener);
    const dropped: StreamDropReason[] = [];
    const brokenDeliveries = collector();
    const subBroken = hub.subscribe(broken, '0-0', brokenDeliveries.listener, { onDropped: (reason) => dropped.push(reason) });
    const subB = hub.subscribe(good2, '0-0', b.listener);

    await a.until(() => dropped.length > 0, 3_000);
    expect(dropped).toEqual(['wrong_type']);
    expect(hubErrors.slice(errorsBefore)).toContain('directline.hub.stream_dropped');
    // Promptly: well under the back-off a failing read would cause, and in every round after.
    for (let round = 0; round < 3; round++) {
      const started = Date.now();
      await say(good1, `one-${round}`);
      await say(good2, `two-${round}`);
      await a.until(() => a.texts().length === round + 1, 2_000);
      await b.until(() => b.texts().length === round + 1, 2_000);
      expect(Date.now() - started).toBeLessThan(500);
    }
    expect(a.texts()).toEqual(['one-0', 'one-1', 'one-2']);
    expect(b.texts()).toEqual(['two-0', 'two-1', 'two-2']);
    expect(brokenDeliveries.deliveries).toEqual([]);
    expect(hubErrors.slice(errorsBefore)).not.toContain('directline.hub.read_failed');
    // The dropped subscription is gone; unsubscribing it again is harmless.
    subBroken.unsubscribe();
    expect(dropped).toHaveLength(1);

    // A stream that breaks while subscribed is dropped on its next read, and the others go on.
    const later = await newConversation();
    const laterDropped: StreamDropReason[] = [];
    const subLater = hub.subscribe(later, '0-0', () => undefined, { onDropped: (reason) => laterDropped.push(reason) });
    await say(later, 'fine for now');
    await redis.del(keys.conversationActivities(later));
    await redis.set(keys.conversationActivities(later), 'broken later');
    const c = collector();
    const good3 = await newConversation();
    const subC = hub.subscribe(good3, '0-0', c.listener);
    // Its next read: an announcement for it (or the sweep, or a reconnect's catch-up).
    await redis.publish(keys.directLineAppendedChannel(), later);
    await c.until(() => laterDropped.length > 0, 3_000);
    expect(laterDropped).toEqual(['wrong_type']);
    await say(good1, 'still here');
    await say(good3, 'me too');
    await a.until(() => a.texts().length === 4, 2_000);
    await c.until(() => c.texts().length === 1, 2_000);
    subA.unsubscribe();
    subB.unsubscribe();
    subC.unsubscribe();
    subLater.unsubscribe();
  });

  it('closes cleanly, also with reads in flight, and refuses new subscriptions', async () => {
    const own = new ActivityStreamHub({ redis, keys, connectionName: `${hubName}-own` });
    const id = await newConversation();
    own.subscribe(id, '0-0', () => undefined);
    await sleep(100);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(() => own.subscribe(id, '0-0', () => undefined)).toThrow();
    const list = (await redis.client('LIST')) as string;
    expect(list).not.toContain(`name=${hubName}-own `);
    expect(list).not.toContain(`name=${hubName}-own:reads `);
  });
});

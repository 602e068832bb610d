import { afterAll, describe, expect, it } from 'vitest';
import { RedisStorage, StorageEtagConflictError } from '../../directline/RedisStorage.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const keys = testKeys('storage');
const storage = new RedisStorage({ redis, keys, ttlSeconds: 60 });

afterAll(() => redis.quit());

describe('RedisStorage', () => {
  it('reads back what it wrote, with an eTag, and leaves out missing keys', async () => {
    await storage.write({ a: { count: 1 } });
    const items = await storage.read(['a', 'missing']);
    expect(items.a).toMatchObject({ count: 1 });
    expect(typeof items.a.eTag).toBe('string');
    expect(items).not.toHaveProperty('missing');
  });

  it('writes when the eTag matches and changes the eTag', async () => {
    await storage.write({ b: { v: 1 } });
    const first = (await storage.read(['b'])).b;
    await storage.write({ b: { ...first, v: 2 } });
    const second = (await storage.read(['b'])).b;
    expect(second.v).toBe(2);
    expect(second.eTag).not.toBe(first.eTag);
  });

  it('rejects a stale eTag and writes nothing of the batch', async () => {
    await storage.write({ c: { v: 1 }, d: { v: 1 } });
    const stale = await storage.read(['c', 'd']);
    await storage.write({ c: { ...stale.c, v: 2 } });
    await expect(storage.write({ d: { ...stale.d, v: 3 }, c: { ...stale.c, v: 3 } })).rejects.toBeInstanceOf(StorageEtagConflictError);
    const after = await storage.read(['c', 'd']);
    expect(after.c.v).toBe(2);
    expect(after.d.v).toBe(1);
  });

  it("writes unconditionally with eTag '*' or without eTag", async () => {
    await storage.write({ e: { v: 1 } });
    await storage.write({ e: { v: 2, eTag: '*' } });
    await storage.write({ e: { v: 3 } });
    expect((await storage.read(['e'])).e.v).toBe(3);
  });

  it('lets exactly one of two concurrent writers with the same eTag win', async () => {
    await storage.write({ race: { v: 0 } });
    const base = (await storage.read(['race'])).race;
    const results = await Promise.allSettled([1, 2, 3, 4].map((v) => storage.write({ race: { ...base, v } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
  });

  it('sets a TTL on every item and refreshes it on write', async () => {
    await storage.write({ t: { v: 1 } });
    const ttl = await redis.ttl(keys.botState('t'));
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
    const short = new RedisStorage({ redis, keys, ttlSeconds: 1 });
    await short.write({ gone: { v: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(await short.read(['gone'])).toEqual({});
  });

  it('deletes items', async () => {
    await storage.write({ f: { v: 1 } });
    await storage.delete(['f']);
    expect(await storage.read(['f'])).toEqual({});
  });
});

describe('LanternConversationState on RedisStorage', () => {
  it('writes the state when it changed, and not when a turn changed nothing (as BotState did with its hash)', async () => {
    const { LanternConversationState } = await import('../../bot/LanternConversationState.js');
    const { TestAdapter, TurnContext } = await import('botbuilder');
    const state = new LanternConversationState(storage);
    const counter = state.createProperty<number>('counter');
    const conversationId = `c-${Date.now()}`;
    const turn = () =>
      new TurnContext(new TestAdapter(), { type: 'message', channelId: 'webchat', conversation: { id: conversationId } as never, from: { id: 'u' } as never, recipient: { id: 'b' } as never });
    const redisKey = keys.botState(`webchat/conversations/${conversationId}/`);

    const first = turn();
    await counter.set(first, 1);
    await state.saveChanges(first);
    const etag1 = await redis.hget(redisKey, 'etag');
    expect(etag1).toBeTruthy();

    // A turn that only reads: nothing is written (the eTag stays).
    const second = turn();
    expect(await counter.get(second)).toBe(1);
    await state.saveChanges(second);
    expect(await redis.hget(redisKey, 'etag')).toBe(etag1);

    // A turn that changes it: written (a new eTag), and a second save in the same turn changes nothing more.
    const third = turn();
    await counter.set(third, 2);
    await state.saveChanges(third);
    const etag3 = await redis.hget(redisKey, 'etag');
    expect(etag3).not.toBe(etag1);
    await state.saveChanges(third);
    expect(await redis.hget(redisKey, 'etag')).toBe(etag3);
    expect(JSON.parse((await redis.hget(redisKey, 'data'))!)).toMatchObject({ counter: 2 });

    // clear + save writes the empty state; delete removes it.
    const fourth = turn();
    await state.load(fourth);
    await state.clear(fourth);
    await state.saveChanges(fourth);
    expect(await counter.get(turn())).toBeUndefined();
    await state.delete(turn());
    expect(await redis.exists(redisKey)).toBe(0);
  });
});

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

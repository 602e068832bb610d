import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { afterAll, describe, expect, it } from 'vitest';
import { ActivityTooLargeError, ConversationNotFoundError, InvalidWatermarkError } from '../../directline/errors.js';
import { RedisConversationStore } from '../../directline/RedisConversationStore.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const keys = testKeys('dl-store');
const store = new RedisConversationStore({ redis, keys, ttlSeconds: 120 });

afterAll(() => redis.quit());

const newId = () => randomBytes(16).toString('base64url');
const userMessage = (text: string): Partial<Activity> => ({ type: 'message', text, from: { id: 'u_test1234', name: '', role: 'user' } });

describe('RedisConversationStore', () => {
  it('creates a conversation once and reports its status', async () => {
    const id = newId();
    expect(await store.status(id)).toBe('missing');
    expect(await store.create(id)).toBe(true);
    expect(await store.create(id)).toBe(false);
    expect(await store.status(id)).toBe('active');
    const ttl = await redis.ttl(keys.conversationMeta(id));
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('appends activities with id, timestamp, channelId and conversation.id filled in', async () => {
    const id = newId();
    await store.create(id);
    const stored = await store.append(id, {
      ...userMessage('hallo'),
      id: 'client-chosen',
      timestamp: new Date(0),
      channelId: 'other',
      conversation: { id: 'someone-else', isGroup: false, conversationType: 'personal', name: '' },
    } as never);
    expect(stored.id).toMatch(new RegExp(`^${id}\\|\\d+-\\d+$`));
    expect(stored.channelId).toBe('webchat');
    expect(stored.conversation.id).toBe(id);
    expect(stored.timestamp).toBeInstanceOf(Date);
    expect(Math.abs(stored.timestamp!.getTime() - Date.now())).toBeLessThan(5_000);
    expect(stored.text).toBe('hallo');

    const page = await store.read(id);
    expect(page.activities).toHaveLength(1);
    expect(page.activities[0]!.id).toBe(stored.id);
    expect(page.activities[0]!.text).toBe('hallo');
    expect(page.watermark).toBe(stored.id!.split('|')[1]);
    // One stream entry, one field with the activity JSON.
    const raw = await redis.xrange(keys.conversationActivities(id), '-', '+');
    expect(raw).toHaveLength(1);
    expect(raw[0]![1]).toHaveLength(2);
  });

  it('appends several activities in one go: in order, each with its own id, one announcement for all', async () => {
    const id = newId();
    await store.create(id);
    const listener = redis.duplicate();
    const announced: string[] = [];
    listener.on('message', (_channel, message: string) => announced.push(message));
    await listener.subscribe(keys.directLineAppendedChannel());
    try {
      const stored = await store.appendMany(id, [userMessage('one'), userMessage('two'), userMessage('three')]);
      expect(stored.map((a) => a.text)).toEqual(['one', 'two', 'three']);
      expect(new Set(stored.map((a) => a.id)).size).toBe(3);
      const page = await store.read(id);
      expect(page.activities.map((a) => [a.id, a.text])).toEqual(stored.map((a) => [a.id, a.text]));
      await expect.poll(() => announced.filter((m) => m === id).length).toBe(1);
      // A fourth append is announced on its own: the one above was not late.
      await store.append(id, userMessage('four'));
      await expect.poll(() => announced.filter((m) => m === id).length).toBe(2);
    } finally {
      await listener.quit();
    }
  });

  it('appends several activities all or none: one too large, or a missing conversation, writes nothing', async () => {
    const id = newId();
    await store.create(id);
    const small = new RedisConversationStore({ redis, keys, ttlSeconds: 120, maxActivityBytes: 400 });
    await expect(small.appendMany(id, [userMessage('fine'), userMessage('x'.repeat(500))])).rejects.toBeInstanceOf(ActivityTooLargeError);
    expect((await store.read(id)).activities).toEqual([]);
    await expect(store.appendMany(newId(), [userMessage('a'), userMessage('b')])).rejects.toBeInstanceOf(ConversationNotFoundError);
    expect(await store.appendMany(id, [])).toEqual([]);
  });

  it('reads after a watermark (exclusive), in order, page by page', async () => {
    const id = newId();
    await store.create(id);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await store.append(id, userMessage(`m${i}`))).id!);

    const all = await store.read(id);
    expect(all.activities.map((a) => a.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);

    const first = await store.read(id, undefined, 3);
    expect(first.activities.map((a) => a.text)).toEqual(['m0', 'm1', 'm2']);
    const second = await store.read(id, first.watermark, 3);
    expect(second.activities.map((a) => a.text)).toEqual(['m3', 'm4', 'm5']);
    const third = await store.read(id, second.watermark, 3);
    expect(third.activities.map((a) => a.text)).toEqual(['m6']);
    const none = await store.read(id, third.watermark, 3);
    expect(none.activities).toEqual([]);
    expect(none.watermark).toBe(third.watermark);
    // An empty watermark means "from the start", as directlinejs sends `?watermark=` before it has one.
    expect((await store.read(id, '')).activities).toHaveLength(7);
  });

  it('rejects malformed watermarks', async () => {
    const id = newId();
    await store.create(id);
    await expect(store.read(id, 'abc')).rejects.toBeInstanceOf(InvalidWatermarkError);
    await expect(store.read(id, '1-2-3')).rejects.toBeInstanceOf(InvalidWatermarkError);
    await expect(store.read(id, '(1-0')).rejects.toBeInstanceOf(InvalidWatermarkError);
  });

  it('refreshes the expiry of both keys on every append, atomically with the append', async () => {
    const id = newId();
    await store.create(id);
    await store.append(id, userMessage('first'));
    await redis.expire(keys.conversationMeta(id), 5);
    await redis.expire(keys.conversationActivities(id), 5);
    await store.append(id, userMessage('second'));
    expect(await redis.ttl(keys.conversationMeta(id))).toBeGreaterThan(100);
    expect(await redis.ttl(keys.conversationActivities(id))).toBeGreaterThan(100);
  });

  it('really expires: a conversation with a short TTL disappears', async () => {
    const shortStore = new RedisConversationStore({ redis, keys, ttlSeconds: 1 });
    const id = newId();
    await shortStore.create(id);
    await shortStore.append(id, userMessage('gone soon'));
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect(await shortStore.status(id)).toBe('missing');
    expect(await redis.exists(keys.conversationActivities(id))).toBe(0);
  });

  it('never re-creates a missing conversation on append', async () => {
    const id = newId();
    await expect(store.append(id, userMessage('late reply'))).rejects.toBeInstanceOf(ConversationNotFoundError);
    expect(await redis.exists(keys.conversationActivities(id), keys.conversationMeta(id))).toBe(0);
  });

  it('refuses activities larger than the cap', async () => {
    const small = new RedisConversationStore({ redis, keys, ttlSeconds: 60, maxActivityBytes: 1_024 });
    const id = newId();
    await small.create(id);
    await expect(small.append(id, userMessage('x'.repeat(2_000)))).rejects.toBeInstanceOf(ActivityTooLargeError);
    // Multi-byte text counts in bytes, not characters.
    await expect(small.append(id, userMessage('ሰ'.repeat(400)))).rejects.toBeInstanceOf(ActivityTooLargeError);
    expect((await small.read(id)).activities).toEqual([]);
    await expect(store.append(id, userMessage('x'.repeat(20_000)))).rejects.toBeInstanceOf(ActivityTooLargeError);
  });

  it('ends a conversation once; the end marker is not an activity but moves the watermark', async () => {
    const id = newId();
    await store.create(id);
    const before = await store.append(id, userMessage('bye'));
    await store.end(id);
    await store.end(id);
    expect(await store.status(id)).toBe('ended');
    const page = await store.read(id);
    expect(page.activities.map((a) => a.text)).toEqual(['bye']);
    expect(page.watermark).not.toBe(before.id!.split('|')[1]);
    const entries = await store.readEntries(id);
    expect(entries.entries.map((e) => e.ended)).toEqual([false, true]);
    // create() does not revive an ended conversation.
    expect(await store.create(id)).toBe(false);
    expect(await store.status(id)).toBe('ended');
  });

  it('end() of a missing conversation does nothing', async () => {
    const id = newId();
    await store.end(id);
    expect(await store.status(id)).toBe('missing');
    expect(await redis.exists(keys.conversationActivities(id), keys.conversationMeta(id))).toBe(0);
  });

  it('deletes both keys at once', async () => {
    const id = newId();
    await store.create(id);
    await store.append(id, userMessage('secret'));
    await store.delete(id);
    expect(await store.status(id)).toBe('missing');
    expect(await redis.exists(keys.conversationActivities(id), keys.conversationMeta(id))).toBe(0);
    expect((await store.read(id)).activities).toEqual([]);
  });

  it('accepts as entry ids exactly <ms>-<seq> with both halves unsigned 64-bit integers', () => {
    for (const id of ['0-0', '1718000000000-0', '18446744073709551615-18446744073709551615', '00000000000000000001-2']) {
      expect(RedisConversationStore.isEntryId(id)).toBe(true);
    }
    for (const id of [
      '99999999999999999999-0',
      '18446744073709551616-0',
      '0-18446744073709551616',
      '000000000000000000001-0',
      '1-',
      '-1',
      '1',
      '1-0 ',
      '+',
      '$',
      '(1-0',
      '١-٠',
      '',
      undefined,
      42,
    ]) {
      expect(RedisConversationStore.isEntryId(id)).toBe(false);
    }
  });

  it('reads after the largest entry id without an error: nothing can follow it', async () => {
    const id = newId();
    await store.create(id);
    await store.append(id, userMessage('x'));
    const max = '18446744073709551615-18446744073709551615';
    expect(await store.read(id, max)).toEqual({ activities: [], watermark: max });
    await expect(store.read(id, '18446744073709551616-0')).rejects.toBeInstanceOf(InvalidWatermarkError);
  });

  it('records when the page was last seen on the meta hash, which expires with the conversation', async () => {
    const id = newId();
    expect(await store.lastSeen(id)).toBeUndefined();
    // Never creates a key for a conversation that does not exist.
    await store.markSeen(id);
    expect(await redis.exists(keys.conversationMeta(id))).toBe(0);

    await store.create(id);
    expect(await store.lastSeen(id)).toBeUndefined();
    const before = Date.now();
    await store.markSeen(id);
    const seen = await store.lastSeen(id);
    expect(seen).toBeGreaterThanOrEqual(before - 1_000);
    expect(seen).toBeLessThanOrEqual(Date.now() + 1_000);
    // A field of the existing meta hash: no new key names the conversation, and the TTL is kept.
    expect(await redis.hget(keys.conversationMeta(id), 'seenAt')).toBe(String(seen));
    expect(await redis.ttl(keys.conversationMeta(id))).toBeGreaterThan(100);
    const named = await redis.keys(`${keys.prefix}*${id}*`);
    expect(named.sort()).toEqual([keys.conversationMeta(id)]);
    expect(await store.status(id)).toBe('active');

    await store.delete(id);
    expect(await store.lastSeen(id)).toBeUndefined();
    await store.markSeen(id);
    expect(await redis.exists(keys.conversationMeta(id))).toBe(0);
  });

  it('orders entry ids numerically, not as strings', () => {
    expect(RedisConversationStore.compareEntryIds('9-0', '10-0')).toBeLessThan(0);
    expect(RedisConversationStore.compareEntryIds('10-2', '10-10')).toBeLessThan(0);
    expect(RedisConversationStore.compareEntryIds('10-10', '10-10')).toBe(0);
    expect(RedisConversationStore.compareEntryIds('11-0', '10-99')).toBeGreaterThan(0);
  });

  it('skips unreadable entries but still advances the watermark', async () => {
    const id = newId();
    await store.create(id);
    await redis.xadd(keys.conversationActivities(id), '*', 'a', '{not json');
    const ok = await store.append(id, userMessage('fine'));
    const page = await store.read(id);
    expect(page.activities.map((a) => a.text)).toEqual(['fine']);
    expect(page.watermark).toBe(ok.id!.split('|')[1]);
  });
});

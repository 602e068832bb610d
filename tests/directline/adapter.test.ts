/**
 * The web channel's Bot Framework adapter (real BotAdapter, real Redis): what a turn sends is stored
 * in order, consecutive activities are written (and announced) together, and a `delay` separates
 * what comes before it from what comes after.
 */
import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { afterAll, describe, expect, it } from 'vitest';
import { ConversationTurnLock } from '../../directline/ConversationTurnLock.js';
import { RedisConversationStore } from '../../directline/RedisConversationStore.js';
import { WebChannelAdapter } from '../../directline/WebChannelAdapter.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const keys = testKeys('dl-adapter');
const store = new RedisConversationStore({ redis, keys, ttlSeconds: 120 });
const adapter = new WebChannelAdapter({ store, turnLock: new ConversationTurnLock({ redis, keys }) });

afterAll(() => redis.quit());

const incoming = (conversationId: string): Partial<Activity> => ({
  type: 'message',
  text: 'hi',
  channelId: 'webchat',
  conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
  from: { id: 'u_adapter1', name: '', role: 'user' },
  recipient: { id: 'lantern', name: 'Lantern', role: 'bot' },
});

describe('WebChannelAdapter', () => {
  it('stores a turn’s activities in order, writing consecutive ones together and waiting at a delay', async () => {
    const id = randomBytes(16).toString('base64url');
    await store.create(id);
    const listener = redis.duplicate();
    let announced = 0;
    listener.on('message', (_channel, message: string) => {
      if (message === id) announced += 1;
    });
    await listener.subscribe(keys.directLineAppendedChannel());
    let responses: Array<{ id?: string }> = [];
    try {
      await adapter.processActivity(incoming(id), async (context) => {
        responses = await context.sendActivities([
          { type: 'message', text: 'one' },
          { type: 'message', text: 'two' },
          { type: 'delay', value: 50 },
          { type: 'message', text: 'three' },
          { type: 'trace', name: 'ignored' },
          { type: 'message', text: 'four' },
        ]);
      });
      const page = await store.read(id);
      expect(page.activities.map((a) => a.text)).toEqual(['one', 'two', 'three', 'four']);
      expect(page.activities.every((a) => a.from.id === 'lantern' && a.recipient.id === 'u_adapter1')).toBe(true);
      // Every activity got its stored id, in order; the delay and the trace none.
      expect(responses.map((r) => r.id)).toEqual([page.activities[0]!.id, page.activities[1]!.id, '', page.activities[2]!.id, '', page.activities[3]!.id]);
      // "one" and "two" in one write; "three" after the delay; "four" after the trace: three
      // announcements (one per activity would be four). A last append, announced after all of them
      // on the same channel, shows that none is still on its way.
      await store.append(id, { type: 'message', text: 'sentinel' });
      await expect.poll(() => announced).toBeGreaterThanOrEqual(4);
      expect(announced).toBe(4);
    } finally {
      await listener.quit();
    }
  });
});

/**
 * A turn's texts go out with the question after them, in one batch: one write to the conversation's
 * stream per turn where a topic's texts and its question were two, in the same order. Real Redis,
 * the real channel over HTTP.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { YoungPersonClient } from '../helpers/lanternClients.js';
import { commandsSent, uniquePrefix } from '../helpers/redis.js';

describe('a turn with texts and a question', () => {
  const prefix = uniquePrefix('heldreplies');
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await startLantern({ redisUrl: inject('redisUrl'), keyPrefix: prefix, port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false }, { openingHours: OpeningHours.always() });
  });
  afterAll(() => lantern.stop());

  it.each([
    ['a button pressed', { type: 'message', text: 'x', value: { choice: 'non_punishment' } }],
    ['words typed', { type: 'message', text: 'I was forced to sell drugs, will I be punished?' }],
  ])('writes its replies in one command (%s), texts first, the question last', async (_what, activity) => {
    const young = await YoungPersonClient.start(lantern, 'en');
    let replies: Activity[] = [];
    const sent = await commandsSent(prefix, async () => {
      expect((await young.post(activity)).status).toBe(200);
      replies = await young.read();
    });
    const writes = sent.filter((command) => /^eval/i.test(command[0] ?? '') && command.some((arg) => arg.endsWith(`:{${young.conversationId}}:activities`)));
    // The young person's own message, then every reply of the turn in one go.
    expect(writes).toHaveLength(2);
    const fromBot = replies.filter((reply) => reply.from?.role === 'bot');
    const messages = fromBot.filter((reply) => reply.type === 'message');
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.at(-1)?.suggestedActions?.actions?.length).toBeGreaterThan(0);
    for (const text of messages.slice(0, -1)) expect(text.suggestedActions?.actions?.length ?? 0).toBe(0);
    // Stored in the order sent (stream ids ascend).
    const ids = fromBot.map((reply) => reply.id ?? '');
    expect([...ids].sort((a, b) => entryOrder(a) - entryOrder(b) || seq(a) - seq(b))).toEqual(ids);
  });
});

const entryOrder = (id: string) => Number(id.split('|')[1]?.split('-')[0]);
const seq = (id: string) => Number(id.split('-').at(-1));

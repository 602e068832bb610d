/**
 * A turn's texts go out with the question after them, in one batch: one write to the conversation's
 * stream per turn where a topic's texts and its question were two, in the same order. Real Redis,
 * the real channel over HTTP.
 */
import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { holdPlainMessages, sendHeldMessages } from '../../bot/heldReplies.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanternInstance } from '../../server/Lantern.js';
import { startTestLantern } from '../helpers/testLantern.js';
import { YoungPersonClient } from '../helpers/lanternClients.js';
import { commandsSent, testKeys, testRedis, uniquePrefix } from '../helpers/redis.js';
import { BotHarness, texts } from '../helpers/botHarness.js';
import { NoCounsellorGateway } from '../../handoff/NoCounsellorGateway.js';
import type { HandoffOutcome } from '../../handoff/HandoffGateway.js';
import { LANGUAGES } from '../../contracts/languages.js';

describe('a turn with texts and a question', () => {
  const prefix = uniquePrefix('heldreplies');
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await startTestLantern(prefix);
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

describe('holdPlainMessages (botbuilder TestAdapter)', () => {
  /** A turn run by `logic` with texts held; what the adapter was asked to send, batch by batch. */
  async function turn(logic: (context: TurnContext) => Promise<void>, onTurnError?: (context: TurnContext, error: Error) => Promise<void>) {
    // As LanternBot.run does it.
    const adapter = new TestAdapter(async (context) => {
      holdPlainMessages(context);
      try {
        await logic(context);
      } finally {
        await sendHeldMessages(context);
      }
    });
    if (onTurnError) adapter.onTurnError = onTurnError;
    const batches: string[][] = [];
    const send = adapter.sendActivities.bind(adapter);
    adapter.sendActivities = async (context, activities) => {
      batches.push(activities.map((activity) => String(activity.text ?? activity.name ?? activity.type)));
      return send(context, activities);
    };
    await adapter.receiveActivity({ type: 'message', text: 'hi' });
    return batches;
  }
  const question = { type: 'message', text: 'question?', suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'yes', value: 'yes' }] } };

  it.each([
    ['texts, then a question: one batch', async (c: TurnContext) => { await c.sendActivity('one'); await c.sendActivities([{ text: 'two' }, { text: 'three' }]); await c.sendActivity(question); }, [['one', 'two', 'three', 'question?']]],
    ['texts, then an event: one batch, in order', async (c: TurnContext) => { await c.sendActivity('deleted'); await c.sendActivity({ type: 'event', name: 'lantern.deleted' }); }, [['deleted', 'lantern.deleted']]],
    ['texts only: sent at the end', async (c: TurnContext) => { await c.sendActivity('one'); await c.sendActivity('two'); }, [['one', 'two']]],
    ['a question, then texts: two batches', async (c: TurnContext) => { await c.sendActivity(question); await c.sendActivity('after'); }, [['question?'], ['after']]],
    ['nothing', async () => undefined, []],
  ] as const)('%s', async (_what, logic, expected) => {
    expect(await turn(logic)).toEqual(expected);
  });

  it('marks the turn as answered, and answers each send for its own activities', async () => {
    const seen: unknown[] = [];
    await turn(async (context) => {
      const held = await context.sendActivities([{ text: 'one' }, { text: 'two' }]);
      seen.push(context.responded, held.length);
      seen.push((await context.sendActivities([question])).length);
    });
    expect(seen).toEqual([true, 2, 1]);
  });

  it("sends what waits before a failed turn's apology, and the apology at once", async () => {
    const batches = await turn(
      async (context) => {
        await context.sendActivity('one');
        throw new Error('the turn failed');
      },
      async (context) => {
        await context.sendActivity('sorry');
      },
    );
    expect(batches.flat()).toEqual(['one', 'sorry']);
  });
});

describe('a turn of the real bot that fails', () => {
  const redis = testRedis();
  const keys = testKeys('heldreplies-failing');
  afterAll(() => redis.quit());

  /** A gateway to counsellors that is down. */
  class FailingGateway extends NoCounsellorGateway {
    override async request(): Promise<HandoffOutcome> {
      throw new Error('the queue is down');
    }
  }

  it.each(LANGUAGES)('%s: still apologises, last, after what the turn said first', async (language) => {
    const bot = new BotHarness(redis, keys, new FailingGateway());
    const t = bot.built.translator.forLanguage(language);
    let replies = await bot.press('danger', await bot.start(language));
    replies = await bot.press('yes', replies);
    const said = texts(replies);
    expect(said.at(-1)).toBe(t('common:turnError'));
    expect(said.filter((text) => text === t('common:turnError'))).toHaveLength(1);
  });
});

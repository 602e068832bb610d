/**
 * Drives the real Lantern bot (real dialogs, real RedisStorage on the test Redis) through the
 * Bot Framework's TestAdapter, one conversation per harness, and collects the bot's replies.
 */
import { randomBytes } from 'node:crypto';
import { TestAdapter, type Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { createLanternBot, type BuiltBot } from '../../bot/createLanternBot.js';
import type { Language } from '../../contracts/languages.js';
import { RedisStorage } from '../../directline/RedisStorage.js';
import { LANGUAGE_EVENT } from '../../contracts/ChatCommand.js';
import { NoCounsellorGateway } from '../../handoff/NoCounsellorGateway.js';
import { Screener } from '../../screening/Screener.js';
import { MetricsRecorder } from '../../metrics/MetricsRecorder.js';
import { RedisConversationEraser } from '../../privacy/ConversationEraser.js';
import { RedisConversationStore } from '../../directline/RedisConversationStore.js';
import { returnCodeHasher, ReturnCodes } from '../../directline/ReturnCodes.js';
import type { HandoffGateway } from '../../handoff/HandoffGateway.js';
import type { RedisKeys } from '../../contracts/RedisKeys.js';

/** One screener for every harness of a test file (loading it is the slow part). */
let sharedScreener: Screener | undefined;

/** The error log lines the bot wrote during a test. */
export const loggedErrors: Array<Record<string, unknown>> = [];

/** A conversation with the bot. */
export class BotHarness {
  readonly adapter: TestAdapter;
  readonly built: BuiltBot;
  readonly conversationId = `test-${randomBytes(6).toString('hex')}`;
  eraser!: RedisConversationEraser;
  /** The return codes this conversation's bot gives (real, on the test Redis). */
  returnCodes!: ReturnCodes;

  constructor(redis: Redis, keys: RedisKeys, handoff: HandoffGateway = new NoCounsellorGateway()) {
    this.built = createLanternBot({
      storage: new RedisStorage({ redis, keys, ttlSeconds: 600 }),
      handoff,
      retentionHours: 48,
      log: { error: (fields) => { loggedErrors.push(fields); if (process.env.DEBUG_TURN) console.error(fields); } },
      screener: (sharedScreener ??= Screener.load()),
      metrics: new MetricsRecorder({ redis, keys }),
      eraser: (this.eraser = new RedisConversationEraser({ redis, keys, store: new RedisConversationStore({ redis, keys, ttlSeconds: 600 }), returnCodes: this.harnessReturnCodes(redis, keys), graceMs: 0 })),
      returnCodes: this.returnCodes,
    });
    const conversationId = this.conversationId;
    this.adapter = new TestAdapter(async (context) => this.built.bot.run(context), {
      channelId: 'webchat',
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: 'u_test', name: '', role: 'user' },
      recipient: { id: 'lantern', name: 'Lantern', role: 'bot' },
      serviceUrl: 'https://test.invalid',
    });
    this.adapter.onTurnError = this.built.onTurnError;
  }

  private harnessReturnCodes(redis: Redis, keys: RedisKeys): ReturnCodes {
    const store = new RedisConversationStore({ redis, keys, ttlSeconds: 600 });
    this.returnCodes = new ReturnCodes({
      redis,
      keys,
      hash: returnCodeHasher('harness-return-code-key-0123456789abcdef', async () => ''),
      status: (conversationId) => store.status(conversationId),
      ttlSeconds: 48 * 3600,
      perClient: { max: 10, windowSeconds: 3600 },
      global: { max: 500, windowSeconds: 3600 },
    });
    return this.returnCodes;
  }

  /** Sends an activity and returns every reply of that turn. */
  async send(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    await this.adapter.receiveActivity(activity);
    return this.adapter.activeQueue.splice(0);
  }

  /** Sends the page's language event (what the chat page does right after starting). */
  start(language: Language): Promise<Partial<Activity>[]> {
    return this.send({ type: 'event', name: LANGUAGE_EVENT, value: language, locale: language });
  }

  /** Types a message. */
  say(text: string, locale?: string): Promise<Partial<Activity>[]> {
    return this.send({ type: 'message', text, locale });
  }

  /** Presses a button the bot offered (by its stable choice id), as the page does. */
  press(choiceId: string, replies: Partial<Activity>[]): Promise<Partial<Activity>[]> {
    const action = lastActions(replies).find((a) => (a.value as { choice?: string } | undefined)?.choice === choiceId);
    if (!action) throw new Error(`No button "${choiceId}" among ${JSON.stringify(choiceIds(replies))}`);
    return this.send({ type: 'message', text: String(action.text ?? action.title), value: action.value });
  }
}

/** The suggested actions of the last reply that has any. */
export function lastActions(replies: Partial<Activity>[]): Array<{ title?: string; text?: string; value?: unknown }> {
  const withActions = [...replies].reverse().find((r) => r.suggestedActions?.actions?.length);
  return (withActions?.suggestedActions?.actions ?? []) as Array<{ title?: string; text?: string; value?: unknown }>;
}

/** The stable ids of the offered buttons. */
export function choiceIds(replies: Partial<Activity>[]): string[] {
  return lastActions(replies).map((a) => String((a.value as { choice?: string } | undefined)?.choice));
}

/** The texts of the message replies. */
export function texts(replies: Partial<Activity>[]): string[] {
  return replies.filter((r) => r.type === 'message' && r.text).map((r) => String(r.text));
}

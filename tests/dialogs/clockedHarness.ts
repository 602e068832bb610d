/**
 * Like tests/helpers/botHarness.ts, with what the texts depend on under the test's control: a fixed
 * clock (which help lines are open now), the retention the texts state, and the handoff gateway.
 * Also a TestAdapter that runs proactive turns (HandoffNotifier) so their messages can be read.
 */
import { randomBytes } from 'node:crypto';
import { TestAdapter, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Redis } from 'ioredis';
import { createLanternBot, type BuiltBot } from '../../bot/createLanternBot.js';
import { LANGUAGE_EVENT } from '../../contracts/ChatCommand.js';
import type { RedisKeys } from '../../contracts/RedisKeys.js';
import type { Language } from '../../contracts/languages.js';
import { RedisConversationStore } from '../../directline/RedisConversationStore.js';
import { RedisStorage } from '../../directline/RedisStorage.js';
import type { HandoffGateway } from '../../handoff/HandoffGateway.js';
import { NoCounsellorGateway } from '../../handoff/NoCounsellorGateway.js';
import { MetricsRecorder } from '../../metrics/MetricsRecorder.js';
import { RedisConversationEraser } from '../../privacy/ConversationEraser.js';
import { Screener } from '../../screening/Screener.js';
import { Translator } from '../../texts/Translator.js';
import { lastActions } from '../helpers/botHarness.js';
import { TextKeysMiddleware } from '../../bot/textKeysMiddleware.js';

let sharedScreener: Screener | undefined;
const translators = new Map<number, Translator>();

/** A TestAdapter that also runs proactive turns (continueConversation), replies queued like any other. */
export class ProactiveTestAdapter extends TestAdapter {
  override async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}

/** Options of ClockedHarness. */
export interface ClockedHarnessOptions {
  handoff?: HandoffGateway;
  /** The moment the bot believes it is (default: now). */
  now?: Date;
  /** Hours the texts say messages are kept (default 48). */
  retentionHours?: number;
}

/** A conversation with the bot at a fixed moment. */
export class ClockedHarness {
  readonly adapter: ProactiveTestAdapter;
  readonly built: BuiltBot;
  readonly conversationId = `test-${randomBytes(6).toString('hex')}`;

  constructor(redis: Redis, keys: RedisKeys, options: ClockedHarnessOptions = {}) {
    const retentionHours = options.retentionHours ?? 48;
    let translator = translators.get(retentionHours);
    if (!translator) translators.set(retentionHours, (translator = new Translator({ variables: { retentionHours } })));
    const store = new RedisConversationStore({ redis, keys, ttlSeconds: 600 });
    const at = options.now;
    this.built = createLanternBot({
      storage: new RedisStorage({ redis, keys, ttlSeconds: 600 }),
      handoff: options.handoff ?? new NoCounsellorGateway(),
      retentionHours,
      translator,
      log: { error: () => undefined },
      screener: (sharedScreener ??= Screener.load()),
      metrics: new MetricsRecorder({ redis, keys }),
      eraser: new RedisConversationEraser({ redis, keys, store, graceMs: 0 }),
      now: at ? () => new Date(at) : undefined,
    });
    this.adapter = new ProactiveTestAdapter(async (context) => this.built.bot.run(context), {
      channelId: 'webchat',
      conversation: { id: this.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: 'u_test', name: '', role: 'user' },
      recipient: { id: 'lantern', name: 'Lantern', role: 'bot' },
      serviceUrl: 'https://test.invalid',
    });
    this.adapter.onTurnError = this.built.onTurnError;
    // As bot/botPlugin.ts wires it: every message carries the keys of its texts.
    this.adapter.use(new TextKeysMiddleware());
  }

  /** Sends an activity and returns every reply of that turn. */
  async send(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    await this.adapter.receiveActivity(activity);
    return this.adapter.activeQueue.splice(0);
  }

  /** The replies of proactive turns since the last read. */
  drain(): Partial<Activity>[] {
    return this.adapter.activeQueue.splice(0);
  }

  /** Starts the conversation as the page does (language event). */
  start(language: Language): Promise<Partial<Activity>[]> {
    return this.send({ type: 'event', name: LANGUAGE_EVENT, value: language, locale: language });
  }

  /** Types a message (with the client's locale, if given). */
  say(text: string, locale?: string): Promise<Partial<Activity>[]> {
    return this.send({ type: 'message', text, locale });
  }

  /** Presses a button the bot offered, by its stable choice id (or a command button by its command). */
  press(id: string, replies: Partial<Activity>[]): Promise<Partial<Activity>[]> {
    const action = lastActions(replies).find((a) => {
      const value = a.value as { choice?: string; command?: string } | undefined;
      return value?.choice === id || value?.command === id;
    });
    if (!action) throw new Error(`No button "${id}"`);
    return this.send({ type: 'message', text: String(action.text ?? action.title), value: action.value });
  }
}

/** The ids of the offered buttons: a choice's id, or a command button's command. */
export function buttonIds(replies: Partial<Activity>[]): string[] {
  return lastActions(replies).map((a) => {
    const value = a.value as { choice?: string; command?: string } | undefined;
    return String(value?.choice ?? value?.command);
  });
}

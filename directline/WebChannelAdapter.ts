/**
 * The Bot Framework adapter of Lantern's own web channel (channelId `webchat`).
 * Incoming activities come from the Direct Line routes; outgoing activities are appended to the
 * conversation's stream in Redis, from where every app instance pushes them to the page.
 */
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { ConversationStore } from './ConversationStore.js';
import type { ConversationTurnLock } from './ConversationTurnLock.js';

/** The bot's account on the channel. */
export const BOT_ACCOUNT = { id: 'lantern', name: 'Lantern', role: 'bot' } as const;

/** Options of WebChannelAdapter. */
export interface WebChannelAdapterOptions {
  store: ConversationStore;
  turnLock: ConversationTurnLock;
  /** Longest pause a `delay` activity may ask for (ms). */
  maxDelayMs?: number;
}

/** Raised for operations the web channel does not have (editing or deleting sent messages). */
export class UnsupportedChannelOperationError extends Error {
  override name = 'UnsupportedChannelOperationError';
}

/** BotAdapter for the web channel. */
export class WebChannelAdapter extends BotAdapter {
  constructor(private readonly options: WebChannelAdapterOptions) {
    super();
  }

  /** Runs one incoming activity through middleware and the bot, one turn per conversation at a time. */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const conversationId = activity.conversation?.id;
    if (!conversationId) throw new TypeError('Activity has no conversation id');
    await this.options.turnLock.run(conversationId, async () => {
      const context = new TurnContext(this, activity);
      await this.runMiddleware(context, logic);
    });
  }

  /**
   * Appends the bot's activities to the conversation's stream, in order. Consecutive ones for the
   * same conversation are written together (RedisConversationStore.appendMany: one round trip, one
   * announcement, so the page's stream reads them in one go); a `delay` waits between what comes
   * before and after it; `trace` and invoke responses are not stored.
   */
  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    let run: { conversationId: string; activities: Partial<Activity>[] } | undefined;
    const flush = async () => {
      if (!run) return;
      const stored = await this.options.store.appendMany(run.conversationId, run.activities);
      for (const activity of stored) responses.push({ id: activity.id ?? '' });
      run = undefined;
    };
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await flush();
        const ms = Math.min(Number(activity.value) || 0, this.options.maxDelayMs ?? 2_000);
        await new Promise((resolve) => setTimeout(resolve, ms));
        responses.push({ id: '' });
        continue;
      }
      if (activity.type === ActivityTypes.InvokeResponse || activity.type === 'trace') {
        await flush();
        responses.push({ id: '' });
        continue;
      }
      const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
      if (run && run.conversationId !== conversationId) await flush();
      run ??= { conversationId, activities: [] };
      run.activities.push({ ...activity, from: { ...BOT_ACCOUNT }, recipient: activity.recipient ?? context.activity.from });
    }
    await flush();
    return responses;
  }

  /** Sent messages cannot be edited on this channel. */
  async updateActivity(): Promise<void> {
    throw new UnsupportedChannelOperationError('The web channel cannot update sent activities');
  }

  /** Sent messages cannot be deleted one by one on this channel (a whole conversation can). */
  async deleteActivity(): Promise<void> {
    throw new UnsupportedChannelOperationError('The web channel cannot delete single activities');
  }

  /** Runs `logic` in a proactive turn of an existing conversation (used by the handoff). */
  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    await this.processActivity(activity, logic);
  }
}

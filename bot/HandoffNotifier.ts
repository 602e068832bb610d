/**
 * What the bot tells the young person when the counsellors' side moves: a counsellor took over
 * (then the bot falls silent), the counsellor ended or passed the chat on, the place in line
 * changed, or the wait has been long. Each is a proactive turn on the conversation, in the young
 * person's language, through the same adapter (so it is serialised with their own messages).
 */
import { ActionTypes, EventFactory, type TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { BuiltBot } from './createLanternBot.js';
import type { WebChannelAdapter } from './WebChannelAdapter.js';
import { BOT_ACCOUNT } from './WebChannelAdapter.js';

/** Where the young person is. */
export interface ConversationRef {
  conversationId: string;
  userId: string;
  serviceUrl: string;
}

/** Proactive messages about the handoff. */
export class HandoffNotifier {
  constructor(
    private readonly adapter: WebChannelAdapter,
    private readonly bot: BuiltBot,
  ) {}

  private run(ref: ConversationRef, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return this.adapter.continueConversation(
      {
        conversation: { id: ref.conversationId, isGroup: false, conversationType: 'personal', name: '' },
        user: { id: ref.userId, name: '', role: 'user' },
        bot: { ...BOT_ACCOUNT },
        channelId: 'webchat',
        serviceUrl: ref.serviceUrl,
      },
      async (context) => {
        await logic(context);
        await this.bot.conversationState.saveChanges(context, false);
      },
    );
  }

  private async say(context: TurnContext, keys: string[], variables: Record<string, unknown> = {}): Promise<void> {
    const t = this.bot.translator.forLanguage((await this.bot.profile.language(context)) ?? 'en');
    await context.sendActivities(keys.map((key) => ({ type: 'message', text: t(key, variables) })));
  }

  /** A counsellor took the conversation: tell the page and the young person; the bot falls silent. */
  accepted(ref: ConversationRef): Promise<void> {
    return this.run(ref, async (context) => {
      (await this.bot.profile.get(context)).handoff = { status: 'accepted' };
      await this.bot.conversationState.createProperty<DialogState>('dialogState').delete(context);
      await context.sendActivity(EventFactory.createHandoffStatus(context.activity.conversation, 'accepted'));
      await this.say(context, ['handoff:accepted']);
    });
  }

  /** The counsellor ended: the bot is back, with the menu. */
  completed(ref: ConversationRef): Promise<void> {
    return this.run(ref, async (context) => {
      (await this.bot.profile.get(context)).handoff = undefined;
      await context.sendActivity(EventFactory.createHandoffStatus(context.activity.conversation, 'completed'));
      await this.say(context, ['handoff:ended']);
      await this.bot.mainDialog.run(context, this.bot.conversationState.createProperty<DialogState>('dialogState'));
    });
  }

  /** The counsellor put the conversation back in line. */
  backInQueue(ref: ConversationRef, position: number): Promise<void> {
    return this.run(ref, async (context) => {
      (await this.bot.profile.get(context)).handoff = { status: 'waiting' };
      await context.sendActivity({ type: 'event', name: 'handoff.status', value: { state: 'waiting', position } });
      await this.say(context, ['handoff:backInQueue'], { position });
    });
  }

  /** Another counsellor took over the conversation. */
  transferred(ref: ConversationRef): Promise<void> {
    return this.run(ref, (context) => this.say(context, ['handoff:transferred']));
  }

  /** The place in line or the estimate changed (the page shows it in its status line). */
  waiting(ref: ConversationRef, position: number, estimatedWaitMinutes: number | null): Promise<void> {
    return this.run(ref, async (context) => {
      // The line may have moved on since it was read (claimed, cancelled): only tell who still waits.
      if ((await this.bot.profile.get(context)).handoff?.status !== 'waiting') return;
      await context.sendActivity({ type: 'event', name: 'handoff.status', value: { state: 'waiting', position, estimatedWaitMinutes } });
    });
  }

  /** Nobody picked up for a long time: the alternatives, and the choice to keep waiting. */
  timedOut(ref: ConversationRef): Promise<void> {
    return this.run(ref, async (context) => {
      if ((await this.bot.profile.get(context)).handoff?.status !== 'waiting') return;
      const language = (await this.bot.profile.language(context)) ?? 'en';
      const t = this.bot.translator.forLanguage(language);
      const button = (choice: string, command: string) => {
        const title = t(`choices:${choice}.title`);
        return { type: ActionTypes.MessageBack, title, text: title, displayText: title, value: { command } };
      };
      await this.say(context, ['handoff:timeout']);
      await context.sendActivity({
        type: 'message',
        text: t('handoff:timeoutOptions'),
        suggestedActions: { to: [], actions: [button('keep_waiting', 'keep_waiting'), button('cancel_waiting', 'cancel_handoff')] },
      });
    });
  }
}

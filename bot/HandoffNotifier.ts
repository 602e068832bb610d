/**
 * What the bot tells the young person when the counsellors' side moves. It listens to the
 * handoff's `YoungPersonEvent`s (one direction: the handoff never calls into the bot) and says each
 * in a proactive turn on the conversation, in the young person's language, through the same adapter
 * (so it is serialised with their own messages): a counsellor took over (then the bot falls
 * silent), ended, passed the chat on or left, an interpreter joined or left, the place in line
 * changed, the wait has been long, or the page was gone so long that the young person left the line.
 * After the safe word (someone may be reading along) only an interpreter joining or leaving is said.
 */
import { EventFactory, type TurnContext } from 'botbuilder';
import { commandButtons } from '../dialogs/commandButtons.js';
import { helplineLines } from '../dialogs/helplineTexts.js';
import type { DialogState } from 'botbuilder-dialogs';
import type { ConversationRef, YoungPersonEvent } from '../handoff/HandoffEvents.js';
import type { BuiltBot } from './createLanternBot.js';
import type { WebChannelAdapter } from '../directline/WebChannelAdapter.js';
import { BOT_ACCOUNT } from '../directline/WebChannelAdapter.js';
import { textLogOf } from '../texts/textLog.js';

export type { ConversationRef };

/** Proactive messages about the handoff. */
export class HandoffNotifier {
  constructor(
    private readonly adapter: WebChannelAdapter,
    private readonly bot: BuiltBot,
  ) {}

  /** Says what the event means to the young person. */
  handle(event: YoungPersonEvent): Promise<void> {
    switch (event.type) {
      case 'accepted':
        return this.accepted(event.ref);
      case 'completed':
        return this.completed(event.ref);
      case 'requeued':
        return this.backInQueue(event.ref, event.position, event.why === 'counsellor_left' ? 'handoff:counsellorLeft' : 'handoff:backInQueue');
      case 'transferred':
        return this.transferred(event.ref);
      case 'waiting':
        return this.waiting(event.ref, event.position, event.estimatedWaitMinutes);
      case 'timedOut':
        return this.timedOut(event.ref, event.danger);
      case 'away':
        return this.away(event.ref);
      case 'interpreter':
        return this.interpreter(event.ref, event.joined);
    }
  }

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
    const t = this.bot.translator.forLanguage((await this.bot.profile.language(context)) ?? 'en', textLogOf(context));
    await context.sendActivities(keys.map((key) => ({ type: 'message', text: t(key, variables) })));
  }

  private dialogState() {
    return this.bot.conversationState.createProperty<DialogState>('dialogState');
  }

  /** A counsellor took the conversation: tell the page and the young person; the bot falls silent. */
  private accepted(ref: ConversationRef): Promise<void> {
    return this.run(ref, async (context) => {
      await this.bot.profile.setHandoffStatus(context, 'accepted');
      await this.dialogState().delete(context);
      if (await this.discreet(context)) return;
      await context.sendActivity(EventFactory.createHandoffStatus(context.activity.conversation, 'accepted'));
      await this.say(context, ['handoff:accepted']);
    });
  }

  /** The counsellor ended: the bot is back, with the menu. */
  private completed(ref: ConversationRef): Promise<void> {
    return this.run(ref, async (context) => {
      await this.bot.profile.setHandoffStatus(context, undefined);
      // Watched or not, the page's status line must not go on saying "talking with a person" (also
      // to a device that comes back with a code and replays the conversation): the event only clears it.
      await context.sendActivity(EventFactory.createHandoffStatus(context.activity.conversation, 'completed'));
      if (await this.discreet(context)) {
        await this.dialogState().delete(context);
        return;
      }
      await this.say(context, ['handoff:ended']);
      await this.dialogState().delete(context);
      await this.bot.mainDialog.run(context, this.dialogState());
    });
  }

  /** Back in line: the counsellor passed it back, or left (logged out, went off duty, lost the connection). */
  private backInQueue(ref: ConversationRef, position: number, key: string): Promise<void> {
    return this.run(ref, async (context) => {
      await this.bot.profile.setHandoffStatus(context, 'waiting');
      if (await this.discreet(context)) return;
      await context.sendActivity({ type: 'event', name: 'handoff.status', value: { state: 'waiting', position } });
      await this.say(context, [key], { position });
      await this.sendWaitingButtons(context);
    });
  }

  /** Another counsellor took over the conversation. */
  private transferred(ref: ConversationRef): Promise<void> {
    return this.run(ref, async (context) => {
      if (!(await this.discreet(context))) await this.say(context, ['handoff:transferred']);
    });
  }

  /** An interpreter joined (what they do, that they keep it secret, that the young person may say no), or left. */
  private interpreter(ref: ConversationRef, joined: boolean): Promise<void> {
    return this.run(ref, async (context) => {
      if ((await this.bot.profile.handoffStatus(context)) !== 'accepted') return;
      await this.say(context, [joined ? 'handoff:interpreterJoined' : 'handoff:interpreterLeft']);
    });
  }

  /** The place in line or the estimate changed (the page shows it in its status line). */
  private waiting(ref: ConversationRef, position: number, estimatedWaitMinutes: number | null): Promise<void> {
    return this.run(ref, async (context) => {
      // The line may have moved on since it was read (claimed, cancelled): only tell who still waits.
      if ((await this.bot.profile.handoffStatus(context)) !== 'waiting' || (await this.discreet(context))) return;
      await context.sendActivity({ type: 'event', name: 'handoff.status', value: { state: 'waiting', position, estimatedWaitMinutes } });
    });
  }

  /** Nobody picked up for a long time (sooner in danger): the 24/7 alternatives, and the choice to keep waiting. */
  private timedOut(ref: ConversationRef, danger: boolean): Promise<void> {
    return this.run(ref, async (context) => {
      // Someone may be reading along: no help lines on the screen; the consoles keep alerting (danger).
      if ((await this.bot.profile.handoffStatus(context)) !== 'waiting' || (await this.discreet(context))) return;
      if (danger) {
        await this.sendWaitingButtons(context, 'handoff:dangerTimeout', ['keep_waiting', 'cancel_waiting']);
        return;
      }
      // Other ways to talk to a person: Veilig Thuis (day and night), and only the lines open now.
      const language = (await this.bot.profile.language(context)) ?? 'en';
      await this.say(context, ['handoff:timeout', 'handoff:helplines']);
      await context.sendActivity(helplineLines(this.bot.translator, language, this.bot.now(), { reachableOnly: true, log: textLogOf(context) }));
      await this.sendWaitingButtons(context, 'handoff:keepWaitingQuestion', ['keep_waiting', 'cancel_waiting']);
    });
  }

  /** The page was gone so long that the young person left the line: say so, for when they come back. */
  private away(ref: ConversationRef): Promise<void> {
    return this.run(ref, async (context) => {
      if ((await this.bot.profile.handoffStatus(context)) !== 'waiting') return;
      await this.bot.profile.setHandoffStatus(context, undefined);
      // The status line is cleared in any case (the event shows nothing else); the words only when not watched.
      await context.sendActivity(EventFactory.createHandoffStatus(context.activity.conversation, 'failed', 'away'));
      if (await this.discreet(context)) return;
      await this.say(context, ['handoff:away']);
    });
  }

  /**
   * The young person typed their safe word (someone may be reading along): the handoff's news stays
   * off the screen (no new status line, no "a person is here", no help lines); only an interpreter
   * joining or leaving is still said, because the young person must know who reads the chat, and
   * an ended chat still clears the status line (the events show nothing else).
   */
  private discreet(context: TurnContext): Promise<boolean> {
    return this.bot.profile.mayBeWatched(context);
  }

  /** A message with the waiting buttons (stop waiting, or keep waiting after a long wait), as commands. */
  private async sendWaitingButtons(context: TurnContext, key = 'handoff:whatNext', choices: string[] = ['menu', 'cancel_waiting']): Promise<void> {
    const t = this.bot.translator.forLanguage((await this.bot.profile.language(context)) ?? 'en', textLogOf(context));
    const actions = commandButtons(t, choices);
    await context.sendActivity({ type: 'message', text: t(key), suggestedActions: { to: [], actions } });
  }
}

/**
 * The bot: it only routes activities. Messages, the page's language event and the start of a
 * conversation (`conversationUpdate` with the young person among `membersAdded`) go to the dialog
 * tree (also the events `lantern.returnCode` and `lantern.keepLonger`); a quick exit (endOfConversation) forgets the
 * conversation's bot state and its return code at once.
 * Personal details in a message get a gentle warning that they are not needed.
 */
import { ActivityHandler, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { FIRST_LOCALE_TURN_KEY, type MainDialog } from '../dialogs/MainDialog.js';
import type { HandoffGateway } from '../handoff/HandoffGateway.js';
import type { MetricsRecorder } from '../metrics/MetricsRecorder.js';
import { KEEP_LONGER_EVENT, LANGUAGE_EVENT, RETURN_CODE_EVENT } from '../contracts/ChatCommand.js';
import type { CommandRecognizer } from '../dialogs/CommandRecognizer.js';
import type { ConversationProfile } from '../dialogs/ConversationProfile.js';
import { findPersonalDetails } from './personalDetails.js';
import type { ChatScreening } from './chatScreening.js';
import type { SafeWordSignal } from './safeWordSignal.js';
import type { Translator } from '../texts/Translator.js';
import { textLogOf } from '../texts/textLog.js';
import { holdPlainMessages, sendHeldMessages } from './heldReplies.js';

/** What the bot is built from. */
export interface LanternBotOptions {
  conversationState: ConversationState;
  profile: ConversationProfile;
  translator: Translator;
  mainDialog: MainDialog;
  handoff: HandoffGateway;
  metrics: MetricsRecorder;
  /** Screens what the young person types while a counsellor has the chat. */
  chatScreening?: ChatScreening;
  commands: CommandRecognizer;
  /** The safe word (bot/safeWordSignal.ts), checked before anything else answers a message. */
  safeWord?: SafeWordSignal;
  /** Return codes, revoked by the quick exit. */
  returnCodes?: { revoke(conversationId: string): Promise<void> };
}

/** Routes activities to the dialog tree. */
export class LanternBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  /** Whether an activity of this conversation has carried a locale yet. */
  private readonly localeSeen: StatePropertyAccessor<boolean>;

  constructor(private readonly options: LanternBotOptions) {
    super();
    this.dialogState = options.conversationState.createProperty<DialogState>('dialogState');
    this.localeSeen = options.conversationState.createProperty<boolean>('localeSeen');

    // Only a conversation's first locale (of its start, or else of its first activity) may choose
    // its language: Web Chat sends its default (`en-US`) with every activity, which must never
    // decide for the young person later (MainDialog reads FIRST_LOCALE_TURN_KEY, not the activity).
    this.onTurn(async (context, next) => {
      const locale = context.activity.locale;
      if (typeof locale === 'string' && locale !== '' && !(await this.localeSeen.get(context, false))) {
        await this.localeSeen.set(context, true);
        context.turnState.set(FIRST_LOCALE_TURN_KEY, locale);
      }
      await next();
    });

    // A client that never sends a first message (Web Chat, a partner's page) gets the same start
    // as one that does: the language (from the start's locale, or asked), the welcome, the menu.
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((member) => member.id !== botId)) {
        await options.mainDialog.run(context, this.dialogState);
      }
      await next();
    });

    this.onMessage(async (context, next) => {
      // The safe word, typed anywhere: the counsellors' side is told, the screen shows nothing unusual.
      if (await options.safeWord?.handle(context)) {
        await next();
        return;
      }
      // Once a counsellor has taken over, the bot stays silent (the counsellor reads the stream)
      // but still screens for them, except for "delete my conversation", the return code and keeping
      // the conversation longer, which always work.
      const accepted = (await options.profile.handoffStatus(context)) === 'accepted';
      const command = accepted ? options.commands.recognize(context.activity) : undefined;
      if (!accepted || command === 'delete_conversation' || command === 'return_code' || command === 'keep_longer') {
        await this.warnAboutPersonalDetails(context);
        await options.mainDialog.run(context, this.dialogState);
      } else {
        await options.chatScreening?.screen(context);
      }
      await next();
    });

    this.onEvent(async (context, next) => {
      const name = context.activity.name;
      if (name === LANGUAGE_EVENT || name === RETURN_CODE_EVENT || name === KEEP_LONGER_EVENT) await options.mainDialog.run(context, this.dialogState);
      await next();
    });

    this.onEndOfConversation(async (context, next) => {
      const language = (await options.profile.language(context)) ?? 'und';
      await options.metrics.record({ name: 'quick_exit', lang: language });
      if (await options.handoff.left(context.activity.conversation.id)) await options.metrics.record({ name: 'handoff_left', lang: language });
      await options.conversationState.delete(context);
      // The quick exit also makes the return code useless at once (the ended conversation refuses it anyway).
      await options.returnCodes?.revoke(context.activity.conversation.id);
      await next();
    });

    this.onDialog(async (context, next) => {
      // The turn's held texts (see run) go out before the state that follows them is saved.
      await sendHeldMessages(context);
      if (context.activity.type !== 'endOfConversation') await options.conversationState.saveChanges(context, false);
      await next();
    });
  }

  /**
   * Runs a turn whose texts go out with its question, in one batch (bot/heldReplies.ts). They are
   * sent before the state is saved (onDialog above), or at the end of a turn that did not get
   * there, failed or not; then nothing waits, so a failed turn's apology goes out at once.
   */
  override async run(context: TurnContext): Promise<void> {
    holdPlainMessages(context);
    try {
      await super.run(context);
    } finally {
      await sendHeldMessages(context);
    }
  }

  private async warnAboutPersonalDetails(context: TurnContext): Promise<void> {
    const text = context.activity.text;
    if (typeof text !== 'string' || findPersonalDetails(text).length === 0) return;
    const language = (await this.options.profile.language(context)) ?? 'en';
    await context.sendActivity(this.options.translator.forLanguage(language, textLogOf(context))('common:personalDetails'));
  }
}

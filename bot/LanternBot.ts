/**
 * The bot: it only routes activities. Messages and the page's language event go to the dialog
 * tree; a quick exit (endOfConversation) forgets the conversation's bot state at once.
 * Personal details in a message get a gentle warning that they are not needed.
 */
import { ActivityHandler, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { MainDialog } from '../dialogs/MainDialog.js';
import type { HandoffGateway } from '../handoff/HandoffGateway.js';
import type { MetricsRecorder } from '../metrics/MetricsRecorder.js';
import { LANGUAGE_EVENT } from '../contracts/ChatCommand.js';
import type { CommandRecognizer } from '../dialogs/CommandRecognizer.js';
import type { ConversationProfile } from '../dialogs/ConversationProfile.js';
import { findPersonalDetails } from './personalDetails.js';
import type { ChatScreening } from './chatScreening.js';
import type { Translator } from '../texts/Translator.js';

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
}

/** Routes activities to the dialog tree. */
export class LanternBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;

  constructor(private readonly options: LanternBotOptions) {
    super();
    this.dialogState = options.conversationState.createProperty<DialogState>('dialogState');

    this.onMessage(async (context, next) => {
      // Once a counsellor has taken over, the bot stays silent (the counsellor reads the stream)
      // but still screens for them, except for "delete my conversation", which always works.
      const accepted = (await options.profile.handoffStatus(context)) === 'accepted';
      if (!accepted || options.commands.recognize(context.activity) === 'delete_conversation') {
        await this.warnAboutPersonalDetails(context);
        await options.mainDialog.run(context, this.dialogState);
      } else {
        await options.chatScreening?.screen(context);
      }
      await next();
    });

    this.onEvent(async (context, next) => {
      if (context.activity.name === LANGUAGE_EVENT) await options.mainDialog.run(context, this.dialogState);
      await next();
    });

    this.onEndOfConversation(async (context, next) => {
      const language = (await options.profile.language(context)) ?? 'und';
      await options.metrics.record({ name: 'quick_exit', lang: language });
      if (await options.handoff.left(context.activity.conversation.id)) await options.metrics.record({ name: 'handoff_left', lang: language });
      await options.conversationState.delete(context);
      await next();
    });

    this.onDialog(async (context, next) => {
      if (context.activity.type !== 'endOfConversation') await options.conversationState.saveChanges(context, false);
      await next();
    });
  }

  private async warnAboutPersonalDetails(context: TurnContext): Promise<void> {
    const text = context.activity.text;
    if (typeof text !== 'string' || findPersonalDetails(text).length === 0) return;
    const language = (await this.options.profile.language(context)) ?? 'en';
    await context.sendActivity(this.options.translator.forLanguage(language)('common:personalDetails'));
  }
}

/**
 * The CancelAndHelp pattern of the Bot Framework samples, for Lantern's commands: before any
 * dialog sees a message, the root checks for help, menu, language, 112, stop and "talk to a
 * person" (buttons or typed words in any of the five languages) and for the page's language event.
 */
import type { TurnContext } from 'botbuilder';
import { ComponentDialog, Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { LANGUAGE_EVENT, type ChatCommand } from '../contracts/ChatCommand.js';
import type { CommandRecognizer } from './CommandRecognizer.js';
import { isLanguage, languageFromLocale, type Language } from '../contracts/languages.js';
import { textsFor, type DialogServices } from './DialogServices.js';

/** A root ComponentDialog that handles interruptions before its children. */
export abstract class InterruptibleDialog extends ComponentDialog {
  constructor(
    dialogId: string,
    protected readonly services: DialogServices,
    protected readonly commands: CommandRecognizer,
  ) {
    super(dialogId);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const activity = innerDc.context.activity;
    if (activity.type === 'event' && activity.name === LANGUAGE_EVENT) {
      const language = isLanguage(activity.value) ? activity.value : languageFromLocale(String(activity.value ?? ''));
      if (language && language !== (await this.services.profile.language(innerDc.context))) {
        return this.onLanguageChosen(innerDc, language);
      }
      return Dialog.EndOfTurn;
    }
    const command = this.commands.recognize(activity);
    if (command) return this.onCommand(innerDc, command);
    return super.onContinueDialog(innerDc);
  }

  /** Sends the given texts, then asks the active dialog's question again. */
  protected async sayAndReprompt(innerDc: DialogContext, keys: string[]): Promise<DialogTurnResult> {
    await this.say(innerDc.context, keys);
    await innerDc.repromptDialog();
    return Dialog.EndOfTurn;
  }

  /** Sends texts in the conversation's language. */
  protected async say(context: TurnContext, keys: string[]): Promise<void> {
    const t = await textsFor(this.services, context);
    await context.sendActivities(keys.map((key) => ({ type: 'message', text: t(key) })));
  }

  /** Handles a command from anywhere. */
  protected abstract onCommand(innerDc: DialogContext, command: ChatCommand): Promise<DialogTurnResult>;

  /** Handles the page switching language. */
  protected abstract onLanguageChosen(innerDc: DialogContext, language: Language): Promise<DialogTurnResult>;
}

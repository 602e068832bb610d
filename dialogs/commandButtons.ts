/**
 * Buttons that send a command (language-independent `value.command`), with the choice's title in
 * the conversation's language: the waiting buttons, "keep waiting", the language switch offer.
 */
import { ActionTypes, type CardAction } from 'botbuilder';
import type { ChatCommand } from '../contracts/ChatCommand.js';
import type { Translate } from '../texts/Translator.js';

/** The command each waiting-related choice sends. */
const COMMAND_OF: Record<string, ChatCommand> = { menu: 'menu', cancel_waiting: 'cancel_handoff', keep_waiting: 'keep_waiting' };

/** A button titled with `choices:<choice>.title` that sends `command` (and any extra value fields). */
export function commandButton(t: Translate, choice: string, command: ChatCommand = COMMAND_OF[choice] ?? 'menu', extra: Record<string, unknown> = {}): CardAction {
  const title = t(`choices:${choice}.title`);
  return { type: ActionTypes.MessageBack, title, text: title, displayText: title, value: { command, ...extra } };
}

/** Buttons for the given choices, each with its command. */
export function commandButtons(t: Translate, choices: readonly string[]): CardAction[] {
  return choices.map((choice) => commandButton(t, choice));
}

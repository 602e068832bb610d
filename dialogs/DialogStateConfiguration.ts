/**
 * botbuilder-dialogs gives every DialogContext (8 to 10 in one of Lantern's turns) a
 * DialogStateManager, and the first one of a turn builds the SDK's memory scopes and path resolvers
 * anew (through a settings validation that fails, with its error objects, for a bot without
 * settings) unless the turn state already holds them. They hold nothing of a conversation: the
 * SDK's own DialogManager keeps one set for all turns. So the bot builds them once and hands the
 * same set to every turn.
 */
import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogStateManagerConfiguration } from 'botbuilder-dialogs';

/** The turn-state key under which botbuilder-dialogs looks for them (memory/dialogStateManager.js). */
export const DIALOG_STATE_CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

/** The memory scopes and path resolvers of the first turn, lent to every later one. */
export class DialogStateConfiguration {
  private kept: DialogStateManagerConfiguration | undefined;

  /** Before a turn makes its first DialogContext: gives it the set kept from an earlier turn. */
  lend(context: TurnContext): void {
    if (this.kept && !context.turnState.has(DIALOG_STATE_CONFIGURATION_KEY)) context.turnState.set(DIALOG_STATE_CONFIGURATION_KEY, this.kept);
  }

  /** After a turn made a DialogContext: keeps the set the SDK built for it (the first time). */
  keep(dc: DialogContext): void {
    this.kept ??= dc.state.configuration;
  }
}

/**
 * Base of the dialogs of the tree: short messages, one idea each, then buttons.
 * A topic dialog ends with a `Destination` so the menu can route (to another topic, a person, the menu).
 */
import type { TurnContext } from 'botbuilder';
import { ComponentDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TopicCode } from '../contracts/profileCodes.js';
import { enterNode, languageOf, textsFor, type DialogServices } from './DialogServices.js';
import { LanternChoicePrompt, type ChoicePromptOptions } from './LanternChoicePrompt.js';
import type { ChoiceAliases } from './localizedChoices.js';

/** Where the young person wants to go after a dialog ends. */
export type Destination =
  | 'menu'
  | 'exploitation'
  | 'rights'
  | 'non_punishment'
  | 'help'
  | 'danger'
  | 'signal_check'
  | 'human'
  | 'privacy'
  | 'safe_word'
  | 'delete_conversation'
  | 'stay';

/** What a topic dialog returns. */
export interface TopicResult {
  goto: Destination;
}

/** Id of the choice prompt inside every topic dialog. */
export const CHOICE_PROMPT = 'choicePrompt';

/** A ComponentDialog with helpers for texts and buttons. */
export abstract class TopicDialog extends ComponentDialog {
  constructor(dialogId: string, protected readonly services: DialogServices) {
    super(dialogId);
    this.addDialog(new LanternChoicePrompt(CHOICE_PROMPT, services));
  }

  /** Sends texts (keys like `topics:rights.intro`) as separate short messages. */
  protected async say(context: TurnContext, keys: string[], variables: Record<string, unknown> = {}): Promise<void> {
    const t = await textsFor(this.services, context);
    await context.sendActivities(keys.map((key) => ({ type: 'message', text: t(key, variables) })));
  }

  /**
   * Asks a question with buttons (choice ids from locales/<lng>/choices.json). For a yes/no question
   * whose buttons are not "Yes"/"No", `aliases` maps a button to the answers it stands for.
   * The dialog state keeps only the language, the key and the ids (see LanternChoicePrompt).
   */
  protected async ask(
    step: WaterfallStepContext,
    promptKey: string,
    choiceIds: readonly string[],
    aliases?: ChoiceAliases,
    promptId = CHOICE_PROMPT,
  ): Promise<DialogTurnResult> {
    const options: ChoicePromptOptions = { language: await languageOf(this.services, step.context), promptKey, choiceIds: [...choiceIds] };
    if (aliases) options.aliases = aliases;
    return step.prompt(promptId, options);
  }

  /** Records a visited topic (a code, for the handoff summary and metrics). */
  protected async visit(context: TurnContext, topic: TopicCode): Promise<void> {
    await this.services.profile.visit(context, topic);
    await enterNode(this.services, context, topic);
  }

  /** The chosen button's id from a prompt result. */
  protected chosen(step: WaterfallStepContext): string {
    return (step.result as { value?: string } | undefined)?.value ?? 'menu';
  }

  /** Ends the dialog with a destination. */
  protected goto(step: WaterfallStepContext, destination: Destination): Promise<DialogTurnResult> {
    return step.endDialog({ goto: destination } satisfies TopicResult);
  }
}

/**
 * The main menu and the router of the tree: Am I in danger? (first, so it is on the first screen of
 * a phone) · What is exploitation? · My rights · Will I be punished? · Where can I get help? · Talk
 * to a person · Is this chat anonymous? · Safe word
 * Topic dialogs end with a destination; the menu loops until the young person leaves or a
 * person takes over.
 */
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { HandoffContext } from '../handoff/HandoffGateway.js';
import { DangerDialog } from './DangerDialog.js';
import { deleteConversation } from './deleteConversation.js';
import { enterNode, type DialogServices } from './DialogServices.js';
import { ExploitationDialog } from './ExploitationDialog.js';
import { HandoffDialog } from './HandoffDialog.js';
import { HelpDialog } from './HelpDialog.js';
import { NonPunishmentDialog } from './NonPunishmentDialog.js';
import { PrivacyDialog } from './PrivacyDialog.js';
import { RightsDialog } from './RightsDialog.js';
import { SafeWordDialog } from './SafeWordDialog.js';
import { SignalCheckDialog } from './SignalCheckDialog.js';
import { TopicDialog, type Destination } from './TopicDialog.js';

const WATERFALL = 'menuWaterfall';

/** The menu's buttons, in order. */
export const MENU_CHOICES = ['danger', 'exploitation', 'rights', 'non_punishment', 'help', 'human', 'privacy', 'safe_word'] as const;

/** Options of MenuDialog: go straight to a destination, or show the menu (again). */
export interface MenuOptions {
  goto?: Destination;
  reason?: HandoffContext['reason'];
  again?: boolean;
  /** Options for the dialog `goto` opens (e.g. which part of a topic free text pointed at). */
  topicOptions?: object;
}

const DIALOG_OF: Partial<Record<Destination, string>> = {
  exploitation: ExploitationDialog.id,
  rights: RightsDialog.id,
  non_punishment: NonPunishmentDialog.id,
  help: HelpDialog.id,
  danger: DangerDialog.id,
  signal_check: SignalCheckDialog.id,
  human: HandoffDialog.id,
  privacy: PrivacyDialog.id,
  safe_word: SafeWordDialog.id,
};

export class MenuDialog extends TopicDialog {
  static readonly id = 'menuDialog';

  constructor(services: DialogServices) {
    super(MenuDialog.id, services);
    this.addDialog(new ExploitationDialog(services))
      .addDialog(new RightsDialog(services))
      .addDialog(new NonPunishmentDialog(services))
      .addDialog(new HelpDialog(services))
      .addDialog(new DangerDialog(services))
      .addDialog(new SignalCheckDialog(services))
      .addDialog(new HandoffDialog(services))
      .addDialog(new PrivacyDialog(services))
      .addDialog(new SafeWordDialog(services))
      .addDialog(new WaterfallDialog(WATERFALL, [this.promptStep.bind(this), this.dispatchStep.bind(this), this.loopStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private async promptStep(step: WaterfallStepContext<MenuOptions>): Promise<DialogTurnResult> {
    if (step.options?.goto) return step.next({ value: step.options.goto });
    await enterNode(this.services, step.context, 'menu');
    return this.ask(step, step.options?.again ? 'menu:promptAgain' : 'menu:prompt', MENU_CHOICES);
  }

  private async dispatchStep(step: WaterfallStepContext<MenuOptions>): Promise<DialogTurnResult> {
    const destination = this.chosen(step) as Destination;
    if (destination === 'stay') return step.endDialog();
    if (destination === 'delete_conversation') {
      await deleteConversation(this.services, step.context);
      return step.endDialog();
    }
    const dialogId = DIALOG_OF[destination];
    if (!dialogId) return step.replaceDialog(WATERFALL, { again: true } satisfies MenuOptions);
    return step.beginDialog(dialogId, { reason: step.options?.reason, ...step.options?.topicOptions });
  }

  private async loopStep(step: WaterfallStepContext<MenuOptions>): Promise<DialogTurnResult> {
    const result = (step.result ?? { goto: 'menu' }) as { goto: Destination; reason?: HandoffContext['reason'] };
    if (result.goto === 'stay') return step.endDialog();
    if (result.goto === 'menu') return step.replaceDialog(WATERFALL, { again: true } satisfies MenuOptions);
    return step.replaceDialog(WATERFALL, { goto: result.goto, reason: result.reason } satisfies MenuOptions);
  }
}

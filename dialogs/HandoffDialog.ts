/**
 * "Talk to a person": ends the bot's part with a Bot Framework `handoff.initiate` event carrying
 * language, priority, topics visited and screening answers as codes, then says honestly what
 * happens next: a place in the queue, or that nobody can come to this chat now, with the
 * external help lines that can.
 */
import { EventFactory } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { HandoffContext } from '../handoff/HandoffGateway.js';
import { languageOf, type DialogServices } from './DialogServices.js';
import { TopicDialog } from './TopicDialog.js';

const WATERFALL = 'handoffWaterfall';

/** Options of HandoffDialog. */
export interface HandoffDialogOptions {
  reason?: HandoffContext['reason'];
}

export class HandoffDialog extends TopicDialog {
  static readonly id = 'handoffDialog';

  constructor(services: DialogServices) {
    super(HandoffDialog.id, services);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.requestStep.bind(this), this.afterStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private async requestStep(step: WaterfallStepContext<HandoffDialogOptions>): Promise<DialogTurnResult> {
    const profile = await this.services.profile.get(step.context);
    const handoffContext: HandoffContext = {
      conversationId: step.context.activity.conversation.id,
      language: await languageOf(this.services, step.context),
      priority: profile.priority,
      topics: [...profile.topics],
      screening: JSON.parse(JSON.stringify(profile.screening)) as HandoffContext['screening'],
      reason: step.options?.reason ?? 'talk_to_human',
    };
    await step.context.sendActivity(EventFactory.createHandoffInitiation(step.context, handoffContext));
    const outcome = await this.services.handoff.request(handoffContext);
    if (outcome.status === 'queued') {
      await this.say(step.context, ['handoff:queued'], { position: outcome.position });
      return step.endDialog({ goto: 'stay' });
    }
    // Tell the channel the handoff did not happen, so the page stops showing "waiting for a person".
    await step.context.sendActivity(EventFactory.createHandoffStatus(step.context.activity.conversation, 'failed', outcome.reason));
    await this.say(step.context, ['handoff:notAvailable', 'handoff:helplines', 'help:language', 'handoff:danger112']);
    return this.ask(step, 'handoff:whatNext', ['help', 'menu']);
  }

  private async afterStep(step: WaterfallStepContext<HandoffDialogOptions>): Promise<DialogTurnResult> {
    return this.goto(step, this.chosen(step) === 'help' ? 'help' : 'menu');
  }
}

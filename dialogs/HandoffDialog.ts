/**
 * "Talk to a person": ends the bot's part with a Bot Framework `handoff.initiate` event carrying
 * language, priority, topics visited and screening answers as codes, then says honestly what
 * happens next: a place in the queue, or that nobody can come to this chat now, with the
 * external help lines that can, each said to be open now only when it is (helplineTexts.ts).
 * At most four messages a turn, the question with its buttons included.
 */
import { EventFactory } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { HandoffContext } from '../handoff/HandoffGateway.js';
import { enterNode, languageOf, textsFor, type DialogServices } from './DialogServices.js';
import { formatWhen, helplineLines } from './helplineTexts.js';
import { TopicDialog } from './TopicDialog.js';
import { textLogOf } from '../texts/textLog.js';

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
    const activity = step.context.activity;
    const handoffContext: HandoffContext = {
      conversationId: activity.conversation.id,
      language: await languageOf(this.services, step.context),
      priority: profile.priority,
      topics: [...profile.topics],
      screening: JSON.parse(JSON.stringify(profile.screening)) as HandoffContext['screening'],
      reason: step.options?.reason ?? 'talk_to_human',
    };
    await enterNode(this.services, step.context, 'handoff');
    await this.services.metrics.record({ name: 'handoff_requested', lang: handoffContext.language, priority: handoffContext.priority });
    await step.context.sendActivity(EventFactory.createHandoffInitiation(step.context, handoffContext));
    const outcome = await this.services.handoff.request(handoffContext, { userId: activity.from.id, serviceUrl: activity.serviceUrl });
    const danger = handoffContext.reason === 'danger_now';
    if (outcome.status === 'queued') {
      await this.services.profile.setHandoffStatus(step.context, 'waiting');
      await step.context.sendActivity({
        type: 'event',
        name: 'handoff.status',
        value: { state: 'waiting', position: outcome.position, estimatedWaitMinutes: outcome.estimatedWaitMinutes },
      });
      const variables = { position: outcome.position, minutes: outcome.estimatedWaitMinutes };
      if (danger) {
        // In danger: 112 first, then only what is true now; three messages (a fourth if fear was
        // acknowledged first, see DangerDialog).
        const keys = outcome.counsellorsOnDuty > 0 ? ['danger:yes.call112', 'handoff:dangerQueued'] : ['danger:yes.call112', 'handoff:dangerNobodyOnline'];
        await this.say(step.context, keys, variables);
        return this.ask(step, 'handoff:whatNext', ['menu', 'cancel_waiting']);
      }
      const keys = ['handoff:queued', outcome.estimatedWaitMinutes === null ? 'handoff:noEstimate' : 'handoff:estimate'];
      if (outcome.counsellorsOnDuty === 0) keys.push('handoff:nobodyOnline');
      await this.say(step.context, keys, variables);
      return this.ask(step, 'handoff:whatNext', ['menu', 'cancel_waiting']);
    }
    // Tell the channel the handoff did not happen, so the page stops showing "waiting for a person".
    await step.context.sendActivity(EventFactory.createHandoffStatus(activity.conversation, 'failed', outcome.reason));
    if (outcome.reason === 'closed') await this.services.metrics.record({ name: 'out_of_hours', lang: handoffContext.language });
    const when = formatWhen(handoffContext.language, outcome.reopensAt);
    if (danger) {
      await this.say(step.context, ['danger:yes.call112', outcome.reason === 'closed' ? 'handoff:dangerClosed' : 'handoff:dangerUnavailable'], { when });
    } else {
      // Who can talk with them instead: Veilig Thuis (day and night), and the lines open now.
      const t = await textsFor(this.services, step.context);
      const lines = helplineLines(this.services.translator, handoffContext.language, this.services.now(), { reachableOnly: true, log: textLogOf(step.context) });
      await step.context.sendActivities([
        { type: 'message', text: t(outcome.reason === 'closed' ? 'handoff:closed' : 'handoff:notAvailable', { when }) },
        { type: 'message', text: t('handoff:helplines') },
        { type: 'message', text: lines },
      ]);
    }
    return this.ask(step, 'handoff:whatNext', ['help', 'menu']);
  }

  private async afterStep(step: WaterfallStepContext<HandoffDialogOptions>): Promise<DialogTurnResult> {
    const choice = this.chosen(step);
    if (choice === 'cancel_waiting') {
      if (await this.services.handoff.cancel(step.context.activity.conversation.id)) {
        await this.services.metrics.record({ name: 'handoff_cancelled', lang: await languageOf(this.services, step.context) });
      }
      await this.services.profile.setHandoffStatus(step.context, undefined);
      await step.context.sendActivity(EventFactory.createHandoffStatus(step.context.activity.conversation, 'failed', 'cancelled'));
      await this.say(step.context, ['handoff:cancelled']);
    }
    return this.goto(step, choice === 'help' ? 'help' : 'menu');
  }
}

/**
 * The gentle check when the young person is not sure: a few short, non-leading questions built on
 * the signal list (threats, debts, someone keeps your money or phone, being told where to be,
 * being picked up by cars). Every question can be skipped. Small signs add up ("0+0+0=1"):
 * several together lead to an offer of a person with raised priority.
 * Sources: seed 001 (signalenlijst, 0+0+0=1), CONTENT-BRIEF "What exploitation is".
 */
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { SIGNALS, type Answer, type SignalCode } from '../contracts/profileCodes.js';
import type { DialogServices } from './DialogServices.js';
import { TopicDialog, type Destination } from './TopicDialog.js';

/** The offer "Would you like to talk to a person?" is a yes/no question above other buttons. */
const YES_IS_PERSON = { human: ['yes'], menu: ['no'] } as const;

const QUESTION_WATERFALL = 'signalQuestionWaterfall';
const RESULT_WATERFALL = 'signalResultWaterfall';

/** How many "yes" answers count as several signals together. */
export const SEVERAL_SIGNALS = 2;

interface SignalCheckState {
  index: number;
  yes: number;
}

export class SignalCheckDialog extends TopicDialog {
  static readonly id = 'signalCheckDialog';

  constructor(services: DialogServices) {
    super(SignalCheckDialog.id, services);
    this.addDialog(new WaterfallDialog(QUESTION_WATERFALL, [this.questionStep.bind(this), this.answerStep.bind(this)]));
    this.addDialog(new WaterfallDialog(RESULT_WATERFALL, [this.resultStep.bind(this), this.routeStep.bind(this)]));
    this.initialDialogId = QUESTION_WATERFALL;
  }

  private async questionStep(step: WaterfallStepContext<SignalCheckState>): Promise<DialogTurnResult> {
    const state: SignalCheckState = step.options?.index === undefined ? { index: 0, yes: 0 } : step.options;
    if (state.index === 0) {
      await this.visit(step.context, 'signal_check');
      await this.say(step.context, ['signals:intro']);
    }
    (step.values as { state?: SignalCheckState }).state = state;
    const signal = SIGNALS[state.index] as SignalCode;
    return this.ask(step, `signals:questions.${signal}`, ['yes', 'no', 'skip']);
  }

  private async answerStep(step: WaterfallStepContext<SignalCheckState>): Promise<DialogTurnResult> {
    const state = (step.values as { state: SignalCheckState }).state;
    const choice = this.chosen(step);
    const answer: Answer = choice === 'yes' ? 'yes' : choice === 'no' ? 'no' : 'skip';
    await this.services.profile.recordSignal(step.context, SIGNALS[state.index] as SignalCode, answer);
    const next: SignalCheckState = { index: state.index + 1, yes: state.yes + (answer === 'yes' ? 1 : 0) };
    if (next.index < SIGNALS.length) return step.replaceDialog(QUESTION_WATERFALL, next);
    return step.replaceDialog(RESULT_WATERFALL, next);
  }

  private async resultStep(step: WaterfallStepContext<SignalCheckState>): Promise<DialogTurnResult> {
    const yes = step.options.yes;
    const profile = await this.services.profile.get(step.context);
    const threatened = profile.screening.signals.threats === 'yes';
    if (yes >= SEVERAL_SIGNALS || threatened) {
      await this.services.profile.raisePriority(step.context, 'raised');
      await this.say(step.context, ['signals:result.several', 'signals:result.notYourFault']);
      if (threatened) await this.say(step.context, ['signals:result.threats112']);
      return this.ask(step, 'signals:result.offerPerson', ['human', 'exploitation', 'menu'], YES_IS_PERSON);
    }
    if (yes === 1) {
      await this.say(step.context, ['signals:result.one']);
      return this.ask(step, 'signals:result.offerPerson', ['human', 'exploitation', 'menu'], YES_IS_PERSON);
    }
    await this.say(step.context, ['signals:result.none']);
    return this.ask(step, 'signals:result.whatNext', ['human', 'exploitation', 'menu']);
  }

  private async routeStep(step: WaterfallStepContext<SignalCheckState>): Promise<DialogTurnResult> {
    const destination = this.chosen(step) as Destination;
    return step.endDialog({ goto: destination, reason: 'signals' });
  }
}

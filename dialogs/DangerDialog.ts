/**
 * "Am I in danger?": asks plainly whether the young person is in danger right now.
 * Yes → a person with top priority, without asking again (the privacy texts say so); the handoff
 * says 112 first and, briefly, what is true now.
 * Fear ("I'm scared", in any of the five languages) is acknowledged before anything is asked.
 * No → reassurance and the offer of a short check. Not sure → the gentle signal check.
 * Source: seed 001 ("Loop je nu gevaar? Wat als je de telefoon uit zet?").
 */
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Answer } from '../contracts/profileCodes.js';
import type { DialogServices } from './DialogServices.js';
import { LanternChoicePrompt } from './LanternChoicePrompt.js';
import { TopicDialog } from './TopicDialog.js';

const WATERFALL = 'dangerWaterfall';
const DANGER_PROMPT = 'dangerPrompt';

/** Options of DangerDialog. */
export interface DangerOptions {
  /** Free-text screening found danger words: urgent (112 first) or check (ask). */
  detected?: 'urgent' | 'check';
  /** The young person wrote that they are scared: say something about the fear first. */
  fear?: boolean;
}

/** Turn-state key where MainDialog leaves this turn's screening result. */
export const SCREENING_TURN_KEY = Symbol('lantern.screening');

export class DangerDialog extends TopicDialog {
  static readonly id = 'dangerDialog';

  constructor(services: DialogServices) {
    super(DangerDialog.id, services);
    // To "Are you in danger right now?", an answer that is not a button but holds danger words counts as yes.
    this.addDialog(
      new LanternChoicePrompt(DANGER_PROMPT, services, async (prompt) => {
        if (prompt.recognized.succeeded) return true;
        const screening = prompt.context.turnState.get(SCREENING_TURN_KEY) as { danger?: boolean } | undefined;
        if (!screening?.danger) return false;
        prompt.recognized.value = { value: 'yes', index: 0, score: 1 };
        return true;
      }),
    );
    this.addDialog(
      new WaterfallDialog(WATERFALL, [this.askStep.bind(this), this.answerStep.bind(this), this.afterNoStep.bind(this)]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async askStep(step: WaterfallStepContext<DangerOptions>): Promise<DialogTurnResult> {
    await this.visit(step.context, 'danger_check');
    const detected = step.options?.detected;
    const fear = step.options?.fear ? ['danger:detected.fear'] : [];
    if (detected === 'urgent') await this.say(step.context, [...fear, 'danger:detected.urgent', 'common:emergency.call']);
    // Fear is acknowledged on its own; "I want to make sure you are safe" is for other worries.
    else if (detected === 'check') await this.say(step.context, fear.length ? fear : ['danger:detected.check']);
    return this.ask(step, 'danger:question', ['yes', 'no', 'not_sure'], undefined, DANGER_PROMPT);
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const answer = this.chosen(step);
    const code: Answer = answer === 'yes' ? 'yes' : answer === 'no' ? 'no' : 'unsure';
    await this.services.profile.recordDangerNow(step.context, code);
    await this.services.metrics.record({ name: 'danger_now', lang: (await this.services.profile.language(step.context)) ?? 'en', answer: code });
    // Yes: the handoff says 112 first and only what is true about a person coming (HandoffDialog).
    // A typed answer that says they are scared gets a word about the fear first.
    if (code === 'yes') {
      const screening = step.context.turnState.get(SCREENING_TURN_KEY) as { categories?: string[] } | undefined;
      if (screening?.categories?.includes('fear')) await this.say(step.context, ['danger:detected.fear']);
      return step.endDialog({ goto: 'human', reason: 'danger_now' });
    }
    if (code === 'unsure') return this.goto(step, 'signal_check');
    await this.say(step.context, ['danger:no.good']);
    return this.ask(step, 'danger:no.offerCheck', ['signal_check', 'human', 'menu'], { signal_check: ['yes'], menu: ['no'] });
  }

  private async afterNoStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return this.goto(step, this.chosen(step) as 'signal_check' | 'human' | 'menu');
  }
}

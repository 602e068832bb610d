/**
 * A topic of the tree declared as data: intro texts, sections the young person can open with a
 * button, and exits (a person, the menu, another topic). The topic dialogs (exploitation, rights,
 * non-punishment, help, privacy) are instances of this shape, so they behave the same everywhere.
 */
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TopicCode } from '../contracts/profileCodes.js';
import type { Language } from '../contracts/languages.js';
import { languageOf, textsFor, type DialogServices } from './DialogServices.js';
import { TopicDialog, type Destination } from './TopicDialog.js';
import type { RecordedText } from '../texts/Translator.js';
import { textLogOf } from '../texts/textLog.js';

/**
 * One message of a topic: a text key, or a text made when it is said (what depends on the clock,
 * such as which help lines are open now).
 */
export type TopicText = string | ((services: DialogServices, language: Language, log: RecordedText[] | undefined) => string);

/** One section of a topic: a button that shows a few short texts. */
export interface TopicSection {
  topic: TopicCode;
  texts: TopicText[];
}

/** A topic's content, as keys into the locale files. */
export interface TopicTree {
  topic: TopicCode;
  intro: TopicText[];
  /** Question above the buttons. */
  prompt: string;
  /** Section choice id → section. Choice ids are keys of locales/<lng>/choices.json. */
  sections: Record<string, TopicSection>;
  /** Buttons that leave the topic. */
  exits: Destination[];
}

/** Options of a topic dialog. */
export interface TopicTreeOptions {
  /** True when the intro was already shown (the young person came back from a section). */
  again?: boolean;
  /** Texts to show instead of the intro (free text pointed at one part of the topic). */
  focus?: string[];
  /** Question above the buttons instead of the topic's own (with the focus). */
  focusPrompt?: string;
}

const WATERFALL = 'topicTreeWaterfall';

/** A topic dialog built from a TopicTree. */
export class TopicTreeDialog extends TopicDialog {
  constructor(dialogId: string, services: DialogServices, private readonly tree: TopicTree) {
    super(dialogId, services);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.introStep.bind(this), this.routeStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private async introStep(step: WaterfallStepContext<TopicTreeOptions>): Promise<DialogTurnResult> {
    const options = step.options ?? {};
    if (!options.again) {
      await this.visit(step.context, this.tree.topic);
      await this.sayTexts(step.context, options.focus ?? this.tree.intro);
    }
    const choices = [...Object.keys(this.tree.sections), ...this.tree.exits];
    if (options.focusPrompt) {
      // "Would you like to talk to a person about it?" above the topic's buttons: a typed yes/no counts.
      const first = choices.includes('human') ? ['human', ...choices.filter((c) => c !== 'human')] : choices;
      return this.ask(step, options.focusPrompt, first, { human: ['yes'], menu: ['no'] });
    }
    return this.ask(step, this.tree.prompt, choices);
  }

  private async routeStep(step: WaterfallStepContext<TopicTreeOptions>): Promise<DialogTurnResult> {
    const choice = this.chosen(step);
    const section = this.tree.sections[choice];
    if (section) {
      await this.visit(step.context, section.topic);
      await this.sayTexts(step.context, section.texts);
      return step.replaceDialog(WATERFALL, { again: true } satisfies TopicTreeOptions);
    }
    return this.goto(step, choice as Destination);
  }

  /** Sends the topic's texts as separate short messages. */
  private async sayTexts(context: WaterfallStepContext['context'], items: TopicText[]): Promise<void> {
    const t = await textsFor(this.services, context);
    const language = await languageOf(this.services, context);
    await context.sendActivities(items.map((item) => ({ type: 'message', text: typeof item === 'function' ? item(this.services, language, textLogOf(context)) : t(item) })));
  }
}

/**
 * A topic of the tree declared as data: intro texts, sections the young person can open with a
 * button, and exits (a person, the menu, another topic). The topic dialogs (exploitation, rights,
 * non-punishment, help, privacy) are instances of this shape, so they behave the same everywhere.
 */
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TopicCode } from '../bot/ConversationProfile.js';
import type { DialogServices } from './DialogServices.js';
import { TopicDialog, type Destination } from './TopicDialog.js';

/** One section of a topic: a button that shows a few short texts. */
export interface TopicSection {
  topic: TopicCode;
  texts: string[];
}

/** A topic's content, as keys into the locale files. */
export interface TopicTree {
  topic: TopicCode;
  intro: string[];
  /** Question above the buttons. */
  prompt: string;
  /** Section choice id → section. Choice ids are keys of locales/<lng>/choices.json. */
  sections: Record<string, TopicSection>;
  /** Buttons that leave the topic. */
  exits: Destination[];
}

interface TopicTreeOptions {
  /** True when the intro was already shown (the young person came back from a section). */
  again?: boolean;
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
    if (!step.options?.again) {
      await this.visit(step.context, this.tree.topic);
      await this.say(step.context, this.tree.intro);
    }
    return this.ask(step, this.tree.prompt, [...Object.keys(this.tree.sections), ...this.tree.exits]);
  }

  private async routeStep(step: WaterfallStepContext<TopicTreeOptions>): Promise<DialogTurnResult> {
    const choice = this.chosen(step);
    const section = this.tree.sections[choice];
    if (section) {
      await this.visit(step.context, section.topic);
      await this.say(step.context, section.texts);
      return step.replaceDialog(this.id, { again: true } satisfies TopicTreeOptions);
    }
    return this.goto(step, choice as Destination);
  }
}

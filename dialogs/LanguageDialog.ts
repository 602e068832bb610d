/**
 * Language choice: the five languages by their native names. Tells the page (event
 * `lantern.language`) so it switches its own texts and direction too.
 */
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { LANGUAGE_EVENT } from '../contracts/ChatCommand.js';
import { isLanguage, LANGUAGES, type Language } from '../contracts/languages.js';
import type { DialogServices } from './DialogServices.js';
import { TopicDialog } from './TopicDialog.js';
import { textLogOf } from '../texts/textLog.js';

const WATERFALL = 'languageWaterfall';

/** Choice id of a language button. */
export function languageChoiceId(language: Language): string {
  return `lang_${language}`;
}

export class LanguageDialog extends TopicDialog {
  static readonly id = 'languageDialog';

  constructor(services: DialogServices) {
    super(LanguageDialog.id, services);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.askStep.bind(this), this.setStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return this.ask(step, 'language:prompt', LANGUAGES.map(languageChoiceId));
  }

  private async setStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const language = this.chosen(step).replace(/^lang_/, '');
    if (isLanguage(language)) await LanguageDialog.applyLanguage(this.services, step, language);
    return step.endDialog();
  }

  /** Sets the conversation's language, tells the page, and confirms in the new language. */
  static async applyLanguage(services: DialogServices, step: { context: WaterfallStepContext['context'] }, language: Language): Promise<void> {
    const previous = await services.profile.language(step.context);
    if (previous && previous !== language) await services.metrics.record({ name: 'language_switch', lang: language, from: previous });
    await services.profile.setLanguage(step.context, language);
    await step.context.sendActivity({ type: 'event', name: LANGUAGE_EVENT, value: language });
    await step.context.sendActivity(services.translator.forLanguage(language, textLogOf(step.context))('language:changed'));
  }
}

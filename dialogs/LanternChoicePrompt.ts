/**
 * ChoicePrompt for five languages. The SDK's prompt cultures do not know ar, ti or Dari (they fall
 * back to en-us), so this prompt brings its own choice defaults, trusts a button's stable id
 * (`value.choice`) before the text, and recognises typed text after normalising Arabic-Indic,
 * Persian and Ethiopic digits and punctuation.
 *
 * What it keeps in dialog state (the SDK stores a prompt's options there, saved every turn) is only
 * the language, the question's text key and the choice ids (`ChoicePromptOptions`); the texts and
 * choices are taken from the Translator and LocalizedChoices (made once) when it asks or recognises.
 * State saved before that (options with the texts and full choices) still works as it did.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import {
  ChoicePrompt,
  DialogEvents,
  ListStyle,
  type DialogContext,
  type DialogEvent,
  type Choice,
  type ChoiceFactoryOptions,
  type FoundChoice,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidator,
} from 'botbuilder-dialogs';
import { isLanguage, type Language } from '../contracts/languages.js';
import { normalizeForMatching } from '../language/normalize.js';
import type { Translator } from '../texts/Translator.js';
import type { ChoiceAliases, LocalizedChoices } from './localizedChoices.js';
import { textLogOf } from '../texts/textLog.js';

/** Choice defaults per prompt culture (keys as PromptCultureModels.mapToNearestLanguage returns them). */
const CHOICE_DEFAULTS: Record<string, ChoiceFactoryOptions> = {
  ar: { inlineSeparator: '، ', inlineOr: ' أو ', inlineOrMore: '، أو ', includeNumbers: true },
  ti: { inlineSeparator: '፣ ', inlineOr: ' ወይ ', inlineOrMore: '፣ ወይ ', includeNumbers: true },
  prs: { inlineSeparator: '، ', inlineOr: ' یا ', inlineOrMore: '، یا ', includeNumbers: true },
  'fa-af': { inlineSeparator: '، ', inlineOr: ' یا ', inlineOrMore: '، یا ', includeNumbers: true },
  'en-us': { inlineSeparator: ', ', inlineOr: ' or ', inlineOrMore: ', or ', includeNumbers: true },
  'nl-nl': { inlineSeparator: ', ', inlineOr: ' of ', inlineOrMore: ', of ', includeNumbers: true },
};

/** What the prompt says when an answer is not one of its choices. */
const RETRY_KEY = 'common:notUnderstood';

/** A choice prompt's options as kept in dialog state: keys and ids, never the texts. */
export interface ChoicePromptOptions extends PromptOptions {
  /** The language the question is asked in. */
  language: Language;
  /** Text key of the question above the buttons. */
  promptKey: string;
  /** Stable ids of the buttons (keys in locales/<lng>/choices.json), in order. */
  choiceIds: readonly string[];
  /** Typed answers of other choices that count for a button (see LocalizedChoices). */
  aliases?: ChoiceAliases;
}

/** Where the prompt takes its texts and choices from. */
export interface ChoicePromptTexts {
  translator: Translator;
  choices: LocalizedChoices;
}

/** A choice prompt that works the same in all five languages. */
export class LanternChoicePrompt extends ChoicePrompt {
  constructor(
    dialogId: string,
    private readonly texts: ChoicePromptTexts,
    validator?: PromptValidator<FoundChoice>,
  ) {
    super(dialogId, validator, 'en-us', CHOICE_DEFAULTS);
    this.style = ListStyle.suggestedAction;
    // Numbers only count when they are the whole message ("2", "٢", "፪."), never inside a sentence:
    // "my number is 06 ..." must not pick button 6. See recognizeWholeNumber.
    this.recognizerOptions = { recognizeOrdinals: false, recognizeNumbers: false, tokenizer: texts.choices.tokenize };
  }

  /**
   * The SDK's prompt answers the "activityReceived" event every message raises at the innermost
   * dialog by recognising the answer, and, when it is not one of the choices, passes the event up
   * through every dialog above; `continueDialog` then recognises the same answer again. No Lantern
   * dialog handles that event, and the SDK uses nothing of the result (DialogContext.continueDialog
   * ignores it), so the prompt takes it here without doing either: one recognition per answer, and
   * no climb through the dialog stack (in a CPU profile of the load benchmark, the event took 43 µs
   * of a full turn's 1 635 µs).
   */
  protected override async onPreBubbleEvent(dc: DialogContext, event: DialogEvent): Promise<boolean> {
    if (event.name === DialogEvents.activityReceived) return true;
    return super.onPreBubbleEvent(dc, event);
  }

  /** Asks (again): the question and its buttons, made from the kept keys and ids. */
  protected override onPrompt(context: TurnContext, state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    if (!isByIds(options)) return super.onPrompt(context, state, options, isRetry);
    const t = this.texts.translator.forLanguage(options.language, textLogOf(context));
    const choices = this.texts.choices.get(options.language, options.choiceIds, options.aliases).buttons();
    return super.onPrompt(context, state, { prompt: t(options.promptKey), retryPrompt: t(RETRY_KEY), choices }, isRetry);
  }

  protected override async onRecognize(
    context: TurnContext,
    state: object,
    options: PromptOptions,
  ): Promise<PromptRecognizerResult<FoundChoice>> {
    const activity = context.activity;
    if (activity.type !== ActivityTypes.Message) return { succeeded: false };
    const choices = isByIds(options)
      ? this.texts.choices.get(options.language, options.choiceIds, options.aliases).recognition
      : ((options.choices ?? []) as Choice[]);
    const pressed = buttonChoiceId(activity.value);
    if (pressed) {
      const index = choices.findIndex((choice) => choice.value === pressed);
      if (index >= 0) return { succeeded: true, value: { value: pressed, index, score: 1 } };
    }
    if (!activity.text) return { succeeded: false };
    const byNumber = recognizeWholeNumber(activity.text, choices);
    if (byNumber) return { succeeded: true, value: byNumber };
    const original = activity.text;
    activity.text = normalizeForMatching(original);
    try {
      // The SDK only fills in a choice's missing fields (none are missing), so the kept choices stay as they are.
      return await super.onRecognize(context, state, { choices: choices as Choice[] });
    } finally {
      activity.text = original;
    }
  }
}

/** Options kept as keys and ids (not the options of a dialog state saved before, which hold the texts). */
function isByIds(options: PromptOptions): options is ChoicePromptOptions {
  const kept = options as Partial<ChoicePromptOptions>;
  return Array.isArray(kept.choiceIds) && typeof kept.promptKey === 'string' && isLanguage(kept.language);
}

/** The stable id a button carries in `value.choice`, if any. */
export function buttonChoiceId(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'choice' in value) {
    const choice = (value as { choice: unknown }).choice;
    if (typeof choice === 'string') return choice;
  }
  return undefined;
}

/** A message that is only a button number (1-based), in any script: "2", "٢", "۲", "፪", "#2", "2." */
export function recognizeWholeNumber(text: string, choices: readonly Choice[]): FoundChoice | undefined {
  const match = /^#?(\d{1,2})[.)]?$/.exec(normalizeForMatching(text));
  if (!match) return undefined;
  const index = Number(match[1]) - 1;
  const choice = choices[index];
  return choice ? { value: choice.value, index, score: 1 } : undefined;
}

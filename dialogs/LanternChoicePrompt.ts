/**
 * ChoicePrompt for five languages. The SDK's prompt cultures do not know ar, ti or Dari (they fall
 * back to en-us), so this prompt brings its own choice defaults, trusts a button's stable id
 * (`value.choice`) before the text, and recognises typed text after normalising Arabic-Indic,
 * Persian and Ethiopic digits and punctuation.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import {
  ChoicePrompt,
  ListStyle,
  type Choice,
  type ChoiceFactoryOptions,
  type FoundChoice,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidator,
} from 'botbuilder-dialogs';
import { normalizeForMatching } from '../language/normalize.js';

/** Choice defaults per prompt culture (keys as PromptCultureModels.mapToNearestLanguage returns them). */
const CHOICE_DEFAULTS: Record<string, ChoiceFactoryOptions> = {
  ar: { inlineSeparator: '، ', inlineOr: ' أو ', inlineOrMore: '، أو ', includeNumbers: true },
  ti: { inlineSeparator: '፣ ', inlineOr: ' ወይ ', inlineOrMore: '፣ ወይ ', includeNumbers: true },
  prs: { inlineSeparator: '، ', inlineOr: ' یا ', inlineOrMore: '، یا ', includeNumbers: true },
  'fa-af': { inlineSeparator: '، ', inlineOr: ' یا ', inlineOrMore: '، یا ', includeNumbers: true },
  'en-us': { inlineSeparator: ', ', inlineOr: ' or ', inlineOrMore: ', or ', includeNumbers: true },
  'nl-nl': { inlineSeparator: ', ', inlineOr: ' of ', inlineOrMore: ', of ', includeNumbers: true },
};

/** A choice prompt that works the same in all five languages. */
export class LanternChoicePrompt extends ChoicePrompt {
  constructor(dialogId: string, validator?: PromptValidator<FoundChoice>) {
    super(dialogId, validator, 'en-us', CHOICE_DEFAULTS);
    this.style = ListStyle.suggestedAction;
    // Numbers only count when they are the whole message ("2", "٢", "፪."), never inside a sentence:
    // "my number is 06 ..." must not pick button 6. See recognizeWholeNumber.
    this.recognizerOptions = { recognizeOrdinals: false, recognizeNumbers: false };
  }

  protected override async onRecognize(
    context: TurnContext,
    state: object,
    options: PromptOptions,
  ): Promise<PromptRecognizerResult<FoundChoice>> {
    const activity = context.activity;
    if (activity.type !== ActivityTypes.Message) return { succeeded: false };
    const choices = (options.choices ?? []) as Choice[];
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
      return await super.onRecognize(context, state, options);
    } finally {
      activity.text = original;
    }
  }
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
export function recognizeWholeNumber(text: string, choices: Choice[]): FoundChoice | undefined {
  const match = /^#?(\d{1,2})[.)]?$/.exec(normalizeForMatching(text));
  if (!match) return undefined;
  const index = Number(match[1]) - 1;
  const choice = choices[index];
  return choice ? { value: choice.value, index, score: 1 } : undefined;
}

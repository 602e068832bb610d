/**
 * Choices with stable ids as values and titles in the young person's language.
 * Each button is a messageBack: it shows and sends the title, and carries `{choice: id}` as value.
 * Typed synonyms come from `choices:<id>.synonyms` in the locale files.
 */
import { ActionTypes } from 'botbuilder';
import type { Choice } from 'botbuilder-dialogs';
import type { Language } from '../contracts/languages.js';
import type { Translator } from '../texts/Translator.js';
import { normalizeForMatching } from '../language/normalize.js';

/**
 * Builds translated choices for the given stable ids (keys in locales/<lng>/choices.json).
 * `aliases` lets a typed answer of another choice count for one of these: `{ human: ['yes'] }`
 * makes a typed "yes" pick "Talk to a person" when the question above the buttons is a yes/no one.
 */
export function localizedChoices(
  translator: Translator,
  language: Language,
  ids: readonly string[],
  aliases: Readonly<Record<string, readonly string[]>> = {},
): Choice[] {
  const t = translator.forLanguage(language);
  const wordsFor = (id: string) => [t(`choices:${id}.title`), ...translator.list(language, `choices:${id}.synonyms`)];
  return ids.map((id) => {
    const title = t(`choices:${id}.title`);
    return {
      value: id,
      action: { type: ActionTypes.MessageBack, title, text: title, displayText: title, value: { choice: id } },
      // Normalised like the utterance the prompt compares them with (see LanternChoicePrompt).
      synonyms: [...new Set([...wordsFor(id), ...(aliases[id] ?? []).flatMap(wordsFor)].map(normalizeForMatching))],
    };
  });
}

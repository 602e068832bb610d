/**
 * What the simulated young people type: the button titles and typed synonyms of the dialog tree's
 * choices in locales/<language>/choices.json, in all five languages. Never the screening sets in
 * tests/fixtures/screening (evaluation data, kept apart).
 *
 * Left out are the choices and words that leave the dialog tree or end the conversation for a
 * benchmark (talking to a person, deleting, stopping, switching language, the emergency path):
 * a choice in `LEAVING_CHOICES`, or a word that is a command in `LEAVING_COMMANDS`.
 */
import { LANGUAGES, type Language } from '../../../contracts/languages.js';
import { Translator } from '../../../texts/Translator.js';

/** Choices a simulated young person never taps or types. */
export const LEAVING_CHOICES = new Set(['human', 'delete_conversation', 'cancel_waiting', 'keep_waiting']);
/** Commands (locales/<language>/commands.json) whose words are never typed. */
const LEAVING_COMMANDS = ['talk_to_human', 'stop', 'delete_conversation', 'language', 'emergency'];

/** Whether a choice id is one a simulated young person taps. */
export function staysInTree(choiceId: string): boolean {
  return !LEAVING_CHOICES.has(choiceId) && !choiceId.startsWith('lang_');
}

/** Texts per language. */
export type ExampleTexts = Record<Language, string[]>;

/** Reads the texts of all five languages from the locale files. */
export function loadExampleTexts(translator = new Translator()): ExampleTexts {
  const texts = {} as ExampleTexts;
  for (const language of LANGUAGES) {
    const choices = translator.namespace(language, 'choices') as Record<string, { title?: string; synonyms?: string[] }>;
    const commands = translator.namespace(language, 'commands') as Record<string, string[]>;
    const leaving = new Set(LEAVING_COMMANDS.flatMap((command) => commands[command] ?? []).map((word) => word.toLowerCase()));
    const words = Object.entries(choices)
      .filter(([id]) => staysInTree(id))
      .flatMap(([, choice]) => [choice.title ?? '', ...(choice.synonyms ?? [])])
      .filter((word) => word.length > 0 && !leaving.has(word.toLowerCase()));
    texts[language] = [...new Set(words)];
  }
  return texts;
}

/**
 * Choices with stable ids as values and titles in the young person's language.
 * Each button is a messageBack: it shows and sends the title, and carries `{choice: id}` as value.
 * Typed synonyms come from `choices:<id>.synonyms` in the locale files.
 * The texts do not change while the bot runs, so each language's choices (titles, synonyms and
 * their normalised forms) are made once per list of ids and kept: a prompt only names its ids.
 */
import { ActionTypes } from 'botbuilder';
import { defaultTokenizer, type Choice, type Token, type TokenizerFunction } from 'botbuilder-dialogs';
import type { Language } from '../contracts/languages.js';
import type { Translator } from '../texts/Translator.js';
import { normalizeForMatching } from '../language/normalize.js';

/**
 * Typed answers of other choices that count for one of these: `{ human: ['yes'] }` makes a typed
 * "yes" pick "Talk to a person" when the question above the buttons is a yes/no one.
 */
export type ChoiceAliases = Readonly<Record<string, readonly string[]>>;

/** The choices of one question in one language, made once. */
export interface ChoiceList {
  /**
   * The choices to recognise an answer among: value (the id), the button (its title counts as a
   * typed answer) and the normalised synonyms. Shared: never send or change them.
   */
  readonly recognition: readonly Choice[];
  /** The choices to show, new objects on every call (so nothing that is sent shares the kept ones). */
  buttons(): Choice[];
}

/** Makes and keeps the translated choices of each language and list of ids. */
export class LocalizedChoices {
  private readonly lists = new Map<string, ChoiceList>();
  /** The SDK's tokens of every text a kept choice is recognised by (its id, title and synonyms). */
  private readonly tokens = new Map<string, readonly Token[]>();

  constructor(private readonly translator: Translator) {}

  /**
   * A tokenizer for the SDK's choice recognition (`findChoices` tokenizes the id, the title and
   * every synonym of every choice again for each answer): the kept choices' texts come tokenized
   * once, anything else (the young person's answer) is tokenized as the SDK does and not kept.
   * Shared tokens: the SDK only reads them.
   */
  readonly tokenize: TokenizerFunction = (text, locale) => (this.tokens.get(text) as Token[] | undefined) ?? defaultTokenizer(text, locale);

  /** The choices for the given stable ids (keys in locales/<lng>/choices.json), with their typed aliases. */
  get(language: Language, ids: readonly string[], aliases: ChoiceAliases = {}): ChoiceList {
    const key = listKey(language, ids, aliases);
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = this.make(language, ids, aliases)));
    return list;
  }

  private make(language: Language, given: readonly string[], aliases: ChoiceAliases): ChoiceList {
    const ids = [...given];
    const t = this.translator.forLanguage(language);
    const titleOf = (id: string): string => t(`choices:${id}.title`);
    const wordsFor = (id: string) => [titleOf(id), ...this.translator.list(language, `choices:${id}.synonyms`)];
    const titles = ids.map(titleOf);
    const recognition = ids.map((id, index): Choice => ({
      value: id,
      action: button(id, titles[index]!),
      // Normalised like the utterance the prompt compares them with (see LanternChoicePrompt).
      synonyms: [...new Set([...wordsFor(id), ...(aliases[id] ?? []).flatMap(wordsFor)].map(normalizeForMatching))],
    }));
    for (const choice of recognition) {
      for (const text of [choice.value, choice.action?.title, ...(choice.synonyms ?? [])]) {
        // findValues tokenizes each text trimmed.
        const trimmed = typeof text === 'string' ? text.trim() : undefined;
        if (trimmed !== undefined && !this.tokens.has(trimmed)) this.tokens.set(trimmed, Object.freeze(defaultTokenizer(trimmed)));
      }
    }
    return { recognition, buttons: () => ids.map((id, index) => ({ value: id, action: button(id, titles[index]!) })) };
  }
}

/** A messageBack button that shows and sends its title and carries the choice's id. */
function button(id: string, title: string): NonNullable<Choice['action']> {
  return { type: ActionTypes.MessageBack, title, text: title, displayText: title, value: { choice: id } };
}

/** The cache key of a list: language, ids and aliases (few and fixed in the code, so the cache stays small). */
function listKey(language: Language, ids: readonly string[], aliases: ChoiceAliases): string {
  let key = `${language}|${ids.join(',')}`;
  for (const id in aliases) key += `|${id}=${aliases[id]!.join(',')}`;
  return key;
}

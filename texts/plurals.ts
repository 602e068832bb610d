/**
 * Plural forms: a text with a number in it ("{{minutes}} minutes") is written once per plural
 * category of its language (i18next's `key_one`, `key_few`, ...; the categories are
 * Intl.PluralRules', so Arabic has zero/one/two/few/many/other and the others one/other). The
 * Translator picks the form from the text's number placeholder; the locale check makes sure every
 * such text has exactly the forms its language needs.
 */
import { LANGUAGE_INFO, type Language } from '../contracts/languages.js';

/** Placeholders that hold a number a text's grammar depends on. */
export const NUMBER_PLACEHOLDERS = ['count', 'minutes', 'position', 'retentionHours', 'hours', 'days', 'seconds', 'number'] as const;

/** The plural categories, in i18next's order. */
export const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
/** One plural category. */
export type PluralCategory = (typeof PLURAL_CATEGORIES)[number];

/** `key_few` → { base: 'key', category: 'few' }; undefined for a key without a plural suffix. */
export function pluralKey(key: string): { base: string; category: PluralCategory } | undefined {
  const match = /^(.+)_(zero|one|two|few|many|other)$/.exec(key);
  return match ? { base: match[1]!, category: match[2] as PluralCategory } : undefined;
}

/** The plural categories a language needs (from Intl.PluralRules of its locale), in i18next's order. */
export function pluralCategories(language: Language): PluralCategory[] {
  const found = new Intl.PluralRules(LANGUAGE_INFO[language].intlLocale).resolvedOptions().pluralCategories as string[];
  return PLURAL_CATEGORIES.filter((category) => found.includes(category));
}

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

/** The number placeholders a text uses. */
export function numberPlaceholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => (NUMBER_PLACEHOLDERS as readonly string[]).includes(name)))];
}

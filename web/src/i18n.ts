/**
 * The page's strings in the young person's language, and switching `<html lang dir>` without a reload.
 */
import { LANGUAGE_INFO, languageFromLocale, type Language } from '../../contracts/languages.js';

/** The strings of one language (locales/<language>/web.json). */
export type Strings = (typeof __LANTERN_STRINGS__)[Language];
/** Name of one string. */
export type StringKey = keyof Strings;

let current: Language = 'en';

/** The language the page is shown in. */
export function currentLanguage(): Language {
  return current;
}

/** A string in the current language. */
export function t(key: StringKey): string {
  return __LANTERN_STRINGS__[current][key];
}

/** Texts with a number in them, by plural form (`<name>_one`, `<name>_other`, … in web.json), or one text for every number. */
export type CountedKey = 'handoffPlace' | 'handoffEstimate' | 'hideAfter';

/**
 * The text `name` for `count` in the current language: `<name>_<plural category>` (the categories
 * of Intl.PluralRules, as in texts/plurals.ts; a browser without it gets "one" for 1, else "other"),
 * else `<name>_other`, else `<name>`.
 */
export function tCount(name: CountedKey, count: number): string {
  const strings = __LANTERN_STRINGS__[current] as unknown as Record<string, string | undefined>;
  let category = count === 1 ? 'one' : 'other';
  try {
    if (typeof Intl === 'object' && Intl.PluralRules) category = new Intl.PluralRules(LANGUAGE_INFO[current].intlLocale).select(count);
  } catch {
    // An unknown locale: the fallback above.
  }
  return strings[`${name}_${category}`] || strings[`${name}_other`] || strings[name] || '';
}

/** A string with `{{name}}` filled in. */
export function fill(text: string, values: Record<string, number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The BCP 47 tag for `lang` attributes: Dari is `fa-AF`. */
export function langTag(language: Language): string {
  return language === 'prs' ? 'fa-AF' : language;
}

/**
 * Shows the page in `language`: `<html lang dir>`, the title and every element marked with
 * `data-t` (text), `data-tl` (aria-label) or `data-tp` (placeholder).
 */
export function applyLanguage(language: Language, root: ParentNode = document): void {
  current = language;
  const html = document.documentElement;
  html.lang = langTag(language);
  html.dir = LANGUAGE_INFO[language].dir;
  document.title = t('title');
  translate(root);
}

/** Fills the marked elements under `root` with strings of the current language. */
export function translate(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-t],[data-tl],[data-tp]')) {
    const { t: text, tl: label, tp: placeholder } = el.dataset;
    if (text) el.textContent = t(text as StringKey);
    if (label) el.setAttribute('aria-label', t(label as StringKey));
    if (placeholder) el.setAttribute('placeholder', t(placeholder as StringKey));
  }
}

/** The first of the browser's languages that Lantern speaks, else English. */
export function browserLanguage(): Language {
  const tags = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    const language = languageFromLocale(tag);
    if (language) return language;
  }
  return 'en';
}

/**
 * The console's texts in Dutch (default) or English (toggle), from the "console" section of
 * locales/staff/{nl,en}.json. Elements marked `data-t` (text), `data-tl` (aria-label),
 * `data-tp` (placeholder) or `data-tt` (title) follow the language; other parts re-render through
 * `onLanguageChange`.
 */
import { createStaffI18n, duration, type UiLanguage } from '../shared/i18n.js';
// The labels of the triage and screening codes, shared with the server's summary (esbuild keeps only these sections).

/** The languages staff read. */
export type { UiLanguage };
/** Name of one console text. */
export type Key = keyof (typeof __CONSOLE_STRINGS__)['nl']['console'];

/** The console's strings (the page's title is kept by alert.ts, with the number waiting). */
const i18n = createStaffI18n(__CONSOLE_STRINGS__, 'console', 'lantern-console-language');

/** The language the console is shown in. */
export const uiLanguage = i18n.uiLanguage;

/** One text, with `{{name}}` filled in. */
export const t = i18n.t;

/** The staff name of a young person's language ("Arabisch"), "unknown" without one, or the code itself. */
export function languageName(code: string | undefined): string {
  if (!code || code === 'und') return t('languageUnknown');
  return i18n.languageName(code);
}

/** The staff name of a priority ("Acuut gevaar"). */
export function priorityName(priority: string): string {
  return i18n.strings().priority[priority] ?? priority;
}

/** The sections of locales/staff/{nl,en}.json with the names of triage codes. */
export type CodeSection = 'reason' | 'answers' | 'signals' | 'dangerCategories' | 'intents';

/** The staff name of a code ("confinement" → "opgesloten / mag niet weg"), or the code itself when it has none. */
export function codeName(section: CodeSection, code: string): string {
  return __CONSOLE_STRINGS__[i18n.uiLanguage()][section][code] ?? code;
}

/** The young people's languages written right to left. */
const RIGHT_TO_LEFT = new Set(['ar', 'prs']);

/** The writing direction of a young person's language (`auto` when it is not known). */
export function langDir(code: string | undefined): 'rtl' | 'ltr' | 'auto' {
  return !code || code === 'und' ? 'auto' : RIGHT_TO_LEFT.has(code) ? 'rtl' : 'ltr';
}

/** The BCP 47 tag for a young person's language (`lang` attribute): Dari is fa-AF. */
export function langTag(code: string): string {
  return code === 'prs' ? 'fa-AF' : code;
}

/** Fills the marked elements under `root`. */
export const translate = i18n.translate;

/** Calls `listener` after every switch of the language. */
export const onLanguageChange = i18n.onLanguageChange;

/** Shows the console in `language` (remembered in this browser; it is not a secret). */
export const setUiLanguage = i18n.setUiLanguage;

/** "14:05" in the console's language. */
export const clock = i18n.clock;

/** "4:07" (minutes:seconds), "1:02:03" after an hour. */
export { duration };

/**
 * The console's texts in Dutch (default) or English (toggle), from the "console" section of
 * locales/staff/{nl,en}.json. Elements marked `data-t` (text), `data-tl` (aria-label),
 * `data-tp` (placeholder) or `data-tt` (title) follow the language; other parts re-render through
 * `onLanguageChange`.
 */
import { fill, storedLanguage, storeLanguage, type UiLanguage } from '../shared/i18n.js';

/** The languages staff read. */
export type { UiLanguage };
/** Name of one console text. */
export type Key = keyof (typeof __CONSOLE_STRINGS__)['nl']['console'];

const STORAGE_KEY = 'lantern-console-language';
const listeners: Array<() => void> = [];

let current: UiLanguage = storedLanguage(STORAGE_KEY);

/** The language the console is shown in. */
export function uiLanguage(): UiLanguage {
  return current;
}

/** One text, with `{{name}}` filled in. */
export function t(key: Key, values: Record<string, string | number> = {}): string {
  const text: string = __CONSOLE_STRINGS__[current].console[key];
  return fill(text, values);
}

/** The staff name of a young person's language ("Arabisch"), or the code itself. */
export function languageName(code: string | undefined): string {
  if (!code || code === 'und') return t('languageUnknown');
  return __CONSOLE_STRINGS__[current].languages[code] ?? code;
}

/** The staff name of a priority ("Acuut gevaar"). */
export function priorityName(priority: string): string {
  return __CONSOLE_STRINGS__[current].priority[priority] ?? priority;
}

/** The BCP 47 tag for a young person's language (`lang` attribute): Dari is fa-AF. */
export function langTag(code: string): string {
  return code === 'prs' ? 'fa-AF' : code;
}

/** Fills the marked elements under `root`. */
export function translate(root: ParentNode = document): void {
  for (const node of root.querySelectorAll<HTMLElement>('[data-t],[data-tl],[data-tp],[data-tt]')) {
    const { t: text, tl: label, tp: placeholder, tt: title } = node.dataset;
    if (text) node.textContent = t(text as Key);
    if (label) node.setAttribute('aria-label', t(label as Key));
    if (placeholder) node.setAttribute('placeholder', t(placeholder as Key));
    if (title) node.setAttribute('title', t(title as Key));
  }
}

/** Calls `listener` after every switch of the language. */
export function onLanguageChange(listener: () => void): void {
  listeners.push(listener);
}

/** Shows the console in `language` (remembered in this browser; it is not a secret). */
export function setUiLanguage(language: UiLanguage): void {
  current = language;
  storeLanguage(STORAGE_KEY, language);
  document.documentElement.lang = language;
  translate();
  for (const listener of listeners) listener();
}

/** "14:05" in the console's language. */
export function clock(iso: string | number): string {
  const date = new Date(iso);
  if (isNaN(date.getTime())) return '';
  return date.toLocaleTimeString(current === 'nl' ? 'nl-NL' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** "4:07" (minutes:seconds), "1:02:03" after an hour. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/**
 * The dashboard's texts in Dutch (default) or English (toggle), from the "dashboard" section of
 * locales/staff/{nl,en}.json, and the staff names of languages, dialog-tree nodes, outcomes and
 * danger categories from the same files. Elements marked `data-t` (text) or `data-tl`
 * (aria-label) follow the language; the figures re-render through `onLanguageChange`.
 */
import { fill, storedLanguage, storeLanguage, type UiLanguage } from '../shared/i18n.js';

/** The languages staff read. */
export type { UiLanguage };
/** Name of one dashboard text. */
export type Key = keyof (typeof __DASHBOARD_STRINGS__)['nl']['dashboard'];

const STORAGE_KEY = 'lantern-dashboard-language';
const listeners: Array<() => void> = [];

let current: UiLanguage = storedLanguage(STORAGE_KEY);

/** The language the dashboard is shown in. */
export function uiLanguage(): UiLanguage {
  return current;
}

/** The locale for numbers and dates. */
export function locale(): string {
  return current === 'nl' ? 'nl-NL' : 'en-GB';
}

function strings(): (typeof __DASHBOARD_STRINGS__)['nl'] {
  return __DASHBOARD_STRINGS__[current];
}

/** One text, with `{{name}}` filled in. */
export function t(key: Key, values: Record<string, string | number> = {}): string {
  const text: string = strings().dashboard[key];
  return fill(text, values);
}

/** The staff name of a young person's language ("Arabisch"), or the code itself. */
export function languageName(code: string): string {
  return strings().languages[code] ?? code;
}

/** The name of a node of the dialog tree: `funnel.*`, else `topics.*`, else `dashboard.node_*`, else the code. */
export function nodeName(code: string): string {
  const s = strings();
  const own = (s.dashboard as Record<string, string>)[`node_${code}`];
  return s.funnel[code] ?? s.topics[code] ?? own ?? code;
}

/** The dialog tree's nodes in the order of the tree: the menu, the topics with their sections, the handoff. */
export function treeOrder(): string[] {
  const s = strings();
  return ['menu', ...Object.keys(s.topics), ...Object.keys(s.funnel), 'handoff'];
}

/** The name of a handoff outcome. */
export function outcomeName(code: string): string {
  return strings().outcomes[code] ?? code;
}

/** The name of a danger category. */
export function categoryName(code: string): string {
  return strings().dangerCategories[code] ?? code;
}

/** Fills the marked elements under `root`. */
export function translate(root: ParentNode = document): void {
  for (const node of root.querySelectorAll<HTMLElement>('[data-t],[data-tl]')) {
    const { t: text, tl: label } = node.dataset;
    if (text) node.textContent = t(text as Key);
    if (label) node.setAttribute('aria-label', t(label as Key));
  }
  document.title = t('title');
}

/** Calls `listener` after every switch of the language. */
export function onLanguageChange(listener: () => void): void {
  listeners.push(listener);
}

/** Shows the dashboard in `language` (remembered in this browser; it is not a secret). */
export function setUiLanguage(language: UiLanguage): void {
  current = language;
  storeLanguage(STORAGE_KEY, language);
  document.documentElement.lang = language;
  translate();
  for (const listener of listeners) listener();
}

/**
 * The dashboard's texts in Dutch (default) or English (toggle), from the "dashboard" section of
 * locales/staff/{nl,en}.json, and the staff names of languages, dialog-tree nodes, outcomes and
 * danger categories from the same files. Elements marked `data-t` (text) or `data-tl`
 * (aria-label) follow the language; the figures re-render through `onLanguageChange`.
 */
import { createStaffI18n, type UiLanguage } from '../shared/i18n.js';

/** The languages staff read. */
export type { UiLanguage };
/** Name of one dashboard text. */
export type Key = keyof (typeof __DASHBOARD_STRINGS__)['nl']['dashboard'];

/** The dashboard's strings; translate() also sets the document's title. */
const i18n = createStaffI18n(__DASHBOARD_STRINGS__, 'dashboard', 'lantern-dashboard-language', 'title');

/** The language the dashboard is shown in. */
export const uiLanguage = i18n.uiLanguage;

/** The locale for numbers and dates. */
export const locale = i18n.locale;

/** One text, with `{{name}}` filled in. */
export const t = i18n.t;

/** The staff name of a young person's language ("Arabisch"), or the code itself. */
export const languageName = i18n.languageName;

/** The name of a node of the dialog tree: `funnel.*`, else `topics.*`, else `dashboard.node_*`, else the code. */
export function nodeName(code: string): string {
  const s = i18n.strings();
  const own = (s.dashboard as Record<string, string>)[`node_${code}`];
  return s.funnel[code] ?? s.topics[code] ?? own ?? code;
}

/** The dialog tree's nodes in the order of the tree: the menu, the topics with their sections, the handoff. */
export function treeOrder(): string[] {
  const s = i18n.strings();
  return ['menu', ...Object.keys(s.topics), ...Object.keys(s.funnel), 'handoff'];
}

/** The name of a handoff outcome. */
export function outcomeName(code: string): string {
  return i18n.strings().outcomes[code] ?? code;
}

/** The name of a danger category. */
export function categoryName(code: string): string {
  return i18n.strings().dangerCategories[code] ?? code;
}

/** Fills the marked elements under `root`, and the document's title. */
export const translate = i18n.translate;

/** Calls `listener` after every switch of the language. */
export const onLanguageChange = i18n.onLanguageChange;

/** Shows the dashboard in `language` (remembered in this browser; it is not a secret). */
export const setUiLanguage = i18n.setUiLanguage;

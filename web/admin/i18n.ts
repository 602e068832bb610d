/**
 * The admin page's texts in Dutch (default) or English (toggle), from the "admin" section of
 * locales/staff/{nl,en}.json (and "account" for My account). Elements marked `data-t` (text) or
 * `data-tl` (aria-label) follow the language; the tables re-render through `onLanguageChange`.
 */
import { createStaffI18n } from '../shared/i18n.js';

/** Name of one admin text. */
export type Key = keyof (typeof __ADMIN_STRINGS__)['nl']['admin'];

/** The admin page's strings; translate() also sets the document's title. */
export const i18n = createStaffI18n(__ADMIN_STRINGS__, 'admin', 'lantern-admin-language', 'title');

export const { t, uiLanguage, locale, languageName, translate, onLanguageChange, setUiLanguage } = i18n;

/** Every audit action code the page has a name for (the `action_<code>` texts), in their order. */
export function actionCodes(): string[] {
  return Object.keys(i18n.strings().admin)
    .filter((key) => key.startsWith('action_'))
    .map((key) => key.slice('action_'.length));
}

/** The name of an audit action, or its code. */
export function actionName(code: string): string {
  return (i18n.strings().admin as Record<string, string>)[`action_${code}`] ?? code;
}

/** The name of a role. */
export function roleName(role: string): string {
  return (i18n.strings().admin as Record<string, string>)[`role_${role}`] ?? role;
}

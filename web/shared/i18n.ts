/**
 * What the staff pages' i18n modules (web/counsellor/i18n.ts, web/coordinator/i18n.ts) share: the
 * Dutch/English choice remembered in this browser, and `{{name}}` filling.
 */

/** The languages staff read. */
export type UiLanguage = 'nl' | 'en';

/** The language remembered under `storageKey` (Dutch unless English was chosen, or storage is blocked). */
export function storedLanguage(storageKey: string): UiLanguage {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'nl';
  } catch {
    return 'nl';
  }
}

/** Remembers `language` under `storageKey` (it is not a secret). */
export function storeLanguage(storageKey: string, language: UiLanguage): void {
  try {
    localStorage.setItem(storageKey, language);
  } catch {
    // storage blocked: the toggle still works until a reload
  }
}

/** `text` with `{{name}}` filled in from `values` (unknown names stay as they are). */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

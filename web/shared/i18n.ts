/**
 * What the staff pages' i18n modules (web/counsellor/i18n.ts, web/coordinator/i18n.ts) share: the
 * Dutch/English choice remembered in this browser, `{{name}}` filling, and createStaffI18n (a page's
 * t(), translate(), language switch, locale and clock over its built-in strings).
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

/** What a staff page is built with per language (esbuild `define`): its own texts in `Section`, the staff names of languages, and more. */
export type StaffStrings<Section extends string> = { [S in Section]: Record<string, string> } & { languages: Record<string, string> };

/** A staff page's texts in the language chosen (made by createStaffI18n). */
export interface StaffI18n<Strings, Key extends string> {
  /** The language the page is shown in. */
  uiLanguage(): UiLanguage;
  /** The locale for numbers, dates and times. */
  locale(): string;
  /** All the page's strings in the current language. */
  strings(): Strings;
  /** One text, with `{{name}}` filled in. */
  t(key: Key, values?: Record<string, string | number>): string;
  /** The staff name of a young person's language ("Arabisch"), or the code itself. */
  languageName(code: string): string;
  /**
   * Fills the marked elements under `root`: `data-t` (text), `data-tl` (aria-label), `data-tp`
   * (placeholder), `data-tt` (title); and the document's title when the page has one.
   */
  translate(root?: ParentNode): void;
  /** Calls `listener` after every switch of the language. */
  onLanguageChange(listener: () => void): void;
  /** Shows the page in `language` (remembered in this browser; it is not a secret). */
  setUiLanguage(language: UiLanguage): void;
  /** "14:05" in the page's language. */
  clock(iso: string | number): string;
}

/**
 * The texts of a staff page in Dutch (default) or English, from `all` (its strings in both languages,
 * its own under `section`); the choice is remembered under `storageKey`. With `title`, translate()
 * also makes that text the document's title.
 */
export function createStaffI18n<Section extends string, Strings extends StaffStrings<Section>>(
  all: Record<UiLanguage, Strings>,
  section: Section,
  storageKey: string,
  title?: keyof Strings[Section] & string,
): StaffI18n<Strings, keyof Strings[Section] & string> {
  type Key = keyof Strings[Section] & string;
  const listeners: Array<() => void> = [];
  let current: UiLanguage = storedLanguage(storageKey);
  const locale = (): string => (current === 'nl' ? 'nl-NL' : 'en-GB');
  const strings = (): Strings => all[current];
  const t = (key: Key, values: Record<string, string | number> = {}): string => fill((strings()[section] as Record<string, string>)[key] as string, values);
  const translate = (root: ParentNode = document): void => {
    for (const node of root.querySelectorAll<HTMLElement>('[data-t],[data-tl],[data-tp],[data-tt]')) {
      const { t: text, tl: label, tp: placeholder, tt: tooltip } = node.dataset;
      if (text) node.textContent = t(text as Key);
      if (label) node.setAttribute('aria-label', t(label as Key));
      if (placeholder) node.setAttribute('placeholder', t(placeholder as Key));
      if (tooltip) node.setAttribute('title', t(tooltip as Key));
    }
    if (title) document.title = t(title);
  };
  return {
    uiLanguage: () => current,
    locale,
    strings,
    t,
    languageName: (code) => strings().languages[code] ?? code,
    translate,
    onLanguageChange: (listener) => {
      listeners.push(listener);
    },
    setUiLanguage: (language) => {
      current = language;
      storeLanguage(storageKey, language);
      document.documentElement.lang = language;
      translate();
      for (const listener of listeners) listener();
    },
    clock: (iso) => {
      const date = new Date(iso);
      if (isNaN(date.getTime())) return '';
      return date.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
    },
  };
}

/** "4:07" (minutes:seconds), "1:02:03" after an hour. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

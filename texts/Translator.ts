/**
 * Texts in the young person's language through i18next, from locales/.
 * Help-line numbers and links are interpolation variables from config/helplines.json.
 */
import i18next, { type i18n, type TFunction } from 'i18next';
import { helplineVariables, loadHelplines, type Helplines } from './helplines.js';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { readAllLanguages, LOCALES_DIR } from './localeFiles.js';

/** Options of the Translator. */
export interface TranslatorOptions {
  /** Directory with locales/<lng>/<ns>.json. */
  localesDir?: string;
  /** Help lines to interpolate. */
  helplines?: Helplines;
  /** Extra variables every text can use, e.g. `{{retentionHours}}`. */
  variables?: Record<string, string | number>;
}

/** A function that returns the text for a key (`namespace:key.path`) in one language. */
export type Translate = TFunction;

/** Loads every text once and hands out per-language translate functions. */
export class Translator {
  private readonly i18n: i18n;

  constructor(options: TranslatorOptions = {}) {
    const resources = readAllLanguages(options.localesDir ?? LOCALES_DIR);
    const namespaces = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))];
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      resources,
      lng: 'en',
      fallbackLng: false,
      supportedLngs: [...LANGUAGES],
      ns: namespaces,
      defaultNS: 'common',
      initAsync: false,
      showSupportNotice: false,
      returnNull: false,
      returnEmptyString: false,
      interpolation: {
        escapeValue: false,
        defaultVariables: { ...helplineVariables(options.helplines ?? loadHelplines()), ...options.variables },
      },
    });
  }

  /** The translate function of one language. A missing key returns the key itself (the locale check prevents that). */
  forLanguage(language: Language): Translate {
    return this.i18n.getFixedT(language);
  }

  /** All texts of one namespace in one language (a nested object), e.g. the counsellors' quick replies. */
  namespace(language: Language, ns: string): Record<string, unknown> {
    return (this.i18n.getResourceBundle(language, ns) as Record<string, unknown> | undefined) ?? {};
  }

  /** A list of texts (arrays in the locale files, such as synonyms); [] when missing. */
  list(language: Language, key: string): string[] {
    const value = this.i18n.getFixedT(language)(key, { returnObjects: true }) as unknown;
    return Array.isArray(value) ? value.map(String) : [];
  }
}

/**
 * Texts in the young person's language through i18next, from locales/.
 * Help-line numbers and links are interpolation variables from config/helplines.json.
 * A text with a number placeholder ({{minutes}}, {{position}}, {{retentionHours}}, ...) has one form
 * per plural category of its language (see plurals.ts): the Translator passes that number to
 * i18next as `count`, so callers only give the number they already have.
 * A text asked for without variables of the caller is the same every time (the Translator's own
 * variables are fixed), so it is made once per language and kept; a text with variables is made
 * each time it is asked for.
 */
import i18next, { type i18n, type TFunction } from 'i18next';
import { helplineVariables, loadHelplines, type Helplines } from './helplines.js';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { flatten, readAllLanguages, LOCALES_DIR } from './localeFiles.js';
import { numberPlaceholdersIn, pluralKey } from './plurals.js';

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

/** A text that was used: its key and its interpolation values (numbers and short codes only). */
export interface TextUse {
  key: string;
  params?: Record<string, string | number>;
}

/** A text used in a turn (texts/textLog.ts), with what it said in the language it was asked in. */
export interface RecordedText extends TextUse {
  language: Language;
  text: string;
}

/** Strings kept with a text's key: codes only (never free text, which could be the young person's). */
const KEPT_VALUE = /^[a-z0-9_.:-]{1,40}$/i;

/** Loads every text once and hands out per-language translate functions. */
export class Translator {
  private readonly i18n: i18n;
  /** The help lines the texts name (numbers, links, opening hours). */
  readonly helplines: Helplines;
  /** Every variable a text can use without the caller giving it (help lines, retention, ...). */
  private readonly variables: Record<string, string | number>;
  /** `ns:key` of a text with plural forms → the number placeholder that chooses the form. */
  private readonly countOf = new Map<string, string>();
  /** What is kept per language (made on first use). */
  private readonly languages = new Map<Language, LanguageTexts>();

  constructor(options: TranslatorOptions = {}) {
    const resources = readAllLanguages(options.localesDir ?? LOCALES_DIR);
    const namespaces = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))];
    this.helplines = options.helplines ?? loadHelplines();
    this.variables = { ...helplineVariables(this.helplines), ...options.variables };
    for (const [ns, tree] of Object.entries(resources.en ?? {})) {
      for (const [key, value] of Object.entries(flatten(tree))) {
        const plural = pluralKey(key);
        const number = plural && typeof value === 'string' ? numberPlaceholdersIn(value)[0] : undefined;
        if (plural && number) this.countOf.set(`${ns}:${plural.base}`, number);
      }
    }
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
        defaultVariables: this.variables,
      },
    });
  }

  /**
   * The translate function of one language. Without `log`, the same function every time; with a
   * turn's text log (texts/textLog.ts), one that also notes every text it makes there, so what the
   * turn sends can carry the texts' keys. A missing key returns the key itself (the locale check
   * prevents that).
   */
  forLanguage(language: Language, log?: RecordedText[]): Translate {
    if (!log) return this.of(language).translate;
    const translate = (key: unknown, given?: unknown): unknown => {
      const made = this.make(language, key, given);
      if (typeof key === 'string' && typeof made.text === 'string') log.push({ key, params: made.params, language, text: made.text });
      return made.text;
    };
    return translate as unknown as Translate;
  }

  /** What is kept for one language, made on first use. */
  private of(language: Language): LanguageTexts {
    let kept = this.languages.get(language);
    if (!kept) {
      const translate = (key: unknown, given?: unknown): unknown => this.make(language, key, given).text;
      const t = this.i18n.getFixedT(language) as unknown as LanguageTexts['t'];
      this.languages.set(language, (kept = { t, translate: translate as unknown as Translate, texts: new Map(), lists: new Map() }));
    }
    return kept;
  }

  /**
   * Makes a text through i18next. One asked for without the caller's variables is the same every
   * time (the Translator's own variables are fixed), so it is made once per language and kept.
   */
  private make(language: Language, key: unknown, given: unknown): MadeText {
    const { t, texts } = this.of(language);
    const keep = typeof key === 'string' && withoutVariables(given);
    let made = keep ? texts.get(key) : undefined;
    if (!made) {
      const options = this.withCount(key, given);
      const params = keptParams(options);
      made = { text: t(key, options), params: params && Object.freeze(params) };
      if (keep && typeof made.text === 'string') texts.set(key, made);
    }
    return made;
  }

  /** The text of a used key in another language (e.g. the Dutch of what the bot said in Tigrinya). */
  render(language: Language, use: TextUse): string {
    return String(this.make(language, use.key, use.params).text);
  }

  /** A variable every text can use (`emergencyPhone`, `retentionHours`, ...), or undefined. */
  variable(name: string): string | number | undefined {
    return this.variables[name];
  }

  /**
   * The options with `count` set from the text's number placeholder (given by the caller, or one of
   * the Translator's variables), so i18next picks the plural form. A value that is not a number
   * (a test's marker) gets the general form ("other").
   */
  private withCount(key: unknown, options: unknown): unknown {
    const name = typeof key === 'string' ? this.countOf.get(key) : undefined;
    if (!name) return options;
    const given = options && typeof options === 'object' ? (options as Record<string, unknown>) : {};
    if (given.count !== undefined) return options;
    const value = given[name] ?? this.variables[name];
    return { ...given, count: typeof value === 'number' ? value : Number.NaN };
  }

  /** All texts of one namespace in one language (a nested object), e.g. the counsellors' quick replies. */
  namespace(language: Language, ns: string): Record<string, unknown> {
    return (this.i18n.getResourceBundle(language, ns) as Record<string, unknown> | undefined) ?? {};
  }

  /** A list of texts (arrays in the locale files, such as synonyms); [] when missing. Read once per language and key. */
  list(language: Language, key: string): readonly string[] {
    const { t, lists } = this.of(language);
    let list = lists.get(key);
    if (!list) {
      const value = t(key, { returnObjects: true });
      lists.set(key, (list = Object.freeze(Array.isArray(value) ? value.map(String) : [])));
    }
    return list;
  }
}

/** What the Translator keeps for one language. */
interface LanguageTexts {
  /** i18next's translate function of the language. */
  t: (key: unknown, options?: unknown) => unknown;
  /** The Translator's translate function of the language (it records what it says). */
  translate: Translate;
  /** Texts asked for without the caller's variables, as made the first time (by key). */
  texts: Map<string, MadeText>;
  /** Lists (synonyms, command words), as read the first time (by key). */
  lists: Map<string, readonly string[]>;
}

/** A text as made once: what it says, and the interpolation values kept with its key. */
interface MadeText {
  text: unknown;
  params: Readonly<Record<string, string | number>> | undefined;
}

/** True when the caller gave no variables or options (nothing, or an empty object): the text is the same every time. */
function withoutVariables(given: unknown): boolean {
  if (given === undefined) return true;
  if (!given || typeof given !== 'object') return false;
  // Without Object.keys: this runs for every text, and an empty `{}` is the common case.
  for (const _ in given) return false;
  return true;
}

/** The interpolation values worth keeping with a key (numbers, codes), or undefined when none. */
function keptParams(options: unknown): Record<string, string | number> | undefined {
  if (!options || typeof options !== 'object') return undefined;
  const kept: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(options as Record<string, unknown>)) {
    if (typeof value === 'number' && Number.isFinite(value)) kept[name] = value;
    else if (typeof value === 'string' && KEPT_VALUE.test(value)) kept[name] = value;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

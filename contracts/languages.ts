/**
 * The five languages of Lantern: codes, native names, direction and the Intl locale to format with.
 * Dari's code is `prs` (ISO 639-3); Intl and the Bot Framework know it as `fa-AF`.
 */
export const LANGUAGES = ['ar', 'ti', 'prs', 'en', 'nl'] as const;

/** A supported language code. */
export type Language = (typeof LANGUAGES)[number];

/** Facts about one language. */
export interface LanguageInfo {
  code: Language;
  /** Name in the language itself, as shown in the picker. */
  nativeName: string;
  /** Text direction. */
  dir: 'rtl' | 'ltr';
  /** BCP 47 locale for Intl (numbers, dates) and Bot Framework activities. */
  intlLocale: string;
}

export const LANGUAGE_INFO: Record<Language, LanguageInfo> = {
  ar: { code: 'ar', nativeName: 'العربية', dir: 'rtl', intlLocale: 'ar' },
  ti: { code: 'ti', nativeName: 'ትግርኛ', dir: 'ltr', intlLocale: 'ti-ER' },
  prs: { code: 'prs', nativeName: 'دری', dir: 'rtl', intlLocale: 'fa-AF' },
  en: { code: 'en', nativeName: 'English', dir: 'ltr', intlLocale: 'en' },
  nl: { code: 'nl', nativeName: 'Nederlands', dir: 'ltr', intlLocale: 'nl-NL' },
};

/** Type guard for a language code. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Maps a locale tag from a client (`fa-AF`, `ar-SY`, `nl-NL`, `ti`) to a supported language, if any. */
export function languageFromLocale(locale: string | undefined): Language | undefined {
  if (!locale) return undefined;
  const lower = locale.toLowerCase();
  if (lower === 'fa-af' || lower.startsWith('prs') || lower === 'fa') return 'prs';
  const base = lower.split(/[-_]/)[0];
  return isLanguage(base) ? base : undefined;
}

/**
 * Checks the locale files: all five languages have every key of English (the reference) and no
 * extra ones, with the same placeholders and the same shape; every factual text has a source
 * note; every namespace of every language has a review record. Also counts coverage and
 * unreviewed texts (for `npm run locales:check` and the coordinators' dashboard).
 */
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { flatten, readAllLanguages, readReview, readSources, LOCALES_DIR, type LanguageReview } from './localeFiles.js';

/** Namespaces whose every text (except questions above buttons) states facts and needs a source note. */
export const FACTUAL_NAMESPACES = ['exploitation', 'rights', 'nonPunishment', 'help'] as const;

/** Coverage of one language. */
export interface LanguageCoverage {
  language: Language;
  /** Texts the reference (English) has. */
  expected: number;
  /** Of those, texts this language has. */
  present: number;
  /** Texts in namespaces a fluent reviewer signed off. */
  reviewed: number;
  /** Texts in namespaces not (yet) reviewed. */
  unreviewed: number;
}

/** Result of a check. */
export interface LocaleCheckResult {
  errors: string[];
  coverage: LanguageCoverage[];
}

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

function placeholders(value: string | string[]): string {
  const text = Array.isArray(value) ? value.join('\n') : value;
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]).sort().join(',');
}

/** Runs every check on a locales directory. */
export function checkLocales(dir = LOCALES_DIR): LocaleCheckResult {
  const errors: string[] = [];
  const all = readAllLanguages(dir);
  const reference = all.en;
  const referenceFlat = new Map<string, Record<string, string | string[]>>(
    Object.entries(reference).map(([ns, tree]) => [ns, flatten(tree)]),
  );
  const coverage: LanguageCoverage[] = [];

  for (const language of LANGUAGES) {
    const resources = all[language];
    const review: LanguageReview = readReview(language, dir);
    const cover: LanguageCoverage = { language, expected: 0, present: 0, reviewed: 0, unreviewed: 0 };
    for (const ns of Object.keys(resources)) {
      if (!referenceFlat.has(ns)) errors.push(`${language}/${ns}.json: namespace does not exist in en`);
    }
    for (const [ns, refFlat] of referenceFlat) {
      const flat = resources[ns] ? flatten(resources[ns]) : {};
      if (!resources[ns]) errors.push(`${language}/${ns}.json: missing file`);
      const record = review[ns];
      if (!record) errors.push(`${language}/review.json: no review record for namespace "${ns}"`);
      for (const [key, refValue] of Object.entries(refFlat)) {
        cover.expected += 1;
        const value = flat[key];
        if (value === undefined) {
          if (resources[ns]) errors.push(`${language}/${ns}.json: missing key "${key}"`);
          continue;
        }
        cover.present += 1;
        if (record?.status === 'reviewed') cover.reviewed += 1;
        else cover.unreviewed += 1;
        if (Array.isArray(refValue) !== Array.isArray(value)) errors.push(`${language}/${ns}.json: "${key}" must be ${Array.isArray(refValue) ? 'a list' : 'a text'}`);
        else if ((Array.isArray(value) ? value.length === 0 : value.trim() === '')) errors.push(`${language}/${ns}.json: "${key}" is empty`);
        if (placeholders(refValue) !== placeholders(value)) {
          errors.push(`${language}/${ns}.json: "${key}" has placeholders {${placeholders(value)}} but en has {${placeholders(refValue)}}`);
        }
      }
      for (const key of Object.keys(flat)) {
        if (!(key in refFlat)) errors.push(`${language}/${ns}.json: extra key "${key}" (not in en)`);
      }
    }
    coverage.push(cover);
  }

  const sources = readSources(dir);
  for (const id of Object.keys(sources)) {
    const [ns, key] = id.split(':');
    if (!ns || !key || referenceFlat.get(ns)?.[key] === undefined) errors.push(`sources.json: "${id}" is not a text in en`);
  }
  for (const ns of FACTUAL_NAMESPACES) {
    for (const key of Object.keys(referenceFlat.get(ns) ?? {})) {
      if (key === 'prompt' || key.endsWith('.prompt')) continue;
      if (!sources[`${ns}:${key}`]) errors.push(`sources.json: factual text "${ns}:${key}" has no source note`);
    }
  }
  return { errors, coverage };
}

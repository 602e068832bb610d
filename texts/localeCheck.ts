/**
 * Checks the locale files: all five languages have every key of English (the reference) and no
 * extra ones, with the same placeholders and the same shape; every factual text has a source
 * note; every namespace of every language has a review record. Also counts coverage and
 * unreviewed texts (for `npm run locales:check` and the coordinators' dashboard).
 * The counsellors' phrasebook (`phrases`) is checked text by text: its groups, at least
 * MIN_PHRASES phrases, a review record per phrase in every language, no number typed into a
 * phrase (help lines come from config/helplines.json), and a source note for every phrase that
 * names a help line.
 */
import { PHRASE_GROUPS } from '../contracts/counsellorApi.js';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { flatten, readAllLanguages, readReview, readSources, reviewStatus, LOCALES_DIR, type LanguageReview, type TextTree } from './localeFiles.js';

/** Namespaces whose every text (except questions above buttons) states facts and needs a source note. */
export const FACTUAL_NAMESPACES = ['exploitation', 'rights', 'nonPunishment', 'help'] as const;

/** The counsellors' phrasebook: nested `{ group: { name: text } }`, reviewed phrase by phrase. */
export const PHRASES_NAMESPACE = 'phrases';

/** Namespaces whose review.json record must have a record per text (`keys`). */
export const PER_TEXT_REVIEW_NAMESPACES = [PHRASES_NAMESPACE] as const;

/** The phrasebook has at least this many phrases. */
export const MIN_PHRASES = 40;

/** A digit in any script (Latin, Arabic-Indic, Persian, Ethiopic numerals). */
const DIGIT = /[0-9\u0660-\u0669\u06F0-\u06F9\u1369-\u137C]/;

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
        if (reviewStatus(review, ns, key) === 'reviewed') cover.reviewed += 1;
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
      if (record) errors.push(...checkTextReviews(language, ns, review, Object.keys(refFlat)));
    }
    if (resources[PHRASES_NAMESPACE]) errors.push(...checkPhraseTexts(language, resources[PHRASES_NAMESPACE]));
    coverage.push(cover);
  }
  errors.push(...checkPhrasebookShape(reference[PHRASES_NAMESPACE]));

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
  // A phrase that names a help line states a fact (who helps, when, how).
  for (const [key, value] of Object.entries(referenceFlat.get(PHRASES_NAMESPACE) ?? {})) {
    if (/\{\{\s*\w+(Phone|Url)\s*\}\}/.test(String(value)) && !sources[`${PHRASES_NAMESPACE}:${key}`]) {
      errors.push(`sources.json: phrase "${PHRASES_NAMESPACE}:${key}" names a help line but has no source note`);
    }
  }
  return { errors, coverage };
}

/**
 * The per-text review records of a namespace (required for PER_TEXT_REVIEW_NAMESPACES, checked
 * wherever present): one per text of en, no others, a valid status, reviewer and date when
 * reviewed, and the namespace marked reviewed only when every text is.
 */
function checkTextReviews(language: Language, ns: string, review: LanguageReview, keys: string[]): string[] {
  const errors: string[] = [];
  const record = review[ns]!;
  const where = `${language}/review.json "${ns}"`;
  if (!record.keys) {
    if ((PER_TEXT_REVIEW_NAMESPACES as readonly string[]).includes(ns)) errors.push(`${where}: needs a record per text ("keys")`);
    return errors;
  }
  for (const key of keys) {
    const own = record.keys[key];
    if (!own) errors.push(`${where}: no review record for "${key}"`);
    else if (own.status !== 'reviewed' && own.status !== 'unreviewed') errors.push(`${where}: "${key}" has status "${String(own.status)}" (reviewed or unreviewed)`);
    else if (own.status === 'reviewed' && (!own.reviewer || !own.date)) errors.push(`${where}: "${key}" is reviewed without reviewer and date`);
  }
  for (const key of Object.keys(record.keys)) if (!keys.includes(key)) errors.push(`${where}: review record for "${key}", which is not a text in en`);
  if (record.status === 'reviewed' && keys.some((key) => record.keys?.[key]?.status !== 'reviewed')) {
    errors.push(`${where}: marked reviewed, but not every text is`);
  }
  return errors;
}

/** The phrasebook of en (the reference): the known groups in order, each a flat list of texts, enough phrases. */
function checkPhrasebookShape(tree: TextTree | undefined): string[] {
  if (!tree) return [`en/${PHRASES_NAMESPACE}.json: missing file`];
  const errors: string[] = [];
  const groups = Object.keys(tree);
  if (groups.join(',') !== PHRASE_GROUPS.join(',')) errors.push(`en/${PHRASES_NAMESPACE}.json: the groups must be ${PHRASE_GROUPS.join(', ')} (in this order), not ${groups.join(', ')}`);
  let count = 0;
  for (const [group, phrases] of Object.entries(tree)) {
    if (typeof phrases !== 'object' || Array.isArray(phrases)) {
      errors.push(`en/${PHRASES_NAMESPACE}.json: "${group}" must be a group of phrases`);
      continue;
    }
    for (const [name, text] of Object.entries(phrases)) {
      if (typeof text !== 'string') errors.push(`en/${PHRASES_NAMESPACE}.json: "${group}.${name}" must be a text (a phrase)`);
      else count += 1;
    }
  }
  if (count < MIN_PHRASES) errors.push(`en/${PHRASES_NAMESPACE}.json: ${count} phrases, at least ${MIN_PHRASES} expected`);
  return errors;
}

/** No phrase has a number typed in (help-line numbers are variables; counts would need plural forms), nor a link. */
function checkPhraseTexts(language: Language, tree: TextTree): string[] {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(flatten(tree))) {
    const text = (Array.isArray(value) ? value.join(' ') : value).replace(PLACEHOLDER, '');
    if (DIGIT.test(text)) errors.push(`${language}/${PHRASES_NAMESPACE}.json: "${key}" has a number typed in (use {{emergencyPhone}} and the other help-line variables, or words)`);
    if (/https?:|www\./i.test(text)) errors.push(`${language}/${PHRASES_NAMESPACE}.json: "${key}" has a link typed in (use the help-line variables)`);
  }
  return errors;
}

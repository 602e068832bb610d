/**
 * Checks the locale files: all five languages have every key of English (the reference) and no
 * extra ones, with the same placeholders, nested texts and the same shape; a text with a number
 * placeholder has exactly the plural forms its language needs (Intl.PluralRules: Arabic
 * zero/one/two/few/many/other, the others one/other); no help-line number, "112" or link is typed
 * into a text (config/helplines.json is the one place); no sentence is longer than MAX_SENTENCE;
 * each language keeps to its terms (TERMINOLOGY); every factual text and every text naming a help
 * line has a source note; every namespace of every language has a review record. Also counts
 * coverage and unreviewed texts (for `npm run locales:check` and the coordinators' dashboard).
 * The counsellors' phrasebook (`phrases`) is checked text by text: its groups, at least
 * MIN_PHRASES phrases, a review record per phrase in every language, no number typed into a
 * phrase (help lines come from config/helplines.json), and a source note for every phrase that
 * names a help line.
 */
import { PHRASE_GROUPS } from '../contracts/counsellorApi.js';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { loadHelplines, type Helplines } from './helplines.js';
import { flatten, readAllLanguages, readReview, readSources, reviewStatus, LOCALES_DIR, type LanguageReview, type TextTree } from './localeFiles.js';
import { numberPlaceholdersIn, pluralCategories, pluralKey, type PluralCategory } from './plurals.js';

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

/** The placeholders of a text, sorted, without the given number placeholders. */
function placeholders(value: string | string[], without: string[] = []): string {
  const text = Array.isArray(value) ? value.join('\n') : value;
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].filter((name) => !without.includes(name)).sort().join(',');
}

/** Runs every check on a locales directory. */
export function checkLocales(dir = LOCALES_DIR, helplines: Helplines = loadHelplines()): LocaleCheckResult {
  const errors: string[] = [];
  const all = readAllLanguages(dir);
  const reference = all.en;
  const referenceFlat = new Map<string, Record<string, string | string[]>>(
    Object.entries(reference).map(([ns, tree]) => [ns, flatten(tree)]),
  );
  const referenceTexts = new Map<string, Map<string, Text>>([...referenceFlat].map(([ns, flat]) => [ns, texts(flat)]));
  const coverage: LanguageCoverage[] = [];
  const phones = phoneDigits(helplines);

  for (const language of LANGUAGES) {
    const resources = all[language];
    const review: LanguageReview = readReview(language, dir);
    const cover: LanguageCoverage = { language, expected: 0, present: 0, reviewed: 0, unreviewed: 0 };
    const categories = pluralCategories(language);
    for (const ns of Object.keys(resources)) {
      if (!referenceFlat.has(ns)) errors.push(`${language}/${ns}.json: namespace does not exist in en`);
    }
    for (const [ns, refTexts] of referenceTexts) {
      const own = resources[ns] ? texts(flatten(resources[ns])) : new Map<string, Text>();
      const where = `${language}/${ns}.json`;
      if (!resources[ns]) errors.push(`${where}: missing file`);
      const record = review[ns];
      if (!record) errors.push(`${language}/review.json: no review record for namespace "${ns}"`);
      for (const [key, ref] of refTexts) {
        cover.expected += 1;
        const text = own.get(key);
        if (text === undefined) {
          if (resources[ns]) errors.push(`${where}: missing key "${key}"`);
          continue;
        }
        cover.present += 1;
        if (reviewStatus(review, ns, key) === 'reviewed') cover.reviewed += 1;
        else cover.unreviewed += 1;
        errors.push(...compareText(where, key, text, ref, categories));
      }
      for (const key of own.keys()) {
        if (!refTexts.has(key)) errors.push(`${where}: extra key "${key}" (not in en)`);
      }
      for (const [key, text] of own) {
        for (const value of Object.values(text.forms)) errors.push(...checkTypedIn(where, key, value, phones));
        if (!text.plural && typeof text.forms[''] === 'string' && numberPlaceholdersIn(text.forms['']).length > 0) {
          errors.push(`${where}: "${key}" has a number placeholder {${numberPlaceholdersIn(text.forms['']).join(',')}} but no plural forms (write ${key}_${categories.join(`, ${key}_`)})`);
        }
        // Every rule applies to every file: the language prompt, for one, is written in all five languages.
        for (const rule of Object.values(TERMINOLOGY).flat()) {
          for (const value of Object.values(text.forms)) {
            if (typeof value === 'string' && rule.forbidden.test(value)) errors.push(`${where}: "${key}" ${rule.message}`);
          }
        }
        for (const [form, value] of Object.entries(text.forms)) {
          if (typeof value !== 'string') continue;
          const long = longestSentence(value);
          if (long.length > MAX_SENTENCE) errors.push(`${where}: "${key}${form ? `_${form}` : ''}" has a sentence of ${long.length} characters (at most ${MAX_SENTENCE}): "${long.slice(0, 60)}…"`);
        }
        for (const value of Object.values(text.forms)) {
          if (typeof value !== 'string') continue;
          for (const ref of nestedRefs(value)) if (!resolves(referenceTexts, ref)) errors.push(`${where}: "${key}" nests $t(${ref}), which is not a text in en`);
        }
      }
      if (record) errors.push(...checkTextReviews(language, ns, review, [...refTexts.keys()]));
    }
    if (resources[PHRASES_NAMESPACE]) errors.push(...checkPhraseTexts(language, resources[PHRASES_NAMESPACE]));
    coverage.push(cover);
  }
  errors.push(...checkPhrasebookShape(reference[PHRASES_NAMESPACE]));

  const sources = readSources(dir);
  for (const id of Object.keys(sources)) {
    const [ns, key] = id.split(':');
    if (!ns || !key || !referenceTexts.get(ns)?.has(key)) errors.push(`sources.json: "${id}" is not a text in en`);
  }
  for (const ns of FACTUAL_NAMESPACES) {
    for (const key of referenceTexts.get(ns)?.keys() ?? []) {
      if (key === 'prompt' || key.endsWith('.prompt')) continue;
      if (!sources[`${ns}:${key}`]) errors.push(`sources.json: factual text "${ns}:${key}" has no source note`);
    }
  }
  // A text that names a help line states a fact (who helps, when, how).
  for (const [ns, refTexts] of referenceTexts) {
    for (const [key, text] of refTexts) {
      const joined = Object.values(text.forms).flat().join(' ');
      if (/\{\{\s*\w+(Phone|Url)\s*\}\}/.test(joined) && !sources[`${ns}:${key}`]) {
        errors.push(`sources.json: ${ns === PHRASES_NAMESPACE ? 'phrase' : 'text'} "${ns}:${key}" names a help line but has no source note`);
      }
    }
  }
  return { errors, coverage };
}

/**
 * One text of a namespace: a plain text or list (form ""), or its plural forms by category. A text
 * with plural forms is one text (reviewed, counted and given a source note by its name, `estimate`).
 */
interface Text {
  plural: boolean;
  forms: Partial<Record<PluralCategory | '', string | string[]>>;
}

/** Groups a flat namespace into texts: `key_one`, `key_other` become one text `key` with two forms. */
function texts(flat: Record<string, string | string[]>): Map<string, Text> {
  const out = new Map<string, Text>();
  for (const [key, value] of Object.entries(flat)) {
    const plural = pluralKey(key);
    if (plural && typeof value === 'string') {
      const text = out.get(plural.base) ?? { plural: true, forms: {} };
      text.forms[plural.category] = value;
      out.set(plural.base, text);
    } else out.set(key, { plural: false, forms: { '': value } });
  }
  return out;
}

/** A text against the same text in en: shape, plural forms, placeholders and nested texts. */
function compareText(where: string, key: string, text: Text, ref: Text, categories: PluralCategory[]): string[] {
  const errors: string[] = [];
  if (ref.plural !== text.plural) {
    errors.push(`${where}: "${key}" must ${ref.plural ? `have plural forms (${categories.map((c) => `${key}_${c}`).join(', ')})` : 'not have plural forms'}`);
    return errors;
  }
  if (text.plural) {
    const have = Object.keys(text.forms);
    const missing = categories.filter((c) => !have.includes(c));
    const extra = have.filter((c) => !(categories as string[]).includes(c));
    if (missing.length) errors.push(`${where}: "${key}" lacks the plural form${missing.length > 1 ? 's' : ''} ${missing.map((c) => `${key}_${c}`).join(', ')}`);
    if (extra.length) errors.push(`${where}: "${key}" has plural form${extra.length > 1 ? 's' : ''} this language does not use: ${extra.map((c) => `${key}_${c}`).join(', ')}`);
    const refOther = String(ref.forms.other ?? Object.values(ref.forms)[0] ?? '');
    const number = numberPlaceholdersIn(refOther);
    const others = placeholders(refOther, number);
    for (const [form, value] of Object.entries(text.forms)) {
      const own = String(value);
      if (own.trim() === '') errors.push(`${where}: "${key}_${form}" is empty`);
      if (placeholders(own, number) !== others) errors.push(`${where}: "${key}_${form}" has placeholders {${placeholders(own, number)}} but en has {${others}}`);
      const numbers = numberPlaceholdersIn(own);
      if (numbers.some((n) => !number.includes(n))) errors.push(`${where}: "${key}_${form}" uses the number {${numbers.join(',')}}, en uses {${number.join(',')}}`);
      if (form === 'other' && number.some((n) => !numbers.includes(n))) errors.push(`${where}: "${key}_other" must show the number {{${number.join('}}, {{')}}}`);
      if (nestedRefs(own).join(',') !== nestedRefs(refOther).join(',')) errors.push(`${where}: "${key}_${form}" nests [${nestedRefs(own).join(', ')}] but en nests [${nestedRefs(refOther).join(', ')}]`);
    }
    return errors;
  }
  const value = text.forms['']!;
  const refValue = ref.forms['']!;
  if (Array.isArray(refValue) !== Array.isArray(value)) errors.push(`${where}: "${key}" must be ${Array.isArray(refValue) ? 'a list' : 'a text'}`);
  else if (Array.isArray(value) ? value.length === 0 : value.trim() === '') errors.push(`${where}: "${key}" is empty`);
  if (placeholders(refValue) !== placeholders(value)) {
    errors.push(`${where}: "${key}" has placeholders {${placeholders(value)}} but en has {${placeholders(refValue)}}`);
  }
  const refNested = nestedRefs(Array.isArray(refValue) ? refValue.join(' ') : refValue).join(',');
  const ownNested = nestedRefs(Array.isArray(value) ? value.join(' ') : value).join(',');
  if (refNested !== ownNested) errors.push(`${where}: "${key}" nests [${ownNested}] but en nests [${refNested}]`);
  return errors;
}

/** Whether a nested reference (`ns:key`) is a text of en. */
function resolves(referenceTexts: Map<string, Map<string, Text>>, ref: string): boolean {
  const [ns, key] = ref.split(':');
  return !!ns && !!key && !!referenceTexts.get(ns)?.has(key);
}

/** The texts a text nests with i18next's `$t(ns:key)`, sorted. */
export function nestedRefs(text: string): string[] {
  return [...text.matchAll(/\$t\(\s*([\w.:-]+)\s*[,)]/g)].map((m) => m[1]!).sort();
}

/** Digits of the configured help-line numbers (a number typed into a text must come from config instead). */
function phoneDigits(helplines: Helplines): string[] {
  return Object.values(helplines)
    .map((line) => (line.phone ?? '').replace(/\D/g, ''))
    .filter((digits) => digits.length >= 3);
}

/** Arabic-Indic and Persian digits as Latin digits. */
function latinDigits(text: string): string {
  return text.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/**
 * No help-line number, emergency number, phone-like number or link typed into a text (they come
 * from config/helplines.json as `{{emergencyPhone}}`, `{{veiligThuisPhone}}`, `{{fierUrl}}`, ...).
 * Lists (command words, synonyms) are what the young person may type: they are checked for phone
 * numbers only.
 */
function checkTypedIn(where: string, key: string, value: string | string[], phones: string[]): string[] {
  const errors: string[] = [];
  for (const text of Array.isArray(value) ? value : [value]) {
    const plain = latinDigits(text.replace(PLACEHOLDER, ' ').replace(/\$t\([^)]*\)/g, ' '));
    const runs = [...plain.matchAll(/\+?\d[\d\s().-]*\d|\d/g)].map((m) => m[0].replace(/\D/g, ''));
    const phone = runs.find((digits) => phones.includes(digits) || digits.length >= 6);
    if (phone) errors.push(`${where}: "${key}" has the number ${phone} typed in: help-line numbers come from config/helplines.json ({{emergencyPhone}}, {{veiligThuisPhone}}, ...)`);
    if (!Array.isArray(value) && /https?:|www\./i.test(plain)) errors.push(`${where}: "${key}" has a link typed in: links come from config/helplines.json ({{fierUrl}}, ...)`);
  }
  return errors;
}

/** The longest sentence of a text (placeholders counted as ten characters, list items and lines apart). */
function longestSentence(text: string): string {
  const plain = text.replace(PLACEHOLDER, '0123456789').replace(/\$t\([^)]*\)/g, 'Quick exit');
  return plain.split(/(?<=[.!?።፧؟])\s+|\n+|•/u).reduce((a, b) => (b.trim().length > a.length ? b.trim() : a), '');
}

/** Longest sentence a text may have (a phone screen shows about 35 characters a line). */
export const MAX_SENTENCE = 200;

/**
 * Words each language must not use, with what to use instead: one term per concept everywhere
 * (Dari: trafficking is «خرید و فروش انسان», smuggling «قاچاق مهاجر», and non-punishment a
 * principle «اصل», not a rule; Tigrinya: the polite plural and «ንግዲ ደቂ ሰባት»; the quick-exit button by
 * its label, nested from web:quickExit).
 */
export const TERMINOLOGY: Partial<Record<Language, Array<{ forbidden: RegExp; message: string }>>> = {
  prs: [
    { forbidden: /قاچاق(?!\s*مهاجر|بر|چی)/u, message: 'uses «قاچاق» on its own, read as smuggling: write «قاچاق مهاجر» for smuggling and «خرید و فروش انسان» for trafficking' },
    { forbidden: /قاعده/u, message: 'calls something a rule «قاعده»: non-punishment is a principle «اصل»' },
  ],
  ti: [
    { forbidden: /ንግዲ ሰብ(?!ኣ)/u, message: 'writes «ንግዲ ሰብ»: the term for trafficking is «ንግዲ ደቂ ሰባት»' },
    { forbidden: /ቋንቋኻ|ምረጽ(?=[\s·]|$)|ትኽእል(ካ|ኪ)|ኢኻ|ኢኺ/u, message: 'uses the singular "you" (-ካ/-ኪ): every Tigrinya text uses the polite plural (-ኹም)' },
  ],
  en: [{ forbidden: /exit button|stop button/i, message: 'names the quick exit by another name: nest its label, $t(web:quickExit)' }],
  nl: [{ forbidden: /stopknop|exitknop/i, message: 'names the quick exit by another name ("stopknop"): nest its label, $t(web:quickExit)' }],
};

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

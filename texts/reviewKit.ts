/**
 * The native speakers' review kit: every text of one language with English and Dutch beside it,
 * its source note, where the code uses it and its review state (`buildReviewKit`, rendered to one
 * offline HTML file by reviewKitHtml.ts); and reading the reviewer's answers back
 * (`checkAnswers`: language, keys, placeholders and nested texts kept, and a hash of the text they
 * saw so a text that changed since is refused as stale; `applyAnswers`: writes changed texts into
 * locales/<lng>/<ns>.json and a review record per text into review.json).
 *
 * A text is what a review record is about: a plain text, a list of words, or a text with plural
 * forms (`key_one`, `key_other`, … in the file; reviewed as a whole under `key`).
 * review.json gets a record per text (`keys`, as the phrasebook has) for every namespace a
 * reviewer answered in; a namespace is `reviewed` only when every one of its texts is.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGE_INFO, LANGUAGES, isLanguage, type Language } from '../contracts/languages.js';
import { helplineVariables, loadHelplines } from './helplines.js';
import { replaceJsonTexts } from './jsonEdit.js';
import { flatten, readLanguage, readReview, readSources, reviewStatus, LOCALES_DIR, type KeyReview, type NamespaceReview, type TextTree } from './localeFiles.js';
import { NUMBER_PLACEHOLDERS, PLURAL_CATEGORIES, pluralCategories, pluralKey, type PluralCategory } from './plurals.js';
import { findTextUses, REPO_ROOT, type TextUse } from './textUses.js';

/** Marks an answers file; bumped when its shape changes. */
export const ANSWERS_KIND = 'lantern-review-answers';
export const ANSWERS_VERSION = 1;

/** What a reviewer decided about one text. */
export const DECISIONS = ['approved', 'changed', 'not_sure'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Plural forms of a text by category (`{ one: "…", other: "…" }`), in i18next's order. */
export type PluralForms = Partial<Record<PluralCategory, string>>;

/** A text: one string, a list (typed words, one a line in the kit), or plural forms. */
export type TextValue = string | string[] | PluralForms;

/** Which of the three a text is. */
export type TextKind = 'text' | 'list' | 'plural';

/** The kind of a text value. */
export function kindOf(value: TextValue): TextKind {
  return typeof value === 'string' ? 'text' : Array.isArray(value) ? 'list' : 'plural';
}

/**
 * The order a young person meets the namespaces in (the dialog's order); then the page, the
 * counsellors' phrasebook, and any other namespace alphabetically.
 */
export const NAMESPACE_ORDER = [
  'language',
  'welcome',
  'menu',
  'exploitation',
  'rights',
  'nonPunishment',
  'help',
  'danger',
  'signals',
  'handoff',
  'privacy',
  'common',
  'choices',
  'commands',
  'web',
  'phrases',
] as const;

/** What each namespace is, for the reviewer (English, Dutch). */
export const NAMESPACE_ABOUT: Record<string, { en: string; nl: string }> = {
  language: { en: 'Choosing the language.', nl: 'De taal kiezen.' },
  welcome: { en: 'The first messages of the chat.', nl: 'De eerste berichten van de chat.' },
  menu: { en: 'The main menu.', nl: 'Het hoofdmenu.' },
  exploitation: { en: 'Topic “What is exploitation?”.', nl: 'Onderwerp “Wat is uitbuiting?”.' },
  rights: { en: 'Topic “My rights”.', nl: 'Onderwerp “Mijn rechten”.' },
  nonPunishment: { en: 'Topic “Will I be punished?”.', nl: 'Onderwerp “Word ik gestraft?”.' },
  help: { en: 'Topic “Where can I get help?”.', nl: 'Onderwerp “Waar vind ik hulp?”.' },
  danger: { en: '“Am I in danger?”: the danger question and its answers.', nl: '“Ben ik in gevaar?”: de vraag over gevaar en de antwoorden.' },
  signals: { en: 'Five short questions about signs of exploitation.', nl: 'Vijf korte vragen over signalen van uitbuiting.' },
  handoff: { en: 'Talking to a person: waiting, the place in line, when nobody can come.', nl: 'Praten met een mens: wachten, de plek in de rij, als niemand kan komen.' },
  privacy: { en: 'Topic “Is this chat anonymous?”.', nl: 'Onderwerp “Is deze chat anoniem?”.' },
  common: { en: 'Messages that can come anywhere (help, 112, stop).', nl: 'Berichten die overal kunnen komen (hulp, 112, stop).' },
  choices: {
    en: 'Buttons: the title, and words a young person may type instead of tapping (one per line; they need not match English).',
    nl: 'Knoppen: de tekst, en woorden die een jongere kan typen in plaats van te tikken (één per regel; ze hoeven niet gelijk te zijn aan het Engels).',
  },
  commands: {
    en: 'Words that work anywhere as a command when typed alone (one per line; add the words young people really type).',
    nl: 'Woorden die overal als opdracht werken als ze alleen getypt worden (één per regel; voeg woorden toe die jongeren echt typen).',
  },
  web: { en: 'The chat page around the messages (buttons, status lines).', nl: 'De chatpagina rond de berichten (knoppen, statusregels).' },
  phrases: {
    en: 'Phrasebook: short messages a counsellor sends from the console in this language.',
    nl: 'Zinnenboek: korte berichten die een hulpverlener vanuit de console in deze taal stuurt.',
  },
};

/** The class of a topic's dialog → its button (choice id), to name the topic by its button. */
const DIALOG_BUTTON: Record<string, string> = {
  ExploitationDialog: 'exploitation',
  RightsDialog: 'rights',
  NonPunishmentDialog: 'non_punishment',
  HelpDialog: 'help',
  DangerDialog: 'danger',
  SignalCheckDialog: 'signal_check',
  HandoffDialog: 'human',
  PrivacyDialog: 'privacy',
  MenuDialog: 'menu',
};

/** Placeholders the chat fills in at run time, besides the help lines. */
const RUNTIME_VARIABLES: Record<string, string> = {
  position: 'a number: the place in line',
  minutes: 'a number of minutes',
  when: 'a day and time, e.g. “Monday 09:00”',
  retentionHours: 'a number of hours (how long the chat is kept)',
};

/** One text to review. */
export interface ReviewItem {
  /** `namespace:key` (for a plural text, its key without the form). */
  id: string;
  ns: string;
  key: string;
  kind: TextKind;
  /** The text in the reviewed language ("" / [] / {} when it is missing). */
  text: TextValue;
  /** English and Dutch (absent when that is the reviewed language). */
  en?: TextValue;
  nl?: TextValue;
  /** Plural texts: the forms this language needs, in order, with a few numbers each stands for. */
  forms?: Array<{ form: PluralCategory; examples: string }>;
  /** Placeholders and nested texts (`{{name}}`, `$t(ns:key)`) every form must keep, as English has them; sorted. */
  keep: string[];
  /** Plural texts: number placeholders a form may show and the form `other` must show. */
  numbers: string[];
  /** What is wrong with the text as it is (lost placeholders, missing forms): it must be changed, not approved. */
  problems: string[];
  /** Source note (locales/sources.json), if any. */
  source?: string;
  /** Where the code uses it. */
  uses: TextUse[];
  /** Where, said for a reader: "RightsDialog (“My rights”) › rights_guardian (“Guardian, mentor, lawyer”)". */
  where: string[];
  review: { status: 'reviewed' | 'unreviewed'; reviewer: string | null; date: string | null };
  /** Hash of `text`, so the answers can be checked against the text the reviewer saw. */
  hash: string;
}

/** One namespace of the kit. */
export interface ReviewNamespace {
  ns: string;
  about: { en: string; nl: string };
  origin: string;
  status: 'reviewed' | 'unreviewed';
  items: ReviewItem[];
}

/** Everything the kit shows. */
export interface ReviewKit {
  language: Language;
  /** YYYY-MM-DD. */
  generated: string;
  namespaces: ReviewNamespace[];
  /** Placeholder → what the chat puts there (help-line numbers and links, numbers, times). */
  variables: Record<string, string>;
  /** Nested text (`ns:key`) → that text in the reviewed language, then in English. */
  nested: Record<string, string>;
}

/** Options of buildReviewKit. */
export interface ReviewKitOptions {
  localesDir?: string;
  /** Root of the code to look for uses in. */
  codeRoot?: string;
  /** The day (YYYY-MM-DD); default today. */
  today?: string;
}

const TOKEN = /\{\{\s*([\w.]+)\s*\}\}|\$t\(\s*([\w.:-]+)\s*[,)]/g;

/** The placeholders and nested texts of a text, as `{{name}}` and `$t(ns:key)`, sorted, each once. */
export function tokensOf(value: string | string[]): string[] {
  const text = Array.isArray(value) ? value.join('\n') : value;
  return [...new Set([...text.matchAll(TOKEN)].map((m) => (m[1] ? `{{${m[1]}}}` : `$t(${m[2]})`)))].sort();
}

const NUMBER_TOKENS = new Set(NUMBER_PLACEHOLDERS.map((name) => `{{${name}}}`));

/** What a text must keep (`keep`) and, for plural texts, the number placeholders (`numbers`), from English's text. */
export function rulesOf(reference: TextValue): { keep: string[]; numbers: string[] } {
  if (kindOf(reference) !== 'plural') return { keep: tokensOf(reference as string | string[]), numbers: [] };
  const forms = reference as PluralForms;
  const other = forms.other ?? Object.values(forms)[0] ?? '';
  const tokens = tokensOf(other);
  return { keep: tokens.filter((t) => !NUMBER_TOKENS.has(t)), numbers: tokens.filter((t) => NUMBER_TOKENS.has(t)) };
}

/**
 * What is wrong with a (new) text against the rules: empty, a placeholder or nested text lost or
 * added; for plural texts per form, and the form `other` must show the number. [] when fine.
 */
export function textProblems(value: TextValue, rules: { keep: string[]; numbers: string[] }, forms: readonly PluralCategory[] = []): string[] {
  const problems: string[] = [];
  const compare = (where: string, text: string | string[], must: string[], may: string[]): void => {
    if (Array.isArray(text) ? text.length === 0 : text.trim() === '') problems.push(`${where}is empty`);
    const got = tokensOf(text);
    const lost = must.filter((t) => !got.includes(t));
    const added = got.filter((t) => !must.includes(t) && !may.includes(t));
    if (lost.length) problems.push(`${where}lost ${lost.join(' ')}`);
    if (added.length) problems.push(`${where}has ${added.join(' ')}, which the text must not have`);
  };
  if (kindOf(value) !== 'plural') {
    compare('', value as string | string[], rules.keep, []);
    return problems;
  }
  const given = value as PluralForms;
  for (const form of forms) {
    const text = given[form];
    if (typeof text !== 'string') {
      problems.push(`form "${form}" is missing`);
      continue;
    }
    compare(`form "${form}" `, text, form === 'other' ? [...rules.keep, ...rules.numbers].sort() : rules.keep, rules.numbers);
  }
  for (const form of Object.keys(given)) if (!forms.includes(form as PluralCategory)) problems.push(`form "${form}" is not used in this language`);
  return problems;
}

/** The hash of a text the kit shows and an answer carries back (16 hex digits of SHA-256). */
export function textHash(value: TextValue): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** Today as YYYY-MM-DD (local time). */
export function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/**
 * The texts of a namespace: `key_one`, `key_other` (strings) become one text `key` with its forms
 * in i18next's order; everything else is a text of its own. Same grouping as the locale check.
 */
export function textsOf(tree: TextTree | undefined): Map<string, TextValue> {
  const out = new Map<string, TextValue>();
  for (const [key, value] of Object.entries(tree ? flatten(tree) : {})) {
    const plural = pluralKey(key);
    if (plural && typeof value === 'string') {
      const forms = (out.get(plural.base) as PluralForms | undefined) ?? {};
      forms[plural.category] = value;
      out.set(plural.base, forms);
    } else out.set(key, value);
  }
  for (const [key, value] of out) {
    if (kindOf(value) === 'plural') {
      const forms = value as PluralForms;
      out.set(key, Object.fromEntries(PLURAL_CATEGORIES.filter((c) => c in forms).map((c) => [c, forms[c]])) as PluralForms);
    }
  }
  return out;
}

/** A few numbers each plural form of a language stands for ("1", "3–10, 103…"). */
export function formExamples(language: Language): Record<string, string> {
  const rules = new Intl.PluralRules(LANGUAGE_INFO[language].intlLocale);
  const seen: Record<string, number[]> = {};
  for (let n = 0; n <= 200; n += 1) (seen[rules.select(n)] ??= []).push(n);
  return Object.fromEntries(Object.entries(seen).map(([form, numbers]) => [form, `${numbers.slice(0, 4).join(', ')}${numbers.length > 4 ? ', …' : ''}`]));
}

/** Namespaces in the kit's order. */
export function orderNamespaces(namespaces: readonly string[]): string[] {
  const known = NAMESPACE_ORDER.filter((ns) => namespaces.includes(ns));
  return [...known, ...namespaces.filter((ns) => !(NAMESPACE_ORDER as readonly string[]).includes(ns)).sort()];
}

/** An empty text of the kind of `reference` (shown when the language lacks it). */
function emptyLike(reference: TextValue | undefined): TextValue {
  return reference === undefined || typeof reference === 'string' ? '' : Array.isArray(reference) ? [] : {};
}

/** Collects every text of `language` for review. */
export function buildReviewKit(language: Language, options: ReviewKitOptions = {}): ReviewKit {
  const dir = options.localesDir ?? LOCALES_DIR;
  const own = readLanguage(language, dir);
  const en = readLanguage('en', dir);
  const nl = readLanguage('nl', dir);
  const review = readReview(language, dir);
  const sources = readSources(dir);
  const enTexts = new Map(Object.entries(en).map(([ns, tree]) => [ns, textsOf(tree)]));
  const uses = findTextUses(
    Object.fromEntries([...enTexts].map(([ns, texts]) => [ns, [...texts.keys()]])),
    options.codeRoot ?? REPO_ROOT,
  );
  const choiceTitle = (id: string): string | undefined => {
    const value = enTexts.get('choices')?.get(`${id}.title`);
    return typeof value === 'string' ? value : undefined;
  };
  const examples = formExamples(language);
  const categories = pluralCategories(language);
  const namespaces: ReviewNamespace[] = [];
  // Every text of English and of the language (one missing in the language is shown empty: the locale check fails on it anyway).
  for (const ns of orderNamespaces([...new Set([...Object.keys(en), ...Object.keys(own)])])) {
    const texts = textsOf(own[ns]);
    const reference = enTexts.get(ns) ?? new Map<string, TextValue>();
    const dutch = textsOf(nl[ns]);
    const record = review[ns];
    const keys = [...reference.keys(), ...[...texts.keys()].filter((key) => !reference.has(key))];
    const items = keys.map((key): ReviewItem => {
      const id = `${ns}:${key}`;
      const ref = reference.get(key);
      const text = texts.get(key) ?? emptyLike(ref);
      const kind = kindOf(ref ?? text);
      const ownRecord = record?.keys?.[key];
      const itemUses = uses.get(id) ?? [];
      const rules = rulesOf(ref ?? text);
      return {
        id,
        ns,
        key,
        kind,
        text,
        ...(language !== 'en' && ref !== undefined ? { en: ref } : {}),
        ...(language !== 'nl' && dutch.has(key) ? { nl: dutch.get(key)! } : {}),
        ...(kind === 'plural' ? { forms: categories.map((form) => ({ form, examples: examples[form] ?? '' })) } : {}),
        ...rules,
        problems: textProblems(text, rules, categories),
        ...(sources[id] ? { source: sources[id] } : {}),
        uses: itemUses,
        where: describeWhere(ns, key, itemUses, choiceTitle),
        review: {
          status: reviewStatus(review, ns, key),
          reviewer: (ownRecord ?? record)?.reviewer ?? null,
          date: (ownRecord ?? record)?.date ?? null,
        },
        hash: textHash(text),
      };
    });
    namespaces.push({
      ns,
      about: NAMESPACE_ABOUT[ns] ?? { en: `Texts of “${ns}”.`, nl: `Teksten van “${ns}”.` },
      origin: record?.origin ?? '',
      status: items.length > 0 && items.every((item) => item.review.status === 'reviewed') ? 'reviewed' : 'unreviewed',
      items,
    });
  }
  // A text nested in others ($t(web:quickExit)) appears inside them too.
  const nestedIn = new Map<string, string[]>();
  for (const item of namespaces.flatMap((n) => n.items)) {
    for (const token of item.keep.filter((t) => t.startsWith('$t('))) nestedIn.set(token.slice(3, -1), [...(nestedIn.get(token.slice(3, -1)) ?? []), item.id]);
  }
  for (const item of namespaces.flatMap((n) => n.items)) {
    const hosts = nestedIn.get(item.id);
    if (!hosts) continue;
    item.where = [...item.where.filter((w) => !w.startsWith('not found')), `inside ${hosts.join(', ')}`];
  }
  const variables: Record<string, string> = { ...RUNTIME_VARIABLES };
  for (const [name, value] of Object.entries(helplineVariables(loadHelplines()))) variables[name] = value;
  const nested: Record<string, string> = {};
  for (const item of namespaces.flatMap((n) => n.items)) {
    for (const token of item.keep.filter((t) => t.startsWith('$t('))) {
      const ref = token.slice(3, -1);
      const [ns, key] = ref.split(':');
      const shown = (texts: Map<string, TextValue> | undefined) => {
        const value = texts?.get(key ?? '');
        return typeof value === 'string' ? value : undefined;
      };
      const mine = shown(textsOf(own[ns ?? '']));
      const english = shown(enTexts.get(ns ?? ''));
      nested[ref] = [mine, language === 'en' ? undefined : english].filter(Boolean).join(' / ');
    }
  }
  return { language, generated: options.today ?? today(), namespaces, variables, nested };
}

/** Where a text appears, for a reader: the topic by its button, sections by theirs; the page; the phrasebook. */
function describeWhere(ns: string, key: string, uses: TextUse[], choiceTitle: (id: string) => string | undefined): string[] {
  if (ns === 'phrases') return [`Counsellor console › phrasebook › group “${key.split('.')[0]}”`];
  if (ns === 'commands') return ['Typed alone, anywhere in the chat (a command)'];
  const named = (segment: string): string => {
    const button = DIALOG_BUTTON[segment];
    if (button && choiceTitle(button)) return `${segment} (“${choiceTitle(button)}”)`;
    const title = choiceTitle(segment);
    return title ? `${segment} (“${title}”)` : segment;
  };
  const places = [...new Set(uses.map((use) => use.place.split(' › ').map(named).join(' › ')))];
  if (ns === 'web' && places.length === 0) return ['chat page'];
  return places.length ? places : ['not found in the code (nested in another text, or unused)'];
}

// ---------------------------------------------------------------------------------------------
// The reviewer's answers

/** One answer in the file the kit exports. */
export interface ReviewAnswer {
  decision: Decision;
  /** The new text (decision "changed"): a string, a list, or plural forms. */
  text?: TextValue;
  comment?: string;
  /** textHash of the text the reviewer saw. */
  hash: string;
}

/** The file the kit exports (`lantern-review-<lng>-<date>.json`). */
export interface ReviewAnswers {
  kind: typeof ANSWERS_KIND;
  version: typeof ANSWERS_VERSION;
  language: Language;
  /** What the reviewer typed as their name or role. */
  reviewer: string;
  /** YYYY-MM-DD: when they exported. */
  date: string;
  /** When the kit was made (YYYY-MM-DD). */
  kitGenerated?: string;
  /** `namespace:key` → answer. */
  answers: Record<string, ReviewAnswer>;
}

/** An answer that will be applied. */
export interface AcceptedAnswer {
  id: string;
  ns: string;
  key: string;
  decision: Decision;
  old: TextValue;
  /** The new text (changed only; equal to old otherwise). */
  text: TextValue;
  comment?: string;
}

/** An answer that will not be applied, and why. */
export interface RefusedAnswer {
  id: string;
  reason: 'stale' | 'unknown' | 'placeholders' | 'invalid';
  message: string;
}

/** What checking an answers file found. */
export interface AnswersCheck {
  language: Language;
  reviewer: string;
  date: string;
  accepted: AcceptedAnswer[];
  refused: RefusedAnswer[];
}

/** The answers file as a whole is unusable (not JSON, another kind, no language). */
export class AnswersFileError extends Error {
  override name = 'AnswersFileError';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses the answers file's JSON; throws AnswersFileError when its shape is wrong as a whole. */
export function parseAnswers(json: string): ReviewAnswers {
  let data: unknown;
  try {
    data = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch {
    throw new AnswersFileError('not a JSON file');
  }
  if (!isRecord(data) || data.kind !== ANSWERS_KIND) throw new AnswersFileError(`not an answers file of the review kit (kind must be "${ANSWERS_KIND}")`);
  if (data.version !== ANSWERS_VERSION) throw new AnswersFileError(`answers file version ${String(data.version)}, this import reads version ${ANSWERS_VERSION}`);
  if (!isLanguage(data.language)) throw new AnswersFileError(`unknown language "${String(data.language)}" (one of ${LANGUAGES.join(', ')})`);
  if (!isRecord(data.answers)) throw new AnswersFileError('no answers');
  return {
    kind: ANSWERS_KIND,
    version: ANSWERS_VERSION,
    language: data.language,
    reviewer: typeof data.reviewer === 'string' ? data.reviewer.trim() : '',
    date: typeof data.date === 'string' ? data.date : '',
    ...(typeof data.kitGenerated === 'string' ? { kitGenerated: data.kitGenerated } : {}),
    answers: data.answers as Record<string, ReviewAnswer>,
  };
}

/** Options of checkAnswers. */
export interface CheckAnswersOptions {
  localesDir?: string;
  /** Instead of the name the reviewer typed (review.json keeps a role, not a personal detail). */
  reviewer?: string;
}

/**
 * Checks every answer against the current locale files: the text exists, the decision is known,
 * the text the reviewer saw is still the text (hash), and a changed text has the right shape and
 * keeps exactly English's placeholders and nested texts (plural texts: every form this language
 * needs, the number in `other`).
 */
export function checkAnswers(file: ReviewAnswers, options: CheckAnswersOptions = {}): AnswersCheck {
  const dir = options.localesDir ?? LOCALES_DIR;
  const reviewer = (options.reviewer ?? file.reviewer).trim();
  if (!reviewer) throw new AnswersFileError('no reviewer: the answers file has no name or role (give one with --reviewer "…")');
  if (!DATE.test(file.date)) throw new AnswersFileError(`date "${file.date}" is not YYYY-MM-DD`);
  const own = readLanguage(file.language, dir);
  const en = readLanguage('en', dir);
  const categories = pluralCategories(file.language);
  const accepted: AcceptedAnswer[] = [];
  const refused: RefusedAnswer[] = [];
  for (const [id, answer] of Object.entries(file.answers)) {
    const refuse = (reason: RefusedAnswer['reason'], message: string): void => {
      refused.push({ id, reason, message });
    };
    const at = id.indexOf(':');
    const ns = id.slice(0, at);
    const key = id.slice(at + 1);
    const reference = at > 0 ? textsOf(en[ns]).get(key) : undefined;
    const current = at > 0 && own[ns] ? textsOf(own[ns]).get(key) : undefined;
    if (reference === undefined || current === undefined) {
      refuse('unknown', 'no such text');
      continue;
    }
    if (!isRecord(answer) || !(DECISIONS as readonly string[]).includes(String(answer.decision))) {
      refuse('invalid', `decision must be one of ${DECISIONS.join(', ')}`);
      continue;
    }
    if (answer.hash !== textHash(current)) {
      refuse('stale', 'the text changed since the kit was made: make a new kit for it');
      continue;
    }
    const comment = typeof answer.comment === 'string' && answer.comment.trim() ? answer.comment.trim() : undefined;
    const base = { id, ns, key, old: current, text: current, ...(comment ? { comment } : {}) };
    if (answer.decision === 'approved') {
      const problems = textProblems(current, rulesOf(reference), categories);
      if (problems.length) {
        refuse('placeholders', `approved, but the text must be changed: ${problems.join('; ')}`);
        continue;
      }
    }
    if (answer.decision !== 'changed') {
      accepted.push({ ...base, decision: answer.decision as Decision });
      continue;
    }
    const text = normaliseText(answer.text, kindOf(reference));
    if (text === undefined) {
      refuse('invalid', `the new text must be ${{ text: 'a text', list: 'a list of words', plural: `plural forms (${categories.join(', ')})` }[kindOf(reference)]}`);
      continue;
    }
    const problems = textProblems(text, rulesOf(reference), categories);
    if (problems.length) {
      refuse(problems.some((p) => /lost|must not have/.test(p)) ? 'placeholders' : 'invalid', problems.join('; '));
      continue;
    }
    accepted.push({ ...base, decision: JSON.stringify(text) === JSON.stringify(current) ? 'approved' : 'changed', text });
  }
  return { language: file.language, reviewer, date: file.date, accepted, refused };
}

/** A changed text as stored: trimmed; a list from an array or from lines; plural forms in order. */
function normaliseText(value: unknown, kind: TextKind): TextValue | undefined {
  const clean = (text: string): string => text.replace(/\r\n?/g, '\n').trim();
  if (kind === 'list') {
    const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split('\n') : undefined;
    if (!items || items.some((item) => typeof item !== 'string')) return undefined;
    return (items as string[]).map((item) => item.trim()).filter(Boolean);
  }
  if (kind === 'plural') {
    if (!isRecord(value) || Object.values(value).some((form) => typeof form !== 'string')) return undefined;
    const forms = value as Record<string, string>;
    const known = PLURAL_CATEGORIES.filter((c) => c in forms);
    const unknown = Object.keys(forms).filter((form) => !(PLURAL_CATEGORIES as readonly string[]).includes(form));
    return Object.fromEntries([...known, ...unknown].map((form) => [form, clean(forms[form]!)])) as PluralForms;
  }
  return typeof value === 'string' ? clean(value) : undefined;
}

/** A per-text review record as the import writes it (a comment the reviewer left is kept with it). */
export interface KeyReviewRecord extends KeyReview {
  comment?: string;
}

/** What applying answers changed. */
export interface ApplyResult {
  /** Files written (or that would be, on a dry run), relative to the locales folder. */
  files: string[];
  /** Per namespace answered in: how many of its texts are reviewed now, of how many, and its status. */
  namespaces: Array<{ ns: string; reviewed: number; total: number; status: 'reviewed' | 'unreviewed'; was: 'reviewed' | 'unreviewed' }>;
}

/**
 * Applies the accepted answers: changed texts into locales/<lng>/<ns>.json (keeping each file's
 * layout; plural texts form by form), and per-text records into review.json: approved and
 * changed → reviewed by the reviewer on the date; not sure → left as it was, with the comment. A
 * namespace answered in gets a record per text (each starting from the namespace's own record)
 * and is reviewed only when all its texts are.
 */
export function applyAnswers(check: AnswersCheck, options: { localesDir?: string; dryRun?: boolean } = {}): ApplyResult {
  const dir = options.localesDir ?? LOCALES_DIR;
  const language = check.language;
  const files: string[] = [];
  const changed = check.accepted.filter((a) => a.decision === 'changed');
  for (const ns of [...new Set(changed.map((a) => a.ns))]) {
    const file = path.join(dir, language, `${ns}.json`);
    const original = readFileSync(file, 'utf8');
    const edits = changed
      .filter((a) => a.ns === ns)
      .flatMap((a) =>
        kindOf(a.text) === 'plural'
          ? Object.entries(a.text as PluralForms).map(([form, value]) => ({ key: `${a.key}_${form}`, value: value! }))
          : [{ key: a.key, value: a.text as string | string[] }],
      );
    // Forms the old text had that this language does not use go (the check refused answers that add them).
    const stale = changed.filter((a) => a.ns === ns && kindOf(a.old) === 'plural').flatMap((a) => Object.keys(a.old).filter((form) => !(form in (a.text as PluralForms))).map((form) => `${a.key}_${form}`));
    let json = replaceJsonTexts(original, edits);
    if (stale.length) {
      const edited = JSON.parse(json) as TextTree;
      for (const key of stale) deleteAt(edited, key);
      json = `${JSON.stringify(edited, null, 2)}\n`;
    }
    if (!options.dryRun) writeFileSync(file, json);
    files.push(`${language}/${ns}.json`);
  }

  const reviewFile = path.join(dir, language, 'review.json');
  const review = readReview(language, dir);
  const en = readLanguage('en', dir);
  const namespaces: ApplyResult['namespaces'] = [];
  for (const ns of orderNamespaces([...new Set(check.accepted.map((a) => a.ns))])) {
    const keys = [...textsOf(en[ns]).keys()];
    const record: NamespaceReview = review[ns] ?? { status: 'unreviewed', reviewer: null, date: null, origin: '' };
    const was = keys.length > 0 && keys.every((key) => reviewStatus(review, ns, key) === 'reviewed') ? 'reviewed' : 'unreviewed';
    // Each text starts from its own record, else from the namespace's (a namespace reviewed as a whole: each of its texts was).
    const records: Record<string, KeyReviewRecord> = {};
    for (const key of keys) {
      const ownRecord = record.keys?.[key] as KeyReviewRecord | undefined;
      records[key] = ownRecord
        ? { ...ownRecord }
        : !record.keys && record.status === 'reviewed'
          ? { status: 'reviewed', reviewer: record.reviewer, date: record.date }
          : { status: 'unreviewed', reviewer: null, date: null };
    }
    for (const answer of check.accepted.filter((a) => a.ns === ns)) {
      const entry = records[answer.key] ?? { status: 'unreviewed', reviewer: null, date: null };
      if (answer.decision !== 'not_sure') Object.assign(entry, { status: 'reviewed', reviewer: check.reviewer, date: check.date });
      if (answer.comment) entry.comment = answer.comment;
      else if (answer.decision !== 'not_sure') delete entry.comment;
      records[answer.key] = entry;
    }
    const reviewed = keys.filter((key) => records[key]!.status === 'reviewed');
    const all = reviewed.length === keys.length && keys.length > 0;
    const reviewers = [...new Set(reviewed.map((key) => records[key]!.reviewer).filter((r): r is string => !!r))];
    const dates = reviewed.map((key) => records[key]!.date).filter((d): d is string => !!d).sort();
    review[ns] = {
      status: all ? 'reviewed' : 'unreviewed',
      reviewer: all ? reviewers.join('; ') : null,
      date: all ? (dates.at(-1) ?? check.date) : null,
      origin: record.origin,
      keys: records,
    };
    namespaces.push({ ns, reviewed: reviewed.length, total: keys.length, status: all ? 'reviewed' : 'unreviewed', was });
  }
  if (namespaces.length) {
    if (!options.dryRun) writeFileSync(reviewFile, `${JSON.stringify(review, null, 2)}\n`);
    files.push(`${language}/review.json`);
  }
  return { files, namespaces };
}

/** Deletes `a.b.c` from a text tree. */
function deleteAt(tree: TextTree, key: string): void {
  const parts = key.split('.');
  let node: TextTree | undefined = tree;
  for (const part of parts.slice(0, -1)) node = node?.[part] as TextTree | undefined;
  if (node) delete node[parts.at(-1)!];
}

/** A text for the terminal: lists as "a | b | c", plural forms one a line. */
function shownLines(value: TextValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return [value.join(' | ')];
  return Object.entries(value).map(([form, text]) => `[${form}] ${text}`);
}

/** The import as readable lines: each changed text old → new, comments, doubts, refusals, review state. */
export function describeImport(check: AnswersCheck, result: ApplyResult | undefined, options: { dryRun?: boolean; color?: boolean } = {}): string[] {
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  const by = (decision: Decision) => check.accepted.filter((a) => a.decision === decision);
  lines.push(`Review of ${LANGUAGE_INFO[check.language].nativeName} (${check.language}) by ${check.reviewer}, ${check.date}`);
  lines.push(`approved ${by('approved').length} · changed ${by('changed').length} · not sure ${by('not_sure').length} · refused ${check.refused.length}`);
  if (by('changed').length) {
    lines.push('', 'Changed texts:');
    for (const a of by('changed')) {
      lines.push(`  ${a.id}`, ...shownLines(a.old).map((l) => paint('31', `  - ${l}`)), ...shownLines(a.text).map((l) => paint('32', `  + ${l}`)));
      if (a.comment) lines.push(`    comment: ${a.comment}`);
    }
  }
  if (by('not_sure').length) {
    lines.push('', 'Not sure (review state left as it was, for someone to look at):');
    for (const a of by('not_sure')) lines.push(`  ${a.id}: ${shownLines(a.old).join(' / ')}`, ...(a.comment ? [`    comment: ${a.comment}`] : []));
  }
  const approvedComments = by('approved').filter((a) => a.comment);
  if (approvedComments.length) {
    lines.push('', 'Comments on approved texts:');
    for (const a of approvedComments) lines.push(`  ${a.id}: ${a.comment}`);
  }
  if (check.refused.length) {
    lines.push('', paint('33', 'Refused (nothing written for these):'));
    for (const r of check.refused) lines.push(paint('33', `  ${r.id} [${r.reason}]: ${r.message}`));
  }
  if (result) {
    lines.push('', options.dryRun ? 'Dry run: nothing written. Would write:' : 'Written:');
    for (const file of result.files) lines.push(`  locales/${file}`);
    for (const n of result.namespaces) {
      lines.push(`  ${n.ns}: ${n.reviewed}/${n.total} texts reviewed${n.status !== n.was ? ` (namespace now ${n.status})` : ` (namespace ${n.status})`}`);
    }
  }
  return lines;
}

/**
 * The danger lexicons of all five languages (locales/<lng>/screening/danger.json), compiled.
 * Content people edit those files; the syntax of a term is in LexiconPattern.ts and docs/screening.md.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { LOCALES_DIR } from '../texts/localeFiles.js';
import { LexiconIndex, termIndexIds } from './LexiconIndex.js';
import { compilePrepared, LexiconSyntaxError, prepareTerm, type LexiconPattern, type PreparedTerm } from './LexiconPattern.js';

/** Danger categories, strongest first. */
export const DANGER_CATEGORIES = [
  'threat',
  'violence',
  'sexual_violence',
  'confinement',
  'forced_car',
  'suicide',
  'self_harm',
  'followed',
  'danger_generic',
  'urgent_help',
  'fear',
] as const;
export type DangerCategory = (typeof DANGER_CATEGORIES)[number];

/** Categories that mean acute danger: the bot gives 112 first and asks. The others lead to the question. */
export const URGENT_CATEGORIES: ReadonlySet<DangerCategory> = new Set([
  'threat',
  'violence',
  'sexual_violence',
  'confinement',
  'forced_car',
  'suicide',
  'self_harm',
]);

/** Categories a "not in danger" / "I am safe" phrase cancels. */
export const CANCELLED_BY_NOT_DANGER: ReadonlySet<DangerCategory> = new Set(['danger_generic', 'fear']);

/** Shape of a danger.json file. */
export interface DangerLexiconFile {
  $comment?: string;
  categories: Partial<Record<DangerCategory, string[]>>;
  /** Phrases that say the opposite ("I am not in danger", "I am safe now"). */
  notDanger: string[];
  /** Harmless look-alikes ("this game is killing me", "my phone is dead"): matches inside them do not count. */
  benign: string[];
  /** Words that negate a danger match when they stand in the three words before it ("not", "never", "nobody"). */
  negations?: string[];
  /** Words that mark joking or exaggeration ("lol", "haha"); laughing emoji are recognised by the code. */
  jokeMarkers?: string[];
}

/** A compiled term with its category and language. */
export interface CategoryPattern extends LexiconPattern {
  category: DangerCategory;
  language: Language;
}

/** All lexicons, ready to match: indexes whose patterns are compiled on first use. */
export interface CompiledDangerLexicon {
  danger: LexiconIndex<CategoryPattern>;
  notDanger: LexiconIndex<LexiconPattern>;
  benign: LexiconIndex<LexiconPattern>;
  negations: LexiconIndex<LexiconPattern>;
  jokeMarkers: LexiconIndex<LexiconPattern>;
  /** Every term with its category and language (for checks and coverage; compiles all of them). */
  all(): CategoryPattern[];
}

/** Path of a language's danger lexicon. */
export function dangerLexiconFile(language: Language, dir = LOCALES_DIR): string {
  return path.join(dir, language, 'screening', 'danger.json');
}

/** Where the prepared lexicon is shipped (built by `npm run build:model`). */
export const PREPARED_LEXICON_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'model', 'lexicon.json');

/** A prepared term with the index ids of its first word. */
export type IndexedTerm = PreparedTerm & { ids: string[] };

/** The lexicons with every term prepared (normalised, skeletons, index ids): data that loads fast. */
export interface PreparedDangerLexicon {
  fingerprint: string;
  danger: Array<IndexedTerm & { category: DangerCategory; language: Language }>;
  notDanger: IndexedTerm[];
  benign: IndexedTerm[];
  negations?: IndexedTerm[];
  jokeMarkers?: IndexedTerm[];
}

/** A fingerprint of the lexicon files. */
export function lexiconFingerprint(dir = LOCALES_DIR): string {
  const hash = createHash('sha256');
  for (const language of LANGUAGES) {
    const file = dangerLexiconFile(language, dir);
    hash.update(language).update(existsSync(file) ? readFileSync(file) : '');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Reads and prepares the lexicons of every language; throws LexiconSyntaxError naming file and term. */
export function prepareDangerLexicon(dir = LOCALES_DIR): PreparedDangerLexicon {
  const prepared: Required<PreparedDangerLexicon> = { fingerprint: lexiconFingerprint(dir), danger: [], notDanger: [], benign: [], negations: [], jokeMarkers: [] };
  for (const language of LANGUAGES) {
    const file = dangerLexiconFile(language, dir);
    if (!existsSync(file)) continue;
    const data = JSON.parse(readFileSync(file, 'utf8')) as DangerLexiconFile;
    // Latin letters in the ar, prs and ti lexicons are transliterations (Arabizi, Finglish, Latin-script Tigrinya).
    const options = { latinIsTransliteration: language === 'ar' || language === 'prs' || language === 'ti', persian: language === 'prs' };
    const prepareWith = (termOptions: typeof options) => (term: string): IndexedTerm => {
      try {
        const prepared = prepareTerm(term, termOptions);
        return { ...prepared, ids: termIndexIds(prepared) };
      } catch (error) {
        throw new LexiconSyntaxError(`${path.relative(process.cwd(), file)}: ${(error as Error).message}`);
      }
    };
    const prepare = prepareWith(options);
    for (const [category, terms] of Object.entries(data.categories ?? {})) {
      if (!(DANGER_CATEGORIES as readonly string[]).includes(category)) {
        throw new LexiconSyntaxError(`${file}: unknown category "${category}"`);
      }
      for (const term of terms ?? []) prepared.danger.push({ ...prepare(term), category: category as DangerCategory, language });
    }
    prepared.notDanger.push(...(data.notDanger ?? []).map(prepare));
    prepared.benign.push(...(data.benign ?? []).map(prepare));
    // Negations and joke markers are short words: compared as written, never by a transliteration
    // skeleton ("mdrr" must not match the Dutch "moeder").
    const exact = prepareWith({ ...options, latinIsTransliteration: false });
    prepared.negations.push(...(data.negations ?? []).map(exact));
    prepared.jokeMarkers.push(...(data.jokeMarkers ?? []).map(exact));
  }
  return prepared;
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** Indexes a prepared lexicon (matchers are built on first use). */
export function compileDangerLexicon(prepared: PreparedDangerLexicon): CompiledDangerLexicon {
  const danger = prepared.danger.map((term) => ({
    ids: term.ids,
    pattern: lazy((): CategoryPattern => ({ ...compilePrepared(term), category: term.category, language: term.language })),
  }));
  const plain = (terms: IndexedTerm[]) => terms.map((term) => ({ ids: term.ids, pattern: lazy(() => compilePrepared(term)) }));
  return {
    danger: new LexiconIndex(danger),
    notDanger: new LexiconIndex(plain(prepared.notDanger)),
    benign: new LexiconIndex(plain(prepared.benign)),
    negations: new LexiconIndex(plain(prepared.negations ?? [])),
    jokeMarkers: new LexiconIndex(plain(prepared.jokeMarkers ?? [])),
    all: () => danger.map((entry) => entry.pattern()),
  };
}

/**
 * The lexicons, compiled: from the shipped prepared file when it matches the lexicon files
 * (fast start), otherwise prepared from the files themselves (a content person's edit works at
 * once; `npm run build:model` makes start-up fast again).
 */
export function loadDangerLexicon(dir = LOCALES_DIR, preparedFile = PREPARED_LEXICON_FILE): CompiledDangerLexicon {
  if (dir === LOCALES_DIR && existsSync(preparedFile)) {
    const shipped = JSON.parse(readFileSync(preparedFile, 'utf8')) as PreparedDangerLexicon;
    if (shipped.fingerprint === lexiconFingerprint(dir)) return compileDangerLexicon(shipped);
  }
  return compileDangerLexicon(prepareDangerLexicon(dir));
}

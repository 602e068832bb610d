/**
 * Patterns of the screening lexicons (locales/<lng>/screening/danger.json), compiled once.
 *
 * Syntax of a term, token by token (separated by spaces), written as people type:
 * - `stab` — the word (normalised like messages: see language/normalize.ts);
 * - `stab*` — any word starting with it (stabbed, stabbing);
 * - `kill|stab|hurt` — any of these words at this place;
 * - `...` — up to three other words in between ("kill ... me" matches "kill you and me").
 * How a word compares depends on its script (see TokenForms): Arabic script without clitics,
 * Ethiopic by consonant skeleton (three consonants or more also match longer words), and Latin
 * words of the ar/prs lexicons (Arabizi, Finglish) by their vowel-less skeleton.
 */
import { normalizeForMatching } from '../language/normalize.js';
import { arabiziSkeleton, ethiopicSkeleton } from '../language/skeletons.js';
import { tokenForms, type TokenForms } from './TokenForms.js';

/** Longest gap `...` stands for. */
const MAX_GAP = 3;

interface WordMatcher {
  (token: TokenForms): boolean;
}

/**
 * Where a word can be looked up in an index: by the form a message token is compared in, exactly or
 * by its first two characters (prefix words). See LexiconIndex.
 */
export interface IndexKey {
  form: 'text' | 'stem' | 'pstem' | 'skel' | 'latin';
  value: string;
  prefix: boolean;
}

type Step = { kind: 'word'; match: WordMatcher; keys: IndexKey[] } | { kind: 'gap' };

/** A compiled term. */
export interface LexiconPattern {
  term: string;
  steps: Step[];
}

/** A place where a pattern matched, in token positions [start, end). */
export interface PatternMatch {
  term: string;
  start: number;
  end: number;
}

/** Options of compilation. */
export interface CompileOptions {
  /** Latin words are transliterations (Arabizi, Finglish): compare by skeleton. */
  latinIsTransliteration?: boolean;
  /** Arabic-script words are Persian (Dari): strip only the Persian proclitics و and ب from message words. */
  persian?: boolean;
}

/** Raised for a term that cannot be compiled (reported with the file and term by the loader). */
export class LexiconSyntaxError extends Error {
  override name = 'LexiconSyntaxError';
}

/** A word of a term, prepared for matching (pure data: can be computed at build time and shipped). */
export type PreparedWord =
  | { kind: 'arabic'; base: string; prefix: boolean; persian: boolean }
  | { kind: 'ethiopic'; skeletons: string[]; prefix: boolean }
  | { kind: 'translit'; base: string; skeleton: string; prefix: boolean }
  | { kind: 'text'; base: string; prefix: boolean };

/** A term prepared for matching: per position, the alternative words, or a gap. */
export interface PreparedTerm {
  term: string;
  steps: Array<PreparedWord[] | 'gap'>;
}

/** Normalises one alternative of a term (the expensive part of compiling). */
function prepareWord(alternative: string, options: CompileOptions): PreparedWord {
  const prefix = alternative.endsWith('*');
  const base = normalizeForMatching(prefix ? alternative.slice(0, -1) : alternative).replace(/['’`]/g, '');
  if (!base || /\s/.test(base)) throw new LexiconSyntaxError(`"${alternative}" is not a single word`);
  const forms = tokenForms(base);
  if (forms.script === 'arabic') return { kind: 'arabic', base, prefix, persian: Boolean(options.persian) };
  // The term is written as meant: its own first syllable is never taken for a prefix.
  if (forms.script === 'ethiopic') return { kind: 'ethiopic', skeletons: [ethiopicSkeleton(base)], prefix };
  if (forms.script === 'latin' && options.latinIsTransliteration) return { kind: 'translit', base, skeleton: arabiziSkeleton(base), prefix };
  return { kind: 'text', base, prefix };
}

/** Builds the matcher of a prepared word (cheap). */
function wordMatcher(word: PreparedWord): { match: WordMatcher; keys: IndexKey[] } {
  switch (word.kind) {
    case 'arabic': {
      // The term is written as meant: only the message word loses its proclitics, never the term.
      const { base, prefix } = word;
      const stemsOf = word.persian ? (token: TokenForms) => token.persianStems : (token: TokenForms) => token.stems;
      return {
        match: (token) => stemsOf(token).some((stem) => (prefix ? stem.startsWith(base) : stem === base)),
        keys: [{ form: word.persian ? 'pstem' : 'stem', value: base, prefix }],
      };
    }
    case 'ethiopic': {
      const isPrefix = (b: string) => word.prefix || [...b].length >= 3;
      return {
        match: (token) => token.skeletons.some((skeleton) => word.skeletons.some((b) => skeleton === b || (isPrefix(b) && skeleton.startsWith(b)))),
        keys: word.skeletons.map((b) => ({ form: 'skel' as const, value: b, prefix: isPrefix(b) })),
      };
    }
    case 'translit': {
      const { base, skeleton, prefix } = word;
      // A skeleton of fewer than three consonants ("sos" → "ss") is shared by too many English and
      // Dutch words ("says", "sees"): such a word must be typed as written.
      if ([...skeleton].length < 3) {
        return { match: (token) => (prefix ? token.text.startsWith(base) : token.text === base), keys: [{ form: 'text', value: base, prefix }] };
      }
      return {
        match: (token) =>
          token.script === 'latin' && (prefix ? token.text.startsWith(base) || token.latinSkeleton.startsWith(skeleton) : token.text === base || token.latinSkeleton === skeleton),
        keys: [
          { form: 'text', value: base, prefix },
          { form: 'latin', value: skeleton, prefix },
        ],
      };
    }
    case 'text': {
      const { base, prefix } = word;
      return { match: (token) => (prefix ? token.text.startsWith(base) : token.text === base), keys: [{ form: 'text', value: base, prefix }] };
    }
  }
}

/** Prepares one term (normalisation, skeletons); throws LexiconSyntaxError for a malformed one. */
export function prepareTerm(term: string, options: CompileOptions = {}): PreparedTerm {
  const pieces = term.trim().split(/\s+/);
  const steps = pieces.map((piece): PreparedWord[] | 'gap' => {
    if (piece === '...' || piece === '…') return 'gap';
    if (piece.split('|').some((alt) => alt === '')) throw new LexiconSyntaxError(`empty word in "${term}"`);
    return piece.split('|').map((alt) => prepareWord(alt, options));
  });
  if (steps.length === 0 || steps[0] === 'gap' || steps[steps.length - 1] === 'gap') throw new LexiconSyntaxError(`"${term}" must start and end with a word`);
  return { term, steps };
}

/** Builds a pattern from a prepared term. */
export function compilePrepared(prepared: PreparedTerm): LexiconPattern {
  const steps: Step[] = prepared.steps.map((step): Step => {
    if (step === 'gap') return { kind: 'gap' };
    const alternatives = step.map(wordMatcher);
    const matchers = alternatives.map((a) => a.match);
    return { kind: 'word', match: (token) => matchers.some((m) => m(token)), keys: alternatives.flatMap((a) => a.keys) };
  });
  return { term: prepared.term, steps };
}

/** Compiles one term. */
export function compilePattern(term: string, options: CompileOptions = {}): LexiconPattern {
  return compilePrepared(prepareTerm(term, options));
}

function matchFrom(steps: Step[], stepIndex: number, tokens: TokenForms[], position: number): number | undefined {
  if (stepIndex === steps.length) return position;
  const step = steps[stepIndex]!;
  if (step.kind === 'gap') {
    for (let skip = 0; skip <= MAX_GAP && position + skip <= tokens.length; skip += 1) {
      const end = matchFrom(steps, stepIndex + 1, tokens, position + skip);
      if (end !== undefined) return end;
    }
    return undefined;
  }
  const token = tokens[position];
  if (!token || !step.match(token)) return undefined;
  return matchFrom(steps, stepIndex + 1, tokens, position + 1);
}

/** Index keys of the pattern's first word: a message can only match if one of its tokens has such a key. */
export function firstWordKeys(pattern: LexiconPattern): IndexKey[] {
  const first = pattern.steps[0];
  return first?.kind === 'word' ? first.keys : [];
}

/** Every place the pattern matches in the tokens. */
export function findPattern(pattern: LexiconPattern, tokens: TokenForms[]): PatternMatch[] {
  const matches: PatternMatch[] = [];
  for (let start = 0; start < tokens.length; start += 1) {
    const end = matchFrom(pattern.steps, 0, tokens, start);
    if (end !== undefined) matches.push({ term: pattern.term, start, end });
  }
  return matches;
}

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
import { arabiziSkeleton } from '../language/skeletons.js';
import { ethiopicSkeletons, tokenForms, type TokenForms } from './TokenForms.js';

/** Longest gap `...` stands for. */
const MAX_GAP = 3;

interface WordMatcher {
  (token: TokenForms): boolean;
}

type Step = { kind: 'word'; match: WordMatcher } | { kind: 'gap' };

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

function compileWord(alternative: string, options: CompileOptions): WordMatcher {
  const prefix = alternative.endsWith('*');
  const base = normalizeForMatching(prefix ? alternative.slice(0, -1) : alternative).replace(/['’`]/g, '');
  if (!base || /\s/.test(base)) throw new LexiconSyntaxError(`"${alternative}" is not a single word`);
  const forms = tokenForms(base);
  if (forms.script === 'arabic') {
    // The term is written as meant: only the message word loses its proclitics, never the term.
    const stemsOf = options.persian ? (token: TokenForms) => token.persianStems : (token: TokenForms) => token.stems;
    return (token) => stemsOf(token).some((stem) => (prefix ? stem.startsWith(base) : stem === base));
  }
  if (forms.script === 'ethiopic') {
    const baseSkeletons = ethiopicSkeletons(base);
    return (token) =>
      token.skeletons.some((skeleton) =>
        baseSkeletons.some((b) => skeleton === b || ((prefix || [...b].length >= 3) && skeleton.startsWith(b))),
      );
  }
  if (forms.script === 'latin' && options.latinIsTransliteration) {
    const skeleton = arabiziSkeleton(base);
    return (token) =>
      token.script === 'latin' && (prefix ? token.text.startsWith(base) || token.latinSkeleton.startsWith(skeleton) : token.text === base || token.latinSkeleton === skeleton);
  }
  return (token) => (prefix ? token.text.startsWith(base) : token.text === base);
}

/** Compiles one term. */
export function compilePattern(term: string, options: CompileOptions = {}): LexiconPattern {
  const steps: Step[] = term
    .trim()
    .split(/\s+/)
    .map((piece): Step => {
      if (piece === '...' || piece === '…') return { kind: 'gap' };
      const alternatives = piece.split('|').filter(Boolean).map((alt) => compileWord(alt, options));
      if (alternatives.length === 0) throw new LexiconSyntaxError(`empty word in "${term}"`);
      return { kind: 'word', match: (token) => alternatives.some((m) => m(token)) };
    });
  if (steps.length === 0 || steps[0]?.kind === 'gap' || steps[steps.length - 1]?.kind === 'gap') {
    throw new LexiconSyntaxError(`"${term}" must start and end with a word`);
  }
  return { term, steps };
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

/** Every place the pattern matches in the tokens. */
export function findPattern(pattern: LexiconPattern, tokens: TokenForms[]): PatternMatch[] {
  const matches: PatternMatch[] = [];
  for (let start = 0; start < tokens.length; start += 1) {
    const end = matchFrom(pattern.steps, 0, tokens, start);
    if (end !== undefined) matches.push({ term: pattern.term, start, end });
  }
  return matches;
}

/**
 * Danger rules, before any classifier: the lexicons of all five languages are applied to every
 * message (a wrong language guess must never hide a threat). Harmless look-alikes are taken out,
 * "I am not in danger" cancels only the generic words, and what is left decides:
 * an acute category → "urgent" (112 first, then the question), anything else → "check" (ask).
 */
import { findPattern, type LexiconPattern, type PatternMatch } from './LexiconPattern.js';
import { CANCELLED_BY_NOT_DANGER, URGENT_CATEGORIES, type CategoryPattern, type CompiledDangerLexicon, type DangerCategory } from './DangerLexicon.js';
import type { LexiconIndex } from './LexiconIndex.js';
import type { TokenForms } from './TokenForms.js';

/** What the danger rules found. */
export interface DangerResult {
  danger: boolean;
  level: 'urgent' | 'check' | 'none';
  categories: DangerCategory[];
  /** The message says the young person is not in danger / is safe. */
  saysSafe: boolean;
}

const within = (inner: PatternMatch, outer: PatternMatch) => outer.start <= inner.start && inner.end <= outer.end;

/** Applies the compiled lexicons to a message's tokens. */
export class DangerDetector {
  private readonly danger: LexiconIndex<CategoryPattern>;
  private readonly benign: LexiconIndex<LexiconPattern>;
  private readonly notDanger: LexiconIndex<LexiconPattern>;

  constructor(lexicon: Pick<CompiledDangerLexicon, 'danger' | 'benign' | 'notDanger'>) {
    this.danger = lexicon.danger;
    this.benign = lexicon.benign;
    this.notDanger = lexicon.notDanger;
  }

  /** Finds danger in tokens (see screening/TokenForms.ts). */
  detect(tokens: TokenForms[]): DangerResult {
    const benign = [...this.benign.candidates(tokens)].flatMap((pattern) => findPattern(pattern, tokens));
    const saysSafe = [...this.notDanger.candidates(tokens)].some((pattern) => findPattern(pattern, tokens).length > 0);
    const categories = new Set<DangerCategory>();
    for (const pattern of this.danger.candidates(tokens)) {
      if (categories.has(pattern.category)) continue;
      if (saysSafe && CANCELLED_BY_NOT_DANGER.has(pattern.category)) continue;
      const matches = findPattern(pattern, tokens).filter((match) => !benign.some((b) => within(match, b)));
      if (matches.length > 0) categories.add(pattern.category);
    }
    const found = [...categories];
    const level = found.some((c) => URGENT_CATEGORIES.has(c)) ? 'urgent' : found.length > 0 ? 'check' : 'none';
    return { danger: level !== 'none', level, categories: found, saysSafe };
  }
}

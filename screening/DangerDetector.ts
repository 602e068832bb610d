/**
 * Danger rules, before any classifier: the lexicons of all five languages are applied to every
 * message (a wrong language guess must never hide a threat). Harmless look-alikes are taken out,
 * "I am not in danger" cancels only the generic words, and what is left decides:
 * an acute category → "urgent" (112 first, then the question), anything else → "check" (ask).
 */
import { findPattern, type PatternMatch } from './LexiconPattern.js';
import { CANCELLED_BY_NOT_DANGER, URGENT_CATEGORIES, type CompiledDangerLexicon, type DangerCategory } from './DangerLexicon.js';
import type { TokenForms } from './TokenForms.js';

/** What the danger rules found. */
export interface DangerResult {
  danger: boolean;
  level: 'urgent' | 'check' | 'none';
  categories: DangerCategory[];
}

const within = (inner: PatternMatch, outer: PatternMatch) => outer.start <= inner.start && inner.end <= outer.end;

/** Applies the compiled lexicons to a message's tokens. */
export class DangerDetector {
  constructor(private readonly lexicon: CompiledDangerLexicon) {}

  /** Finds danger in tokens (see screening/TokenForms.ts). */
  detect(tokens: TokenForms[]): DangerResult {
    const benign = this.lexicon.benign.flatMap((pattern) => findPattern(pattern, tokens));
    const saysSafe = this.lexicon.notDanger.some((pattern) => findPattern(pattern, tokens).length > 0);
    const categories = new Set<DangerCategory>();
    for (const pattern of this.lexicon.danger) {
      if (categories.has(pattern.category)) continue;
      if (saysSafe && CANCELLED_BY_NOT_DANGER.has(pattern.category)) continue;
      const matches = findPattern(pattern, tokens).filter((match) => !benign.some((b) => within(match, b)));
      if (matches.length > 0) categories.add(pattern.category);
    }
    const found = [...categories];
    const level = found.some((c) => URGENT_CATEGORIES.has(c)) ? 'urgent' : found.length > 0 ? 'check' : 'none';
    return { danger: level !== 'none', level, categories: found };
  }
}

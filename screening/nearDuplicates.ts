/**
 * Keeps evaluation data apart from training data by construction: finds evaluation messages that
 * are (near) duplicates of a training utterance. Two texts are near duplicates when their
 * normalised word sets overlap by Jaccard ≥ 0.7 (and both have at least three words), or when they
 * are the same after normalisation.
 */
import { tokenize } from '../language/normalize.js';

/** Jaccard overlap from which two messages count as the same sentence. */
export const NEAR_DUPLICATE_JACCARD = 0.7;

/** A pair of an evaluation message and the training utterance it repeats. */
export interface NearDuplicate {
  evaluation: string;
  training: string;
  jaccard: number;
}

function wordSet(text: string): Set<string> {
  return new Set(tokenize(text));
}

/** Every evaluation message that repeats a training utterance (exactly or nearly). */
export function findNearDuplicates(evaluation: readonly string[], training: readonly string[]): NearDuplicate[] {
  const trainingSets = training.map((text) => ({ text, words: wordSet(text) }));
  // An index from word to the training utterances that hold it, so this stays fast for thousands.
  const byWord = new Map<string, number[]>();
  trainingSets.forEach((entry, index) => {
    for (const word of entry.words) byWord.set(word, [...(byWord.get(word) ?? []), index]);
  });
  const found: NearDuplicate[] = [];
  for (const text of evaluation) {
    const words = wordSet(text);
    const shared = new Map<number, number>();
    for (const word of words) for (const index of byWord.get(word) ?? []) shared.set(index, (shared.get(index) ?? 0) + 1);
    for (const [index, common] of shared) {
      const other = trainingSets[index]!;
      const union = words.size + other.words.size - common;
      const jaccard = union ? common / union : 0;
      const same = common === words.size && common === other.words.size;
      if (same || (words.size >= 3 && other.words.size >= 3 && jaccard >= NEAR_DUPLICATE_JACCARD)) {
        found.push({ evaluation: text, training: other.text, jaccard: Math.round(jaccard * 100) / 100 });
        break;
      }
    }
  }
  return found;
}

/**
 * The features the intent classifier sees for a message: its normalised words (no stopword
 * removal: "not", "now", "niet", "nu" matter), script-aware stems and skeletons that let one
 * utterance stand for its spelling and inflection variants, character trigrams of Latin-letter
 * words (typos, Arabizi, Finglish and Latin-script Tigrinya spellings share most of them), and word pairs.
 */
import { tokenize } from '../language/normalize.js';
import { tokenForms, type TokenForms } from './TokenForms.js';

/**
 * Features of one message (strings; duplicates removed). `words` (its `tokenize`) and `forms` (their
 * `tokenForms`, in the same order) may be given when the caller has them already.
 */
export function intentFeatures(text: string, words: readonly string[] = tokenize(text), known?: readonly TokenForms[]): string[] {
  const features = new Set<string>();
  words.forEach((word, index) => {
    const forms = known?.[index] ?? tokenForms(word);
    features.add(`w:${word}`);
    if (forms.script === 'arabic') {
      for (const stem of forms.stems) {
        features.add(`s:${stem}`);
        if ([...stem].length > 4) features.add(`p:${[...stem].slice(0, 4).join('')}`);
      }
    } else if (forms.script === 'ethiopic') {
      for (const skeleton of forms.skeletons) {
        features.add(`k:${skeleton}`);
        if ([...skeleton].length > 3) features.add(`p:${[...skeleton].slice(0, 3).join('')}`);
      }
    } else if (forms.script === 'latin') {
      features.add(`z:${forms.latinSkeleton}`);
      if (word.length > 5) features.add(`p:${word.slice(0, 5)}`);
      // Character trigrams survive typos and transliteration variants ("scared", "scard", "skared").
      if (word.length >= 4) {
        const padded = ` ${word} `;
        for (let i = 0; i + 3 <= padded.length; i += 1) features.add(`c:${padded.slice(i, i + 3)}`);
      }
    }
    const next = words[index + 1];
    if (next) features.add(`b:${word}_${next}`);
  });
  return [...features];
}

/**
 * Which of Lantern's languages a message in Latin letters is written in: English, Dutch, or Arabic
 * (Arabizi), Dari (Finglish) and Tigrinya typed in Latin letters. A character n-gram model (1 to 4
 * letters, words padded with spaces), multinomial naive Bayes with equal priors, trained at build time
 * (`npm run build:model`) from the Latin-script training utterances of every language
 * (locales/<lng>/screening/intents.json) and shipped as language/model/latin.json. Spelling
 * variants and typos share most of their n-grams, so unseen spellings still land on the right side.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Language } from '../contracts/languages.js';
import { tokenize } from './normalize.js';

/** Where the shipped model lives. */
export const LATIN_MODEL_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'model', 'latin.json');

/** N-grams seen fewer times than this in all the training text are left out (noise, size). */
const MIN_COUNT = 2;
/** Additive smoothing. */
const ALPHA = 0.5;

/** The shipped model: per language the log-probability of each kept n-gram, and of an unseen one. */
export interface LatinModelFile {
  fingerprint: string;
  languages: Language[];
  /** n-gram → log-probabilities, in the order of `languages` (rounded to 3 decimals). */
  grams: Record<string, number[]>;
  /** Log-probability of an n-gram a language never showed. */
  unseen: number[];
}

/** The Latin-letter words of a message, as the model sees them. */
export function latinWords(text: string): string[] {
  return tokenize(text).filter((token) => /^[a-z0-9]+$/.test(token) && /[a-z]/.test(token));
}

function grams(words: readonly string[]): string[] {
  const all: string[] = [];
  for (const word of words) {
    const padded = ` ${word} `;
    for (let n = 1; n <= 4; n += 1) for (let i = 0; i + n <= padded.length; i += 1) {
      const gram = padded.slice(i, i + n);
      if (gram !== ' ') all.push(gram);
    }
  }
  return all;
}

/** Scores of each language for a message (log-likelihoods), best first. */
export interface LatinGuess {
  language: Language;
  /** Difference to the second best, per n-gram (how sure). */
  margin: number;
  grams: number;
}

/** The trained model. */
export class LatinLanguageModel {
  private constructor(private readonly model: Omit<LatinModelFile, 'fingerprint'>) {}

  /** Trains on texts with their language (only their Latin-letter words count). */
  static train(examples: ReadonlyArray<{ text: string; language: Language }>): Omit<LatinModelFile, 'fingerprint'> {
    const languages = [...new Set(examples.map((e) => e.language))];
    const counts = new Map<string, number[]>();
    for (const example of examples) {
      const li = languages.indexOf(example.language);
      for (const gram of grams(latinWords(example.text))) {
        let row = counts.get(gram);
        if (!row) counts.set(gram, (row = languages.map(() => 0)));
        row[li]! += 1;
      }
    }
    const kept = [...counts].filter(([, row]) => row.reduce((a, b) => a + b, 0) >= MIN_COUNT);
    const vocabulary = kept.length;
    const totals = languages.map((_, li) => kept.reduce((sum, [, row]) => sum + row[li]!, 0));
    const logp = (count: number, li: number) => Math.round(1000 * Math.log((count + ALPHA) / (totals[li]! + ALPHA * vocabulary))) / 1000;
    const gramsOut: Record<string, number[]> = {};
    for (const [gram, row] of kept) gramsOut[gram] = row.map((count, li) => logp(count, li));
    return { languages, grams: gramsOut, unseen: languages.map((_, li) => logp(0, li)) };
  }

  /** The shipped model, or undefined when it has not been built. */
  static load(file = LATIN_MODEL_FILE): LatinLanguageModel | undefined {
    if (!existsSync(file)) return undefined;
    return new LatinLanguageModel(JSON.parse(readFileSync(file, 'utf8')) as LatinModelFile);
  }

  /** A model from trained data (tests, build). */
  static from(model: Omit<LatinModelFile, 'fingerprint'>): LatinLanguageModel {
    return new LatinLanguageModel(model);
  }

  /** The most likely language of the Latin-letter words, or undefined when there are none. */
  guess(words: readonly string[]): LatinGuess | undefined {
    const all = grams(words);
    if (all.length === 0) return undefined;
    const { languages, grams: table, unseen } = this.model;
    const scores = languages.map(() => 0);
    let known = 0;
    for (const gram of all) {
      const row = table[gram];
      if (!row) continue; // an n-gram nobody showed tells nothing about the language
      known += 1;
      for (let li = 0; li < languages.length; li += 1) scores[li]! += row[li] ?? unseen[li]!;
    }
    if (known === 0) return undefined;
    const order = scores.map((score, li) => ({ score, li })).sort((a, b) => b.score - a.score);
    const best = order[0]!;
    const second = order[1] ?? best;
    return { language: languages[best.li]!, margin: (best.score - second.score) / known, grams: known };
  }
}

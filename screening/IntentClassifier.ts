/**
 * Intents of free text, with natural's naive Bayes classifier (imported by its subpath: the package
 * root loads ~120 MB, takes close to a second and runs dotenv on the environment).
 * The model is trained at build time (scripts/train-intents.ts) from locales/<lng>/screening/intents.json
 * and shipped as screening/model/intents.json.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { intentFeatures } from './intentFeatures.js';
import type { TokenForms } from './TokenForms.js';

const require = createRequire(import.meta.url);

/** The intents Lantern recognises. Subtypes of exploitation are reported together with `exploitation`. */
export const INTENTS = [
  'danger_now',
  'exploitation',
  'criminal',
  'sexual',
  'labour',
  'debt',
  'talk_to_human',
  'rights',
  'non_punishment',
  'smuggling_vs_trafficking',
  'greeting',
  'other',
] as const;
export type Intent = (typeof INTENTS)[number];

/** Subtypes of exploitation. */
export const EXPLOITATION_SUBTYPES: readonly Intent[] = ['criminal', 'sexual', 'labour', 'debt'];

/** A feature must occur in at least this many training utterances to be kept. */
const MIN_FEATURE_UTTERANCES = 2;

/** Known features used per message at most (the start of a long message carries its intent). */
const MAX_FEATURES = 60;

/** Where the shipped model lives. */
export const MODEL_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'model', 'intents.json');

/** The part of natural's BayesClassifier this module uses. */
interface NaturalBayes {
  features: Record<string, number>;
  classifier: ApparatusBayes;
}
/** The naive Bayes model inside natural's classifier (from `apparatus`, which natural wraps). */
interface ApparatusBayes {
  classFeatures: Record<string, Record<number, number>>;
  classTotals: Record<string, number>;
  totalExamples: number;
  smoothing: number;
  getClassifications(observation: Record<number, number>): Array<{ label: string; value: number }>;
}
interface NaturalBayesClass {
  new (): NaturalBayes;
  restore(json: unknown): NaturalBayes;
}

/** The shipped model: the feature list and natural's Bayes counts (no training texts). */
export interface IntentModelFile {
  fingerprint: string;
  examples: number;
  features: string[];
  bayes: Pick<ApparatusBayes, 'classFeatures' | 'classTotals' | 'totalExamples' | 'smoothing'>;
}

/** natural's BayesClassifier, by subpath only. */
export function loadBayesClass(): NaturalBayesClass {
  return require('natural/lib/natural/classifiers/bayes_classifier') as NaturalBayesClass;
}

/** A classification: intents (best first, with `exploitation` added for a subtype) and normalised scores. */
export interface IntentResult {
  intents: Intent[];
  /** Share of each intent in the posterior (sums to 1), rounded to 3 decimals. */
  scores: Partial<Record<Intent, number>>;
  top: Intent;
  confidence: number;
}

/** A trained classifier ready to classify. */
export class IntentClassifier {
  private readonly featureIndex = new Map<string, number>();

  private constructor(
    private readonly bayes: NaturalBayes,
    features: readonly string[],
  ) {
    features.forEach((feature, index) => this.featureIndex.set(feature, index));
  }

  /** Loads the shipped model (or another file). */
  static load(file = MODEL_FILE): IntentClassifier {
    const model = JSON.parse(readFileSync(file, 'utf8')) as IntentModelFile;
    return IntentClassifier.fromModel(model);
  }

  /** Builds natural's BayesClassifier from a model file's counts. */
  static fromModel(model: Pick<IntentModelFile, 'features' | 'bayes'>): IntentClassifier {
    // natural's own feature map is only used by its dense textToFeatures, which this class does not call.
    const bayes = loadBayesClass().restore({ classifier: model.bayes, features: {}, docs: [], lastAdded: 0 });
    return new IntentClassifier(bayes, model.features);
  }

  /**
   * Trains on labelled utterances. natural's own train() turns every document into a dense vector
   * over the whole vocabulary (tens of thousands of features: minutes); the same counts are added
   * here as sparse observations, which its Bayes model supports, in well under a second.
   */
  static train(examples: Array<{ text: string; intent: Intent }>): { classifier: IntentClassifier; model: Pick<IntentModelFile, 'features' | 'bayes' | 'examples'> } {
    const Bayes = loadBayesClass();
    const natural = new Bayes();
    const bayes = natural.classifier;
    const index = new Map<string, number>();
    // Balance the classes by repeating the examples of the smaller ones: natural's Bayes model
    // penalises a word a class has not seen by 1/(class size), which otherwise pushes everything
    // away from the large, varied "other" class.
    const byIntent = new Map<Intent, Array<{ text: string; intent: Intent }>>();
    for (const example of examples) byIntent.set(example.intent, [...(byIntent.get(example.intent) ?? []), example]);
    const largest = Math.max(0, ...[...byIntent.values()].map((list) => list.length));
    const balanced = [...byIntent.values()].flatMap((list) => Array.from({ length: largest }, (_, i) => list[i % list.length]!));
    // Features seen in only one utterance teach nothing general and make the model big and slow to load.
    const seen = new Map<string, number>();
    for (const { text } of examples) for (const feature of intentFeatures(text)) seen.set(feature, (seen.get(feature) ?? 0) + 1);
    for (const { text, intent } of balanced) {
      const observation: Record<number, number> = {};
      let n = 0;
      for (const feature of intentFeatures(text)) {
        if ((seen.get(feature) ?? 0) < MIN_FEATURE_UTTERANCES) continue;
        let i = index.get(feature);
        if (i === undefined) {
          i = index.size;
          index.set(feature, i);
        }
        observation[n++] = i;
      }
      // apparatus counts totals only for dense observations; keep them right for sparse ones too.
      if (!bayes.classFeatures[intent]) {
        bayes.classFeatures[intent] = {};
        bayes.classTotals[intent] = 1;
      }
      bayes.totalExamples += 1;
      bayes.classTotals[intent] = (bayes.classTotals[intent] ?? 1) + 1;
      for (const key of Object.keys(observation)) {
        const feature = observation[Number(key)]!;
        const counts = bayes.classFeatures[intent]!;
        counts[feature] = counts[feature] ? counts[feature]! + 1 : 1 + bayes.smoothing;
      }
    }
    const model = {
      examples: examples.length,
      features: [...index.keys()],
      bayes: { classFeatures: bayes.classFeatures, classTotals: bayes.classTotals, totalExamples: bayes.totalExamples, smoothing: bayes.smoothing },
    };
    return { classifier: IntentClassifier.fromModel(model), model };
  }

  /** Classifies one message. */
  classify(text: string, words?: readonly string[], forms?: readonly TokenForms[]): IntentResult {
    // A sparse observation (feature positions) instead of natural's dense vector: same model, O(words).
    const observation: Record<number, number> = {};
    let n = 0;
    for (const feature of intentFeatures(text, words, forms)) {
      const index = this.featureIndex.get(feature);
      if (index !== undefined) observation[n++] = index;
      // natural multiplies probabilities (exp of summed logs): very long messages would underflow to 0.
      if (n === MAX_FEATURES) break;
    }
    if (n === 0) return { intents: ['other'], scores: { other: 1 }, top: 'other', confidence: 1 };
    const ranked = this.bayes.classifier.getClassifications(observation);
    const total = ranked.reduce((sum, r) => sum + r.value, 0) || 1;
    const scores: Partial<Record<Intent, number>> = {};
    for (const r of ranked.slice(0, 4)) scores[r.label as Intent] = Math.round((1000 * r.value) / total) / 1000;
    const top = (ranked[0]?.label ?? 'other') as Intent;
    const intents: Intent[] = EXPLOITATION_SUBTYPES.includes(top) ? ['exploitation', top] : [top];
    return { intents, scores, top, confidence: (ranked[0]?.value ?? 0) / total };
  }
}

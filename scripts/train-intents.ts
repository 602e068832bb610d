/**
 * `npm run build:model`: trains the intent classifier from locales/<lng>/screening/intents.json
 * (all five languages) and writes screening/model/intents.json, with a fingerprint of the utterance
 * files so a test can tell when the shipped model is out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IntentClassifier, MODEL_FILE } from '../screening/IntentClassifier.js';
import { readUtterances, utterancesFingerprint } from '../screening/utterances.js';

const started = performance.now();
const examples = readUtterances();
const { model } = IntentClassifier.train(examples);
mkdirSync(path.dirname(MODEL_FILE), { recursive: true });
writeFileSync(MODEL_FILE, JSON.stringify({ fingerprint: utterancesFingerprint(), examples: examples.length, model }));
console.log(`intent model: ${examples.length} utterances → ${path.relative(process.cwd(), MODEL_FILE)} in ${Math.round(performance.now() - started)} ms`);

/**
 * `npm run build:model`: trains the intent classifier from locales/<lng>/screening/intents.json
 * (all five languages) into screening/model/intents.json, and prepares the danger lexicons into
 * screening/model/lexicon.json — each with a fingerprint of its source files, so a test can tell
 * when a shipped file is out of date and start-up stays fast.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PREPARED_LEXICON_FILE, prepareDangerLexicon } from '../screening/DangerLexicon.js';
import { IntentClassifier, MODEL_FILE } from '../screening/IntentClassifier.js';
import { readUtterances, utterancesFingerprint } from '../screening/utterances.js';

const started = performance.now();
const examples = readUtterances();
const { model } = IntentClassifier.train(examples);
mkdirSync(path.dirname(MODEL_FILE), { recursive: true });
writeFileSync(MODEL_FILE, JSON.stringify({ fingerprint: utterancesFingerprint(), ...model }));
const lexicon = prepareDangerLexicon();
writeFileSync(PREPARED_LEXICON_FILE, JSON.stringify(lexicon));
console.log(
  `intent model: ${examples.length} utterances, ${model.features.length} features → ${path.relative(process.cwd(), MODEL_FILE)}; ` +
    `lexicon: ${lexicon.danger.length} danger terms → ${path.relative(process.cwd(), PREPARED_LEXICON_FILE)} (${Math.round(performance.now() - started)} ms)`,
);

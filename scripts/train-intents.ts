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
import { LATIN_MODEL_FILE, LatinLanguageModel, latinWords } from '../language/LatinLanguageModel.js';
import { tokenize } from '../language/normalize.js';

const started = performance.now();
const examples = readUtterances();
const { model } = IntentClassifier.train(examples);
mkdirSync(path.dirname(MODEL_FILE), { recursive: true });
writeFileSync(MODEL_FILE, JSON.stringify({ fingerprint: utterancesFingerprint(), ...model }));
// Language id for Latin letters: every utterance written mostly in Latin letters, with its language.
const latinExamples = examples.filter((u) => {
  const words = tokenize(u.text);
  return words.length > 0 && latinWords(u.text).length / words.length >= 0.6;
});
const latin = LatinLanguageModel.train(latinExamples.map((u) => ({ text: u.text, language: u.language })));
mkdirSync(path.dirname(LATIN_MODEL_FILE), { recursive: true });
writeFileSync(LATIN_MODEL_FILE, JSON.stringify({ fingerprint: utterancesFingerprint(), ...latin }));
const perLanguage = latin.languages.map((l) => `${l} ${latinExamples.filter((u) => u.language === l).length}`).join(', ');
console.log(`latin language id: ${Object.keys(latin.grams).length} n-grams from ${perLanguage} → ${path.relative(process.cwd(), LATIN_MODEL_FILE)}`);
const lexicon = prepareDangerLexicon();
writeFileSync(PREPARED_LEXICON_FILE, JSON.stringify(lexicon));
console.log(
  `intent model: ${examples.length} utterances, ${model.features.length} features → ${path.relative(process.cwd(), MODEL_FILE)}; ` +
    `lexicon: ${lexicon.danger.length} danger terms → ${path.relative(process.cwd(), PREPARED_LEXICON_FILE)} (${Math.round(performance.now() - started)} ms)`,
);

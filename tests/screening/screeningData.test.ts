/**
 * The screening data content people edit: every language has a danger lexicon that compiles and
 * enough training utterances per intent, and the shipped model was trained on the current files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contracts/languages.js';
import { DANGER_CATEGORIES, PREPARED_LEXICON_FILE, lexiconFingerprint, loadDangerLexicon } from '../../screening/DangerLexicon.js';
import { INTENTS, MODEL_FILE } from '../../screening/IntentClassifier.js';
import { readUtterances, utterancesFingerprint } from '../../screening/utterances.js';

const MIN_UTTERANCES = 30;

describe('screening data', () => {
  const lexicon = loadDangerLexicon();
  const terms = lexicon.all();

  it.each(LANGUAGES)('%s: a danger lexicon with every category, benign look-alikes and "not in danger"', (language) => {
    const categories = new Set(terms.filter((p) => p.language === language).map((p) => p.category));
    expect([...categories].sort()).toEqual([...DANGER_CATEGORIES].sort());
  });

  it.each(LANGUAGES)(`%s: at least ${MIN_UTTERANCES} utterances per intent`, (language) => {
    const utterances = readUtterances().filter((u) => u.language === language);
    for (const intent of INTENTS) {
      expect(utterances.filter((u) => u.intent === intent).length, intent).toBeGreaterThanOrEqual(MIN_UTTERANCES);
    }
  });

  it('the shipped model was trained on the current utterance files (run `npm run build:model`)', () => {
    const model = JSON.parse(readFileSync(MODEL_FILE, 'utf8')) as { fingerprint: string };
    expect(model.fingerprint).toBe(utterancesFingerprint());
  });

  it('the shipped prepared lexicon matches the lexicon files (run `npm run build:model`)', () => {
    const prepared = JSON.parse(readFileSync(PREPARED_LEXICON_FILE, 'utf8')) as { fingerprint: string };
    expect(prepared.fingerprint).toBe(lexiconFingerprint());
  });
});

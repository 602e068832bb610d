import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LATIN_MODEL_FILE, LatinLanguageModel } from '../../language/LatinLanguageModel.js';
import { utterancesFingerprint } from '../../screening/utterances.js';

describe('LatinLanguageModel', () => {
  it('learns languages from their letters and copes with spellings it never saw', () => {
    const model = LatinLanguageModel.from(
      LatinLanguageModel.train([
        { text: 'i want to talk to someone please', language: 'en' },
        { text: 'they are following me and i am scared', language: 'en' },
        { text: 'ik wil met iemand praten alsjeblieft', language: 'nl' },
        { text: 'ze volgen mij en ik ben bang', language: 'nl' },
        { text: 'ana khayef wallah bdi 7ada y7ki ma3i', language: 'ar' },
        { text: 'ana b5atar sa3dooni', language: 'ar' },
      ]),
    );
    expect(model.guess(['iemand', 'volgt', 'mij'])?.language).toBe('nl');
    expect(model.guess(['someone', 'follows', 'me'])?.language).toBe('en');
    expect(model.guess(['ana', 'khayfa', 'ktir'])?.language).toBe('ar');
    expect(model.guess([])).toBeUndefined();
  });

  it('the shipped model was trained on the current utterance files (run `npm run build:model`)', () => {
    const model = JSON.parse(readFileSync(LATIN_MODEL_FILE, 'utf8')) as { fingerprint: string };
    expect(model.fingerprint).toBe(utterancesFingerprint());
  });
});

/**
 * Evaluation data stays apart from training data: no message of the held-out sets
 * (tests/fixtures/screening/<lng>.jsonl) or of the development sets (tests/fixtures/screening/dev/)
 * may repeat a training utterance (locales/<lng>/screening/intents.json), exactly or nearly.
 */
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contracts/languages.js';
import { DEV_DIR, readLabelled } from '../../screening/evaluation.js';
import { findNearDuplicates } from '../../screening/nearDuplicates.js';
import { readUtterances } from '../../screening/utterances.js';

const training = readUtterances().map((u) => u.text);

describe('evaluation and training data are kept apart', () => {
  it('finds a near duplicate when there is one (the check can fail)', () => {
    expect(findNearDuplicates(['they will stab me if i do not pay tonight'], ['They will stab me if I dont pay tonight!', 'hello'])).toHaveLength(1);
    expect(findNearDuplicates(['my phone is dead'], ['this game is killing me'])).toEqual([]);
  });

  for (const language of LANGUAGES) {
    it(`${language}: no held-out or development message repeats a training utterance`, () => {
      const evaluation = [...readLabelled(language), ...readLabelled(language, DEV_DIR)].map((m) => m.text);
      expect(findNearDuplicates(evaluation, training)).toEqual([]);
    });
  }
});

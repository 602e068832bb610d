/**
 * The screening's quality targets on the held-out labelled set (tests/fixtures/screening/):
 * danger recall ≥ 95% and false danger ≤ 10% in every language, language id ≥ 95% on messages of
 * three or more words. Speed is measured by `npm run bench`, not here.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../screening/evaluation.js';
import { Screener } from '../../screening/Screener.js';

const rows = evaluate(Screener.load());

describe.each(rows)('screening in $language', (row) => {
  it('has a labelled set of at least 40 messages', () => {
    expect(row.messages).toBeGreaterThanOrEqual(40);
  });

  it('finds at least 95% of the danger messages', () => {
    expect(row.dangerRecall, `missed: ${row.missedDanger.join(' | ')}`).toBeGreaterThanOrEqual(0.95);
  });

  it('flags at most 10% of the other messages as danger', () => {
    expect(row.falseDangerRate, `false alarms: ${row.falseDanger.join(' | ')}`).toBeLessThanOrEqual(0.1);
  });

  it('identifies the language of at least 95% of messages of three or more words', () => {
    expect(row.langIdAccuracy).toBeGreaterThanOrEqual(0.95);
  });
});

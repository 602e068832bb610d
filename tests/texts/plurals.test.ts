/**
 * Plural forms through i18next with Intl.PluralRules: the Translator picks the form from the text's
 * own number (given by the caller, or one of its variables such as retentionHours), in every
 * language, also for what the counsellors' console renders.
 */
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contracts/languages.js';
import { pluralCategories } from '../../texts/plurals.js';
import { Translator } from '../../texts/Translator.js';

const translator = new Translator({ variables: { retentionHours: 48 } });
const ar = translator.forLanguage('ar');
const en = translator.forLanguage('en');

describe('plural categories', () => {
  it('are those of Intl.PluralRules: Arabic six, the others one and other', () => {
    expect(pluralCategories('ar')).toEqual(['zero', 'one', 'two', 'few', 'many', 'other']);
    for (const language of ['ti', 'prs', 'en', 'nl'] as const) expect(pluralCategories(language), language).toEqual(['one', 'other']);
  });
});

describe('the Translator picks the plural form', () => {
  it('English: "about 1 minute", "about 5 minutes"; "1 hour", "48 hours"', () => {
    expect(en('handoff:estimate', { minutes: 1 })).toContain('about 1 minute.');
    expect(en('handoff:estimate', { minutes: 5 })).toContain('about 5 minutes.');
    const oneHour = new Translator({ variables: { retentionHours: 1 } }).forLanguage('en');
    expect(oneHour('welcome:anonymous')).toContain('deleted 1 hour after');
    expect(en('welcome:anonymous')).toContain('deleted 48 hours after');
  });

  it('Arabic: دقيقة واحدة, دقيقتين, 3-10 دقائق, 11-99 دقيقة', () => {
    expect(ar('handoff:estimate', { minutes: 1 })).toContain('دقيقة واحدة');
    expect(ar('handoff:estimate', { minutes: 2 })).toContain('دقيقتين');
    for (const n of [3, 7, 10]) expect(ar('handoff:estimate', { minutes: n }), String(n)).toContain(`${n} دقائق`);
    for (const n of [11, 45, 99]) expect(ar('handoff:estimate', { minutes: n }), String(n)).toContain(`${n} دقيقة`);
    expect(ar('handoff:estimate', { minutes: 0 })).toContain('أقل من دقيقة');
    expect(new Translator({ variables: { retentionHours: 2 } }).forLanguage('ar')('privacy:stored')).toContain('بعد ساعتين');
    expect(new Translator({ variables: { retentionHours: 5 } }).forLanguage('ar')('privacy:stored')).toContain('بعد 5 ساعات');
    expect(ar('privacy:stored')).toContain('بعد 48 ساعة');
  });

  it('every language gives a text (never the key) for every number a wait can have', () => {
    for (const language of LANGUAGES) {
      const t = translator.forLanguage(language);
      for (const n of [0, 1, 2, 3, 11, 100, 101]) {
        for (const key of ['handoff:estimate', 'handoff:queued', 'handoff:dangerQueued', 'handoff:counsellorLeft']) {
          const text = t(key, { minutes: n, position: n });
          expect(text, `${language} ${key} ${n}`).not.toBe(key.split(':')[1]);
          expect(text.length, `${language} ${key} ${n}`).toBeGreaterThan(20);
          expect(text, `${language} ${key} ${n}`).not.toMatch(/\{\{/);
        }
      }
    }
  });

  it('a caller that passes its own count keeps it; a marker that is not a number gets the general form', () => {
    expect(en('handoff:estimate', { minutes: 1, count: 7 })).toContain('minutes');
    expect(en('handoff:counsellorLeft', { position: '§' })).toContain('number §');
  });

  it('the console renders a recorded text in Dutch with the right form', () => {
    expect(translator.render('nl', { key: 'handoff:estimate', params: { minutes: 1 } })).toContain('1 minuut.');
    expect(translator.render('nl', { key: 'handoff:estimate', params: { minutes: 4 } })).toContain('4 minuten.');
  });
});

/**
 * The Translator keeps what does not change while the bot runs: a text asked for without the
 * caller's variables, each language's translate function and its lists. What depends on the
 * caller's variables (interpolation, plural forms) is still made on every call, and every use of
 * a kept text is still recorded for the counsellors' console.
 */
import { describe, expect, it } from 'vitest';
import { Translator, type RecordedText } from '../../texts/Translator.js';

const translator = new Translator({ variables: { retentionHours: 48 } });
const en = translator.forLanguage('en');

describe('the Translator keeps fixed texts', () => {
  it('hands out one translate function per language', () => {
    expect(translator.forLanguage('en')).toBe(en);
    expect(translator.forLanguage('ti')).not.toBe(en);
  });

  it('gives the same text with no variables as with an empty set, and the help lines interpolated', () => {
    const text = en('common:emergency.call');
    expect(en('common:emergency.call', {})).toBe(text);
    expect(text).toContain(String(translator.variable('emergencyPhone')));
    expect(text).not.toMatch(/\{\{/);
  });

  it('still makes a text with the caller\'s variables every time, in the right plural form', () => {
    expect(en('handoff:estimate', { minutes: 1 })).toContain('about 1 minute.');
    expect(en('handoff:estimate', { minutes: 5 })).toContain('about 5 minutes.');
    expect(en('handoff:estimate', { minutes: 1 })).toContain('about 1 minute.');
    // A plural text without the caller's number takes the Translator's own (retentionHours), kept or not.
    expect(en('welcome:anonymous')).toContain('deleted 48 hours after');
    expect(en('welcome:anonymous')).toContain('deleted 48 hours after');
    expect(en('welcome:anonymous', { retentionHours: 1 })).toContain('deleted 1 hour after');
  });

  it('records every use of a kept text in a turn\'s log, with its key and numbers; never without one', async () => {
    const uses: RecordedText[] = [];
    const logged = translator.forLanguage('en', uses);
    logged('privacy:stored');
    logged('privacy:stored');
    logged('handoff:estimate', { minutes: 3 });
    en('privacy:stored');
    expect(uses.map(({ key, params, language }) => ({ key, params, language }))).toEqual([
      { key: 'privacy:stored', params: { count: 48 }, language: 'en' },
      { key: 'privacy:stored', params: { count: 48 }, language: 'en' },
      { key: 'handoff:estimate', params: { minutes: 3, count: 3 }, language: 'en' },
    ]);
    expect(uses[0]!.text).toBe(en('privacy:stored'));
  });

  it('renders a used text in another language from its key and numbers', () => {
    expect(translator.render('nl', { key: 'handoff:estimate', params: { minutes: 5 } })).toBe(translator.forLanguage('nl')('handoff:estimate', { minutes: 5 }));
    expect(translator.render('ti', { key: 'privacy:stored' })).toBe(translator.forLanguage('ti')('privacy:stored'));
  });

  it('reads a list once and hands out the same, unchangeable list', () => {
    const synonyms = translator.list('nl', 'choices:menu.synonyms');
    expect(synonyms.length).toBeGreaterThan(0);
    expect(translator.list('nl', 'choices:menu.synonyms')).toBe(synonyms);
    expect(Object.isFrozen(synonyms)).toBe(true);
    expect(translator.list('nl', 'choices:no_such_choice.synonyms')).toEqual([]);
  });
});

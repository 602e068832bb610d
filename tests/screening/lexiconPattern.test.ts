import { describe, expect, it } from 'vitest';
import { tokenize } from '../../language/normalize.js';
import { compilePattern, findPattern, LexiconSyntaxError } from '../../screening/LexiconPattern.js';
import { tokenForms } from '../../screening/TokenForms.js';

const matches = (term: string, text: string, transliteration = false) =>
  findPattern(compilePattern(term, { latinIsTransliteration: transliteration }), tokenize(text).map(tokenForms)).length > 0;

describe('lexicon patterns', () => {
  it.each([
    ['stab* me', 'they will stab me', true],
    ['stab* me', 'he stabbed me yesterday', true],
    ['stab* me', 'stab the bread', false],
    ['kill|stab|hurt me', 'they hurt me', true],
    ['kill ... me', 'they will kill you and me', true],
    ['kill ... me', 'kill the lights and then go with me', false],
    ['not safe', "I'm NOT safe!", true],
  ])('%s ~ %s → %s', (term, text, expected) => {
    expect(matches(term, text)).toBe(expected);
  });

  it('strips Arabic clitics and unifies letters', () => {
    expect(matches('سكين', 'هددني بالسكين')).toBe(true);
    expect(matches('يقتل*', 'رح يقتلوني')).toBe(true);
    expect(matches('مساعدة', 'بدي مساعده')).toBe(true);
  });

  it('matches Ethiopic by consonant skeleton, with prefixes and suffixes', () => {
    expect(matches('ቐተለ', 'ክቐትሉኒ እዮም')).toBe(true);
    expect(matches('ቐተለ', 'ቀቲሎም')).toBe(true);
    expect(matches('ሓደጋ', 'ኣብ ሀደጋ ኣለኹ')).toBe(true);
    expect(matches('ቐተለ', 'ቤት ትምህርቲ')).toBe(false);
  });

  it('matches Arabizi and Finglish by skeleton only in the ar/prs lexicons', () => {
    expect(matches('khatar', 'ana b 5atar', true)).toBe(true);
    expect(matches('khatar', 'ana b khatr', true)).toBe(true);
    expect(matches('khatar', 'ana b 5atar', false)).toBe(false);
    // A short skeleton ("sos" → "ss") would match "says" and "sees": such a word must be typed as written.
    expect(matches('sos', 'she says hi', true)).toBe(false);
    expect(matches('sos', 'sos please', true)).toBe(true);
  });

  it('rejects malformed terms with a named error', () => {
    expect(() => compilePattern('... me')).toThrow(LexiconSyntaxError);
    expect(() => compilePattern('me ...')).toThrow(LexiconSyntaxError);
    expect(() => compilePattern('a | b')).toThrow(LexiconSyntaxError);
    expect(() => compilePattern('a|b|c')).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { normalizeForMatching, tokenize } from '../../language/normalize.js';
import { arabiziSkeleton, ethiopicSkeleton } from '../../language/skeletons.js';

describe('normalisation for matching', () => {
  it.each([
    ['ZWNJ', 'می‌خواهم', 'میخواهم'],
    ['space after می', 'می خواهم', 'میخواهم'],
    ['Arabic keyboard ya/kaf in Dari', 'كمك مي خواهم', 'کمک میخواهم'],
    ['diacritics and tatweel', 'خَطَـــر', 'خطر'],
    ['alef variants', 'أنا إلى آخر', 'انا الى اخر'],
    ['ta marbuta', 'مساعدة', 'مساعده'],
    ['Arabic-Indic digits', '١١٢', '112'],
    ['Persian digits', '۱۱۲', '112'],
    ['Ethiopic digits', '፩', '1'],
    ['Arabic punctuation', 'ساعدني، الآن؟', 'ساعدني الان?'],
    ['Ethiopic punctuation', 'ሓገዝ፡ሓገዝ።', 'ሓገዝ ሓገዝ'],
    ['Amharic keyboard letters', 'ሠላም ፀሓይ', 'ሰላም ጸሓይ'],
    ['NFKC and case', 'ＨＥＬＰ Me', 'help me'],
  ])('%s', (_name, a, b) => {
    expect(normalizeForMatching(a)).toBe(normalizeForMatching(b));
  });

  it('tokenises words with Intl.Segmenter, keeping "not" and "now"', () => {
    expect(tokenize("I'm not safe now!")).toEqual(['im', 'not', 'safe', 'now']);
    expect(tokenize('ኣብ ሓደጋ ኣለኹ።')).toEqual(['ኣብ', 'ሓደጋ', 'ኣለኹ']);
    expect(tokenize('ik ben NIET veilig, nu')).toEqual(['ik', 'ben', 'niet', 'veilig', 'nu']);
  });

  it('gives vowel-tolerant skeletons for Ethiopic and Arabizi', () => {
    expect(ethiopicSkeleton('ሓደጋ')).toBe(ethiopicSkeleton('ሀደገ'));
    expect(ethiopicSkeleton('ቐተለ')).toBe(ethiopicSkeleton('ቀቲሉ'));
    expect(arabiziSkeleton('khatar')).toBe(arabiziSkeleton('5atar'));
    expect(arabiziSkeleton('khatr')).toBe(arabiziSkeleton('khater'));
  });
});

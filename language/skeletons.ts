/**
 * Spelling-tolerant keys for matching words whose vowels young people write in many ways.
 *
 * Ethiopic: every syllable (fidel) belongs to a consonant series of 8 code points (ሀ ሁ ሂ ሃ ሄ ህ ሆ ሇ);
 * the skeleton keeps the series and drops the vowel order, and merges the series that Amharic
 * keyboards and young writers mix up (ሀ/ሐ/ኀ/ኸ, ሰ/ሠ, ጸ/ፀ, አ/ዐ, ቀ/ቐ, ከ/ኸ).
 *
 * Arabizi (Arabic in Latin letters): digits stand for Arabic letters (2 ء, 3 ع, 5 خ, 7 ح, 9 ق),
 * digraphs are folded (kh → 5, gh → 3g, sh → $), vowels are dropped: "khatar", "5atar", "khatr" → "5tr".
 */

/** Consonant series merged for matching: series base → canonical letter. */
const MERGED_SERIES = new Map<number, string>([
  [0x1200, 'h'], // ሀ
  [0x1210, 'h'], // ሐ
  [0x1280, 'h'], // ኀ
  [0x12b8, 'k'], // ኸ (Tigrinya kha) — written ከ on Amharic keyboards
  [0x12a8, 'k'], // ከ
  [0x1230, 's'], // ሰ
  [0x1220, 's'], // ሠ
  [0x1338, 'c'], // ጸ (one symbol per consonant: "ts" would count as two)
  [0x1340, 'c'], // ፀ
  [0x12a0, "'"], // አ
  [0x12d0, "'"], // ዐ
  [0x1240, 'q'], // ቀ
  [0x1250, 'q'], // ቐ
]);

const ETHIOPIC_START = 0x1200;
const ETHIOPIC_END = 0x137f;

/** Whether a character is an Ethiopic syllable. */
export function isEthiopic(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code >= ETHIOPIC_START && code <= ETHIOPIC_END;
}

/** The consonant skeleton of an Ethiopic word, one symbol per syllable. */
export function ethiopicSkeleton(word: string): string {
  let out = '';
  for (const char of word) {
    const code = char.codePointAt(0) ?? 0;
    if (code < ETHIOPIC_START || code > 0x135a) continue;
    const base = code - ((code - ETHIOPIC_START) % 8);
    out += MERGED_SERIES.get(base) ?? String.fromCodePoint(base);
  }
  return out;
}

/** The Arabizi skeleton of a Latin-script word. */
export function arabiziSkeleton(word: string): string {
  return word
    .toLowerCase()
    .replace(/kh/g, '5')
    .replace(/gh/g, '8')
    .replace(/sh|ch/g, '$')
    .replace(/th/g, 't')
    .replace(/dh/g, 'd')
    .replace(/ou|oo/g, 'u')
    .replace(/ee/g, 'i')
    .replace(/(.)(?=\1)/g, '') // doubled letters
    .replace(/(?!^)[aeiouy]/g, '');
}

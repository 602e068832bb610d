/**
 * Normalisation of what a young person typed, for matching only: choices, commands, screening.
 * What is shown and stored (the transcript) keeps the original text.
 *
 * - NFKC; Latin lower case; apostrophes dropped ("don't" → "dont").
 * - Arabic script: diacritics and tatweel removed; alef, ya, kaf, hamza-seat and ta-marbuta variants
 *   unified between Arabic and Persian (so ي/ی, ك/ک, ة/ه, أ/إ/آ/ا are one letter each).
 * - Persian ZWNJ: `می‌خواهم`, `می خواهم` and `میخواهم` all become `ميخواهم`; the plural `ها` joins its word.
 * - Digits: Arabic-Indic, Persian and Ethiopic numerals → ASCII.
 * - Punctuation (Latin, Arabic, Ethiopic) → spaces; direction marks removed.
 * - Ethiopic: letters Tigrinya does not use but Amharic keyboards produce (ሠ, ፀ, ኀ series) → Tigrinya forms.
 */

const ARABIC_INDIC_ZERO = 0x0660; // ٠..٩
const PERSIAN_ZERO = 0x06f0; // ۰..۹
const ETHIOPIC_ONE = 0x1369; // ፩..፱ are 1..9 (Ethiopic has no zero digit)

/** Converts Arabic-Indic, Persian and Ethiopic digits (1–9, and ፲ as 10) to ASCII digits. */
export function normalizeDigits(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= ARABIC_INDIC_ZERO && code <= ARABIC_INDIC_ZERO + 9) out += String(code - ARABIC_INDIC_ZERO);
    else if (code >= PERSIAN_ZERO && code <= PERSIAN_ZERO + 9) out += String(code - PERSIAN_ZERO);
    else if (code >= ETHIOPIC_ONE && code <= ETHIOPIC_ONE + 8) out += String(code - ETHIOPIC_ONE + 1);
    else if (code === 0x1372) out += '10'; // ፲
    else out += char;
  }
  return out;
}

/**
 * Arabic, Persian and Ethiopic punctuation → spaces (the question marks → "?"), direction marks
 * removed, spaces collapsed. Keeps Latin punctuation (used by the command and number recognisers).
 */
export function normalizePunctuation(text: string): string {
  return text
    .replace(/[؟፧]/g, '?')
    .replace(/[،؛٫٬፡።፣፤፥፦፨᎐-᎙]/g, ' ')
    .replace(/[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const ARABIC_DIACRITICS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g; // harakat, Quranic marks, tatweel
const ARABIC_LETTERS: Array<[RegExp, string]> = [
  [/[أإآٱ]/g, 'ا'],
  [/[ىیېۍ]/g, 'ي'],
  [/ک/g, 'ك'],
  [/[ةۀە]/g, 'ه'],
  [/ؤ/g, 'و'],
  [/ئ/g, 'ي'],
];

/** Unifies Arabic-script letter variants between Arabic and Persian and removes diacritics. */
export function normalizeArabicScript(text: string): string {
  let out = text.replace(ARABIC_DIACRITICS, '');
  for (const [pattern, replacement] of ARABIC_LETTERS) out = out.replace(pattern, replacement);
  return out;
}

/** Persian ZWNJ and spacing: "می‌خواهم" / "می خواهم" → "میخواهم"; "کتاب ها" → "کتابها". Run after normalizeArabicScript. */
export function normalizeZwnj(text: string): string {
  return text
    .replace(/\u200c/g, '')
    .replace(/(^|\s)(ن?مي)\s+(?=[\u0621-\u06ff])/g, '$1$2')
    .replace(/([\u0621-\u06ff])\s+(هاي?)(?=\s|$)/g, '$1$2');
}

/** Ethiopic series base code points: Amharic-keyboard letter → the Tigrinya letter of the same sound. */
const ETHIOPIC_SERIES: Array<[number, number]> = [
  [0x1220, 0x1230], // ሠ → ሰ
  [0x1340, 0x1338], // ፀ → ጸ
  [0x1280, 0x1210], // ኀ → ሐ
];

/** Maps letters Amharic keyboards produce to the Tigrinya forms (keeping the vowel order). */
export function normalizeEthiopic(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const series = ETHIOPIC_SERIES.find(([from]) => code >= from && code < from + 8);
    out += series ? String.fromCodePoint(series[1] + (code - series[0])) : char;
  }
  return out;
}

/** Everything a choice or command recogniser needs: NFKC, digits, punctuation, letters, lower case. */
export function normalizeForMatching(text: string): string {
  const base = normalizePunctuation(normalizeDigits(text.normalize('NFKC')));
  return normalizeEthiopic(normalizeZwnj(normalizeArabicScript(base))).toLowerCase();
}

/** The same as normalizeForMatching, and also drops surrounding sentence punctuation ("help!" → "help"). */
export function normalizeCommand(text: string): string {
  return normalizeForMatching(text).replace(/^[\s.!?¡¿"'«»“”]+|[\s.!?¡¿"'«»“”]+$/g, '');
}

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** Word tokens of a text, normalised for matching (punctuation dropped, apostrophes removed). */
export function tokenize(text: string): string[] {
  const normal = normalizeForMatching(text).replace(/['’`]/g, '');
  const tokens: string[] = [];
  for (const segment of segmenter.segment(normal)) {
    if (segment.isWordLike) tokens.push(segment.segment);
  }
  return tokens;
}

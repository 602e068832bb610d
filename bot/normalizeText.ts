/**
 * Normalisation of what the young person typed, for matching only (choices, commands, screening).
 * The transcript keeps the original text; only the bot's recognisers see the normalised form.
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
 * Arabic, Persian and Ethiopic punctuation → spaces (or the ASCII sign where it carries meaning for
 * matching, such as the question mark), so "١.", "፩።" and "1." are the same to a recogniser.
 */
export function normalizePunctuation(text: string): string {
  return text
    .replace(/[؟፧]/g, '?')
    .replace(/[،؛٫٬፡።፣፤፥፦፨᎐-᎙]/g, ' ')
    .replace(/[\u200f\u200e\u061c]/g, '') // direction marks
    .replace(/\s+/g, ' ')
    .trim();
}

/** Everything a choice or command recogniser needs: NFKC, digits, punctuation, lower case. */
export function normalizeForMatching(text: string): string {
  return normalizePunctuation(normalizeDigits(text.normalize('NFKC'))).toLowerCase();
}

/** The same as normalizeForMatching, and also drops trailing sentence punctuation ("help!" → "help"). */
export function normalizeCommand(text: string): string {
  return normalizeForMatching(text).replace(/^[\s.!?¡¿"'«»“”]+|[\s.!?¡¿"'«»“”]+$/g, '');
}

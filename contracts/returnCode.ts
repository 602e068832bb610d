/**
 * The return code's shape, shared by the server and the pages: twelve decimal digits, shown in
 * three groups of four ("4821 0937 5562"). Digits are on every phone keyboard of every script
 * Lantern serves; a young person may type them in Arabic-Indic (٠–٩), Persian (۰–۹) or full-width
 * digits, with spaces, dashes or dots between them: `normalizeReturnCode` reads all of these.
 *
 * Entropy: 12 uniformly random digits = 12 × log2(10) ≈ 39.9 bits (10^12 codes). See
 * docs/protocol.md, "Return code", for what that means under the guess rate limits.
 */

/** Digits in a return code. */
export const RETURN_CODE_DIGITS = 12;

/** Digits per group when a code is shown. */
export const RETURN_CODE_GROUP = 4;

/** Longest typed code the channel reads (digits plus generous separators). */
export const RETURN_CODE_MAX_INPUT = 64;

/** The first code point of each run of ten decimal digits a young person's keyboard may give. */
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0xff10, 0x966, 0x9e6];

/** Separators a young person may type between groups (space, dash, dot, underscore, their wide forms). */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212._\u00b7\uff0d\u066b\u066c\u060c,]/gu;

/**
 * The code as twelve ASCII digits, or undefined when the text is not a code: separators dropped,
 * digits of other scripts read as their value. Anything else (a letter, too few or too many digits)
 * makes it not a code.
 */
export function normalizeReturnCode(text: string): string | undefined {
  if (typeof text !== 'string' || text.length > RETURN_CODE_MAX_INPUT) return undefined;
  let digits = '';
  for (const char of text.normalize('NFKC').replace(SEPARATORS, '')) {
    const point = char.codePointAt(0) ?? 0;
    const zero = DIGIT_ZEROS.find((start) => point >= start && point <= start + 9);
    if (zero === undefined) return undefined;
    digits += String(point - zero);
  }
  return digits.length === RETURN_CODE_DIGITS ? digits : undefined;
}

/** A normalised code shown in groups ("482109375562" → "4821 0937 5562"). */
export function formatReturnCode(digits: string): string {
  const groups: string[] = [];
  for (let index = 0; index < digits.length; index += RETURN_CODE_GROUP) groups.push(digits.slice(index, index + RETURN_CODE_GROUP));
  return groups.join(' ');
}

/**
 * Spots personal details a young person may type (phone numbers, e-mail addresses, street
 * addresses, postcodes, dates of birth, case or ID numbers) so the bot can say, gently, that they
 * are not needed. Returns categories only; the text itself is never kept or logged.
 */
import { normalizeDigits } from '../language/normalize.js';
import { loadHelplines } from '../texts/helplines.js';

/** Kinds of personal detail. */
export type PersonalDetailKind = 'phone' | 'email' | 'address' | 'postcode' | 'date_of_birth' | 'id_number';

/** Numbers that are not personal: the help lines the bot itself gives (config/helplines.json), as digits. */
const PUBLIC_NUMBERS = new Set(
  Object.values(loadHelplines())
    .map((line) => (line.phone ?? '').replace(/\D/g, ''))
    .filter((digits) => digits.length > 0),
);

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u;
// 8 or more digits, allowing spaces, dots, dashes and brackets between them, optionally starting with +.
const DIGIT_RUN = /\+?\d[\d\s().-]{6,}\d/g;
const DUTCH_POSTCODE = /\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Za-z]{2}\b/;
const DATE = /\b(0?[1-9]|[12]\d|3[01])[-/.](0?[1-9]|1[0-2])[-/.](19|20)\d{2}\b/;
// Street words in Dutch, English, Arabic, Dari and Tigrinya followed or preceded by a house number.
const STREET_WORD = '(?:straat|str\\.|weg|laan|plein|gracht|kade|singel|dreef|hof|steeg|street|road|avenue|شارع|خیابان|سرک|کوچه|ጎደና|ጽርግያ)';
const ADDRESS = new RegExp(`(?:\\p{L}*${STREET_WORD}\\s*\\d{1,4}\\s?[a-zA-Z]?\\b)|(?:${STREET_WORD}\\s+\\p{L}+\\s+\\d{1,4})`, 'iu');

/** The kinds of personal detail found in a message (empty when none). */
export function findPersonalDetails(text: string): PersonalDetailKind[] {
  const found = new Set<PersonalDetailKind>();
  const plain = normalizeDigits(text.normalize('NFKC'));
  if (EMAIL.test(plain)) found.add('email');
  if (DATE.test(plain)) found.add('date_of_birth');
  for (const match of plain.match(DIGIT_RUN) ?? []) {
    const digits = match.replace(/\D/g, '');
    if (PUBLIC_NUMBERS.has(digits) || PUBLIC_NUMBERS.has(match.trim())) continue;
    if (DATE.test(match)) continue;
    if (digits.length < 8) continue;
    found.add(/^(\+|00|0[1-9]|6)/.test(match.trim()) && digits.length <= 13 ? 'phone' : 'id_number');
  }
  if (DUTCH_POSTCODE.test(plain)) found.add('postcode');
  if (ADDRESS.test(plain)) found.add('address');
  return [...found];
}

import { describe, expect, it } from 'vitest';
import { findPersonalDetails } from '../../bot/personalDetails.js';

describe('findPersonalDetails', () => {
  it.each([
    ['my number is 06 12345678', ['phone']],
    ['call me +31 6 1234 5678', ['phone']],
    ['رقمي ٠٦١٢٣٤٥٦٧٨', ['phone']],
    ['mail me: jan.de.vries@example.nl', ['email']],
    ['ik woon op Kerkstraat 12', ['address']],
    ['I live at Main street 4', ['address']],
    ['postcode 1234 AB', ['postcode']],
    ['born 03-04-2010', ['date_of_birth']],
    ['my V-number is 1234567890', ['id_number']],
  ])('finds %s', (text, kinds) => {
    expect(findPersonalDetails(text)).toEqual(expect.arrayContaining(kinds));
  });

  it.each([
    'call 112 please',
    'Veilig Thuis 0800-2000',
    'I called De Kindertelefoon on 0800-0432',
    'CoMensha 033 448 11 86',
    'I am 15 years old',
    'I owe 3000 euro',
    'ما هي حقوقي',
    'ኣብ ሓደጋ ኣለኹ',
    'help me',
  ])('finds nothing in %s', (text) => {
    expect(findPersonalDetails(text)).toEqual([]);
  });
});

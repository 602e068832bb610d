/**
 * `npm run locales:check`: fails on missing or extra keys, mismatched placeholders or nested texts,
 * a number placeholder without the plural forms its language needs (Arabic zero/one/two/few/many/
 * other, the others one/other), a help-line number, "112" or a link typed into a text instead of
 * coming from config/helplines.json, a sentence too long for a phone, a word against a language's
 * terms (Dari trafficking vs smuggling, the Tigrinya polite plural, the quick exit's own label),
 * missing review records or source notes; prints coverage and unreviewed counts per language.
 * The rules are in texts/localeCheck.ts (tested in tests/texts/localeCheck.test.ts).
 */
import { checkLocales } from '../texts/localeCheck.js';

const { errors, coverage } = checkLocales();
console.log('language  texts  present  reviewed  unreviewed');
for (const c of coverage) {
  const pct = c.expected ? ((100 * c.present) / c.expected).toFixed(1) : '0.0';
  console.log(`${c.language.padEnd(8)}  ${String(c.expected).padStart(5)}  ${`${pct}%`.padStart(7)}  ${String(c.reviewed).padStart(8)}  ${String(c.unreviewed).padStart(10)}`);
}
if (errors.length > 0) {
  console.error(`\n${errors.length} problem(s):`);
  for (const error of errors) console.error(`- ${error}`);
  process.exit(1);
}
console.log('\nAll five languages complete.');

/**
 * `npm run locales:review -- --lang ti [--out file.html]`: writes the review kit of one language,
 * one self-contained HTML file a native speaker works through offline (every text beside English
 * and Dutch, its source note, where the chat uses it, its review state; answers kept in the
 * browser and saved as a JSON file for `npm run locales:review:import`).
 * Default output: .tmp/lantern-review-<lng>.html. `--locales-dir` reads another copy of locales/ (tests).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isLanguage, LANGUAGES } from '../contracts/languages.js';
import { buildReviewKit } from '../texts/reviewKit.js';
import { renderReviewKit } from '../texts/reviewKitHtml.js';

const USAGE = `usage: npm run locales:review -- --lang ${LANGUAGES.join('|')} [--out file.html]`;

let values: { lang?: string; out?: string; 'locales-dir'?: string; help?: boolean };
try {
  ({ values } = parseArgs({ options: { lang: { type: 'string' }, out: { type: 'string' }, 'locales-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(1);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!isLanguage(values.lang)) {
  console.error(`${values.lang ? `unknown language "${values.lang}"` : 'no language'}\n${USAGE}`);
  process.exit(1);
}
const kit = buildReviewKit(values.lang, values['locales-dir'] ? { localesDir: path.resolve(values['locales-dir']) } : {});
const out = path.resolve(values.out ?? path.join('.tmp', `lantern-review-${values.lang}.html`));
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, renderReviewKit(kit));
const items = kit.namespaces.flatMap((ns) => ns.items);
const reviewed = items.filter((item) => item.review.status === 'reviewed').length;
console.log(`${out}`);
console.log(`${items.length} texts in ${kit.namespaces.length} parts (${reviewed} reviewed, ${items.length - reviewed} not yet), ${items.filter((item) => item.source).length} with a source note.`);
console.log('Send this one file to the reviewer; it opens in any browser, also without internet.');
console.log('Their answers file comes back to: npm run locales:review:import -- lantern-review-…json');

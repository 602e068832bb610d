/**
 * `npm run locales:review:import -- answers.json [--dry-run] [--reviewer "role"]`: reads a native
 * speaker's answers file (from the review kit, `npm run locales:review`), checks it against the
 * current texts (language, keys, placeholders kept, and that each text is still the one they saw:
 * otherwise it is stale and skipped), prints old → new for every changed text, and unless
 * --dry-run writes the changed texts into locales/<lng>/<ns>.json and a review record per text
 * into locales/<lng>/review.json. `--reviewer` replaces the name typed in the kit (review.json
 * keeps a role, not a personal detail); `--locales-dir` works on another copy of locales/ (tests).
 * Exit code 1 when the file cannot be used at all.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AnswersFileError, applyAnswers, checkAnswers, describeImport, parseAnswers } from '../texts/reviewKit.js';

const USAGE = 'usage: npm run locales:review:import -- answers.json [--dry-run] [--reviewer "role"] [--locales-dir dir]';

const OPTIONS = { 'dry-run': { type: 'boolean' }, reviewer: { type: 'string' }, 'locales-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
try {
  parsed = parseArgs({ options: OPTIONS, allowPositionals: true });
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(1);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) {
  console.error(USAGE);
  process.exit(1);
}
const dryRun = values['dry-run'] === true;
const localesDir = values['locales-dir'] ? path.resolve(values['locales-dir']) : undefined;
try {
  const file = parseAnswers(readFileSync(positionals[0]!, 'utf8'));
  const check = checkAnswers(file, { ...(values.reviewer ? { reviewer: values.reviewer } : {}), ...(localesDir ? { localesDir } : {}) });
  const result = applyAnswers(check, { dryRun, ...(localesDir ? { localesDir } : {}) });
  console.log(describeImport(check, result, { dryRun, color: process.stdout.isTTY }).join('\n'));
  if (!dryRun && result.files.length) console.log('\nCheck with: npm run locales:check (and restart the server for the dashboard to count the new reviews)');
} catch (error) {
  if (error instanceof AnswersFileError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
    console.error(`${positionals[0]}: ${(error as Error).message}`);
    process.exit(1);
  }
  throw error;
}

/**
 * `npm run --silent classify`: reads UTF-8 messages from stdin, one per line, and writes one JSON
 * object per line: {"lang","danger","intents","scores"} (plus level and categories).
 * For content people checking the lexicons, and for evaluation.
 */
import { createInterface } from 'node:readline';
import { Screener } from '../screening/Screener.js';

const screener = Screener.load();
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  const result = screener.screen(line);
  process.stdout.write(
    `${JSON.stringify({ lang: result.lang, danger: result.danger, intents: result.intents, scores: result.scores, level: result.level, categories: result.categories })}\n`,
  );
}

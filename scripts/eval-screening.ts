/**
 * `npm run eval:screening`: the screening's figures per language on tests/fixtures/screening/.
 * `--verbose` also lists the missed danger messages and the false alarms.
 */
import { evaluate } from '../screening/evaluation.js';
import { Screener } from '../screening/Screener.js';

const loadStarted = performance.now();
const screener = Screener.load();
const loadMs = performance.now() - loadStarted;
const verbose = process.argv.includes('--verbose');
// Warm up before timing, as a long-running server is: the first pass compiles the lexicon terms a
// message needs (lazily) and lets the JIT settle. The figures below are the second pass.
evaluate(screener);
const rows = evaluate(screener);

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`NLP start-up (lexicons + model): ${loadMs.toFixed(1)} ms\n`);
console.log('lang  msgs  danger recall       false danger        intent acc  lang-id (≥3 words)   ms/msg');
for (const r of rows) {
  console.log(
    `${r.language.padEnd(4)}  ${String(r.messages).padStart(4)}  ${pct(r.dangerRecall).padStart(6)} (${String(r.dangerMessages).padStart(3)})  ` +
      `${pct(r.falseDangerRate).padStart(6)} (${String(r.nonDangerMessages).padStart(3)})  ${pct(r.intentAccuracy).padStart(10)}  ` +
      `${pct(r.langIdAccuracy).padStart(6)} (${String(r.langIdMessages).padStart(3)})        ${r.meanMs.toFixed(3)}`,
  );
  if (verbose) {
    for (const text of r.missedDanger) console.log(`      missed: ${text}`);
    for (const text of r.falseDanger) console.log(`      false alarm: ${text}`);
  }
}

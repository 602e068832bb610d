/**
 * `npm run eval:screening`: the screening's figures per language on the held-out sets in
 * tests/fixtures/screening/, and with `--dev` on the development sets in
 * tests/fixtures/screening/dev/ (messy writing, tagged by form), also per form of writing.
 * `--verbose` lists the missed danger messages, the false alarms, wrong languages and intents.
 */
import { DEV_DIR, evaluate, FIXTURES_DIR, type GroupCounts } from '../screening/evaluation.js';
import { Screener } from '../screening/Screener.js';

const loadStarted = performance.now();
const screener = Screener.load();
const loadMs = performance.now() - loadStarted;
const verbose = process.argv.includes('--verbose');
const dir = process.argv.includes('--dev') ? DEV_DIR : FIXTURES_DIR;
// Warm up before timing, as a long-running server is: the first pass compiles the lexicon terms a
// message needs (lazily) and lets the JIT settle. The figures below are the second pass.
evaluate(screener, dir);
const rows = evaluate(screener, dir);

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ratio = (hits: number, total: number) => (total ? `${pct(hits / total)} (${hits}/${total})` : '—');
console.log(`set: ${dir === DEV_DIR ? 'development (tests/fixtures/screening/dev)' : 'held-out (tests/fixtures/screening)'}`);
console.log(`NLP start-up (lexicons + model): ${loadMs.toFixed(1)} ms\n`);
console.log('lang  msgs  danger recall       false danger        signal recall  intent acc  lang-id (≥3 words)   ms/msg');
for (const r of rows) {
  if (r.messages === 0) continue;
  console.log(
    `${r.language.padEnd(4)}  ${String(r.messages).padStart(4)}  ${pct(r.dangerRecall).padStart(6)} (${String(r.dangerMessages).padStart(3)})  ` +
      `${pct(r.falseDangerRate).padStart(6)} (${String(r.nonDangerMessages).padStart(3)})  ${pct(r.signalRecall).padStart(13)}  ${pct(r.intentAccuracy).padStart(10)}  ` +
      `${pct(r.langIdAccuracy).padStart(6)} (${String(r.langIdMessages).padStart(3)})        ${r.meanMs.toFixed(3)}`,
  );
}

if (dir === DEV_DIR) {
  console.log('\nper form: danger recall · false danger · language id');
  const forms = [...new Set(rows.flatMap((r) => Object.keys(r.byForm)))].sort();
  for (const form of forms) {
    const cells = rows.filter((r) => r.byForm[form]).map((r) => {
      const c = r.byForm[form] as GroupCounts;
      return `${r.language}: ${ratio(c.dangerHits, c.dangerMessages)} · ${ratio(c.falseDanger, c.nonDangerMessages)} · ${ratio(c.langIdHits, c.langIdMessages)}`;
    });
    console.log(`${form.padEnd(13)} ${cells.join('   ')}`);
  }
}

if (verbose) {
  for (const r of rows) {
    if (r.messages === 0) continue;
    console.log(`\n${r.language}`);
    for (const text of r.missedDanger) console.log(`  missed: ${text}`);
    for (const text of r.falseDanger) console.log(`  false alarm: ${text}`);
    for (const text of r.wrongLanguage) console.log(`  language: ${text}`);
    for (const text of r.wrongIntent) console.log(`  intent: ${text}`);
  }
}

/**
 * Writes a scenario's results: `<out>/<date>-<scenario>.json` (everything: the machine, the
 * options, the parameters, every round's figures and the summary) and the same name `.md` (its
 * table). A quick run's files end in `-quick`, so a smoke run never replaces a measurement.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Environment } from '../environment.js';
import type { BenchOptions } from '../options.js';
import type { ScenarioRun } from '../BenchSession.js';
import type { ScenarioSummary } from './summary.js';

/** Everything a results file holds. */
export interface ScenarioResults {
  environment: Environment;
  options: BenchOptions;
  run: ScenarioRun;
  summary: ScenarioSummary;
  markdown: string;
}

/** Writes the JSON and Markdown files; returns the JSON file's path. */
export function writeResults(results: ScenarioResults): string {
  mkdirSync(results.options.outDir, { recursive: true });
  const base = `${results.environment.date.slice(0, 10)}-${results.run.scenario}${results.options.quick ? '-quick' : ''}`;
  const file = path.join(results.options.outDir, `${base}.json`);
  // NaN is not JSON: written as null.
  writeFileSync(file, `${JSON.stringify(results, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`);
  writeFileSync(path.join(results.options.outDir, `${base}.md`), `${results.markdown}\n`);
  return file;
}

/**
 * The layering of the code (docs/architecture.md, "Folders and layers"), checked over the import
 * graph: a file may import from its own folder and from folders on lower layers only. No exceptions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../helpers/sourceFiles.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Layer of each top-level folder of product code: higher layers may import lower ones. */
export const LAYERS: Record<string, number> = {
  scripts: 9,
  server: 8,
  bot: 7,
  dialogs: 6,
  handoff: 5,
  privacy: 5,
  metrics: 4,
  screening: 4,
  directline: 4,
  staff: 4,
  pages: 4,
  audit: 3,
  language: 2,
  texts: 2,
  jobs: 2,
  contracts: 1,
};
/** The pages run in the browser: they may import only the shared contracts (and the texts' JSON). */
const PAGES = 'web';
const PAGE_MAY_IMPORT = new Set(['contracts', 'locales']);

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Every relative import of product code, as [from folder, to folder, file]. */
function imports(): Array<{ from: string; to: string; file: string; spec: string }> {
  const found: Array<{ from: string; to: string; file: string; spec: string }> = [];
  for (const top of [...Object.keys(LAYERS), PAGES]) {
    for (const file of sourceFiles(path.join(ROOT, top))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2] ?? '';
        const target = path.relative(ROOT, path.resolve(path.dirname(file), spec)).split(path.sep)[0] ?? '';
        if (target !== top) found.push({ from: top, to: target, file: path.relative(ROOT, file), spec });
      }
    }
  }
  return found;
}

describe('layering', () => {
  const all = imports();

  it('reads the import graph (the check can fail)', () => {
    expect(all.length).toBeGreaterThan(50);
    expect(all.some((i) => i.from === 'server' && i.to === 'bot')).toBe(true);
  });

  it('no import runs against the layers', () => {
    const against = all.filter((i) => i.from !== PAGES && !(LAYERS[i.to] !== undefined && LAYERS[i.to]! < LAYERS[i.from]!));
    expect(against.map((i) => `${i.file} → ${i.spec}`)).toEqual([]);
  });

  it('the pages import only the shared contracts', () => {
    const against = all.filter((i) => i.from === PAGES && !PAGE_MAY_IMPORT.has(i.to));
    expect(against.map((i) => `${i.file} → ${i.spec}`)).toEqual([]);
  });
});

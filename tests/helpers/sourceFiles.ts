/** The source files of a folder of product code, for the architecture tests. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every .ts and .mjs file under `dir` (not .d.ts; not node_modules, dist or the trained model). */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'model') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

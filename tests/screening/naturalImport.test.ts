/**
 * Guards the way natural is loaded: only the Bayes classifier by its subpath. The package root loads
 * about 120 MB, takes close to a second, and runs dotenv on the environment.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (['node_modules', 'dist', '.git', 'data', '.tmp'].includes(name)) return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|js|mjs|cjs)$/.test(name) ? [full] : [];
  });
}

describe('natural', () => {
  it('is never imported by its package root', () => {
    const offenders = sourceFiles(ROOT).filter((file) => /(from\s+|require\(\s*)['"]natural['"]/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('loading the screening loads neither natural/index nor dotenv', () => {
    const script = `
      const { Screener } = await import('./screening/Screener.ts');
      Screener.load().screen('they will stab me');
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({
        index: loaded.some((k) => k.endsWith(path.join('natural', 'lib', 'natural', 'index.js'))),
        dotenv: loaded.some((k) => k.includes(path.sep + 'dotenv' + path.sep)),
        natural: loaded.filter((k) => k.includes(path.sep + 'natural' + path.sep)).length,
      }));`.replace(/path\.join\(([^)]*)\)/g, "'natural/lib/natural/index.js'").replace(/path\.sep \+ '(\w+)' \+ path\.sep/g, "'/$1/'");
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    const report = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { index: boolean; dotenv: boolean; natural: number };
    expect(report.index).toBe(false);
    expect(report.dotenv).toBe(false);
    expect(report.natural).toBeGreaterThan(0);
    expect(report.natural).toBeLessThan(40);
  });
});

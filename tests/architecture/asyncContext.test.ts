/**
 * No product code keeps context in an async scope (AsyncLocalStorage, async_hooks): with one, Node
 * runs its promise hooks on every promise of the process, which made a tenth of what a busy server
 * allocated (docs/performance.md). What belongs to a turn is kept on the turn (texts/textLog.ts,
 * directline/turnPrefetch.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../helpers/sourceFiles.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('no async context in product code', () => {
  // The product's folders (tests/architecture/layering.test.ts lists them with their layers).
  const folders = ['server', 'bot', 'dialogs', 'handoff', 'privacy', 'metrics', 'screening', 'directline', 'staff', 'pages', 'audit', 'language', 'texts', 'jobs', 'contracts'];
  const files = folders.flatMap((top) => sourceFiles(path.join(ROOT, top)));

  it('reads the product files (the check can fail)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((file) => /AsyncLocalStorage/.test(readFileSync(file, 'utf8')))).toBe(true); // texts/textLog.ts says why not
  });

  it('no file imports async_hooks or makes an AsyncLocalStorage', () => {
    const offending = files.filter((file) => {
      const text = readFileSync(file, 'utf8');
      return /from\s+['"](node:)?async_hooks['"]/.test(text) || /new\s+AsyncLocalStorage\b/.test(text);
    });
    expect(offending.map((file) => path.relative(ROOT, file))).toEqual([]);
  });
});

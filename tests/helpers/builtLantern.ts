/**
 * A whole Lantern for browser tests: the pages built into a temporary folder, the server on the
 * test Redis under its own key prefix, open around the clock; `close()` stops it and removes the
 * folders the test collected in `tempDirs`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWeb } from '../../scripts/build-web.js';
import type { LanternConfig } from '../../server/config.js';
import type { LanternInstance } from '../../server/Lantern.js';
import { startTestLantern } from './testLantern.js';

/** Where browser tests put their screenshots (gitignored). */
export const ARTIFACTS = path.resolve('tests/artifacts');

/** Builds the pages and starts Lantern on `redisUrl` under the key prefix `prefix`, with `config` over the test defaults. */
export async function startBuiltLantern(redisUrl: string, prefix: string, tempDirs: string[], config: Partial<LanternConfig> = {}): Promise<LanternInstance> {
  const distDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-web-'));
  tempDirs.push(distDir);
  await buildWeb({ outDir: distDir, log: false });
  mkdirSync(ARTIFACTS, { recursive: true });
  return startTestLantern(prefix, { redisUrl, ...config }, { webDistDir: distDir });
}

/** Stops `lantern` (if it started) and removes `tempDirs`. */
export async function stopBuiltLantern(lantern: LanternInstance | undefined, tempDirs: string[]): Promise<void> {
  await lantern?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

/**
 * The server process runs with Node's flags from config/node-flags.json wherever it is started:
 * `npm start` (scripts/start.mjs), the Dockerfile, and the load benchmark's targets (so that the
 * benchmark measures the server as it runs). Node itself must accept every one of them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const { server: flags } = JSON.parse(read('config/node-flags.json')) as { server: string[] };

describe('Node flags of the server', () => {
  it('are a list Node accepts', () => {
    expect(flags.length).toBeGreaterThan(0);
    expect(() => execFileSync(process.execPath, [...flags, '-e', '0'], { stdio: 'pipe' })).not.toThrow();
  });

  it('are the ones the Dockerfile starts the server with', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    const argv = JSON.parse(cmd ?? '[]') as string[];
    expect(argv).toEqual(['node', ...flags, '--import', 'tsx', 'server/main.ts']);
  });

  it('are read by npm start and by the benchmark\'s targets', () => {
    expect(read('scripts/start.mjs')).toMatch(/config\/node-flags\.json[\s\S]*spawn\(process\.execPath, \[\.\.\.nodeFlags, '--import', 'tsx', 'server\/main\.ts'\]/);
    expect(read('scripts/bench-load/targets/TargetProcess.ts')).toMatch(/config\/node-flags\.json[\s\S]*forkTs<[^>]+>\(CHILD, \[[^\]]*\], \{\}, nodeFlags\.server\)/);
  });
});

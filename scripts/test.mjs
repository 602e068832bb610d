// `npm test`: installs what is missing (npm packages; Debian's redis-server, chromium and
// fonts-noto-core), type-checks, checks the locales, builds the chat page, then runs every test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { ensureNodeModules, ensureSystemPackages } from './ensure-system.mjs';

function run(command, args) {
  execFileSync(command, args, { stdio: 'inherit' });
}

try {
  ensureNodeModules();
  if (!ensureSystemPackages(['redis-server', 'chromium', 'fonts-noto-core'])) process.exit(1);
  run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  run('npx', ['tsc', '--noEmit', '-p', 'web/tsconfig.json']);
  run('npx', ['tsx', 'scripts/locales-check.ts']);
  run('npx', ['tsx', 'scripts/build-web.ts']);
  mkdirSync('.tmp', { recursive: true });
  const report = '.tmp/vitest-report.json';
  let failed = false;
  try {
    run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
  } catch {
    failed = true;
  }
  if (existsSync(report)) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = JSON.parse(readFileSync(report, 'utf8'));
    // The plain closing line CI reads.
    console.log(`\nTests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped`);
  }
  if (failed) process.exit(1);
} catch {
  process.exit(1);
}

// `npm start`: installs what is missing (npm packages; Debian's redis-server when REDIS_URL is unset),
// builds the chat page when its sources changed, then runs the server (server/main.ts).
// Plain JavaScript so it runs before `npm install`.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ensureNodeModules, ensureSystemPackages } from './ensure-system.mjs';
import { webBuildIsStale } from './web-build-state.mjs';

ensureNodeModules();
if (!process.env.REDIS_URL && !ensureSystemPackages(['redis-server'])) process.exit(1);
if (webBuildIsStale()) execFileSync('npx', ['tsx', 'scripts/build-web.ts'], { stdio: 'inherit' });

// Node's flags for the server process (config/node-flags.json; docs/deployment.md says why).
const { server: nodeFlags } = JSON.parse(readFileSync(new URL('../config/node-flags.json', import.meta.url), 'utf8'));
const server = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'server/main.ts'], { stdio: 'inherit' });
const forward = (signal) => server.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

/**
 * `npm run bench:load`: the load benchmark. Three targets side by side, driven by one load
 * generator in its own process, interleaved in rounds:
 *
 * - full: Lantern as `npm start` runs it (startLantern), in a process of its own;
 * - echo: Lantern's Direct Line channel alone, with an echo bot;
 * - floor: Fastify + @fastify/websocket, one XADD per message, on the same URLs;
 *
 * each on a private redis-server of its own, started once and shared by the scenarios. Scenarios: throughput, surge, idle, think, handoff
 * (see docs/performance.md). Prints a Markdown table per scenario and writes the results to
 * bench/results/<date>-<scenario>.json.
 */
import { BenchSession } from './BenchSession.js';
import { environment, warnings } from './environment.js';
import { parseOptions, USAGE } from './options.js';
import { PLANS } from './plans/index.js';
import { scenarioMarkdown } from './report/markdown.js';
import { writeResults } from './report/results.js';
import { summarize } from './report/summary.js';

const options = parseOptions(process.argv.slice(2));
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const env = environment();
process.stderr.write(`Lantern load benchmark: ${env.cpus} × ${env.cpuModel}, load ${env.loadAverage.join(' ')}, ulimit -n ${env.openFilesLimit}, ports ${env.ephemeralPorts}\n`);

const session = new BenchSession(options);
// Ctrl+C: stop the targets and the generator (their redis-servers too) before leaving.
process.once('SIGINT', () => void session.close().finally(() => process.exit(130)));
try {
  for (const name of options.scenarios) {
    const plan = PLANS[name];
    if (plan.targets(options.targets).length === 0) {
      process.stderr.write(`${name}: none of the selected targets applies (skipped)\n`);
      continue;
    }
    for (const warning of warnings(env, plan.webSockets(plan.params(options)))) process.stderr.write(`${name}: warning: ${warning}\n`);
    process.stderr.write(`${name}${options.quick ? ' (quick)' : ''}\n`);
    const run = await session.run(plan);
    const summary = summarize(plan, run);
    const markdown = scenarioMarkdown(plan, run, summary);
    const file = writeResults({ environment: { ...env, date: new Date().toISOString() }, options, run, summary, markdown });
    console.log(`\n${markdown}\n\n(${file})\n`);
  }
} finally {
  await session.close();
}

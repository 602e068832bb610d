/**
 * Entry point of the load generator's own process (forked by the orchestrator, never inside a
 * target's process): runs one scenario against one target per `run` request and answers with its
 * figures. Readings of the target (`snapshot`) and target-side setup (`createCounsellor`) are
 * asked of the orchestrator.
 */
import { IpcPeer, processEndpoint } from '../ipc.js';
import type { RunRequest } from '../messages.js';
import { loadExampleTexts } from './exampleTexts.js';
import { HttpClient } from './HttpClient.js';
import { Probe } from './Probe.js';
import { Random } from './random.js';
import { SCENARIOS } from './scenarios/index.js';

// The orchestrator went away: stop.
process.on('disconnect', () => process.exit(1));

const texts = loadExampleTexts();

/** Runs one scenario against one target. */
async function run(request: RunRequest): Promise<unknown> {
  const http = new HttpClient(request.target.url);
  try {
    return await SCENARIOS[request.scenario](
      {
        target: request.target,
        http,
        probe: new Probe(peer),
        texts,
        random: new Random(request.seed),
        orchestrator: peer,
        log: (line) => process.stderr.write(`    [${request.target.kind}] ${line}\n`),
      },
      request.params,
    );
  } finally {
    http.close();
  }
}

const peer = new IpcPeer(processEndpoint(), {
  run: (request: RunRequest) => run(request),
  stop: () => {
    setImmediate(() => process.exit(0));
  },
});
await peer.request('ready');

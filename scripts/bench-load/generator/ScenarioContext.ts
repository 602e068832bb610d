/**
 * What every scenario of the generator is given: the target, an HTTP client for it, readings of
 * its cost, the example texts, a seeded random source and the orchestrator (for target-side setup).
 */
import type { IpcPeer } from '../ipc.js';
import type { TargetKind } from '../messages.js';
import type { ExampleTexts } from './exampleTexts.js';
import type { HttpClient } from './HttpClient.js';
import type { Probe } from './Probe.js';
import type { Random } from './random.js';

/** A scenario's surroundings for one run against one target. */
export interface ScenarioContext {
  target: { kind: TargetKind; url: string };
  http: HttpClient;
  probe: Probe;
  texts: ExampleTexts;
  random: Random;
  /** The orchestrator, for requests other than readings (e.g. `createCounsellor`). */
  orchestrator: IpcPeer;
  /** A progress line on stderr. */
  log(line: string): void;
}

/** A scenario: runs against the context's target with its parameters, resolves with its figures (JSON). */
export type Scenario<Params, Result> = (context: ScenarioContext, params: Params) => Promise<Result>;

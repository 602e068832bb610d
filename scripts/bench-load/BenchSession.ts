/**
 * One benchmark run: the targets (each a redis-server and a server process) and the load
 * generator (a process of its own), started once and shared by the scenarios, and the rounds of
 * each scenario. In every round the scenario runs against each target in that round's order, one
 * target at a time; the generator's readings go to the target it is running against.
 *
 * A target is started the first time a scenario needs it, with that scenario's target options
 * (counsellors on duty or not), so the handoff scenario's full target is a second one.
 */
import { fileURLToPath } from 'node:url';
import { forkTs, stopChild, type ForkedChild } from './childProcess.js';
import { sleep } from './generator/crowd.js';
import type { RunRequest, TargetKind } from './messages.js';
import type { BenchOptions } from './options.js';
import type { ScenarioPlan } from './plans/ScenarioPlan.js';
import { roundOrder } from './rotation.js';
import type { CounsellorAccount } from './targets/RunningTarget.js';
import { TargetProcess } from './targets/TargetProcess.js';

const GENERATOR = fileURLToPath(new URL('./generator/generatorChild.ts', import.meta.url));
/** Pause between two runs, so that closed connections and the last run's work settle. */
const PAUSE_MS = 3_000;

/** One run of one target in one round. */
export interface TargetRun {
  round: number;
  target: TargetKind;
  /** The scenario's figures (undefined when it failed). */
  result?: unknown;
  error?: string;
  seconds: number;
}

/** A scenario's runs. */
export interface ScenarioRun {
  scenario: ScenarioPlan['name'];
  targets: TargetKind[];
  rounds: number;
  params: unknown;
  runs: TargetRun[];
}

/** The targets and the generator of one benchmark run. */
export class BenchSession {
  /** Started targets by kind and options. */
  private readonly targets = new Map<string, Promise<TargetProcess>>();
  private generator: Promise<ForkedChild<unknown>> | undefined;
  /** The target the generator is running against. */
  private current: TargetProcess | undefined;

  constructor(private readonly options: BenchOptions) {}

  /** Runs `plan` against the selected targets it applies to, in rounds. */
  async run(plan: ScenarioPlan): Promise<ScenarioRun> {
    const kinds = plan.targets(this.options.targets);
    const rounds = this.options.rounds ?? (this.options.quick ? 1 : plan.defaultRounds);
    const params = plan.params(this.options);
    const startedAt = performance.now();
    const [generator, ...started] = await Promise.all([this.startGenerator(), ...kinds.map((kind) => this.target(kind, plan.counsellorsOnDuty))]);
    process.stderr.write(`  targets and generator ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`);
    const runs: TargetRun[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      for (const kind of roundOrder(kinds, round - 1)) {
        const target = started[kinds.indexOf(kind)]!;
        process.stderr.write(`  ${plan.name} round ${round}/${rounds}: ${kind}\n`);
        const request: RunRequest = { scenario: plan.name, target: { kind, url: target.url }, params, seed: this.options.seed * 1_000 + round };
        const run: TargetRun = { round, target: kind, seconds: 0 };
        const runStarted = performance.now();
        this.current = target;
        try {
          run.result = await generator.peer.request('run', request);
        } catch (error) {
          run.error = (error as Error).message;
          process.stderr.write(`    failed: ${run.error}\n`);
        } finally {
          this.current = undefined;
        }
        run.seconds = (performance.now() - runStarted) / 1000;
        runs.push(run);
        await sleep(this.options.quick ? PAUSE_MS / 3 : PAUSE_MS);
      }
    }
    return { scenario: plan.name, targets: kinds, rounds, params, runs };
  }

  /** Stops the generator and every target that started. */
  async close(): Promise<void> {
    const generator = await this.generator?.catch(() => undefined);
    if (generator) await stopChild(generator);
    const targets = await Promise.allSettled(this.targets.values());
    await Promise.all(targets.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.stop() : undefined)));
  }

  private target(kind: TargetKind, counsellorsOnDuty: boolean): Promise<TargetProcess> {
    const key = `${kind}:${counsellorsOnDuty ? 'on duty' : 'off duty'}`;
    let target = this.targets.get(key);
    if (!target) {
      target = TargetProcess.start(kind, { logLevel: this.options.logLevel, counsellorsOnDuty });
      this.targets.set(key, target);
    }
    return target;
  }

  private startGenerator(): Promise<ForkedChild<unknown>> {
    const current = () => {
      if (!this.current) throw new Error('no target is being run');
      return this.current;
    };
    this.generator ??= forkTs(GENERATOR, [], {
      snapshot: (payload: { gc?: boolean } | null) => current().snapshot(payload?.gc === true),
      createCounsellor: (account: CounsellorAccount) => current().createCounsellor(account),
      handoffEnqueuedAt: (conversationIds: string[]) => current().handoffEnqueuedAt(conversationIds),
    });
    return this.generator;
  }
}

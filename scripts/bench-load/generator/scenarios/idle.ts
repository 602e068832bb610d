/**
 * Idle conversations: what open but silent conversations cost. One young person is active (they
 * take `probeTurns` turns, one every `probePauseMs`); first with no other conversation open, then
 * with each number in `levels` open (token + conversation + WebSocket, then nothing). At each step:
 * the server's memory after garbage collection (its growth per open conversation), what the
 * silence costs per second (keep-alives: CPU, Redis calls), and the active young person's turn latency.
 */
import { distribution, type Distribution } from '../../stats.js';
import { behaviourOf, type BehaviourParams } from '../behaviour.js';
import { inParallel, sleep } from '../crowd.js';
import { DirectLineConversation } from '../DirectLineConversation.js';
import { usageBetween, type Usage } from '../Probe.js';
import type { Scenario, ScenarioContext } from '../ScenarioContext.js';
import { YoungPerson } from '../YoungPerson.js';

/** Parameters of the idle scenario. */
export interface IdleParams extends BehaviourParams {
  /** Open conversations to measure with, ascending (e.g. 2 000, 5 000). */
  levels: number[];
  /** Turns of the active young person per step. */
  probeTurns: number;
  probePauseMs: number;
  /** Length of the silent window per step (at least one keep-alive round: 15 s). */
  idleWindowS: number;
}

/** One step. */
export interface IdleStep {
  /** Silent conversations open. */
  open: number;
  /** Arrivals that failed while opening them, by code. */
  failures: Record<string, number>;
  /** Server RSS and V8 heap after garbage collection, once the RSS has stopped falling (see targetChild), before the silent window (MiB). */
  rssMiB: number;
  heapMiB: number;
  /** Growth since the step with none open, per open conversation (KiB; NaN for that step). */
  rssKiBPerConversation: number;
  heapKiBPerConversation: number;
  /** The silent window (units 0): server CPU and Redis calls per second. */
  idle: Usage;
  /** The active young person's turn latency (ms). */
  turn: Distribution;
}

/** Its figures. */
export interface IdleResult {
  steps: IdleStep[];
}

const MiB = 1024 * 1024;

/** Measures one step: memory after GC, the silent window, then the active young person's turns. */
async function measureStep(context: ScenarioContext, params: IdleParams, active: YoungPerson, open: number, failures: Record<string, number>, baseline?: IdleStep): Promise<IdleStep> {
  const before = await context.probe.take(true);
  await sleep(params.idleWindowS * 1000);
  const after = await context.probe.take();
  const latencies: number[] = [];
  for (let i = 0; i < params.probeTurns; i += 1) {
    const turn = await active.takeTurn();
    if (turn.replies && turn.replies.count > 0) latencies.push(turn.replies.lastAt - turn.postedAt);
    await sleep(params.probePauseMs);
  }
  const rssMiB = before.target.server.rssBytes / MiB;
  const heapMiB = before.target.server.heapUsedBytes / MiB;
  const perConversation = (now: number, then: number | undefined) => (then === undefined || open === 0 ? NaN : ((now - then) * 1024) / open);
  return {
    open,
    failures,
    rssMiB,
    heapMiB,
    rssKiBPerConversation: perConversation(rssMiB, baseline?.rssMiB),
    heapKiBPerConversation: perConversation(heapMiB, baseline?.heapMiB),
    idle: usageBetween(before, after, 0),
    turn: distribution(latencies),
  };
}

/** Runs the idle scenario. */
export const idle: Scenario<IdleParams, IdleResult> = async (context, params) => {
  const behaviour = behaviourOf(context, params);
  const active = await YoungPerson.arrive(context.http, 0, context.random.fork(0), behaviour);
  const silent: DirectLineConversation[] = [];
  const steps: IdleStep[] = [];
  try {
    const baseline = await measureStep(context, params, active, 0, {});
    steps.push(baseline);
    for (const level of params.levels) {
      const { results, failures } = await inParallel(level - silent.length, params.arrivalConcurrency, async () => {
        const conversation = await DirectLineConversation.start(context.http);
        await conversation.openStream(params.timeoutMs);
        return conversation;
      });
      silent.push(...results);
      context.log(`${silent.length} silent conversations open`);
      steps.push(await measureStep(context, params, active, silent.length, failures, baseline));
    }
  } finally {
    active.leave();
    for (const conversation of silent) conversation.close();
  }
  return { steps };
};

/**
 * Think time: young people who read and think between messages (a random pause between
 * `thinkMs[0]` and `thinkMs[1]` before each one), in growing numbers (`levels`, e.g. 500 → 1 000 →
 * 2 000 → 5 000 → 8 000; each level adds young people to those already there). Each level is
 * measured for `durationS` once everyone has arrived; it passes when the turn latency p99 is under
 * `p99LimitMs`, at most `maxFailedShare` of the turns failed, and everyone could arrive. The ramp stops
 * at the first level that fails; the answer is the largest level that passed.
 */
import { setMaxListeners } from 'node:events';
import { behaviourOf, type BehaviourParams } from '../behaviour.js';
import { sleep } from '../crowd.js';
import type { Turn } from '../DirectLineConversation.js';
import { usageBetween, type Usage } from '../Probe.js';
import type { Scenario } from '../ScenarioContext.js';
import { turnFigures, type TurnFigures } from '../turnFigures.js';
import { YoungPerson } from '../YoungPerson.js';

/** Parameters of the think-time scenario. */
export interface ThinkParams extends BehaviourParams {
  levels: number[];
  durationS: number;
  thinkMs: [number, number];
  p99LimitMs: number;
  maxFailedShare: number;
}

/** One level of the ramp. */
export interface ThinkLevel {
  people: number;
  arrivalFailures: Record<string, number>;
  turns: TurnFigures;
  /** Per unit = per turn. */
  usage: Usage;
  passed: boolean;
  /** Why it failed. */
  reason?: string;
}

/** Its figures. */
export interface ThinkResult {
  levels: ThinkLevel[];
  /** The largest level that passed (0: none). */
  largestPassing: number;
}

/** Why a level fails, or undefined when it passes. */
function verdict(level: Omit<ThinkLevel, 'passed' | 'reason'>, params: ThinkParams, wanted: number): string | undefined {
  const { turns } = level;
  if (level.people < wanted) return `${wanted - level.people} could not arrive`;
  if (turns.turns === 0) return 'no turn completed';
  if (!(turns.latency.p99 < params.p99LimitMs)) return `p99 ${turns.latency.p99.toFixed(0)} ms`;
  const failedShare = (turns.failed + turns.noReply) / (turns.turns + turns.failed + turns.noReply);
  if (failedShare > params.maxFailedShare) return `${(failedShare * 100).toFixed(1)} % of turns failed`;
  return undefined;
}

/** Runs the think-time scenario. */
export const think: Scenario<ThinkParams, ThinkResult> = async (context, params) => {
  const behaviour = behaviourOf(context, params);
  const [minThink, maxThink] = params.thinkMs;
  const people: YoungPerson[] = [];
  const loops: Promise<void>[] = [];
  const turns: Turn[] = [];
  const levels: ThinkLevel[] = [];
  const stop = new AbortController();
  // Every young person's pause listens to it.
  setMaxListeners(Infinity, stop.signal);
  const live = async (person: YoungPerson, index: number) => {
    const random = context.random.fork(1_000_000 + index);
    // The first pause is anywhere in [0, max]: arrivals do not all speak at once.
    await sleep(random.between(0, maxThink), stop.signal);
    while (!stop.signal.aborted) {
      turns.push(await person.takeTurn());
      await sleep(random.between(minThink, maxThink), stop.signal);
    }
  };
  try {
    for (const wanted of params.levels) {
      const { results, failures } = await YoungPerson.crowd(context.http, { first: people.length, total: wanted - people.length }, params.arrivalConcurrency, context.random, behaviour);
      for (const person of results) loops.push(live(person, people.push(person) - 1));
      context.log(`${people.length} young people thinking`);
      // Everyone (also who just arrived) is in their rhythm after one longest pause.
      await sleep(maxThink);
      const before = await context.probe.take();
      await sleep(params.durationS * 1000);
      const after = await context.probe.take();
      const figures = turnFigures(turns, before.at, after.at);
      const measured = { people: people.length, arrivalFailures: failures, turns: figures, usage: usageBetween(before, after, figures.turns) };
      const reason = verdict(measured, params, wanted);
      levels.push({ ...measured, passed: reason === undefined, ...(reason ? { reason } : {}) });
      context.log(`${wanted}: ${reason ?? 'passed'}`);
      if (reason) break;
    }
  } finally {
    stop.abort();
    await Promise.all(loops);
    for (const person of people) person.leave();
  }
  return { levels, largestPassing: Math.max(0, ...levels.filter((level) => level.passed).map((level) => level.people)) };
};

/**
 * Throughput: `people` young people type without pause (each sends the next message as soon as
 * the bot's replies to the previous one have stopped), walking the dialog tree in five languages.
 * After `warmupS`, a window of `durationS` is measured: turns per second, turn latency, and what
 * the turns cost the server and Redis.
 */
import { behaviourOf, type BehaviourParams } from '../behaviour.js';
import { sleep } from '../crowd.js';
import type { Turn } from '../DirectLineConversation.js';
import { usageBetween, type Usage } from '../Probe.js';
import type { Scenario } from '../ScenarioContext.js';
import { turnFigures, type TurnFigures } from '../turnFigures.js';
import { YoungPerson } from '../YoungPerson.js';

/** Parameters of the throughput scenario. */
export interface ThroughputParams extends BehaviourParams {
  people: number;
  warmupS: number;
  durationS: number;
}

/** Its figures. */
export interface ThroughputResult {
  people: number;
  arrivalFailures: Record<string, number>;
  turns: TurnFigures;
  /** Per unit = per turn. */
  usage: Usage;
}

/** Runs the throughput scenario. */
export const throughput: Scenario<ThroughputParams, ThroughputResult> = async (context, params) => {
  const behaviour = behaviourOf(context, params);
  const { results: people, failures } = await YoungPerson.crowd(context.http, { first: 0, total: params.people }, params.arrivalConcurrency, context.random, behaviour);
  context.log(`${people.length} young people typing`);
  const turns: Turn[] = [];
  let running = true;
  const loops = people.map(async (person) => {
    while (running) turns.push(await person.takeTurn());
  });
  await sleep(params.warmupS * 1000);
  const before = await context.probe.take();
  await sleep(params.durationS * 1000);
  const after = await context.probe.take();
  running = false;
  await Promise.all(loops);
  for (const person of people) person.leave();
  const figures = turnFigures(turns, before.at, after.at);
  return { people: people.length, arrivalFailures: failures, turns: figures, usage: usageBetween(before, after, figures.turns) };
};

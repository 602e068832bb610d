/**
 * The parameters of how simulated young people behave, shared by the scenarios that take turns.
 */
import type { ScenarioContext } from './ScenarioContext.js';
import type { Behaviour } from './YoungPerson.js';

/** Behaviour parameters (JSON, from the orchestrator). */
export interface BehaviourParams {
  /** Share of turns typed instead of tapped (0..1). */
  typedShare: number;
  /** A turn is over for the young person this long after its last reply (ms). */
  quietMs: number;
  /** A turn (or an arrival) without an answer is given up after this long (ms). */
  timeoutMs: number;
  /** Young people arriving at the same time while a scenario sets up. */
  arrivalConcurrency: number;
}

/** The behaviour of the context's young people. */
export function behaviourOf(context: ScenarioContext, params: BehaviourParams): Behaviour {
  return { texts: context.texts, typedShare: params.typedShare, quietMs: params.quietMs, timeoutMs: params.timeoutMs };
}

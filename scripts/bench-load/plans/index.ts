/**
 * Every scenario's plan, by name.
 */
import type { ScenarioName } from '../messages.js';
import { handoffPlan } from './handoff.js';
import { idlePlan } from './idle.js';
import type { ScenarioPlan } from './ScenarioPlan.js';
import { surgePlan } from './surge.js';
import { thinkPlan } from './think.js';
import { throughputPlan } from './throughput.js';

/** The plan of each scenario, by the name `--scenario` uses. */
export const PLANS: Record<ScenarioName, ScenarioPlan> = {
  throughput: throughputPlan,
  surge: surgePlan,
  idle: idlePlan,
  think: thinkPlan,
  handoff: handoffPlan,
};

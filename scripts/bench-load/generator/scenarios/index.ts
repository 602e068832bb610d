/**
 * The generator's scenarios by name.
 */
import type { ScenarioName } from '../../messages.js';
import type { Scenario } from '../ScenarioContext.js';
import { handoff } from './handoff.js';
import { idle } from './idle.js';
import { surge } from './surge.js';
import { think } from './think.js';
import { throughput } from './throughput.js';

/** Every scenario, by the name `--scenario` uses. */
export const SCENARIOS: Record<ScenarioName, Scenario<any, unknown>> = { throughput, surge, idle, think, handoff };

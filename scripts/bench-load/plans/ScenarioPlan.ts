/**
 * How the orchestrator runs and reports one scenario: its parameters (full size or quick), its
 * rounds, which targets it applies to, and the figures its table shows.
 */
import type { BehaviourParams } from '../generator/behaviour.js';
import type { ScenarioName, TargetKind } from '../messages.js';
import type { BenchOptions } from '../options.js';

/** One figure of a scenario's table, read from a round's result. */
export interface Metric<Result> {
  label: string;
  /** Decimal places shown. */
  digits: number;
  value(result: Result): number;
  /** Also shown as per-round ratios full/echo and echo/floor. */
  compare?: boolean;
}

/** A scenario as the orchestrator sees it. */
export interface ScenarioPlan<Params = any, Result = any> {
  name: ScenarioName;
  /** One sentence for the report. */
  summary: string;
  defaultRounds: number;
  /** Counsellors on duty in the full target (only the handoff scenario queues anyone). */
  counsellorsOnDuty: boolean;
  /** The targets it runs against, of those selected. */
  targets(selected: readonly TargetKind[]): TargetKind[];
  params(options: BenchOptions): Params;
  /** The most WebSockets the generator holds at once with these parameters. */
  webSockets(params: Params): number;
  metrics(params: Params): Metric<Result>[];
}

/** How simulated young people behave in every scenario that takes turns. */
export const BEHAVIOUR: BehaviourParams = { typedShare: 0.25, quietMs: 50, timeoutMs: 30_000, arrivalConcurrency: 32 };

/** A figure of the table. */
export function metric<Result>(label: string, digits: number, value: (result: Result) => number, compare = false): Metric<Result> {
  return { label, digits, value, compare };
}

/** Sum of counts (failures by code). */
export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** The selected targets as they are (every scenario but the handoff). */
export const everySelected = (selected: readonly TargetKind[]): TargetKind[] => [...selected];

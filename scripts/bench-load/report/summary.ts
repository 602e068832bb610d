/**
 * A scenario's rounds brought together: the median of each figure per target across rounds, and
 * the per-round ratios full / echo and echo / floor of the figures that compare targets.
 */
import type { TargetKind } from '../messages.js';
import type { ScenarioPlan } from '../plans/ScenarioPlan.js';
import type { ScenarioRun } from '../BenchSession.js';
import { median, ratio } from '../stats.js';

/** Per-round ratios of one figure between two targets, and their median. */
export interface Ratios {
  perRound: number[];
  median: number;
}

/** The summary of a scenario. */
export interface ScenarioSummary {
  /** Figure label → target → median across rounds. */
  medians: Record<string, Partial<Record<TargetKind, number>>>;
  /** Figure label → ratios (compared figures only). */
  ratios: Record<string, { fullToEcho: Ratios; echoToFloor: Ratios }>;
}

/** A figure of one round's result; NaN when that run failed. */
function valueOf(plan: ScenarioPlan, run: ScenarioRun, label: string, round: number, target: TargetKind): number {
  const result = run.runs.find((r) => r.round === round && r.target === target)?.result;
  const figure = plan.metrics(run.params).find((m) => m.label === label);
  if (result === undefined || !figure) return NaN;
  try {
    return figure.value(result);
  } catch {
    return NaN;
  }
}

function ratios(plan: ScenarioPlan, run: ScenarioRun, label: string, top: TargetKind, bottom: TargetKind): Ratios {
  const perRound = Array.from({ length: run.rounds }, (_, i) => ratio(valueOf(plan, run, label, i + 1, top), valueOf(plan, run, label, i + 1, bottom)));
  return { perRound, median: median(perRound) };
}

/** Summarises the runs of one scenario. */
export function summarize(plan: ScenarioPlan, run: ScenarioRun): ScenarioSummary {
  const summary: ScenarioSummary = { medians: {}, ratios: {} };
  for (const figure of plan.metrics(run.params)) {
    const byTarget: Partial<Record<TargetKind, number>> = {};
    for (const target of run.targets) {
      byTarget[target] = median(Array.from({ length: run.rounds }, (_, i) => valueOf(plan, run, figure.label, i + 1, target)));
    }
    summary.medians[figure.label] = byTarget;
    if (figure.compare && run.targets.length > 1) {
      summary.ratios[figure.label] = { fullToEcho: ratios(plan, run, figure.label, 'full', 'echo'), echoToFloor: ratios(plan, run, figure.label, 'echo', 'floor') };
    }
  }
  return summary;
}

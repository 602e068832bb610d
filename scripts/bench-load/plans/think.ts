/**
 * The think-time scenario's plan: young people pausing 5-20 s between messages, in a ramp of
 * 500 → 1 000 → 2 000 → 5 000 → 8 000, 60 s measured per level, passing while turn p99 < 200 ms.
 */
import type { ThinkLevel, ThinkParams, ThinkResult } from '../generator/scenarios/think.js';
import { BEHAVIOUR, everySelected, metric, type Metric, type ScenarioPlan } from './ScenarioPlan.js';

/** The figures of one level of the ramp (NaN where the ramp stopped before it). */
function levelMetrics(people: number, index: number): Metric<ThinkResult>[] {
  const level = (r: ThinkResult): ThinkLevel | undefined => r.levels[index];
  return [
    metric<ThinkResult>(`turn p99 with ${people} (ms)`, 1, (r) => level(r)?.turns.latency.p99 ?? NaN),
    metric<ThinkResult>(`server CPU with ${people} (% of a core)`, 0, (r) => level(r)?.usage.serverCpuPercent ?? NaN),
    metric<ThinkResult>(`server waiting for a CPU with ${people} (% of the time)`, 0, (r) => level(r)?.usage.serverWaitingForCpuPercent ?? NaN),
  ];
}

/** The think scenario as the orchestrator runs and reports it. */
export const thinkPlan: ScenarioPlan<ThinkParams, ThinkResult> = {
  name: 'think',
  summary: 'young people who think between messages, in growing numbers, until turn p99 reaches the limit',
  defaultRounds: 1,
  counsellorsOnDuty: false,
  targets: everySelected,
  params: ({ quick, sizes }) => ({
    ...BEHAVIOUR,
    levels: sizes.thinkLevels ?? (quick ? [20, 50] : [500, 1_000, 2_000, 5_000, 8_000]),
    durationS: sizes.thinkDurationS ?? (quick ? 4 : 60),
    thinkMs: sizes.thinkMs ?? (quick ? [500, 2_000] : [5_000, 20_000]),
    p99LimitMs: 200,
    maxFailedShare: 0.01,
  }),
  webSockets: (params) => Math.max(0, ...params.levels),
  metrics: (params) => [
    metric<ThinkResult>(`largest number served with turn p99 < ${params.p99LimitMs} ms`, 0, (r) => r.largestPassing, true),
    ...params.levels.flatMap((people, index) => levelMetrics(people, index)),
  ],
};

/**
 * The idle scenario's plan: 2 000 and 5 000 open silent conversations, and one active young person.
 */
import type { IdleParams, IdleResult, IdleStep } from '../generator/scenarios/idle.js';
import { BEHAVIOUR, everySelected, metric, total, type Metric, type ScenarioPlan } from './ScenarioPlan.js';

/** The figures of the step with `open` silent conversations. */
function stepMetrics(open: number, index: number): Metric<IdleResult>[] {
  const step = (r: IdleResult): IdleStep | undefined => r.steps[index];
  const at = `with ${open} open`;
  const figures = [
    metric<IdleResult>(`active turn p50 ${at} (ms)`, 1, (r) => step(r)?.turn.p50 ?? NaN, open > 0),
    metric<IdleResult>(`server CPU while silent ${at} (% of a core)`, 1, (r) => step(r)?.idle.serverCpuPercent ?? NaN),
    metric<IdleResult>(`Redis commands/s while silent ${at}`, 0, (r) => step(r)?.idle.redisCallsPerSecond ?? NaN),
  ];
  if (open === 0) return [metric<IdleResult>('server RSS with none open, after GC (MiB)', 0, (r) => step(r)?.rssMiB ?? NaN), ...figures];
  return [
    metric<IdleResult>(`RSS growth per conversation ${at} (KiB)`, 1, (r) => step(r)?.rssKiBPerConversation ?? NaN, true),
    metric<IdleResult>(`heap growth per conversation ${at} (KiB)`, 1, (r) => step(r)?.heapKiBPerConversation ?? NaN),
    ...figures,
    metric<IdleResult>(`failed to open ${at}`, 0, (r) => total(step(r)?.failures ?? {})),
  ];
}

/** The idle scenario as the orchestrator runs and reports it. */
export const idlePlan: ScenarioPlan<IdleParams, IdleResult> = {
  name: 'idle',
  summary: 'open but silent conversations: memory, keep-alive cost, one active young person',
  defaultRounds: 1,
  counsellorsOnDuty: false,
  targets: everySelected,
  params: ({ quick, sizes }) => ({
    ...BEHAVIOUR,
    levels: sizes.idleLevels ?? (quick ? [100, 250] : [2_000, 5_000]),
    probeTurns: quick ? 5 : 20,
    probePauseMs: 200,
    // At least one keep-alive round of the channel (every 15 s).
    idleWindowS: quick ? 2 : 16,
  }),
  webSockets: (params) => 1 + Math.max(0, ...params.levels),
  metrics: (params) => [0, ...params.levels].flatMap((open, index) => stepMetrics(open, index)),
};

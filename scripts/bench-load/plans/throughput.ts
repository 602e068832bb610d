/**
 * The throughput scenario's plan: 200 young people typing without pause, 30 s measured after 5 s.
 */
import type { ThroughputParams, ThroughputResult } from '../generator/scenarios/throughput.js';
import { BEHAVIOUR, everySelected, metric, total, type ScenarioPlan } from './ScenarioPlan.js';

/** The throughput scenario as the orchestrator runs and reports it. */
export const throughputPlan: ScenarioPlan<ThroughputParams, ThroughputResult> = {
  name: 'throughput',
  summary: 'young people typing without pause, walking the dialog tree in five languages',
  defaultRounds: 3,
  counsellorsOnDuty: false,
  targets: everySelected,
  params: ({ quick, sizes }) => ({
    ...BEHAVIOUR,
    people: sizes.people ?? (quick ? 20 : 200),
    warmupS: quick ? 1 : 5,
    durationS: sizes.durationS ?? (quick ? 4 : 30),
  }),
  webSockets: (params) => params.people,
  metrics: () => [
    metric('turns/s', 1, (r) => r.turns.turnsPerSecond, true),
    metric('turn p50 (ms)', 1, (r) => r.turns.latency.p50, true),
    metric('turn p99 (ms)', 1, (r) => r.turns.latency.p99, true),
    metric('server CPU per turn (ms)', 2, (r) => r.usage.perUnit.serverCpuMs, true),
    metric('server CPU (% of a core)', 0, (r) => r.usage.serverCpuPercent),
    metric('server waiting for a CPU (% of the time)', 0, (r) => r.usage.serverWaitingForCpuPercent),
    metric('server RSS (MiB)', 0, (r) => r.usage.serverRssMiB),
    metric('server event-loop delay p99 (ms)', 1, (r) => r.usage.serverEventLoopP99Ms),
    metric('Redis commands per turn', 1, (r) => r.usage.perUnit.redisCalls, true),
    metric('Redis CPU per turn (ms)', 3, (r) => r.usage.perUnit.redisCpuMs),
    metric('generator CPU (% of a core)', 0, (r) => r.usage.generatorCpuPercent),
    metric('turns failed or without reply', 0, (r) => r.turns.failed + r.turns.noReply + total(r.arrivalFailures)),
    metric('replies after the quiet period', 0, (r) => r.turns.lateReplies),
  ],
};

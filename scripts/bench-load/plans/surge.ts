/**
 * The surge scenario's plan: 1 000 young people arriving within 10 s.
 */
import type { SurgeParams, SurgeResult } from '../generator/scenarios/surge.js';
import { everySelected, metric, total, type ScenarioPlan } from './ScenarioPlan.js';

/** The surge scenario as the orchestrator runs and reports it. */
export const surgePlan: ScenarioPlan<SurgeParams, SurgeResult> = {
  name: 'surge',
  summary: 'young people arriving at once: token, conversation, WebSocket',
  defaultRounds: 3,
  counsellorsOnDuty: false,
  targets: everySelected,
  params: ({ quick, sizes }) => ({
    arrivals: sizes.arrivals ?? (quick ? 100 : 1_000),
    withinS: sizes.withinS ?? (quick ? 2 : 10),
    timeoutMs: 30_000,
  }),
  webSockets: (params) => params.arrivals,
  metrics: () => [
    metric('WebSocket open p50 (ms)', 1, (r) => r.open.p50, true),
    metric('WebSocket open p99 (ms)', 1, (r) => r.open.p99, true),
    metric('conversation started p50 (ms)', 1, (r) => r.started.p50),
    metric('conversation started p99 (ms)', 1, (r) => r.started.p99),
    metric('opened', 0, (r) => r.opened),
    metric('timeouts (30 s)', 0, (r) => r.timeouts),
    metric('failures', 0, (r) => total(r.failures)),
    metric('server CPU per arrival (ms)', 2, (r) => r.usage.perUnit.serverCpuMs, true),
    metric('server event-loop delay p99 (ms)', 1, (r) => r.usage.serverEventLoopP99Ms),
    metric('server waiting for a CPU (% of the time)', 0, (r) => r.usage.serverWaitingForCpuPercent),
    metric('server RSS after (MiB)', 0, (r) => r.usage.serverRssMiB),
    metric('Redis commands per arrival', 1, (r) => r.usage.perUnit.redisCalls, true),
    metric('Redis CPU per arrival (ms)', 3, (r) => r.usage.perUnit.redisCpuMs),
  ],
};

/**
 * The handoff scenario's plan (the full target only): "talk to a person" → listed in a
 * counsellor's console, 20 young people one at a time, then 50 at once.
 */
import type { HandoffParams, HandoffResult } from '../generator/scenarios/handoff.js';
import { metric, total, type ScenarioPlan } from './ScenarioPlan.js';

/** The handoff scenario as the orchestrator runs and reports it. */
export const handoffPlan: ScenarioPlan<HandoffParams, HandoffResult> = {
  name: 'handoff',
  summary: "a young person's \"talk to a person\" until the conversation is listed in a logged-in counsellor's console",
  defaultRounds: 3,
  counsellorsOnDuty: true,
  targets: (selected) => selected.filter((kind) => kind === 'full'),
  params: ({ quick }) => ({ sequential: quick ? 5 : 20, burst: quick ? 10 : 50, timeoutMs: 30_000 }),
  webSockets: (params) => Math.max(params.sequential, params.burst) + 1,
  metrics: (params) => [
    metric('one at a time: visible p50 (ms)', 1, (r) => r.sequential.visible.p50),
    metric('one at a time: visible p99 (ms)', 1, (r) => r.sequential.visible.p99),
    metric(`${params.burst} at once: visible p50 (ms)`, 1, (r) => r.burst.visible.p50),
    metric(`${params.burst} at once: visible p99 (ms)`, 1, (r) => r.burst.visible.p99),
    metric(`${params.burst} at once: POST answered p99 (ms)`, 1, (r) => r.burst.post.p99),
    metric('one at a time: enqueued → visible p99 (ms)', 1, (r) => r.sequential.enqueuedToVisible.p99),
    metric(`${params.burst} at once: enqueued → visible p50 (ms)`, 1, (r) => r.burst.enqueuedToVisible.p50),
    metric(`${params.burst} at once: enqueued → visible p99 (ms)`, 1, (r) => r.burst.enqueuedToVisible.p99),
    metric('failures', 0, (r) => total(r.sequential.failures) + total(r.burst.failures)),
  ],
};

/**
 * Connection surge: `arrivals` young people arrive within `withinS` seconds, evenly spaced, each
 * one getting a token, starting a conversation and opening its WebSocket, as the chat page does
 * when it is opened. Measured from the start of each arrival: the conversation started, and the
 * WebSocket open; an arrival not open within `timeoutMs` is a timeout. What the surge cost the
 * server and Redis is per arrival.
 */
import { distribution, type Distribution } from '../../stats.js';
import { count, failureCode, sleep } from '../crowd.js';
import { DirectLineConversation } from '../DirectLineConversation.js';
import { usageBetween, type Usage } from '../Probe.js';
import type { Scenario, ScenarioContext } from '../ScenarioContext.js';

/** Parameters of the surge scenario. */
export interface SurgeParams {
  arrivals: number;
  withinS: number;
  timeoutMs: number;
}

/** Its figures. */
export interface SurgeResult {
  arrivals: number;
  opened: number;
  /** Start of the arrival → the conversation started (token + conversation), ms. */
  started: Distribution;
  /** Start of the arrival → the WebSocket open, ms. */
  open: Distribution;
  /** Arrivals not open within the timeout. */
  timeouts: number;
  /** Other failures, by step and code. */
  failures: Record<string, number>;
  /** Per unit = per arrival that opened. */
  usage: Usage;
}

/** One arrival: when it started the conversation and opened the socket (ms after its start). */
async function arrive(context: ScenarioContext, timeoutMs: number, opened: DirectLineConversation[]) {
  const start = performance.now();
  const conversation = await DirectLineConversation.start(context.http);
  const startedMs = performance.now() - start;
  opened.push(conversation);
  await conversation.openStream(Math.max(1, timeoutMs - startedMs));
  return { startedMs, openMs: performance.now() - start };
}

/** Runs the surge scenario. */
export const surge: Scenario<SurgeParams, SurgeResult> = async (context, params) => {
  const conversations: DirectLineConversation[] = [];
  const started: number[] = [];
  const open: number[] = [];
  const failures: Record<string, number> = {};
  let timeouts = 0;
  const attempts: Promise<unknown>[] = [];
  const spacingMs = (params.withinS * 1000) / params.arrivals;
  const before = await context.probe.take();
  const t0 = performance.now();
  const arrivals = Array.from({ length: params.arrivals }, async (_, index) => {
    await sleep(t0 + index * spacingMs - performance.now());
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), params.timeoutMs)));
    try {
      const attempt = arrive(context, params.timeoutMs, conversations);
      attempts.push(attempt.catch(() => undefined));
      const outcome = await Promise.race([attempt, deadline]);
      if (outcome === 'timeout') timeouts += 1;
      else {
        started.push(outcome.startedMs);
        open.push(outcome.openMs);
      }
    } catch (error) {
      if (failureCode(error).endsWith('TIMEOUT')) timeouts += 1;
      else count(failures, failureCode(error));
    } finally {
      clearTimeout(timer);
    }
  });
  await Promise.all(arrivals);
  const after = await context.probe.take();
  context.log(`${open.length} of ${params.arrivals} open`);
  // An arrival that timed out may still open later: wait for every attempt, then close every socket.
  await Promise.all(attempts);
  for (const conversation of conversations) conversation.close();
  return {
    arrivals: params.arrivals,
    opened: open.length,
    started: distribution(started),
    open: distribution(open),
    timeouts,
    failures,
    usage: usageBetween(before, after, open.length),
  };
};

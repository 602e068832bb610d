/**
 * Readings around a measurement window, taken from inside the generator: the target's server and
 * redis-server (asked of the orchestrator, which owns them) and the generator's own CPU time, and
 * what a window between two readings cost, in total and per unit of work (turn, arrival…).
 */
import type { IpcPeer } from '../ipc.js';
import type { TargetSnapshot } from '../messages.js';
import { callsBetween } from '../targets/redisStats.js';

/** One reading. */
export interface Reading {
  /** performance.now() of the generator when the reading came back. */
  at: number;
  target: TargetSnapshot;
  /** process.cpuUsage() of the generator, µs (user + system). */
  generatorCpuUs: number;
}

/** What a window cost. */
export interface Usage {
  seconds: number;
  /** Units of work done in it (turns, arrivals, or 0 for an idle window). */
  units: number;
  serverCpuMs: number;
  /** Server CPU time per second of the window (100 = one core). */
  serverCpuPercent: number;
  /** Server RSS and V8 heap at the end of the window. */
  serverRssMiB: number;
  serverHeapMiB: number;
  /** Server event-loop delay p99 during the window. */
  serverEventLoopP99Ms: number;
  /**
   * Share of the window the server's event-loop thread was ready to run but had no CPU (%): high
   * when the machine is busy with other work; then latencies grow although the server CPU is low.
   */
  serverWaitingForCpuPercent: number;
  redisCalls: number;
  redisCallsPerSecond: number;
  redisCpuMs: number;
  /** The commands Redis ran most in the window (calls). */
  redisTopCommands: Record<string, number>;
  /** The generator's own CPU per second of the window (near 100: the generator may be the limit). */
  generatorCpuPercent: number;
  /** Per unit of work (NaN without units). */
  perUnit: { serverCpuMs: number; redisCalls: number; redisCpuMs: number };
}

const MiB = 1024 * 1024;
const TOP_COMMANDS = 16;

/** Takes readings through the orchestrator. */
export class Probe {
  constructor(private readonly orchestrator: IpcPeer) {}

  /** A reading now (`gc`: the target's server collects garbage first). */
  async take(gc = false): Promise<Reading> {
    const target = await this.orchestrator.request<TargetSnapshot>('snapshot', { gc });
    const cpu = process.cpuUsage();
    return { at: performance.now(), target, generatorCpuUs: cpu.user + cpu.system };
  }
}

/** What the window between two readings cost, `units` being the work done in it. */
export function usageBetween(before: Reading, after: Reading, units: number): Usage {
  const seconds = (after.at - before.at) / 1000;
  const server = { a: before.target.server, b: after.target.server };
  const serverCpuMs = (server.b.cpuUserUs + server.b.cpuSystemUs - server.a.cpuUserUs - server.a.cpuSystemUs) / 1000;
  const calls = callsBetween(before.target.redis, after.target.redis);
  const redisCalls = Object.values(calls).reduce((sum, n) => sum + n, 0);
  const redisCpuMs = (after.target.redis.cpuSeconds - before.target.redis.cpuSeconds) * 1000;
  const top = Object.entries(calls).sort((x, y) => y[1] - x[1]).slice(0, TOP_COMMANDS);
  const per = (value: number) => (units > 0 ? value / units : NaN);
  return {
    seconds,
    units,
    serverCpuMs,
    serverCpuPercent: (serverCpuMs / 1000 / seconds) * 100,
    serverRssMiB: server.b.rssBytes / MiB,
    serverHeapMiB: server.b.heapUsedBytes / MiB,
    serverEventLoopP99Ms: server.b.eventLoopP99Ms,
    serverWaitingForCpuPercent: ((server.b.runQueueWaitMs - server.a.runQueueWaitMs) / 1000 / seconds) * 100,
    redisCalls,
    redisCallsPerSecond: redisCalls / seconds,
    redisCpuMs,
    redisTopCommands: Object.fromEntries(top),
    generatorCpuPercent: ((after.generatorCpuUs - before.generatorCpuUs) / 1e6 / seconds) * 100,
    perUnit: { serverCpuMs: per(serverCpuMs), redisCalls: per(redisCalls), redisCpuMs: per(redisCpuMs) },
  };
}

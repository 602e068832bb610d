/**
 * What the benchmark's processes say to each other over IPC: the targets' names and start
 * specifications, the readings taken around a measurement window, and the generator's run request.
 */

/** The three targets: the whole product, its channel with an echo bot, and a bare floor. */
export const TARGET_KINDS = ['full', 'echo', 'floor'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** The scenarios, in the order `--scenario all` runs them. */
export const SCENARIO_NAMES = ['throughput', 'surge', 'idle', 'think', 'handoff'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** How a target server child starts (passed as its one argument, JSON). */
export interface TargetSpec {
  kind: TargetKind;
  /** Its own private redis-server. */
  redisUrl: string;
  /** Prefix of its Redis keys (distinct per target). */
  keyPrefix: string;
  /** Pino level of the full and echo targets (`npm start` uses `info`). */
  logLevel: string;
  /** Counsellors always on duty (the handoff scenario); otherwise never, so no load scenario queues anyone. */
  counsellorsOnDuty: boolean;
}

/** A target server's own reading of itself. */
export interface ServerSample {
  /** process.cpuUsage() of the server process, µs. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay p99 since the previous sample (ms). */
  eventLoopP99Ms: number;
  /**
   * Time the main (event-loop) thread has spent runnable but waiting for a CPU, ms
   * (/proc/self/schedstat; NaN where there is none): the machine's other work, not the server's.
   */
  runQueueWaitMs: number;
}

/** A redis-server's counters (INFO commandstats and cpu). */
export interface RedisStats {
  /** Calls per command (commands run inside Lua scripts included, as Redis counts them). */
  calls: Record<string, number>;
  /** used_cpu_user + used_cpu_sys, seconds. */
  cpuSeconds: number;
}

/** A target's server and Redis at one moment. */
export interface TargetSnapshot {
  server: ServerSample;
  redis: RedisStats;
}

/** The generator's request to run one scenario against one target. */
export interface RunRequest {
  scenario: ScenarioName;
  target: { kind: TargetKind; url: string };
  /** The scenario's parameters (its own interface, see generator/scenarios/). */
  params: unknown;
  /** Seed of the young people's random choices (the same for every target of a round). */
  seed: number;
}

/**
 * Entry point of a target server's own process (forked by TargetProcess): starts the target named
 * in its JSON argument, tells the orchestrator its URL, and answers its readings (`sample`: CPU
 * time, memory, event-loop delay and time waiting for a CPU of this process; garbage collected
 * first when asked).
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { IpcPeer, processEndpoint } from '../ipc.js';
import type { ServerSample, TargetKind, TargetSpec } from '../messages.js';
import { startEcho } from './echo.js';
import { startFloor } from './floor.js';
import { startFull } from './full.js';
import type { CounsellorAccount, RunningTarget } from './RunningTarget.js';

const STARTERS: Record<TargetKind, (spec: TargetSpec) => Promise<RunningTarget>> = { full: startFull, echo: startEcho, floor: startFloor };

const spec = JSON.parse(process.argv[2] ?? '{}') as TargetSpec;
// The orchestrator went away: nobody will stop this server.
process.on('disconnect', () => process.exit(1));

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** The main thread's time waiting for a CPU (the second field of /proc/self/schedstat, ns), ms. */
function runQueueWaitMs(): number {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return NaN;
  }
}

/**
 * After a collection, V8 hands the pages it freed back to the system a little later, on a helper
 * thread: the RSS right after `gc()` still counts them. Waits until the RSS has stopped falling
 * (five readings 100 ms apart without a drop of 256 KiB or more; at most 3 s), so that a memory
 * reading is what the process holds, not what it is still giving back.
 */
async function untilMemorySettles(): Promise<void> {
  const deadline = performance.now() + 3_000;
  let lowest = process.memoryUsage.rss();
  let steady = 0;
  while (steady < 5 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const rss = process.memoryUsage.rss();
    steady = lowest - rss >= 256 * 1024 ? 0 : steady + 1;
    lowest = Math.min(lowest, rss);
  }
}

/**
 * This process's CPU and memory now. When asked (for memory per conversation): collects garbage
 * first and waits for the memory to settle (untilMemorySettles).
 */
async function sample(gc: boolean): Promise<ServerSample> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect) {
    collect();
    collect();
    await untilMemorySettles();
  }
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const eventLoopP99Ms = loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : 0;
  loopDelay.reset();
  return { cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, eventLoopP99Ms, runQueueWaitMs: runQueueWaitMs() };
}

/**
 * BENCH_HEAP_PROF_DIR: samples where the server allocates (V8's sampling heap profiler, garbage
 * included: what the collector has to clean up) and writes a `.heapprofile` there when it stops.
 */
async function startAllocationSampling(): Promise<(() => Promise<void>) | undefined> {
  const dir = process.env.BENCH_HEAP_PROF_DIR;
  if (!dir) return undefined;
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  return async () => {
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: unknown };
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${spec.kind}-${process.pid}.heapprofile`, JSON.stringify(profile));
    session.disconnect();
  };
}

const stopAllocationSampling = await startAllocationSampling();
const target = await STARTERS[spec.kind](spec);
const peer = new IpcPeer(processEndpoint(), {
  sample: (payload: { gc?: boolean } | null) => sample(payload?.gc === true),
  createCounsellor: async (account: CounsellorAccount) => {
    if (!target.createCounsellor) throw new Error(`the ${spec.kind} target has no counsellors`);
    await target.createCounsellor(account);
  },
  handoffEnqueuedAt: async (conversationIds: string[]) => {
    if (!target.handoffEnqueuedAt) throw new Error(`the ${spec.kind} target has no handoff queue`);
    return target.handoffEnqueuedAt(conversationIds);
  },
  stop: async () => {
    await stopAllocationSampling?.();
    await target.stop();
    setImmediate(() => process.exit(0));
  },
});
await peer.request('ready', { url: target.url });

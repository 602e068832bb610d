/**
 * Forks one of the benchmark's TypeScript entry points (through tsx) as a process of its own and
 * waits until it says it is ready. Used for the target servers and for the load generator, so
 * that neither shares an event loop or a CPU account with the other.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { childEndpoint, IpcPeer, type Handlers } from './ipc.js';

/** A forked child and the IPC peer to talk to it. */
export interface ForkedChild<Ready> {
  child: ChildProcess;
  peer: IpcPeer;
  /** What the child sent with its `ready` request. */
  ready: Ready;
  /** Resolves when the child has exited. */
  exited: Promise<void>;
}

/**
 * Forks `file` with `args`; `handlers` answer the child's requests. The child must send the
 * request `ready` (with any payload) once it is up; a child that exits first rejects.
 */
export async function forkTs<Ready>(file: string, args: string[], handlers: Handlers = {}, nodeFlags: readonly string[] = []): Promise<ForkedChild<Ready>> {
  const child = fork(file, args, {
    // `nodeFlags`: a target server runs with the product server's (config/node-flags.json).
    // tsx runs the TypeScript; --expose-gc lets a target collect garbage before a memory reading.
    // BENCH_CPU_PROF_DIR: every child writes a V8 CPU profile there when it exits (docs/performance.md).
    execArgv: [...nodeFlags, '--import', 'tsx', '--expose-gc', ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []), ...(process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [])],
    // The children's stdout is not read (a target's log goes nowhere, as into a cheap sink); errors show.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let markReady: (payload: Ready) => void = () => undefined;
  const ready = new Promise<Ready>((resolve) => (markReady = resolve));
  const peer = new IpcPeer(childEndpoint(child), { ...handlers, ready: (payload: Ready) => markReady(payload) });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      peer.failAll(new Error(`${file} exited (${signal ?? code})`));
      resolve();
    });
  });
  const payload = await Promise.race([
    ready,
    exited.then(() => {
      throw new Error(`${file} exited before it was ready`);
    }),
  ]);
  return { child, peer, ready: payload, exited };
}

/** Asks a forked child to stop (request `stop`), and kills it if it has not exited after `graceMs`. */
export async function stopChild(forked: ForkedChild<unknown>, graceMs = 10_000): Promise<void> {
  if (forked.child.exitCode !== null || forked.child.signalCode !== null) return;
  const timer = setTimeout(() => forked.child.kill('SIGKILL'), graceMs);
  await forked.peer.request('stop').catch(() => undefined);
  await forked.exited;
  clearTimeout(timer);
}

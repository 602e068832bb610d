/**
 * coalesce: the consoles' list and each console's own conversations are read again once after a
 * burst of changes, never once per change, and never missing the last change.
 */
import { describe, expect, it } from 'vitest';
import { coalesce } from '../../handoff/coalesce.js';

/** A task whose runs end when the test says so. */
function controlledTask() {
  const runs: Array<{ finish: (error?: Error) => void }> = [];
  let waiting: (() => void) | undefined;
  const task = () =>
    new Promise<void>((resolve, reject) => {
      runs.push({ finish: (error) => (error ? reject(error) : resolve()) });
      waiting?.();
    });
  /** Resolves once the task has been started `count` times in all. */
  const started = async (count: number) => {
    while (runs.length < count) await new Promise<void>((resolve) => (waiting = resolve));
  };
  return { runs, task, started };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesce', () => {
  it('runs at once when idle', async () => {
    const { runs, task, started } = controlledTask();
    const schedule = coalesce(task);
    schedule();
    await started(1);
    runs[0]!.finish();
    await settle();
    expect(runs).toHaveLength(1);
  });

  it.each([1, 2, 50])('gathers %i calls during a run into one run after it', async (calls) => {
    const { runs, task, started } = controlledTask();
    const schedule = coalesce(task);
    schedule();
    await started(1);
    for (let i = 0; i < calls; i += 1) schedule();
    await settle();
    expect(runs).toHaveLength(1); // nothing runs beside the run in progress
    runs[0]!.finish();
    await started(2);
    runs[1]!.finish();
    await settle();
    expect(runs).toHaveLength(2);
  });

  it('runs again after a failed run', async () => {
    const { runs, task, started } = controlledTask();
    const schedule = coalesce(task);
    schedule();
    await started(1);
    schedule();
    runs[0]!.finish(new Error('Redis is away'));
    await started(2);
    runs[1]!.finish(new Error('still away'));
    await settle();
    schedule();
    await started(3);
    runs[2]!.finish();
    await settle();
    expect(runs).toHaveLength(3);
  });
});

/**
 * Helpers for many young people at once: bounded parallel work, failures counted by what failed,
 * and a pause that can be cut short.
 */
import { StageFailure } from './DirectLineConversation.js';

/** Waits `ms` milliseconds, or less when `signal` aborts meanwhile. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A short name for what went wrong: `socket: HTTP 404`, `conversation: ECONNRESET`, `timeout`… */
export function failureCode(error: unknown): string {
  if (error instanceof StageFailure) return `${error.stage}: ${error.code}`;
  return error instanceof Error ? error.name : String(error);
}

/** Adds one to `counts[code]`. */
export function count(counts: Record<string, number>, code: string): void {
  counts[code] = (counts[code] ?? 0) + 1;
}

/**
 * Runs `task(0)` … `task(total - 1)` with at most `concurrency` at a time. Resolves with the results
 * that succeeded (in no particular order) and the failures counted by `failureCode`.
 */
export async function inParallel<T>(total: number, concurrency: number, task: (index: number) => Promise<T>): Promise<{ results: T[]; failures: Record<string, number> }> {
  const results: T[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const index = next++;
      try {
        results.push(await task(index));
      } catch (error) {
        count(failures, failureCode(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return { results, failures };
}

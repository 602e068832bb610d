/**
 * Gathering calls into runs: a task that reads the latest state (the consoles' waiting list, one
 * console's own conversations) need not run once per change, only once after the last one.
 */

/**
 * Returns a function that runs `task` at once, or, while a run is going on, once more right after
 * it: any number of calls during a run cost one more run. A failed run is forgotten (the next call
 * runs again); the task reports its own failures.
 */
export function coalesce(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void (async () => {
      try {
        do {
          again = false;
          await task().catch(() => undefined);
        } while (again);
      } finally {
        running = false;
      }
    })();
  };
}

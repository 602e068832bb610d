/**
 * Bot state read ahead with the turn lock: ConversationTurnLock takes the lock and reads the
 * conversation's state in one script (one round trip instead of two), and hands what it read to
 * RedisStorage for the turn it runs. Used once per key, dropped when the turn writes or deletes that
 * key (so a later read in the same turn asks Redis), and forgotten when the turn ends.
 *
 * One map for the process, keyed by the state's Redis key, not a scope per async flow
 * (AsyncLocalStorage, which makes Node run its promise hooks on every promise of the process): a
 * key names one conversation, and a conversation runs one turn at a time on an instance (the turn
 * lock), so no other turn can take what this one read. A read of that key from outside the turn
 * would get what Redis holds too: the turn has not written it yet, or its write dropped it.
 */

/** A state item as stored: its eTag and JSON (both null when there is none). */
export type PrefetchedItem = [etag: string | null, data: string | null];

const readAhead = new Map<string, PrefetchedItem>();

/** Runs `work` with these items (Redis key → item) available to `takePrefetched`, until it settles. */
export async function withPrefetched<T>(items: ReadonlyMap<string, PrefetchedItem>, work: () => Promise<T>): Promise<T> {
  for (const [key, item] of items) readAhead.set(key, item);
  try {
    return await work();
  } finally {
    for (const [key, item] of items) if (readAhead.get(key) === item) readAhead.delete(key);
  }
}

/** The item read ahead for this Redis key in the running turn (once), or undefined. */
export function takePrefetched(redisKey: string): PrefetchedItem | undefined {
  const item = readAhead.get(redisKey);
  if (item !== undefined) readAhead.delete(redisKey);
  return item;
}

/** Forgets what was read ahead for these keys (they are being written or deleted). */
export function dropPrefetched(redisKeys: readonly string[]): void {
  for (const key of redisKeys) readAhead.delete(key);
}

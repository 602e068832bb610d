/**
 * Bot state read ahead with the turn lock: ConversationTurnLock takes the lock and reads the
 * conversation's state in one script (one round trip instead of two), and hands what it read to
 * RedisStorage for the turn it runs. Scoped to the turn (AsyncLocalStorage), used once per key, and
 * dropped when the turn writes or deletes that key, so a later read in the same turn asks Redis.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A state item as stored: its eTag and JSON (both null when there is none). */
export type PrefetchedItem = [etag: string | null, data: string | null];

const scope = new AsyncLocalStorage<Map<string, PrefetchedItem>>();

/** Runs `work` with these items (Redis key → item) available to `takePrefetched`. */
export function withPrefetched<T>(items: Map<string, PrefetchedItem>, work: () => Promise<T>): Promise<T> {
  return scope.run(items, work);
}

/** The item read ahead for this Redis key in the current turn (once), or undefined. */
export function takePrefetched(redisKey: string): PrefetchedItem | undefined {
  const items = scope.getStore();
  const item = items?.get(redisKey);
  if (item !== undefined) items!.delete(redisKey);
  return item;
}

/** Forgets what was read ahead for these keys (they are being written or deleted). */
export function dropPrefetched(redisKeys: readonly string[]): void {
  const items = scope.getStore();
  if (items) for (const key of redisKeys) items.delete(key);
}

/**
 * Bot Framework `Storage` on Redis: conversation and user state shared by every app instance.
 * Optimistic concurrency with eTags, checked and written in one Lua script (compare-and-set),
 * and every item expires after a TTL, so no state outlives the conversation's retention.
 */
import { randomBytes } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../contracts/RedisKeys.js';

/** Options of RedisStorage. */
export interface RedisStorageOptions {
  redis: Redis;
  keys: RedisKeys;
  /** Seconds an item lives after its last write. */
  ttlSeconds: number;
}

/** Raised when a write carries an eTag that no longer matches the stored item. */
export class StorageEtagConflictError extends Error {
  override name = 'StorageEtagConflictError';
  constructor(readonly storageKey: string) {
    super(`Storage: error writing "${storageKey}" due to eTag conflict.`);
  }
}

// KEYS: the items' Redis keys. ARGV: ttl, then per key: expected eTag ('' = unconditional), new eTag, JSON.
// Checks every key first and writes nothing on a conflict; returns 0 on success or the 1-based index of the conflict.
const COMPARE_AND_SET = `
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  local expected = ARGV[(i - 1) * 3 + 2]
  if expected ~= '' then
    local current = redis.call('HGET', KEYS[i], 'etag')
    if current and current ~= expected then return i end
  end
end
for i = 1, #KEYS do
  redis.call('HSET', KEYS[i], 'etag', ARGV[(i - 1) * 3 + 3], 'data', ARGV[(i - 1) * 3 + 4])
  redis.call('EXPIRE', KEYS[i], ttl)
end
return 0
`;

/** `Storage` implementation on Redis hashes `{etag, data}`. */
export class RedisStorage implements Storage {
  constructor(private readonly options: RedisStorageOptions) {}

  /** Reads items; missing keys are left out of the result, as the Storage contract says. */
  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    if (keys.length === 0) return {};
    const pipeline = this.options.redis.pipeline();
    for (const key of keys) pipeline.hmget(this.options.keys.botState(key), 'etag', 'data');
    const replies = (await pipeline.exec()) ?? [];
    const items: StoreItems = {};
    keys.forEach((key, index) => {
      const [error, value] = replies[index] ?? [];
      if (error) throw error;
      const [etag, data] = (value as [string | null, string | null]) ?? [null, null];
      if (data !== null) items[key] = { ...(JSON.parse(data) as object), eTag: etag ?? undefined };
    });
    return items;
  }

  /**
   * Writes items atomically. An item whose eTag is set (and not '*') is only written when it
   * matches the stored one; otherwise nothing is written and StorageEtagConflictError is thrown.
   */
  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const args: string[] = [String(this.options.ttlSeconds)];
    for (const key of keys) {
      const { eTag, ...data } = (changes[key] ?? {}) as { eTag?: string; [k: string]: unknown };
      const expected = !eTag || eTag === '*' ? '' : eTag;
      args.push(expected, randomBytes(9).toString('base64url'), JSON.stringify(data));
    }
    const redisKeys = keys.map((key) => this.options.keys.botState(key));
    const conflict = (await this.options.redis.eval(COMPARE_AND_SET, redisKeys.length, ...redisKeys, ...args)) as number;
    if (conflict !== 0) throw new StorageEtagConflictError(keys[conflict - 1] ?? '?');
  }

  /** Deletes items at once. */
  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.options.redis.del(...keys.map((key) => this.options.keys.botState(key)));
  }
}

/**
 * Bot Framework `Storage` on Redis: conversation and user state shared by every app instance.
 * Optimistic concurrency with eTags, checked and written in one Lua script (compare-and-set),
 * and every item expires after a TTL, so no state outlives the conversation's retention.
 *
 * A conversation's state key carries the conversation's hash tag (RedisKeys.botState): in a turn,
 * ConversationTurnLock has read it with the lock already (turnPrefetch.ts), so the turn's read costs
 * no round trip. A write of several items is one compare-and-set (all or nothing); on a cluster,
 * where a script may only touch one slot, it is one per hash tag (all or nothing per conversation;
 * Lantern's turns write their own conversation's state only, so one).
 */
import type { Storage, StoreItems } from 'botbuilder';
import { hashTagOf, redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import { uniqueToken } from '../contracts/uniqueToken.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { RETENTION_LUA } from './ConversationRetention.js';
import { dropPrefetched, takePrefetched, type PrefetchedItem } from './turnPrefetch.js';

/** Options of RedisStorage. */
export interface RedisStorageOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Seconds an item lives after its last write (a conversation's item: its retention, at least this). */
  ttlSeconds: number;
}

/** Raised when a write carries an eTag that no longer matches the stored item. */
export class StorageEtagConflictError extends Error {
  override name = 'StorageEtagConflictError';
  constructor(readonly storageKey: string) {
    super(`Storage: error writing "${storageKey}" due to eTag conflict.`);
  }
}

// KEYS: the items' Redis keys (one hash tag), then, per item, the metadata of its conversation (same
// tag), or the item's own key again when it names no conversation. ARGV: ttl, then per item: expected
// eTag ('' = unconditional), new eTag, JSON. An item of a conversation lives as long as the
// conversation's retention (ConversationRetention.ts: longer when the young person chose so).
// Checks every key first and writes nothing on a conflict; returns 0 on success or the 1-based index of the conflict.
const COMPARE_AND_SET = redisScript(
  'lanternStorageWrite',
  `${RETENTION_LUA}
local n = #KEYS / 2
for i = 1, n do
  local expected = ARGV[(i - 1) * 3 + 2]
  if expected ~= '' then
    local current = redis.call('HGET', KEYS[i], 'etag')
    if current and current ~= expected then return i end
  end
end
for i = 1, n do
  redis.call('HSET', KEYS[i], 'etag', ARGV[(i - 1) * 3 + 3], 'data', ARGV[(i - 1) * 3 + 4])
  redis.call('EXPIRE', KEYS[i], conversationRetention(KEYS[n + i], ARGV[1]))
end
return 0
`,
);

/** A conversation's state key (`<channel>/conversations/<id>/…`) → the conversation id. */
const CONVERSATION_STATE = /^[^/{}]*\/conversations\/([^/{}]+)\/.*$/s;

/**
 * `Storage` implementation on Redis hashes `{etag, data}`. An item written back unchanged (the same
 * object this storage read or last wrote, serialising to the same JSON) is not written again: this
 * is the change check BotState makes with its hash, made here on the JSON the write needs anyway
 * (bot/LanternConversationState.ts leaves it to the storage).
 */
export class RedisStorage implements Storage {
  /** The JSON each item object was read as (or last written as), by object: gone with the object. */
  private readonly asStored = new WeakMap<object, string>();

  constructor(private readonly options: RedisStorageOptions) {}

  /** Reads items; missing keys are left out of the result, as the Storage contract says. */
  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    if (keys.length === 0) return {};
    const { redis } = this.options;
    // Read ahead with the turn lock, or asked now (all at once: one round trip on one Redis, one per node on a cluster).
    const replies = await Promise.all(
      keys.map((key) => {
        const redisKey = this.options.keys.botState(key);
        return takePrefetched(redisKey) ?? (redis.hmget(redisKey, 'etag', 'data') as Promise<PrefetchedItem>);
      }),
    );
    const items: StoreItems = {};
    keys.forEach((key, index) => {
      const [etag, data] = replies[index] ?? [null, null];
      if (data === null) return;
      const item = { ...(JSON.parse(data) as object), eTag: etag ?? undefined };
      this.asStored.set(item, data);
      items[key] = item;
    });
    return items;
  }

  /**
   * Writes items atomically (on a cluster: per hash tag). An item whose eTag is set (and not '*') is
   * only written when it matches the stored one; otherwise nothing (of its tag, on a cluster) is
   * written and StorageEtagConflictError is thrown.
   */
  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const groups = new Map<string, string[]>();
    for (const key of keys) {
      const tag = this.options.redis.isCluster ? hashTagOf(this.options.keys.botState(key)) : '';
      groups.set(tag, [...(groups.get(tag) ?? []), key]);
    }
    for (const group of groups.values()) await this.writeGroup(group, changes);
  }

  private async writeGroup(allKeys: string[], changes: StoreItems): Promise<void> {
    const args: string[] = [String(this.options.ttlSeconds)];
    const keys: string[] = [];
    const written: Array<[item: object, json: string]> = [];
    for (const key of allKeys) {
      const item = (changes[key] ?? {}) as { eTag?: string; [k: string]: unknown };
      const { eTag, ...data } = item;
      const json = JSON.stringify(data);
      // Unchanged since read or last written: nothing to write (an eTag asked for is still checked).
      if (this.asStored.get(item) === json && (!eTag || eTag === '*')) continue;
      const expected = !eTag || eTag === '*' ? '' : eTag;
      args.push(expected, uniqueToken(), json);
      keys.push(key);
      written.push([item, json]);
    }
    if (keys.length === 0) return;
    const redisKeys = keys.map((key) => this.options.keys.botState(key));
    dropPrefetched(redisKeys);
    const metaKeys = keys.map((key, index) => {
      const conversation = CONVERSATION_STATE.exec(key)?.[1];
      return conversation === undefined ? redisKeys[index]! : this.options.keys.conversationMeta(conversation);
    });
    const conflict = Number(await runScript(this.options.redis, COMPARE_AND_SET, [...redisKeys, ...metaKeys], args));
    if (conflict !== 0) throw new StorageEtagConflictError(keys[conflict - 1] ?? '?');
    for (const [item, json] of written) this.asStored.set(item, json);
  }

  /** Deletes items at once (one DEL per item: items of different conversations live in different slots). */
  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const redisKeys = keys.map((key) => this.options.keys.botState(key));
    dropPrefetched(redisKeys);
    await Promise.all(redisKeys.map((key) => this.options.redis.del(key)));
  }
}

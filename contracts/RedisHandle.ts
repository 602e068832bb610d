/**
 * The app's Redis handle: one Redis (ioredis `Redis`) or a Redis Cluster (ioredis `Cluster`), made
 * by the server's factory (server/redisClient.ts) and shared by every area. Both have the same
 * commands; what differs is handled here, once:
 * - `duplicateConnection`: a connection of its own (blocking reads, pub/sub subscribers, BullMQ);
 * - `runScript`: a Lua script defined once per connection (ioredis `defineCommand`) and run by its
 *   SHA (EVALSHA; ioredis sends the body once per socket, and again only after NOSCRIPT);
 * - `scanKeys`: SCAN over every master of a cluster, not only the node a command happens to reach.
 *
 * In a cluster every script and MULTI must touch keys of one slot only: RedisKeys gives the keys
 * that are used together one hash tag (`{…}`), and every key a script touches is in its KEYS.
 */
import type { Cluster, Redis, RedisOptions } from 'ioredis';

/** One Redis or a Redis Cluster. */
export type RedisHandle = Redis | Cluster;

/** What a duplicated connection may set differently from the one it copies. */
export type ConnectionOverrides = Pick<RedisOptions, 'connectionName' | 'maxRetriesPerRequest' | 'autoResendUnfulfilledCommands' | 'enableOfflineQueue'>;

/**
 * A new connection (a new cluster client for a cluster) with the same servers and options, and
 * these changed: blocking commands and subscribers need one of their own.
 */
export function duplicateConnection(redis: RedisHandle, overrides: ConnectionOverrides = {}): RedisHandle {
  if (redis.isCluster) {
    const cluster = redis as Cluster;
    // A cluster's connection options live under `redisOptions` (every node's connection uses them).
    return cluster.duplicate([], { redisOptions: { ...cluster.options.redisOptions, ...overrides } });
  }
  return (redis as Redis).duplicate(overrides);
}

/** A Lua script with a stable name (a custom ioredis command, `lantern…`). */
export interface RedisScript {
  readonly name: string;
  readonly lua: string;
}

/** Declares a script (its KEYS are passed at each call: every key it touches must be among them). */
export function redisScript(name: string, lua: string): RedisScript {
  if (!/^lantern[A-Z][A-Za-z0-9]*$/.test(name)) throw new TypeError(`redisScript: "${name}" is not a lanternName`);
  return { name, lua };
}

const defined = new WeakMap<object, Map<string, string>>();

/**
 * Runs a script by its SHA (defining it on this connection the first time). `keys` are every key it
 * touches; in a cluster they must share one slot (one hash tag).
 */
export function runScript(redis: RedisHandle, script: RedisScript, keys: readonly string[], args: ReadonlyArray<string | number> = []): Promise<unknown> {
  let names = defined.get(redis);
  if (!names) defined.set(redis, (names = new Map()));
  const known = names.get(script.name);
  if (known === undefined) {
    // No numberOfKeys: the first argument of each call says how many keys follow.
    redis.defineCommand(script.name, { lua: script.lua });
    names.set(script.name, script.lua);
  } else if (known !== script.lua) {
    throw new TypeError(`runScript: two scripts are named ${script.name}`);
  }
  const command = (redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[script.name]!;
  return command.call(redis, keys.length, ...keys, ...args);
}

/** The keys of one node (or one Redis) that match a pattern (SCAN with MATCH, never KEYS). */
async function scanNode(node: Redis, pattern: string, into: Set<string>): Promise<void> {
  let cursor = '0';
  do {
    const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    for (const key of batch) into.add(key);
  } while (cursor !== '0');
}

/** Every key matching a pattern: on one Redis, or on every master of a cluster. */
export async function scanKeys(redis: RedisHandle, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  const nodes = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  for (const node of nodes) await scanNode(node, pattern, found);
  return [...found];
}

/** The hash tag of a key as Redis Cluster reads it (the text in the first `{…}`, if not empty), else the key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

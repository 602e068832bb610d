/**
 * The app's Redis handle: one Redis (ioredis `Redis`) or a Redis Cluster (ioredis `Cluster`), made
 * by the server's factory (server/redisClient.ts) and shared by every area. Both have the same
 * commands; what differs is handled here, once:
 * - `duplicateConnection`: a connection of its own (blocking reads, pub/sub subscribers, BullMQ);
 * - `runScript`: a Lua script sent in full the first time on a connection, then run by its SHA
 *   (EVALSHA), in the order of the commands around it;
 * - `scanKeys`: SCAN over every master of a cluster, not only the node a command happens to reach.
 *
 * In a cluster every script and MULTI must touch keys of one slot only: RedisKeys gives the keys
 * that are used together one hash tag (`{…}`), and every key a script touches is in its KEYS.
 */
import { createHash } from 'node:crypto';
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
    return cluster.duplicate([], { enableAutoPipelining: false, redisOptions: { ...cluster.options.redisOptions, ...overrides } });
  }
  // Only the shared main connection pipelines: a connection of its own (blocking reads,
  // subscribers, BullMQ with its own scripts) sends its commands one by one, as before.
  return (redis as Redis).duplicate({ enableAutoPipelining: false, ...overrides });
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

interface LoadedScript {
  readonly lua: string;
  readonly sha: string;
}

const scripts = new Map<string, LoadedScript>();

/** The script's SHA-1, computed once per name; two different scripts under one name are a mistake. */
function loaded(script: RedisScript): LoadedScript {
  const known = scripts.get(script.name);
  if (known) {
    if (known.lua !== script.lua) throw new TypeError(`runScript: two scripts are named ${script.name}`);
    return known;
  }
  const entry = { lua: script.lua, sha: createHash('sha1').update(script.lua).digest('hex') };
  scripts.set(script.name, entry);
  return entry;
}

/** Per connection to one Redis: the scripts sent in full since it last connected. */
const sentOn = new WeakMap<Redis, Set<string>>();

function sentScripts(redis: Redis): Set<string> {
  let sent = sentOn.get(redis);
  if (!sent) {
    sentOn.set(redis, (sent = new Set()));
    // A new connection may reach a Redis that never saw them (a restart): send them in full again.
    redis.on('ready', () => sent!.clear());
  }
  return sent;
}

/** A cluster's clients have a script defined on them once (ioredis `defineCommand`). */
const definedOn = new WeakMap<object, Set<string>>();

/**
 * Runs a script. `keys` are every key it touches; in a cluster they must share one slot (one hash
 * tag). Commands on one connection reach Redis in the order they were sent, and callers rely on it
 * (a count sent without waiting is seen by a read sent after it), so a script goes in full (EVAL)
 * the first time on a connection, and by its SHA (EVALSHA) after that, as ioredis' own custom
 * commands do; only a NOSCRIPT (a Redis that lost its scripts without the connection noticing)
 * sends it again in full, after the error.
 *
 * On one Redis this is done here rather than with ioredis `defineCommand`: a command defined while
 * ioredis' auto-pipeline is collecting commands can misalign that pipeline's replies
 * (redis/ioredis#1931, fixed only in ioredis 6), and the app's main connection pipelines. A
 * cluster's clients do not pipeline automatically, and there ioredis tracks each node's connection.
 */
export async function runScript(redis: RedisHandle, script: RedisScript, keys: readonly string[], args: ReadonlyArray<string | number> = []): Promise<unknown> {
  const { lua, sha } = loaded(script);
  if (redis.isCluster) {
    let names = definedOn.get(redis);
    if (!names) definedOn.set(redis, (names = new Set()));
    if (!names.has(script.name)) {
      // No numberOfKeys: the first argument of each call says how many keys follow.
      redis.defineCommand(script.name, { lua });
      names.add(script.name);
    }
    const command = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[script.name]!;
    return command.call(redis, keys.length, ...keys, ...args);
  }
  const single = redis as Redis;
  const sent = sentScripts(single);
  if (!sent.has(sha)) {
    sent.add(sha);
    return single.eval(lua, keys.length, ...keys, ...args);
  }
  try {
    return await single.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return await single.eval(lua, keys.length, ...keys, ...args);
  }
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

/**
 * The app's Redis client, from the configuration: one Redis (`REDIS_URL`, or the private
 * redis-server) or a Redis Cluster (`REDIS_CLUSTER_NODES`). Every area gets the same handle type
 * (contracts/RedisHandle.ts); connections of their own (blocking reads, subscribers, BullMQ) are
 * duplicated from it, so they reach the same servers with the same credentials.
 */
import { once } from 'node:events';
import { Cluster, Redis } from 'ioredis';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import { parseClusterNode, type LanternConfig } from './config.js';

/** Where Redis is. */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | {
      kind: 'cluster';
      /** Some nodes of the cluster (any of them: the client learns the rest from them). */
      nodes: Array<{ host: string; port: number }>;
      username?: string;
      password?: string;
      /** TLS to every node (`rediss://` entries). */
      tls?: boolean;
    };

/** The configured Redis, or undefined when Lantern should start its private redis-server. */
export function redisTargetOf(config: Pick<LanternConfig, 'redisUrl' | 'redisClusterNodes'>): RedisTarget | undefined {
  if (config.redisClusterNodes.length > 0) {
    const nodes = config.redisClusterNodes.map(parseClusterNode);
    const first = nodes[0]!;
    return {
      kind: 'cluster',
      nodes: nodes.map(({ host, port }) => ({ host, port })),
      ...(first.username ? { username: first.username } : {}),
      ...(first.password ? { password: first.password } : {}),
      tls: first.tls,
    };
  }
  return config.redisUrl ? { kind: 'single', url: config.redisUrl } : undefined;
}

/** Raised when the cluster does not answer at start. */
export class RedisClusterUnreachableError extends Error {
  override name = 'RedisClusterUnreachableError';
}

/** Options of every connection of the app (and its duplicates). */
const COMMON = { maxRetriesPerRequest: 20 } as const;

/** A client for the target (not yet waited for; see `redisReady`). */
export function createRedisClient(target: RedisTarget, connectionName: string): RedisHandle {
  // One Redis: the commands that many turns send in the same event-loop turn leave in one write
  // (ioredis auto-pipelining); a socket write per command was the largest single cost of a busy
  // server (docs/performance.md). Not on a cluster: ioredis groups an auto-pipeline by the slot of
  // a command's first argument, which for EVALSHA is the script's SHA, not a key (redis/ioredis#2109).
  if (target.kind === 'single') return new Redis(target.url, { ...COMMON, connectionName, enableAutoPipelining: true });
  return new Cluster(target.nodes, {
    redisOptions: {
      ...COMMON,
      connectionName,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
    // Every read from the masters: the app reads what it has just written (no replica lag).
    scaleReads: 'master',
  });
}

/**
 * Resolves once the client can take commands. A cluster is waited for (its slots must be known for
 * SCAN over its masters, and a wrong address should stop the start with a clear message); one Redis
 * queues commands until it is connected, as before.
 */
export async function redisReady(redis: RedisHandle, timeoutMs = 20_000): Promise<void> {
  if (!redis.isCluster || redis.status === 'ready') return;
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), timeoutMs);
  try {
    await once(redis, 'ready', { signal: timer.signal });
  } catch {
    throw new RedisClusterUnreachableError(`the Redis cluster (REDIS_CLUSTER_NODES) was not ready within ${Math.round(timeoutMs / 1000)} s`);
  } finally {
    clearTimeout(timeout);
  }
}

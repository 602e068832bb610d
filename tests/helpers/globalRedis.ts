/**
 * Vitest global setup: one real redis-server for the whole run, on a free port, data in a temp dir.
 * Test files get its URL with `inject('redisUrl')` and isolate themselves with their own key prefix.
 * Also a real Redis Cluster of three masters (tests/helpers/redisCluster.ts) for tests/cluster:
 * `inject('redisClusterNodes')` is its REDIS_CLUSTER_NODES.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { RedisServerProcess } from '../../server/RedisServerProcess.js';
import { RedisClusterProcess } from './redisCluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    redisClusterNodes: string;
  }
}

let redis: RedisServerProcess | undefined;
let dir: string | undefined;
let cluster: RedisClusterProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-test-redis-'));
  redis = await RedisServerProcess.start({ dir, appendOnly: false });
  project.provide('redisUrl', redis.url);
  try {
    cluster = await RedisClusterProcess.start();
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide('redisClusterNodes', cluster.nodeList);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

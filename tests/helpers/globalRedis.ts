/**
 * Vitest global setup: one real redis-server for the whole run, on a free port, data in a temp dir.
 * Test files get its URL with `inject('redisUrl')` and isolate themselves with their own key prefix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { RedisServerProcess } from '../../server/RedisServerProcess.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let redis: RedisServerProcess | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-test-redis-'));
  redis = await RedisServerProcess.start({ dir, appendOnly: false });
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

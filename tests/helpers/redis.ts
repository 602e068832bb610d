/**
 * Per-test-file Redis access: a connection to the shared test redis-server and a unique key prefix.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { RedisKeys } from '../../contracts/RedisKeys.js';

/** Connects to the test redis-server. Close it in afterAll. */
export function testRedis(): Redis {
  return new Redis(inject('redisUrl'), { maxRetriesPerRequest: 3, lazyConnect: false });
}

/** A key prefix no other test file uses. */
export function uniquePrefix(name = 'test'): string {
  return `lantern-test:${name}:${randomBytes(4).toString('hex')}:`;
}

/** RedisKeys with a unique prefix. */
export function testKeys(name?: string): RedisKeys {
  return new RedisKeys(uniquePrefix(name));
}

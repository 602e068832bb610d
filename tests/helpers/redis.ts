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

/**
 * The commands a piece of code sends to Redis itself (not those its scripts run inside Redis)
 * on keys that start with `prefix`, in the order Redis ran them, seen with MONITOR: a real count
 * of its round trips when each of them is one command.
 */
export async function commandsSent(prefix: string, action: () => Promise<unknown>): Promise<string[][]> {
  const watcher = testRedis();
  const monitor = await watcher.monitor();
  const seen: string[][] = [];
  const end = `${prefix}commands-sent-end:${randomBytes(4).toString('hex')}`;
  let ended: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (ended = resolve));
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (args.includes(end)) ended();
    else if (source !== 'lua' && args.some((arg) => arg.startsWith(prefix))) seen.push(args);
  });
  try {
    await action();
    // MONITOR shows commands in the order Redis ran them: once this one is seen, so is all before it.
    await watcher.exists(end);
    await done;
    return seen;
  } finally {
    monitor.disconnect();
    watcher.disconnect();
  }
}

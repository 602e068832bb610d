/**
 * Reads a target's redis-server counters: calls per command (INFO commandstats) and its CPU time
 * (INFO cpu). The benchmark's own INFO calls are left out of every count.
 */
import type { Redis } from 'ioredis';
import type { RedisStats } from '../messages.js';

/** Commands the benchmark itself sends to read the counters. */
const OWN_COMMANDS = new Set(['info']);

/** The counters now. */
export async function readRedisStats(redis: Redis): Promise<RedisStats> {
  const [commandstats, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')]);
  const calls: Record<string, number> = {};
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const command = match[1] ?? '';
    if (!OWN_COMMANDS.has(command)) calls[command] = Number(match[2]);
  }
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { calls, cpuSeconds: field('used_cpu_user') + field('used_cpu_sys') };
}

/** Calls per command between two readings (commands with no calls left out). */
export function callsBetween(before: RedisStats, after: RedisStats): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [command, calls] of Object.entries(after.calls)) {
    const n = calls - (before.calls[command] ?? 0);
    if (n > 0) delta[command] = n;
  }
  return delta;
}

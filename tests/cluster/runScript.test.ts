/**
 * runScript on the app's own client to one Redis (auto-pipelining on): a script sent without
 * waiting is run before whatever is sent after it on the same connection, the first time too
 * (a script Redis has never seen), so counts recorded without waiting are seen by a read right
 * after them. The cluster's path is tested in cluster.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { redisScript, runScript } from '../../contracts/RedisHandle.js';
import { createRedisClient } from '../../server/redisClient.js';
import { RedisServerProcess } from '../../server/RedisServerProcess.js';
import { uniquePrefix } from '../helpers/redis.js';

const clients: Redis[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
});

/** A script no Redis has seen yet (its body is new). */
function freshScript() {
  const tag = randomBytes(6).toString('hex');
  return redisScript(`lanternOrderProbe${tag}`, `-- ${tag}\nredis.call('RPUSH', KEYS[1], ARGV[1])\nreturn redis.call('LLEN', KEYS[1])`);
}

describe('runScript on one Redis', () => {
  it('keeps the order of the connection: scripts sent without waiting come before a read sent after them, the first time too', async () => {
    const client = createRedisClient({ kind: 'single', url: inject('redisUrl') }, 'test-run-script') as Redis;
    clients.push(client);
    const script = freshScript();
    const key = `${uniquePrefix('run-script')}list`;
    for (const value of ['a', 'b', 'c']) void runScript(client, script, [key], [value]);
    expect(await client.lrange(key, 0, -1)).toEqual(['a', 'b', 'c']);
    // And by its SHA afterwards, with the answers of the script.
    expect(await runScript(client, script, [key], ['d'])).toBe(4);
    await client.del(key);
  });

  it('sends a script in full again on a new connection, and after Redis forgot its scripts (NOSCRIPT), in order', async () => {
    // A private redis-server: SCRIPT FLUSH on the shared one would take every test's scripts.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-run-script-'));
    const server = await RedisServerProcess.start({ dir, appendOnly: false });
    try {
      const script = freshScript();
      const key = 'list';
      const first = createRedisClient({ kind: 'single', url: server.url }, 'test-run-script-1') as Redis;
      const second = createRedisClient({ kind: 'single', url: server.url }, 'test-run-script-2') as Redis;
      clients.push(first, second);
      expect(await runScript(first, script, [key], ['a'])).toBe(1);
      expect(await runScript(second, script, [key], ['b'])).toBe(2);
      // Redis forgets every script; the connection does not notice: the next call gets NOSCRIPT and is sent again in full.
      await first.script('FLUSH');
      expect(await runScript(first, script, [key], ['c'])).toBe(3);
      expect(await runScript(first, script, [key], ['d'])).toBe(4);
      expect(await first.lrange(key, 0, -1)).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      await Promise.all(clients.splice(0).map((client) => client.quit().catch(() => undefined)));
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

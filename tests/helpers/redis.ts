/**
 * Per-test-file Redis access: a connection to the shared test redis-server and a unique key prefix.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
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

/** One argument of a MONITOR line, its escapes undone (enough to compare keys and names). */
function unquote(quoted: string): string {
  return quoted.replace(/\\(x[0-9a-f]{2}|.)/gi, (_all, escape: string) => (escape.length === 3 ? String.fromCharCode(parseInt(escape.slice(1), 16)) : escape === 'n' ? '\n' : escape === 'r' ? '\r' : escape === 't' ? '\t' : escape));
}

/**
 * The commands a piece of code sends to Redis itself (not those its scripts run inside Redis)
 * on keys that start with `prefix`, in the order Redis ran them, seen with MONITOR on a plain
 * socket: a real count of its round trips when each of them is one command.
 */
export async function commandsSent(prefix: string, action: () => Promise<unknown>): Promise<string[][]> {
  const url = new URL(inject('redisUrl'));
  const socket = connect(Number(url.port || 6379), url.hostname);
  const end = `${prefix}commands-sent-end:${randomBytes(4).toString('hex')}`;
  const seen: string[][] = [];
  let buffered = '';
  let monitoring: () => void = () => undefined;
  let ended: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (monitoring = resolve));
  const done = new Promise<void>((resolve) => (ended = resolve));
  socket.setEncoding('latin1');
  socket.on('error', () => undefined);
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 2);
      if (line === '+OK') monitoring();
      const match = /^\+[\d.]+ \[\d+ ([^\]]+)\] (.*)$/s.exec(line);
      if (!match) continue;
      const args = [...match[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unquote(m[1]!));
      if (args.includes(end)) ended();
      else if (match[1] !== 'lua' && args.some((arg) => arg.startsWith(prefix))) seen.push(args);
    }
  });
  socket.write('MONITOR\r\n');
  await started;
  const watcher = testRedis();
  try {
    await action();
    // MONITOR shows commands in the order Redis ran them: once this one is seen, so is all before it.
    await watcher.exists(end);
    await done;
    return seen;
  } finally {
    socket.destroy();
    watcher.disconnect();
  }
}

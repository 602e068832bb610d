/**
 * `npm run --silent staff -- <command>`: manage staff accounts from the server's shell.
 *
 *   add --username U --role counsellor|teamlead|coordinator|admin [--languages ar,nl]   → {"username":"U","password":"…"}
 *   list                                                                       → one JSON line per account (no hashes)
 *   remove --username U                                                        → {"username":"U","removed":true}
 *   passwd --username U                                                        → {"username":"U","password":"…"}
 *   capacity --username U --max N|default                                      → {"username":"U","maxConversations":N}
 *
 * Passwords are generated, printed once, and never stored in clear. `remove` and `passwd` end the
 * account's sessions. Output is JSON lines on stdout; errors are one line on stderr with exit code 1.
 *
 * Redis: REDIS_CLUSTER_NODES or REDIS_URL when set (and KEY_PREFIX, as the server), otherwise the
 * private redis-server of a running `npm start`, whose port Lantern writes to `<DATA_DIR>/redis.port`
 * (server/Lantern.ts).
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import { configFromEnv } from '../server/config.js';
import { createRedisClient, redisReady, redisTargetOf, type RedisTarget } from '../server/redisClient.js';
import { RedisKeys } from '../contracts/RedisKeys.js';
import { generatePassword } from '../staff/passwordHash.js';
import { StaffSessionStore } from '../staff/StaffSessionStore.js';
import { StaffError, StaffStore, StaffUserNotFoundError, normaliseUsername, parseLanguages, parseRole } from '../staff/StaffStore.js';

const USAGE =
  'usage: npm run --silent staff -- add --username U --role counsellor|teamlead|coordinator|admin [--languages ar,nl] | list | remove --username U | passwd --username U | capacity --username U --max N|default';

/** An error that ends the command with its one-line message. */
class CliError extends Error {
  override name = 'CliError';
}

interface Command {
  name: 'add' | 'list' | 'remove' | 'passwd' | 'capacity';
  username?: string;
  role?: string;
  languages?: string;
  max?: string;
}

function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { username: { type: 'string' }, role: { type: 'string' }, languages: { type: 'string' }, max: { type: 'string' } },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`);
  }
  const [name, ...rest] = parsed.positionals;
  if (rest.length > 0 || (name !== 'add' && name !== 'list' && name !== 'remove' && name !== 'passwd' && name !== 'capacity')) throw new CliError(USAGE);
  const { username, role, languages, max } = parsed.values;
  if ((name === 'capacity') !== (max !== undefined)) throw new CliError(`--max belongs to capacity, and capacity needs it.\n${USAGE}`);
  if (name !== 'list' && username === undefined) throw new CliError(`${name} needs --username.\n${USAGE}`);
  if (name === 'add' && role === undefined) throw new CliError(`add needs --role.\n${USAGE}`);
  if (name !== 'add' && (role !== undefined || languages !== undefined)) throw new CliError(`--role and --languages belong to add.\n${USAGE}`);
  return { name, username, role, languages, max };
}

/** Where Redis is: REDIS_CLUSTER_NODES, REDIS_URL, or the port file of the running embedded redis-server. */
function redisTarget(): { url: string; description: string; embeddedDir?: string; cluster?: RedisTarget } {
  const config = configFromEnv(process.env);
  const configured = redisTargetOf(config);
  if (configured?.kind === 'cluster') return { url: '', description: 'REDIS_CLUSTER_NODES', cluster: configured };
  if (config.redisUrl) return { url: config.redisUrl, description: 'REDIS_URL' };
  const portFile = path.join(config.dataDir, 'redis.port');
  let text: string;
  try {
    text = readFileSync(portFile, 'utf8').trim();
  } catch {
    throw new CliError(`no Redis to talk to: REDIS_URL is unset and ${portFile} does not exist (start Lantern with npm start, or set REDIS_URL).`);
  }
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65_535) throw new CliError(`${portFile} does not hold a port number.`);
  return { url: `redis://127.0.0.1:${port}`, description: `Lantern's redis-server on port ${port} (from ${portFile})`, embeddedDir: config.dataDir };
}

async function connect(target: { url: string; description: string; embeddedDir?: string; cluster?: RedisTarget }): Promise<RedisHandle> {
  if (target.cluster) {
    const cluster = createRedisClient(target.cluster, 'lantern-staff-cli');
    cluster.on('error', () => undefined); // Reported below, once.
    try {
      await redisReady(cluster, 5_000);
    } catch {
      cluster.disconnect();
      throw new CliError(`cannot reach the Redis cluster (${target.description}).`);
    }
    return cluster;
  }
  const redis = new Redis(target.url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectionName: 'lantern-staff-cli',
  });
  redis.on('error', () => undefined); // Reported below, once.
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    redis.disconnect();
    throw new CliError(`cannot reach Redis (${target.description}). Is Lantern running?`);
  }
  if (target.embeddedDir) {
    // A stale port file could name some other redis-server: it must be the one with our data directory.
    const [, dir] = ((await redis.config('GET', 'dir').catch(() => [])) as string[]) ?? [];
    let expected = target.embeddedDir;
    try {
      expected = realpathSync(target.embeddedDir);
    } catch {
      // Compare as given.
    }
    if (dir !== expected) {
      redis.disconnect();
      throw new CliError(`the redis-server on that port does not use ${target.embeddedDir}; ${target.description} is stale. Is Lantern running?`);
    }
  }
  return redis;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function run(command: Command, redis: RedisHandle): Promise<void> {
  const keys = new RedisKeys(configFromEnv(process.env).keyPrefix);
  const store = new StaffStore({ redis, keys });
  const sessions = new StaffSessionStore({ redis, keys });
  switch (command.name) {
    case 'add': {
      const role = parseRole(command.role);
      const username = normaliseUsername(command.username);
      const languages = parseLanguages(command.languages ?? '', role);
      const password = generatePassword();
      const user = await store.create({ username, role, languages, password });
      print({ username: user.username, password });
      return;
    }
    case 'list':
      for (const user of await store.list()) print(user);
      return;
    case 'remove': {
      const username = normaliseUsername(command.username);
      if (!(await store.remove(username))) throw new StaffUserNotFoundError();
      await sessions.revokeAllForUser(username);
      print({ username, removed: true });
      return;
    }
    case 'passwd': {
      const username = normaliseUsername(command.username);
      const password = generatePassword();
      await store.setPassword(username, password);
      await sessions.revokeAllForUser(username);
      print({ username, password });
      return;
    }
    case 'capacity': {
      const username = normaliseUsername(command.username);
      const max = command.max === 'default' ? undefined : Number(command.max);
      await store.setMaxConversations(username, max);
      print({ username, maxConversations: max ?? null });
      return;
    }
    default:
  }
}

async function main(): Promise<number> {
  let redis: RedisHandle | undefined;
  try {
    const command = parseCommand(process.argv.slice(2));
    redis = await connect(redisTarget());
    await run(command, redis);
    return 0;
  } catch (error) {
    const message = error instanceof CliError || error instanceof StaffError ? error.message : `failed: ${String((error as Error)?.message ?? error)}`;
    process.stderr.write(`staff: ${message.split('\n').join(' — ')}\n`);
    return 1;
  } finally {
    await redis?.quit().catch(() => redis?.disconnect());
  }
}

process.exitCode = await main();

/**
 * `scripts/staff.ts` end to end, as `npm run staff` runs it: a real child process against the test
 * Redis (REDIS_URL + KEY_PREFIX), and against the embedded redis-server of a running Lantern
 * (found through `<DATA_DIR>/redis.port`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../server/RedisServerProcess.js';
import { RedisKeys } from '../../contracts/RedisKeys.js';
import { startLantern } from '../../server/Lantern.js';
import { StaffStore } from '../../staff/StaffStore.js';
import { testRedis, uniquePrefix } from '../helpers/redis.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with exactly these variables (plus PATH/HOME), not the test process's environment. */
function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/staff.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Stdout must be JSON lines and nothing else. */
function jsonLines(stdout: string): any[] {
  expect(stdout.endsWith('\n') || stdout === '').toBe(true);
  return stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
}

const redis = testRedis();
afterAll(() => redis.quit());

describe('npm run staff (REDIS_URL)', () => {
  const prefix = uniquePrefix('staff-cli');
  const env = { REDIS_URL: inject('redisUrl'), KEY_PREFIX: prefix };
  const store = new StaffStore({ redis, keys: new RedisKeys(prefix) });

  it('add prints exactly one JSON line with the generated password, which then works', async () => {
    const run = await runCli(['add', '--username', 'Amira', '--role', 'counsellor', '--languages', 'ar,nl'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toHaveLength(2); // one line plus the final newline
    const [line] = jsonLines(run.stdout);
    expect(Object.keys(line)).toEqual(['username', 'password']);
    expect(line.username).toBe('amira');
    expect(line.password.length).toBeGreaterThanOrEqual(20);
    expect(await store.get('amira')).toMatchObject({ role: 'counsellor', languages: ['ar', 'nl'] });
    expect(await store.verifyLogin('amira', line.password)).toMatchObject({ ok: true });
  });

  it('list prints one JSON line per account without hashes; passwd and remove work', async () => {
    expect((await runCli(['add', '--username', 'coord', '--role', 'coordinator'], env)).code).toBe(0);
    const list = await runCli(['list'], env);
    expect(list.code).toBe(0);
    const users = jsonLines(list.stdout);
    expect(users.map((user) => user.username)).toEqual(['amira', 'coord']);
    expect(list.stdout).not.toMatch(/scrypt|passwordHash/);

    const passwd = await runCli(['passwd', '--username', 'coord'], env);
    expect(passwd.code).toBe(0);
    const [changed] = jsonLines(passwd.stdout);
    expect(changed.username).toBe('coord');
    expect(await store.verifyLogin('coord', changed.password)).toMatchObject({ ok: true });

    const capacity = await runCli(['capacity', '--username', 'amira', '--max', '5'], env);
    expect([capacity.code, jsonLines(capacity.stdout)]).toEqual([0, [{ username: 'amira', maxConversations: 5 }]]);
    expect((await store.get('amira'))?.maxConversations).toBe(5);
    expect((await runCli(['capacity', '--username', 'amira', '--max', '0'], env)).code).toBe(1);
    expect((await runCli(['capacity', '--username', 'amira', '--max', 'default'], env)).code).toBe(0);
    expect((await store.get('amira'))?.maxConversations).toBeUndefined();

    const remove = await runCli(['remove', '--username', 'coord'], env);
    expect(remove.code).toBe(0);
    expect(jsonLines(remove.stdout)).toEqual([{ username: 'coord', removed: true }]);
    expect(await store.get('coord')).toBeUndefined();
  });

  it('fails with one line on stderr and exit code 1 for errors', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['add', '--username', 'amira', '--role', 'counsellor', '--languages', 'ar'], /already exists/],
      [['add', '--username', 'x', '--role', 'counsellor', '--languages', 'ar'], /username/],
      [['add', '--username', 'nolang', '--role', 'counsellor'], /language/],
      [['add', '--username', 'who', '--role', 'king'], /role/],
      [['remove', '--username', 'ghost'], /no account/i],
      [['passwd'], /--username/],
      [['frobnicate'], /usage/],
      [['list', '--bogus'], /usage/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, env);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
  });

  it('fails with one line and exit code 1 when no Redis is reachable', async () => {
    const run = await runCli(['list'], { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, KEY_PREFIX: prefix });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot reach Redis/);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-staff-cli-'));
    try {
      const noFile = await runCli(['list'], { DATA_DIR: dir });
      expect(noFile.code).toBe(1);
      expect(noFile.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(noFile.stderr).toMatch(/redis\.port/);
      // A stale port file naming some other redis-server (here: the test one) is not trusted.
      writeFileSync(path.join(dir, 'redis.port'), `${new URL(inject('redisUrl')).port}\n`);
      const stale = await runCli(['list'], { DATA_DIR: dir, KEY_PREFIX: prefix });
      expect(stale.code).toBe(1);
      expect(stale.stdout).toBe('');
      expect(stale.stderr).toMatch(/stale/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run staff (embedded redis-server of a running Lantern)', () => {
  it('finds the redis-server through <DATA_DIR>/redis.port, which Lantern writes at start and removes at stop', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-staff-embedded-'));
    const prefix = uniquePrefix('staff-embedded');
    const lantern = await startLantern(
      { redisUrl: undefined, dataDir, keyPrefix: prefix, port: 0, host: '127.0.0.1' },
      { logStream: new Writable({ write: (_chunk, _encoding, done) => done() }) },
      {},
    );
    const portFile = path.join(dataDir, 'redis.port');
    try {
      expect(lantern.embeddedRedis).toBe(true);
      expect(readFileSync(portFile, 'utf8').trim()).toMatch(/^\d+$/);
      const run = await runCli(['add', '--username', 'embedded-admin', '--role', 'admin'], { DATA_DIR: dataDir, KEY_PREFIX: prefix });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const [line] = jsonLines(run.stdout);
      expect(line.username).toBe('embedded-admin');
      const store = new StaffStore({ redis: lantern.redis, keys: new RedisKeys(prefix) });
      expect(await store.verifyLogin('embedded-admin', line.password)).toMatchObject({ ok: true });
      await lantern.stop();
      expect(existsSync(portFile)).toBe(false);
    } finally {
      await lantern.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

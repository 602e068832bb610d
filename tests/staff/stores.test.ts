import { afterAll, describe, expect, it } from 'vitest';
import { StaffSessionStore, sha256Hex } from '../../staff/StaffSessionStore.js';
import { InvalidStaffInputError, StaffStore, StaffUserExistsError, StaffUserNotFoundError } from '../../staff/StaffStore.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
afterAll(() => redis.quit());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PASSWORD = 'a-long-enough-password';

describe('StaffStore accounts', () => {
  const keys = testKeys('staff-store');
  const store = new StaffStore({ redis, keys });

  it('creates accounts (lowercase usernames, canonical languages) and refuses duplicates with a named error', async () => {
    const created = await store.create({ username: 'Fatima.K', role: 'counsellor', languages: ['nl', 'ar', 'nl'], password: PASSWORD });
    expect(created).toMatchObject({ username: 'fatima.k', role: 'counsellor', languages: ['ar', 'nl'], failedLogins: 0, lockedUntil: null });
    expect(Date.parse(created.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    await expect(store.create({ username: 'fatima.k', role: 'admin', password: PASSWORD })).rejects.toBeInstanceOf(StaffUserExistsError);
    await expect(store.create({ username: 'FATIMA.K', role: 'coordinator', password: PASSWORD })).rejects.toBeInstanceOf(StaffUserExistsError);
    expect(await store.count()).toBe(1);
  });

  it('validates username, role, languages and password', async () => {
    const bad: Array<Parameters<StaffStore['create']>[0]> = [
      { username: 'ab', role: 'admin', password: PASSWORD },
      { username: 'has space', role: 'admin', password: PASSWORD },
      { username: 'x'.repeat(33), role: 'admin', password: PASSWORD },
      { username: 'émile', role: 'admin', password: PASSWORD },
      { username: 'valid-name', role: 'root' as never, password: PASSWORD },
      { username: 'valid-name', role: 'counsellor', languages: [], password: PASSWORD },
      { username: 'valid-name', role: 'counsellor', languages: ['de'], password: PASSWORD },
      { username: 'valid-name', role: 'coordinator', languages: ['nl'], password: PASSWORD },
      { username: 'valid-name', role: 'admin', password: 'short' },
    ];
    for (const input of bad) await expect(store.create(input)).rejects.toBeInstanceOf(InvalidStaffInputError);
    expect(await store.get('valid-name')).toBeUndefined();
  });

  it('lists and gets accounts without password hashes', async () => {
    await store.create({ username: 'coord_1', role: 'coordinator', password: PASSWORD });
    await store.create({ username: 'admin-1', role: 'admin', password: PASSWORD });
    const users = await store.list();
    expect(users.map((user) => user.username)).toEqual(['admin-1', 'coord_1', 'fatima.k']);
    for (const user of users) {
      expect(Object.keys(user).sort()).toEqual(['createdAt', 'failedLogins', 'languages', 'lockedUntil', 'role', 'username']);
      expect(JSON.stringify(user)).not.toContain('scrypt');
    }
    expect(await store.get('Admin-1')).toMatchObject({ username: 'admin-1', role: 'admin', languages: [] });
    expect(await store.get('nobody')).toBeUndefined();
    // The hash is in Redis, but only there.
    expect(await redis.hget(keys.staffUser('admin-1'), 'passwordHash')).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('sets a new password and removes accounts', async () => {
    await store.setPassword('coord_1', 'another-long-password');
    expect((await store.verifyLogin('coord_1', PASSWORD)).ok).toBe(false);
    expect((await store.verifyLogin('coord_1', 'another-long-password')).ok).toBe(true);
    await expect(store.setPassword('nobody', 'another-long-password')).rejects.toBeInstanceOf(StaffUserNotFoundError);
    expect(await store.remove('coord_1')).toBe(true);
    expect(await store.remove('coord_1')).toBe(false);
    expect(await store.get('coord_1')).toBeUndefined();
    expect(await redis.sismember(keys.staffUsers(), 'coord_1')).toBe(0);
  });
});

describe('StaffStore.verifyLogin', () => {
  const keys = testKeys('staff-login');
  const store = new StaffStore({ redis, keys, lockMs: 3_000 });

  it('accepts the right password (any case of username) and answers the principal', async () => {
    await store.create({ username: 'sam', role: 'counsellor', languages: ['ti'], password: PASSWORD });
    expect(await store.verifyLogin(' SAM ', PASSWORD)).toEqual({ ok: true, user: { username: 'sam', role: 'counsellor', languages: ['ti'] } });
    expect(await store.verifyLogin('sam', 'wrong-password-1')).toEqual({ ok: false, locked: false });
    expect(await store.verifyLogin(42, PASSWORD)).toEqual({ ok: false, locked: false });
  });

  it('locks a username after 5 failures, counts per username, and unlocks after the lock time', async () => {
    await store.create({ username: 'lee', role: 'counsellor', languages: ['en'], password: PASSWORD });
    await store.create({ username: 'kim', role: 'counsellor', languages: ['en'], password: PASSWORD });
    for (let i = 1; i <= 4; i += 1) expect(await store.verifyLogin('lee', `wrong-${i}`)).toEqual({ ok: false, locked: false });
    expect((await store.get('lee'))?.failedLogins).toBe(4);
    const fifth = await store.verifyLogin('lee', 'wrong-5');
    expect(fifth).toMatchObject({ ok: false, locked: true });
    // Locked: even the right password is refused.
    expect(await store.verifyLogin('lee', PASSWORD)).toMatchObject({ ok: false, locked: true });
    expect((await store.get('lee'))?.lockedUntil).not.toBeNull();
    // Another username is not affected.
    expect((await store.verifyLogin('kim', PASSWORD)).ok).toBe(true);
    await sleep(3_100);
    expect((await store.verifyLogin('lee', PASSWORD)).ok).toBe(true);
  });

  it('resets the count on success', async () => {
    await store.create({ username: 'ria', role: 'coordinator', password: PASSWORD });
    for (let i = 0; i < 4; i += 1) await store.verifyLogin('ria', 'wrong');
    expect((await store.verifyLogin('ria', PASSWORD)).ok).toBe(true);
    expect((await store.get('ria'))?.failedLogins).toBe(0);
    for (let i = 0; i < 4; i += 1) expect(await store.verifyLogin('ria', 'wrong')).toEqual({ ok: false, locked: false });
    expect((await store.verifyLogin('ria', PASSWORD)).ok).toBe(true);
  });

  it('locks unknown usernames the same way, so a lock does not reveal which accounts exist', async () => {
    const results = [];
    for (let i = 0; i < 6; i += 1) results.push(await store.verifyLogin('ghost', `wrong-${i}`));
    expect(results.slice(0, 4)).toEqual(Array(4).fill({ ok: false, locked: false }));
    expect(results[4]).toMatchObject({ ok: false, locked: true });
    expect(results[5]).toMatchObject({ ok: false, locked: true });
    // The counter expires by itself.
    expect(await redis.pttl(keys.staffLoginAttempts('ghost'))).toBeGreaterThan(0);
  });

  it('does not let parallel guesses slip past the lock', async () => {
    // A lock longer than twelve hashings take on a busy machine.
    const patient = new StaffStore({ redis, keys, lockMs: 120_000 });
    await patient.create({ username: 'par', role: 'counsellor', languages: ['nl'], password: PASSWORD });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => patient.verifyLogin('par', `wrong-${i}`)));
    expect(results.filter((result) => !result.ok && result.locked).length).toBeGreaterThanOrEqual(7);
    expect(await patient.verifyLogin('par', PASSWORD)).toMatchObject({ ok: false, locked: true });
  });

  it('spends the hashing time for unknown and malformed usernames too', async () => {
    const time = async (username: string) => {
      const started = performance.now();
      await store.verifyLogin(username, 'some-wrong-password');
      return performance.now() - started;
    };
    await store.create({ username: 'timed', role: 'admin', password: PASSWORD });
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const known = median([await time('timed'), await time('timed'), await time('timed')]);
    const unknown = median([await time('nobody-1'), await time('nobody-2'), await time('nobody-3')]);
    const malformed = median([await time('x'), await time('no spaces allowed'), await time('')]);
    expect(known).toBeGreaterThan(15);
    expect(unknown).toBeGreaterThan(known * 0.5);
    expect(malformed).toBeGreaterThan(known * 0.5);
  });
});

describe('StaffSessionStore', () => {
  const keys = testKeys('staff-sessions');
  const principal = { username: 'nadia', role: 'counsellor' as const, languages: ['ar' as const, 'nl' as const] };

  it('creates sessions with a random 32-byte id, stored only as its SHA-256', async () => {
    const sessions = new StaffSessionStore({ redis, keys });
    const session = await sessions.create(principal);
    expect(Buffer.from(session.id, 'base64url')).toHaveLength(32);
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await redis.keys(`${keys.prefix}*`);
    expect(stored).toContain(keys.staffSession(sha256Hex(session.id)));
    for (const key of stored) expect(key).not.toContain(session.id);
    expect(JSON.stringify(await redis.hgetall(keys.staffSession(sha256Hex(session.id))))).not.toContain(session.id);
    expect(await sessions.get(session.id)).toMatchObject({ username: 'nadia', role: 'counsellor', languages: ['ar', 'nl'], csrfToken: session.csrfToken });
    expect(await sessions.get('not-a-session')).toBeUndefined();
    // One character changed (never to the one it already is: ids end in 'A' one time in 64).
    expect(await sessions.get(`${session.id.slice(0, -1)}${session.id.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
  });

  it('expires after the idle time without use, and slides while used', async () => {
    const sessions = new StaffSessionStore({ redis, keys, idleSeconds: 2, absoluteSeconds: 60 });
    const idle = await sessions.create(principal);
    const used = await sessions.create(principal);
    for (let i = 0; i < 3; i += 1) {
      await sleep(800);
      expect(await sessions.get(used.id)).toBeDefined();
    }
    // 2.4 s after creation: the used one lives on, the idle one is gone.
    expect(await sessions.get(idle.id)).toBeUndefined();
    expect(await sessions.get(used.id)).toBeDefined();
  });

  it('never slides past the absolute lifetime', async () => {
    let now = Date.now();
    const sessions = new StaffSessionStore({ redis, keys, idleSeconds: 100, absoluteSeconds: 1_000, now: () => now });
    const session = await sessions.create(principal);
    const key = keys.staffSession(sha256Hex(session.id));
    expect(await redis.pttl(key)).toBeGreaterThan(99_000);
    now += 950_000;
    expect(await sessions.get(session.id)).toBeDefined();
    expect(await redis.pttl(key)).toBeLessThanOrEqual(50_000);
    now += 60_000;
    expect(await sessions.get(session.id)).toBeUndefined();
    expect(await redis.exists(key)).toBe(0);
  });

  it('revokes one session, or every session of a user', async () => {
    const sessions = new StaffSessionStore({ redis, keys });
    const a = await sessions.create(principal);
    const b = await sessions.create(principal);
    const c = await sessions.create(principal);
    const other = await sessions.create({ username: 'omar', role: 'admin', languages: [] });
    await sessions.revoke(a.id);
    expect(await sessions.get(a.id)).toBeUndefined();
    expect(await sessions.get(b.id)).toBeDefined();
    expect(await sessions.revokeAllForUser('nadia')).toBeGreaterThanOrEqual(2);
    expect(await sessions.get(b.id)).toBeUndefined();
    expect(await sessions.get(c.id)).toBeUndefined();
    expect(await sessions.get(other.id)).toBeDefined();
  });
});

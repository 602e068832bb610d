/**
 * The staff routes over real HTTP: login and its cookie, failures and lockout, sessions, CSRF,
 * roles, user management, bad input, and a log that never holds secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStaffSessionCookie } from '../../staff/staffAuthPlugin.js';
import { testKeys } from '../helpers/redis.js';
import { call, isErrorBody, login, sessionFrom, startStaffHarness, type StaffHarness } from './harness.js';

const ADMIN_PASSWORD = 'admin-password-for-tests';
const COUNSELLOR_PASSWORD = 'counsellor-password-for-tests';
const COORDINATOR_PASSWORD = 'coordinator-password-for-tests';
const secrets: string[] = [ADMIN_PASSWORD, COUNSELLOR_PASSWORD, COORDINATOR_PASSWORD];

let h: StaffHarness;
const url = (path: string) => `${h.baseUrl}${path}`;

beforeAll(async () => {
  h = await startStaffHarness({ keys: testKeys('staff-http') });
  await h.store.create({ username: 'admin', role: 'admin', password: ADMIN_PASSWORD });
  await h.store.create({ username: 'counsellor', role: 'counsellor', languages: ['ar', 'nl'], password: COUNSELLOR_PASSWORD });
  await h.store.create({ username: 'coordinator', role: 'coordinator', password: COORDINATOR_PASSWORD });
});
afterAll(() => h.close());

describe('login', () => {
  it('sets an HttpOnly, SameSite=Strict, Path=/ session cookie and answers the CSRF token and who you are', async () => {
    const result = await call(url('/api/staff/login'), { json: { username: 'Counsellor', password: COUNSELLOR_PASSWORD } });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), username: 'counsellor', role: 'counsellor', languages: ['ar', 'nl'] });
    expect(result.setCookies).toHaveLength(1);
    const cookie = result.setCookies[0]!;
    expect(cookie).toMatch(/^lantern_staff=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect(result.headers.get('cache-control')).toBe('no-store');
    secrets.push(sessionFrom(result), result.body.csrfToken);

    const me = await call(url('/api/staff/me'), { session: sessionFrom(result) });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ username: 'counsellor', role: 'counsellor', languages: ['ar', 'nl'], csrfToken: result.body.csrfToken, totp: false, totpRequired: false });
  });

  it('marks the cookie Secure when secureCookies is on', async () => {
    const keys = testKeys('staff-secure');
    const secure = await startStaffHarness({ keys, secureCookies: true });
    try {
      await secure.store.create({ username: 'admin', role: 'admin', password: ADMIN_PASSWORD });
      const result = await call(`${secure.baseUrl}/api/staff/login`, { json: { username: 'admin', password: ADMIN_PASSWORD } });
      expect(result.status).toBe(200);
      expect(result.setCookies[0]).toMatch(/;\s*Secure/i);
    } finally {
      await secure.close();
    }
  });

  it('answers 401 with one generic message for a wrong password and for an unknown username', async () => {
    const wrong = await call(url('/api/staff/login'), { json: { username: 'admin', password: 'not-the-password' } });
    const unknown = await call(url('/api/staff/login'), { json: { username: 'nobody-here', password: 'not-the-password' } });
    const malformed = await call(url('/api/staff/login'), { json: { username: 'no', password: 'x' } });
    for (const result of [wrong, unknown, malformed]) {
      expect(result.status).toBe(401);
      expect(isErrorBody(result.body, 'LoginFailed')).toBe(true);
      expect(result.setCookies).toEqual([]);
      expect(result.headers.get('retry-after')).toBeNull();
    }
    expect(unknown.body).toEqual(wrong.body);
    expect(malformed.body).toEqual(wrong.body);
  });

  it('locks a username after 5 failures (Retry-After, same message), for unknown usernames alike', async () => {
    await h.store.create({ username: 'lockme', role: 'counsellor', languages: ['en'], password: COUNSELLOR_PASSWORD });
    const attempt = (username: string, password: string) => call(url('/api/staff/login'), { json: { username, password } });
    const known = [];
    const unknown = [];
    for (let i = 0; i < 5; i += 1) {
      known.push(await attempt('lockme', `wrong-password-${i}`));
      unknown.push(await attempt('never-existed', `wrong-password-${i}`));
    }
    for (const series of [known, unknown]) {
      for (const result of series.slice(0, 4)) {
        expect(result.status).toBe(401);
        expect(result.headers.get('retry-after')).toBeNull();
      }
      expect(series[4]!.status).toBe(401);
      expect(Number(series[4]!.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    }
    // Now even the right password is refused, with the same body.
    const locked = await attempt('lockme', COUNSELLOR_PASSWORD);
    const lockedUnknown = await attempt('never-existed', COUNSELLOR_PASSWORD);
    expect(locked.status).toBe(401);
    expect(locked.setCookies).toEqual([]);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(lockedUnknown.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(locked.body).toEqual(known[0]!.body);
    expect(lockedUnknown.body).toEqual(known[0]!.body);
    // Other accounts log in as usual.
    expect((await attempt('coordinator', COORDINATOR_PASSWORD)).status).toBe(200);
  });

  it('replaces the previous session of the browser at a new login', async () => {
    const first = await login(h, 'coordinator', COORDINATOR_PASSWORD);
    const second = await call(url('/api/staff/login'), { json: { username: 'coordinator', password: COORDINATOR_PASSWORD }, session: first.session });
    expect(second.status).toBe(200);
    expect(sessionFrom(second)).not.toBe(first.session);
    expect((await call(url('/api/staff/me'), { session: first.session })).status).toBe(401);
    expect((await call(url('/api/staff/me'), { session: sessionFrom(second) })).status).toBe(200);
  });
});

describe('sessions', () => {
  it('answers 401 without a session or with an unknown one', async () => {
    for (const session of [undefined, 'x', 'A'.repeat(43)]) {
      const result = await call(url('/api/staff/me'), { session });
      expect(result.status).toBe(401);
      expect(isErrorBody(result.body, 'Unauthorized')).toBe(true);
    }
  });

  it('ends a session after the idle time', async () => {
    const keys = testKeys('staff-idle');
    const short = await startStaffHarness({ keys, sessionIdleSeconds: 2, sessionAbsoluteSeconds: 60 });
    try {
      await short.store.create({ username: 'idle', role: 'coordinator', password: COORDINATOR_PASSWORD });
      const { session } = await login(short, 'idle', COORDINATOR_PASSWORD);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect((await call(`${short.baseUrl}/api/staff/me`, { session })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      // 2.4 s after login but only 1.2 s after the last request: still alive (sliding).
      expect((await call(`${short.baseUrl}/api/staff/me`, { session })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2_400));
      expect((await call(`${short.baseUrl}/api/staff/me`, { session })).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('ends a session at the absolute lifetime even while used', async () => {
    const keys = testKeys('staff-absolute');
    const short = await startStaffHarness({ keys, sessionIdleSeconds: 10, sessionAbsoluteSeconds: 3 });
    try {
      await short.store.create({ username: 'busy', role: 'coordinator', password: COORDINATOR_PASSWORD });
      const { session } = await login(short, 'busy', COORDINATOR_PASSWORD);
      for (let i = 0; i < 2; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        expect((await call(`${short.baseUrl}/api/staff/me`, { session })).status).toBe(200);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await call(`${short.baseUrl}/api/staff/me`, { session })).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('logs out (CSRF required), clearing the cookie and ending the session', async () => {
    const { session, csrf } = await login(h, 'coordinator', COORDINATOR_PASSWORD);
    const withoutCsrf = await call(url('/api/staff/logout'), { method: 'POST', session });
    expect(withoutCsrf.status).toBe(403);
    expect(isErrorBody(withoutCsrf.body, 'CsrfTokenInvalid')).toBe(true);
    expect((await call(url('/api/staff/me'), { session })).status).toBe(200);

    const out = await call(url('/api/staff/logout'), { method: 'POST', session, csrf });
    expect(out.status).toBe(204);
    expect(out.setCookies[0]).toMatch(/^lantern_staff=;/);
    expect((await call(url('/api/staff/me'), { session })).status).toBe(401);
    // Logging out again (or without any session) is harmless.
    expect((await call(url('/api/staff/logout'), { method: 'POST', session, csrf })).status).toBe(204);
    expect((await call(url('/api/staff/logout'), { method: 'POST' })).status).toBe(204);
  });

  it('authenticates a raw Cookie header (for the console WebSocket upgrade)', async () => {
    const { session } = await login(h, 'counsellor', COUNSELLOR_PASSWORD);
    const viaInstance = await h.app.verifyStaffSessionCookie(`a=b; lantern_staff=${session}; c=d`);
    expect(viaInstance).toMatchObject({ username: 'counsellor', role: 'counsellor', languages: ['ar', 'nl'] });
    expect(await verifyStaffSessionCookie(h.app.staffSessions, `lantern_staff=${session}`)).toMatchObject({ username: 'counsellor' });
    for (const header of [undefined, '', 'lantern_staff=', 'lantern_staff=nope', `other=${session}`, '%%%;;=']) {
      expect(await h.app.verifyStaffSessionCookie(header)).toBeUndefined();
      expect(await verifyStaffSessionCookie(h.app.staffSessions, header)).toBeUndefined();
    }
  });
});

describe('CSRF and roles through staffGuard', () => {
  it('refuses a state-changing request without the CSRF header or with a wrong one (403), accepts the right one', async () => {
    const { session, csrf } = await login(h, 'counsellor', COUNSELLOR_PASSWORD);
    const missing = await call(url('/api/test/change'), { method: 'POST', session });
    const wrong = await call(url('/api/test/change'), { method: 'POST', session, csrf: `${csrf.slice(0, -1)}x` });
    const otherSessions = await login(h, 'counsellor', COUNSELLOR_PASSWORD);
    const fromAnotherSession = await call(url('/api/test/change'), { method: 'POST', session, csrf: otherSessions.csrf });
    for (const result of [missing, wrong, fromAnotherSession]) {
      expect(result.status).toBe(403);
      expect(isErrorBody(result.body, 'CsrfTokenInvalid')).toBe(true);
    }
    const right = await call(url('/api/test/change'), { method: 'POST', session, csrf });
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ changedBy: 'counsellor' });
    // Reading needs no CSRF header; request.staff is set for the route.
    const read = await call(url('/api/test/counsellor-only'), { session });
    expect(read.body).toEqual({ staff: { username: 'counsellor', role: 'counsellor', languages: ['ar', 'nl'] } });
    expect((await call(url('/api/test/open'), { session })).body).toEqual({ staff: null });
  });

  it('answers 403 for a wrong role and 401 without a session', async () => {
    const admin = await login(h, 'admin', ADMIN_PASSWORD);
    const result = await call(url('/api/test/counsellor-only'), { session: admin.session });
    expect(result.status).toBe(403);
    expect(isErrorBody(result.body, 'Forbidden')).toBe(true);
    expect((await call(url('/api/test/counsellor-only'))).status).toBe(401);
  });

  it('does not let a counsellor or coordinator manage users', async () => {
    for (const [username, password] of [['counsellor', COUNSELLOR_PASSWORD], ['coordinator', COORDINATOR_PASSWORD]] as const) {
      const { session, csrf } = await login(h, username, password);
      const create = await call(url('/api/staff/users'), { json: { username: 'sneaky', role: 'admin' }, session, csrf });
      expect(create.status).toBe(403);
      expect(isErrorBody(create.body, 'Forbidden')).toBe(true);
      expect((await call(url('/api/staff/users'), { session })).status).toBe(403);
      expect((await call(url('/api/staff/users/admin'), { method: 'DELETE', session, csrf })).status).toBe(403);
    }
    expect(await h.store.get('sneaky')).toBeUndefined();
    expect(await h.store.get('admin')).toBeDefined();
  });
});

describe('user management (admin)', () => {
  it('creates users with a one-time password link (never a password), lists them without hashes, and removes them (ending their sessions)', async () => {
    const admin = await login(h, 'admin', ADMIN_PASSWORD);
    const noCsrf = await call(url('/api/staff/users'), { json: { username: 'nieuw', role: 'counsellor', languages: ['prs'] }, session: admin.session });
    expect(noCsrf.status).toBe(403);

    const created = await call(url('/api/staff/users'), { json: { username: 'Nieuw', role: 'counsellor', languages: ['prs', 'nl'] }, session: admin.session, csrf: admin.csrf });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ username: 'nieuw', role: 'counsellor', languages: ['prs', 'nl'], link: expect.stringMatching(/^\/admin\/reset#[A-Za-z0-9_-]{43}$/), expiresInSeconds: 86_400 });
    const token = created.body.link.split('#')[1];
    const chosen = 'nieuw-chosen-password';
    secrets.push(token, chosen);
    expect((await call(url('/api/staff/password-link'), { json: { token, password: chosen } })).status).toBe(200);

    const list = await call(url('/api/staff/users'), { session: admin.session });
    expect(list.status).toBe(200);
    expect(list.body.users.find((user: { username: string }) => user.username === 'nieuw')).toMatchObject({ role: 'counsellor', languages: ['prs', 'nl'] });
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|passwordHash|password/);

    const duplicate = await call(url('/api/staff/users'), { json: { username: 'nieuw', role: 'coordinator' }, session: admin.session, csrf: admin.csrf });
    expect(duplicate.status).toBe(409);
    expect(isErrorBody(duplicate.body, 'UserExists')).toBe(true);

    const theirs = await login(h, 'nieuw', chosen);
    const removed = await call(url('/api/staff/users/nieuw'), { method: 'DELETE', session: admin.session, csrf: admin.csrf });
    expect(removed.status).toBe(204);
    expect((await call(url('/api/staff/me'), { session: theirs.session })).status).toBe(401);
    expect((await call(url('/api/staff/login'), { json: { username: 'nieuw', password: chosen } })).status).toBe(401);

    const again = await call(url('/api/staff/users/nieuw'), { method: 'DELETE', session: admin.session, csrf: admin.csrf });
    expect(again.status).toBe(404);
    expect(isErrorBody(again.body, 'NotFound')).toBe(true);
    const self = await call(url('/api/staff/users/admin'), { method: 'DELETE', session: admin.session, csrf: admin.csrf });
    expect(self.status).toBe(409);
    expect(isErrorBody(self.body, 'CannotRemoveSelf')).toBe(true);
  });
});

describe('bad input', () => {
  it('answers 400 with an error body, never a 500', async () => {
    const admin = await login(h, 'admin', ADMIN_PASSWORD);
    const auth = { session: admin.session, csrf: admin.csrf };
    const cases = [
      call(url('/api/staff/login'), { body: '{"username":"admin","password":', contentType: 'application/json' }),
      call(url('/api/staff/login'), { body: '', contentType: 'application/json' }),
      call(url('/api/staff/login'), { body: 'username=admin&password=x', contentType: 'application/x-www-form-urlencoded' }),
      call(url('/api/staff/login'), { body: 'admin', contentType: 'text/plain' }),
      call(url('/api/staff/login'), { json: [] }),
      call(url('/api/staff/login'), { json: null }),
      call(url('/api/staff/login'), { json: { username: 'admin' } }),
      call(url('/api/staff/login'), { json: { username: 42, password: ADMIN_PASSWORD } }),
      call(url('/api/staff/login'), { json: { username: ['admin'], password: ADMIN_PASSWORD } }),
      call(url('/api/staff/setup'), { json: 'text' }),
      call(url('/api/staff/users'), { json: { username: 'x', role: 'counsellor', languages: ['nl'] }, ...auth }),
      call(url('/api/staff/users'), { json: { username: 'valid', role: 'superuser' }, ...auth }),
      call(url('/api/staff/users'), { json: { username: 'valid', role: 'counsellor' }, ...auth }),
      call(url('/api/staff/users'), { json: { username: 'valid', role: 'counsellor', languages: ['fr'] }, ...auth }),
      call(url('/api/staff/users'), { json: { username: 'valid', role: 'counsellor', languages: 7 }, ...auth }),
      call(url('/api/staff/users'), { json: { username: 'valid', role: 'admin', languages: ['nl'] }, ...auth }),
      call(url('/api/staff/users'), { json: { username: { $ne: '' }, role: 'admin' }, ...auth }),
      call(url(`/api/staff/users/${encodeURIComponent('bad name!')}`), { method: 'DELETE', ...auth }),
    ];
    for (const result of await Promise.all(cases)) {
      expect(result.status).toBe(400);
      expect(isErrorBody(result.body, 'BadArgument')).toBe(true);
    }
    const huge = await call(url('/api/staff/login'), { json: { username: 'admin', password: 'x'.repeat(20_000) } });
    expect(huge.status).toBe(413);
    expect(isErrorBody(huge.body)).toBe(true);
    expect(await h.store.get('valid')).toBeUndefined();
  });
});

describe('log', () => {
  it('holds event codes only: no passwords, session ids, CSRF tokens, usernames of failed logins or addresses', () => {
    const log = h.logLines.join('');
    expect(log).toContain('staff.login.succeeded');
    expect(log).toContain('staff.login.failed');
    expect(log).toContain('staff.login.locked');
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(log).not.toContain('lantern_staff');
    expect(log).not.toContain('127.0.0.1');
    expect(log).not.toContain('never-existed');
    expect(log).not.toContain('lockme');
  });
});

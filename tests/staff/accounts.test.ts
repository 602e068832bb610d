/**
 * Accounts over real HTTP on the real Redis: what an admin does to an account (create with a
 * one-time password link, change role, languages and capacity, disable and enable, unlock, a new
 * password link, turn two-factor off), one's own password, login failures counted per username and
 * client (a stranger's failures from another address do not lock the counsellor's own browser out;
 * one client cannot guess many usernames), and two-factor login (enrol, login with a code, a code
 * works once, required for admins when configured). Clients are real loopback addresses
 * (127.0.0.x as the request's source address), not headers.
 */
import http from 'node:http';
import { Secret } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../staff/StaffTotp.js';
import { testKeys } from '../helpers/redis.js';
import { isErrorBody, startStaffHarness, type StaffHarness } from './harness.js';

const ADMIN_PASSWORD = 'admin-password-for-accounts';
const COUNSELLOR_PASSWORD = 'counsellor-password-for-accounts';
/** Everything that must never be in the log. */
const secrets: string[] = [ADMIN_PASSWORD, COUNSELLOR_PASSWORD];

let h: StaffHarness;
const left: Array<[string, string]> = [];

/** A parsed answer. */
interface Answer {
  status: number;
  body: any;
  headers: http.IncomingHttpHeaders;
  session?: string;
}

/** Options of one request from a client address. */
interface Request {
  method?: string;
  json?: unknown;
  session?: string;
  csrf?: string;
  /** The source address (default 127.0.0.1). */
  from?: string;
}

/** One request with node:http, from the loopback address `from`. */
function send(path: string, options: Request = {}, base = h.baseUrl): Promise<Answer> {
  const url = new URL(path, base);
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.session) headers.cookie = `lantern_staff=${options.session}`;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, localAddress: options.from ?? '127.0.0.1' },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            // not JSON
          }
          const cookie = (response.headers['set-cookie'] ?? []).find((line) => line.startsWith('lantern_staff='));
          const session = cookie?.slice('lantern_staff='.length).split(';')[0] || undefined;
          resolve({ status: response.statusCode ?? 0, body: parsed, headers: response.headers, session });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A signed-in client. */
interface Signed {
  session: string;
  csrf: string;
  from: string;
}

async function login(username: string, password: string, from = '127.0.0.1', code?: string, base = h.baseUrl): Promise<Signed> {
  const answer = await send('/api/staff/login', { json: { username, password, ...(code ? { code } : {}) }, from }, base);
  if (answer.status !== 200 || !answer.session) throw new Error(`login of ${username} from ${from}: ${answer.status} ${JSON.stringify(answer.body)}`);
  secrets.push(answer.session, answer.body.csrfToken);
  return { session: answer.session, csrf: answer.body.csrfToken, from };
}

function as(who: Signed, path: string, options: Omit<Request, 'session' | 'csrf' | 'from'> = {}, base = h.baseUrl): Promise<Answer> {
  return send(path, { ...options, session: who.session, csrf: who.csrf, from: who.from }, base);
}

function attempt(username: string, password: string, from: string): Promise<Answer> {
  return send('/api/staff/login', { json: { username, password }, from });
}

/** The token of a link `/admin/reset#<token>`. */
function tokenOf(link: string): string {
  const token = link.split('#')[1] ?? '';
  secrets.push(token);
  return token;
}

let admin: Signed;

beforeAll(async () => {
  h = await startStaffHarness({ keys: testKeys('accounts') });
  h.app.onStaffLeave(async (username, reason) => {
    left.push([username, reason]);
  });
  await h.store.create({ username: 'admin', role: 'admin', password: ADMIN_PASSWORD });
  admin = await login('admin', ADMIN_PASSWORD);
});
afterAll(() => h.close());

describe('an admin manages accounts', () => {
  it('creates an account with a one-time link to choose a password (no password in any answer); the link works once', async () => {
    const created = await as(admin, '/api/staff/users', { json: { username: 'Amina', role: 'counsellor', languages: ['ar', 'nl'], maxConversations: 2 } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ username: 'amina', role: 'counsellor', languages: ['ar', 'nl'], link: expect.stringMatching(/^\/admin\/reset#[A-Za-z0-9_-]{43}$/), expiresInSeconds: 86_400 });
    expect(JSON.stringify(created.body)).not.toMatch(/password/i);
    const token = tokenOf(created.body.link);
    // Nobody knows the password yet.
    expect((await attempt('amina', COUNSELLOR_PASSWORD, '127.0.0.1')).status).toBe(401);

    // Too short: refused, and the link still works.
    const short = await send('/api/staff/password-link', { json: { token, password: 'short' } });
    expect(short.status).toBe(400);
    expect(isErrorBody(short.body, 'BadArgument')).toBe(true);
    const used = await send('/api/staff/password-link', { json: { token, password: COUNSELLOR_PASSWORD } });
    expect(used.status).toBe(200);
    expect(used.body).toEqual({ username: 'amina', role: 'counsellor' });
    const again = await send('/api/staff/password-link', { json: { token, password: 'another-long-password' } });
    expect(again.status).toBe(403);
    expect(isErrorBody(again.body, 'PasswordLinkInvalid')).toBe(true);
    for (const bad of [undefined, 'x', 'A'.repeat(43)]) expect((await send('/api/staff/password-link', { json: { token: bad, password: COUNSELLOR_PASSWORD } })).status).toBe(403);

    const amina = await login('amina', COUNSELLOR_PASSWORD);
    expect((await as(amina, '/api/staff/me')).body).toMatchObject({ username: 'amina', role: 'counsellor', languages: ['ar', 'nl'], totp: false });
    const listed = (await as(admin, '/api/staff/users')).body.users.find((user: { username: string }) => user.username === 'amina');
    expect(listed).toMatchObject({ role: 'counsellor', languages: ['ar', 'nl'], maxConversations: 2, lockedUntil: null });
    expect(listed.disabled).toBeUndefined();
    // Only the hash of the token was ever in Redis.
    for (const key of await h.redis.keys(`${h.keys.prefix}*`)) expect(key).not.toContain(token);
  });

  it('changes languages and capacity in place (live sessions get the new languages), and a role by ending the sessions', async () => {
    await h.store.create({ username: 'bram', role: 'counsellor', languages: ['nl'], password: COUNSELLOR_PASSWORD });
    const bram = await login('bram', COUNSELLOR_PASSWORD);
    const languages = await as(admin, '/api/staff/users/bram', { method: 'PATCH', json: { languages: ['en', 'ti', 'nl'], maxConversations: 4 } });
    expect(languages.status).toBe(200);
    expect(languages.body.user).toMatchObject({ username: 'bram', role: 'counsellor', languages: ['ti', 'en', 'nl'], maxConversations: 4 });
    expect((await as(bram, '/api/staff/me')).body.languages).toEqual(['ti', 'en', 'nl']);
    const back = await as(admin, '/api/staff/users/bram', { method: 'PATCH', json: { maxConversations: null } });
    expect(back.body.user.maxConversations).toBeUndefined();

    const role = await as(admin, '/api/staff/users/bram', { method: 'PATCH', json: { role: 'teamlead' } });
    expect(role.status).toBe(200);
    expect(role.body.user).toMatchObject({ role: 'teamlead', languages: ['ti', 'en', 'nl'] });
    expect((await as(bram, '/api/staff/me')).status).toBe(401);
    expect(left).toContainEqual(['bram', 'revoked']);
    const again = await login('bram', COUNSELLOR_PASSWORD);
    expect((await as(again, '/api/staff/me')).body.role).toBe('teamlead');
    // A coordinator has no languages.
    const coordinator = await as(admin, '/api/staff/users/bram', { method: 'PATCH', json: { role: 'coordinator' } });
    expect(coordinator.body.user).toMatchObject({ role: 'coordinator', languages: [] });

    const cases: Array<[string, unknown, number, string]> = [
      ['bram', { role: 'counsellor' }, 400, 'BadArgument'], // a counsellor needs languages
      ['bram', { role: 'root' }, 400, 'BadArgument'],
      ['bram', { languages: ['fr'] }, 400, 'BadArgument'],
      ['bram', { maxConversations: 0 }, 400, 'BadArgument'],
      ['bram', { maxConversations: '3' }, 400, 'BadArgument'],
      ['bram', {}, 400, 'BadArgument'],
      ['bram', [], 400, 'BadArgument'],
      ['nobody', { maxConversations: 2 }, 404, 'NotFound'],
      ['bad name!', { maxConversations: 2 }, 400, 'BadArgument'],
      ['admin', { role: 'coordinator' }, 409, 'CannotChangeSelf'],
    ];
    for (const [username, json, status, code] of cases) {
      const answer = await as(admin, `/api/staff/users/${encodeURIComponent(username)}`, { method: 'PATCH', json });
      expect([username, answer.status, answer.body.error?.code]).toEqual([username, status, code]);
    }
    // Without CSRF, or as a counsellor: refused.
    expect((await send('/api/staff/users/bram', { method: 'PATCH', json: { maxConversations: 2 }, session: admin.session })).status).toBe(403);
    const amina = await login('amina', COUNSELLOR_PASSWORD);
    expect((await as(amina, '/api/staff/users/bram', { method: 'PATCH', json: { maxConversations: 2 } })).status).toBe(403);
    expect((await as(amina, '/api/staff/users/bram/disable', { method: 'POST' })).status).toBe(403);
  });

  it('disables an account: its sessions end at once, its conversations are returned, it cannot log in; enabling lets it in again', async () => {
    await h.store.create({ username: 'cas', role: 'counsellor', languages: ['en'], password: COUNSELLOR_PASSWORD });
    const cas = await login('cas', COUNSELLOR_PASSWORD);
    const disabled = await as(admin, '/api/staff/users/cas/disable', { method: 'POST' });
    expect(disabled.status).toBe(200);
    expect(disabled.body.user).toMatchObject({ username: 'cas', disabled: true });
    expect((await as(cas, '/api/staff/me')).status).toBe(401);
    expect(left).toContainEqual(['cas', 'disabled']);
    const refused = await attempt('cas', COUNSELLOR_PASSWORD, '127.0.0.1');
    expect(refused.status).toBe(401);
    expect(isErrorBody(refused.body, 'LoginFailed')).toBe(true);
    expect(refused.session).toBeUndefined();
    // A password link does not let a disabled account in either.
    const link = await as(admin, '/api/staff/users/cas/password-link', { method: 'POST' });
    await send('/api/staff/password-link', { json: { token: tokenOf(link.body.link), password: 'cas-new-password-1' } });
    expect((await attempt('cas', 'cas-new-password-1', '127.0.0.1')).status).toBe(401);

    const enabled = await as(admin, '/api/staff/users/cas/enable', { method: 'POST' });
    expect(enabled.status).toBe(200);
    expect(enabled.body.user.disabled).toBeUndefined();
    await login('cas', 'cas-new-password-1');
    // An admin cannot disable themselves; unknown accounts are 404.
    expect((await as(admin, '/api/staff/users/admin/disable', { method: 'POST' })).body.error.code).toBe('CannotChangeSelf');
    expect((await as(admin, '/api/staff/users/nobody/disable', { method: 'POST' })).status).toBe(404);
  });

  it('creates a new password link: the older one stops working; redeeming ends every session of the account', async () => {
    await h.store.create({ username: 'dewi', role: 'counsellor', languages: ['nl'], password: COUNSELLOR_PASSWORD });
    const dewi = await login('dewi', COUNSELLOR_PASSWORD);
    const first = await as(admin, '/api/staff/users/dewi/password-link', { method: 'POST' });
    const second = await as(admin, '/api/staff/users/dewi/password-link', { method: 'POST' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ link: expect.stringMatching(/^\/admin\/reset#/), expiresInSeconds: 86_400 });
    expect((await send('/api/staff/password-link', { json: { token: tokenOf(first.body.link), password: 'dewi-new-password' } })).status).toBe(403);
    // The old password works until the link is used.
    expect((await as(dewi, '/api/staff/me')).status).toBe(200);
    expect((await send('/api/staff/password-link', { json: { token: tokenOf(second.body.link), password: 'dewi-new-password' } })).status).toBe(200);
    expect((await as(dewi, '/api/staff/me')).status).toBe(401);
    expect(left).toContainEqual(['dewi', 'revoked']);
    expect((await attempt('dewi', COUNSELLOR_PASSWORD, '127.0.0.1')).status).toBe(401);
    await login('dewi', 'dewi-new-password');
    expect((await as(admin, '/api/staff/users/nobody/password-link', { method: 'POST' })).status).toBe(404);
  });

  it('removes an account, its password link with it', async () => {
    const created = await as(admin, '/api/staff/users', { json: { username: 'eva', role: 'coordinator' } });
    const token = tokenOf(created.body.link);
    expect((await as(admin, '/api/staff/users/eva', { method: 'DELETE' })).status).toBe(204);
    expect((await send('/api/staff/password-link', { json: { token, password: 'eva-chosen-password' } })).status).toBe(403);
    expect(await h.store.get('eva')).toBeUndefined();
  });
});

describe('one’s own password', () => {
  it('needs the current password; ends the other sessions and keeps this one', async () => {
    await h.store.create({ username: 'fenna', role: 'counsellor', languages: ['ti'], password: COUNSELLOR_PASSWORD });
    const here = await login('fenna', COUNSELLOR_PASSWORD);
    const elsewhere = await login('fenna', COUNSELLOR_PASSWORD, '127.0.0.9');
    const wrong = await as(here, '/api/staff/me/password', { json: { current: 'not-the-password', next: 'fenna-new-password' } });
    expect(wrong.status).toBe(403);
    expect(isErrorBody(wrong.body, 'WrongPassword')).toBe(true);
    expect((await as(here, '/api/staff/me/password', { json: { current: COUNSELLOR_PASSWORD, next: 'short' } })).status).toBe(400);
    expect((await as(here, '/api/staff/me/password', { json: { current: COUNSELLOR_PASSWORD } })).status).toBe(400);
    expect((await send('/api/staff/me/password', { json: { current: COUNSELLOR_PASSWORD, next: 'fenna-new-password' }, session: here.session })).status).toBe(403);
    expect((await send('/api/staff/me/password', { json: { current: COUNSELLOR_PASSWORD, next: 'fenna-new-password' } })).status).toBe(401);

    const changed = await as(here, '/api/staff/me/password', { json: { current: COUNSELLOR_PASSWORD, next: 'fenna-new-password' } });
    expect(changed.status).toBe(204);
    expect((await as(here, '/api/staff/me')).status).toBe(200);
    expect((await as(elsewhere, '/api/staff/me')).status).toBe(401);
    expect((await attempt('fenna', COUNSELLOR_PASSWORD, '127.0.0.1')).status).toBe(401);
    await login('fenna', 'fenna-new-password');
    // Every role may.
    const adminChange = await as(admin, '/api/staff/me/password', { json: { current: ADMIN_PASSWORD, next: `${ADMIN_PASSWORD}-2` } });
    expect(adminChange.status).toBe(204);
    secrets.push(`${ADMIN_PASSWORD}-2`);
    expect((await as(admin, '/api/staff/me/password', { json: { current: `${ADMIN_PASSWORD}-2`, next: ADMIN_PASSWORD } })).status).toBe(204);
  });
});

describe('login failures per username and client', () => {
  it('a stranger’s failures from another address lock out the stranger, not the counsellor’s own browser', async () => {
    await h.store.create({ username: 'gijs', role: 'counsellor', languages: ['nl'], password: COUNSELLOR_PASSWORD });
    await login('gijs', COUNSELLOR_PASSWORD, '127.0.0.1');
    const stranger = [];
    for (let i = 0; i < 5; i += 1) stranger.push(await attempt('gijs', `guess-${i}`, '127.0.0.2'));
    expect(stranger.slice(0, 4).map((answer) => answer.headers['retry-after'])).toEqual([undefined, undefined, undefined, undefined]);
    expect(Number(stranger[4]!.headers['retry-after'])).toBeGreaterThan(14 * 60);
    // Even the right password is refused from the stranger's address, with the same answer.
    const locked = await attempt('gijs', COUNSELLOR_PASSWORD, '127.0.0.2');
    expect(locked.status).toBe(401);
    expect(locked.body).toEqual(stranger[0]!.body);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    // The counsellor's own browser, and another address, log in as usual.
    await login('gijs', COUNSELLOR_PASSWORD, '127.0.0.1');
    await login('gijs', COUNSELLOR_PASSWORD, '127.0.0.3');
    // The admin sees the lock.
    const listed = (await as(admin, '/api/staff/users')).body.users.find((user: { username: string }) => user.username === 'gijs');
    expect(listed.lockedUntil).not.toBeNull();
  });

  it('many addresses guessing one account lock it for addresses that never logged in to it, not for the counsellor’s own', async () => {
    await h.store.create({ username: 'hanna', role: 'counsellor', languages: ['ar'], password: COUNSELLOR_PASSWORD });
    await login('hanna', COUNSELLOR_PASSWORD, '127.0.0.1');
    for (let client = 10; client < 16; client += 1) {
      for (let i = 0; i < 5; i += 1) expect((await attempt('hanna', `guess-${i}`, `127.0.0.${client}`)).status).toBe(401);
    }
    const unknownClient = await attempt('hanna', COUNSELLOR_PASSWORD, '127.0.0.20');
    expect(unknownClient.status).toBe(401);
    expect(Number(unknownClient.headers['retry-after'])).toBeGreaterThan(0);
    await login('hanna', COUNSELLOR_PASSWORD, '127.0.0.1');
  });

  it('limits one address guessing many usernames, for every username, not other addresses', async () => {
    await h.store.create({ username: 'ivo', role: 'counsellor', languages: ['en'], password: COUNSELLOR_PASSWORD });
    const answers = [];
    for (let i = 0; i < 20; i += 1) answers.push(await attempt(`user-${i}`, `guess-${i}`, '127.0.0.30'));
    expect(answers.slice(0, 19).every((answer) => answer.headers['retry-after'] === undefined)).toBe(true);
    expect(Number(answers[19]!.headers['retry-after'])).toBeGreaterThan(14 * 60);
    const right = await attempt('ivo', COUNSELLOR_PASSWORD, '127.0.0.30');
    expect(right.status).toBe(401);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    await login('ivo', COUNSELLOR_PASSWORD, '127.0.0.31');
  });

  it('an admin unlocks an account for every address', async () => {
    expect((await attempt('gijs', COUNSELLOR_PASSWORD, '127.0.0.2')).status).toBe(401);
    expect((await attempt('hanna', COUNSELLOR_PASSWORD, '127.0.0.21')).status).toBe(401);
    for (const username of ['gijs', 'hanna']) {
      const unlocked = await as(admin, `/api/staff/users/${username}/unlock`, { method: 'POST' });
      expect(unlocked.status).toBe(200);
      expect(unlocked.body.user).toMatchObject({ username, lockedUntil: null, failedLogins: 0 });
    }
    await login('gijs', COUNSELLOR_PASSWORD, '127.0.0.2');
    await login('hanna', COUNSELLOR_PASSWORD, '127.0.0.21');
    expect((await as(admin, '/api/staff/users/nobody/unlock', { method: 'POST' })).status).toBe(404);
  });
});

describe('two-factor login', () => {
  it('enrols with a code, then logs in only with a code, each code once; turning it off needs the password', async () => {
    await h.store.create({ username: 'jet', role: 'counsellor', languages: ['prs'], password: COUNSELLOR_PASSWORD });
    const jet = await login('jet', COUNSELLOR_PASSWORD);
    expect((await as(jet, '/api/staff/me/totp/confirm', { json: { code: '123456' } })).status).toBe(409);
    const begun = await as(jet, '/api/staff/me/totp', { method: 'POST' });
    expect(begun.status).toBe(200);
    expect(begun.body).toEqual({ secret: expect.stringMatching(/^[A-Z2-7]{32}$/), uri: expect.stringMatching(/^otpauth:\/\/totp\/Lantern:jet\?/), digits: 6, period: 30 });
    secrets.push(begun.body.secret);
    const secret = Secret.fromBase32(begun.body.secret).bytes;
    // Sealed in Redis: the secret itself is nowhere.
    const pending = await h.redis.get(h.keys.staffTotpPending('jet'));
    expect(pending).toMatch(/^v1\./);
    expect(pending).not.toContain(begun.body.secret);

    const wrongCode = await as(jet, '/api/staff/me/totp/confirm', { json: { code: totpCode(secret, Date.now() + 10 * 60_000) } });
    expect(wrongCode.status).toBe(400);
    expect(isErrorBody(wrongCode.body, 'TotpInvalid')).toBe(true);
    const now = Date.now();
    expect((await as(jet, '/api/staff/me/totp/confirm', { json: { code: totpCode(secret, now) } })).body).toEqual({ totp: true });
    expect((await as(jet, '/api/staff/me')).body.totp).toBe(true);
    expect((await h.redis.hget(h.keys.staffUser('jet'), 'totpSecret')) ?? '').not.toContain(begun.body.secret);
    expect((await as(jet, '/api/staff/me/totp', { method: 'POST' })).status).toBe(409);

    // The password alone is not enough; a wrong code gets the generic answer.
    const withoutCode = await attempt('jet', COUNSELLOR_PASSWORD, '127.0.0.1');
    expect(withoutCode.status).toBe(401);
    expect(isErrorBody(withoutCode.body, 'TotpRequired')).toBe(true);
    expect(withoutCode.session).toBeUndefined();
    const wrongPasswordWithCode = await send('/api/staff/login', { json: { username: 'jet', password: 'not-it-at-all', code: totpCode(secret, now + 30_000) } });
    expect(isErrorBody(wrongPasswordWithCode.body, 'LoginFailed')).toBe(true);
    const badCode = await send('/api/staff/login', { json: { username: 'jet', password: COUNSELLOR_PASSWORD, code: '000000' === totpCode(secret, now + 30_000) ? '111111' : '000000' } });
    expect(isErrorBody(badCode.body, 'LoginFailed')).toBe(true);
    // The code of the next time step (clock drift) works, once.
    const next = totpCode(secret, now + 30_000);
    const signed = await login('jet', COUNSELLOR_PASSWORD, '127.0.0.1', next);
    const replay = await send('/api/staff/login', { json: { username: 'jet', password: COUNSELLOR_PASSWORD, code: next } });
    expect(replay.status).toBe(401);
    expect(isErrorBody(replay.body, 'LoginFailed')).toBe(true);
    expect((await send('/api/staff/login', { json: { username: 'jet', password: COUNSELLOR_PASSWORD, code: 42 } })).status).toBe(400);

    expect((await as(signed, '/api/staff/me/totp/disable', { json: { password: 'not-the-password' } })).status).toBe(403);
    expect((await as(signed, '/api/staff/me/totp/disable', { json: { password: COUNSELLOR_PASSWORD } })).status).toBe(204);
    await login('jet', COUNSELLOR_PASSWORD);
  });

  it('an admin turns a staff member’s two-factor login off (a lost phone)', async () => {
    await h.store.create({ username: 'kees', role: 'counsellor', languages: ['nl'], password: COUNSELLOR_PASSWORD });
    const kees = await login('kees', COUNSELLOR_PASSWORD);
    const begun = await as(kees, '/api/staff/me/totp', { method: 'POST' });
    secrets.push(begun.body.secret);
    await as(kees, '/api/staff/me/totp/confirm', { json: { code: totpCode(Secret.fromBase32(begun.body.secret).bytes) } });
    expect((await attempt('kees', COUNSELLOR_PASSWORD, '127.0.0.1')).body.error.code).toBe('TotpRequired');
    const off = await as(admin, '/api/staff/users/kees/totp/disable', { method: 'POST' });
    expect(off.status).toBe(200);
    expect(off.body.user.totp).toBeUndefined();
    await login('kees', COUNSELLOR_PASSWORD);
    expect((await as(admin, '/api/staff/users/kees/totp/disable', { method: 'POST' })).status).toBe(409);
  });

  it('when required for admins, an admin without it may only enrol, change their password or log out', async () => {
    const strict = await startStaffHarness({ keys: testKeys('accounts-totp'), totpRequiredForAdmins: true });
    try {
      await strict.store.create({ username: 'root', role: 'admin', password: ADMIN_PASSWORD });
      await strict.store.create({ username: 'lina', role: 'counsellor', languages: ['ar'], password: COUNSELLOR_PASSWORD });
      const first = await send('/api/staff/login', { json: { username: 'root', password: ADMIN_PASSWORD } }, strict.baseUrl);
      expect(first.status).toBe(200);
      expect(first.body.totpRequired).toBe(true);
      const root: Signed = { session: first.session!, csrf: first.body.csrfToken, from: '127.0.0.1' };
      secrets.push(root.session, root.csrf);
      const refused = await as(root, '/api/staff/users', {}, strict.baseUrl);
      expect(refused.status).toBe(403);
      expect(isErrorBody(refused.body, 'TotpEnrolmentRequired')).toBe(true);
      expect((await as(root, '/api/staff/me', {}, strict.baseUrl)).body).toMatchObject({ totp: false, totpRequired: true });
      // Counsellors are not asked.
      const lina = await login('lina', COUNSELLOR_PASSWORD, '127.0.0.1', undefined, strict.baseUrl);
      expect((await as(lina, '/api/staff/me', {}, strict.baseUrl)).body.totpRequired).toBe(false);

      const begun = await as(root, '/api/staff/me/totp', { method: 'POST' }, strict.baseUrl);
      secrets.push(begun.body.secret);
      const secret = Secret.fromBase32(begun.body.secret).bytes;
      const now = Date.now();
      expect((await as(root, '/api/staff/me/totp/confirm', { json: { code: totpCode(secret, now) } }, strict.baseUrl)).status).toBe(200);
      expect((await as(root, '/api/staff/users', {}, strict.baseUrl)).status).toBe(200);
      expect((await as(root, '/api/staff/me/totp/disable', { json: { password: ADMIN_PASSWORD } }, strict.baseUrl)).status).toBe(409);
      // The next login needs the code, and then nothing is refused.
      const again = await login('root', ADMIN_PASSWORD, '127.0.0.1', totpCode(secret, now + 30_000), strict.baseUrl);
      expect((await as(again, '/api/staff/users', {}, strict.baseUrl)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('log', () => {
  it('holds event codes only: no passwords, links, two-factor secrets, session ids or addresses', () => {
    const log = [...h.logLines].join('');
    expect(log).toContain('staff.user.disabled');
    expect(log).toContain('staff.password.link-used');
    expect(log).toContain('staff.totp.enabled');
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/127\.0\.0\.\d/);
    expect(log).not.toMatch(/otpauth:/);
    for (const username of ['amina', 'gijs', 'hanna', 'jet']) expect(log).not.toContain(username);
  });
});

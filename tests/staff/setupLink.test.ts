/**
 * First start: the one-time setup link creates the first admin, once, and is refused as soon as
 * any staff account exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupLink, setupLinkPath } from '../../staff/SetupLink.js';
import { sha256Hex } from '../../staff/StaffSessionStore.js';
import { testKeys } from '../helpers/redis.js';
import { call, isErrorBody, login, startStaffHarness, type StaffHarness } from './harness.js';

const PASSWORD = 'first-admin-password';

describe('setup link over HTTP', () => {
  const keys = testKeys('staff-setup');
  let h: StaffHarness;
  let setup: SetupLink;
  const post = (json: unknown) => call(`${h.baseUrl}/api/staff/setup`, { json });

  beforeAll(async () => {
    h = await startStaffHarness({ keys });
    setup = new SetupLink({ redis: h.redis, keys, store: h.store });
  });
  afterAll(() => h.close());

  it('issues a random token shown in the fragment of /counsellor/setup, stored only as a hash with a 24 h TTL', async () => {
    const issued = await setup.issueIfNoStaff();
    expect(issued).toBeDefined();
    expect(issued!.path).toBe(`/counsellor/setup#${issued!.token}`);
    expect(setupLinkPath('abc')).toBe('/counsellor/setup#abc');
    expect(Buffer.from(issued!.token, 'base64url')).toHaveLength(32);
    expect(await h.redis.get(keys.staffSetupToken())).toBe(sha256Hex(issued!.token));
    const ttl = await h.redis.ttl(keys.staffSetupToken());
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });

  it('refuses a wrong token (403) and bad input (400) without using up the token, then creates the admin once', async () => {
    const { token } = (await setup.issueIfNoStaff())!;
    const earlier = (await setup.issueIfNoStaff())!.token;
    // Only the latest token works.
    const stale = await post({ token, username: 'root-admin', password: PASSWORD });
    expect(stale.status).toBe(403);
    expect(isErrorBody(stale.body, 'SetupTokenInvalid')).toBe(true);

    const wrong = await post({ token: 'A'.repeat(43), username: 'root-admin', password: PASSWORD });
    expect(wrong.status).toBe(403);
    expect(isErrorBody(wrong.body, 'SetupTokenInvalid')).toBe(true);
    const shortPassword = await post({ token: earlier, username: 'root-admin', password: 'elevenchars' });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body.error.message).toMatch(/12/);
    const badName = await post({ token: earlier, username: 'root admin', password: PASSWORD });
    expect(badName.status).toBe(400);
    const notObject = await post([earlier]);
    expect(notObject.status).toBe(400);
    expect(await h.store.count()).toBe(0);

    // Two at once with the right token: exactly one admin.
    const [a, b] = await Promise.all([
      post({ token: earlier, username: 'Root-Admin', password: PASSWORD }),
      post({ token: earlier, username: 'second-admin', password: PASSWORD }),
    ]);
    const statuses = [a!.status, b!.status].sort();
    expect(statuses).toEqual([201, 403]);
    const created = a!.status === 201 ? a! : b!;
    expect(created.body).toEqual({ username: expect.stringMatching(/^(root-admin|second-admin)$/), role: 'admin', languages: [] });
    expect(await h.store.count()).toBe(1);
    expect(await h.redis.exists(keys.staffSetupToken())).toBe(0);

    // The new admin can log in and manage users.
    const admin = await login(h, created.body.username, PASSWORD);
    expect(admin.body.role).toBe('admin');

    // Used once: refused now that staff exists, whatever the token.
    const reused = await post({ token: earlier, username: 'another-admin', password: PASSWORD });
    expect(reused.status).toBe(403);
    expect(isErrorBody(reused.body, 'SetupClosed')).toBe(true);
    expect(await setup.issueIfNoStaff()).toBeUndefined();
    expect(await h.store.count()).toBe(1);
  });
});

describe('setup when staff already exists', () => {
  const keys = testKeys('staff-setup-closed');
  let h: StaffHarness;
  beforeAll(async () => {
    h = await startStaffHarness({ keys });
  });
  afterAll(() => h.close());

  it('answers 403 SetupClosed even with a token that was issued before the first account', async () => {
    const setup = new SetupLink({ redis: h.redis, keys, store: h.store });
    const issued = (await setup.issueIfNoStaff())!;
    await h.store.create({ username: 'made-by-cli', role: 'admin', password: PASSWORD });
    const result = await call(`${h.baseUrl}/api/staff/setup`, { json: { token: issued.token, username: 'late-admin', password: PASSWORD } });
    expect(result.status).toBe(403);
    expect(isErrorBody(result.body, 'SetupClosed')).toBe(true);
    expect(await h.store.get('late-admin')).toBeUndefined();
    // At the next start the leftover token is deleted.
    expect(await setup.issueIfNoStaff()).toBeUndefined();
    expect(await h.redis.exists(keys.staffSetupToken())).toBe(0);
  });
});

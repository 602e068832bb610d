/**
 * The audit trail against the whole server (startLantern) on the real Redis: every staff action the
 * staff area and the metrics export record writes exactly one entry (who, what, to whom), reading
 * writes none; no entry holds message text, a note, a password, a link, a two-factor secret or a
 * conversation id (the raw Redis Stream is scanned); the admins' JSON and CSV routes, their filters
 * and paging, bad input; CSV shape and formula escaping; retention.
 */
import { Secret } from 'otpauth';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditTrail, auditCsv, type AuditEntry } from '../../audit/AuditTrail.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { totpCode } from '../../staff/StaffTotp.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { testKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

const ADMIN_PASSWORD = 'admin password for the audit';
const PASSWORD = 'a long enough test password';
/** Whatever must never be in the trail. */
const forbidden: string[] = [ADMIN_PASSWORD, PASSWORD];

let lantern: LanternInstance;

/** A signed-in staff member. */
class Staff {
  constructor(
    readonly cookie: string,
    readonly csrf: string,
  ) {}

  async call(method: string, path: string, json?: unknown): Promise<{ status: number; body: any; text: string; headers: Headers }> {
    const response = await fetch(`${lantern.url}${path}`, {
      method,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // CSV
    }
    return { status: response.status, body, text, headers: response.headers };
  }
}

async function login(username: string, password: string, code?: string): Promise<Staff> {
  const response = await fetch(`${lantern.url}/api/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, ...(code ? { code } : {}) }),
  });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  forbidden.push(cookie.split('=')[1] ?? '', csrfToken);
  return new Staff(cookie, csrfToken);
}

/** Every raw entry of the stream: [id, fields]. */
async function raw(): Promise<Array<[string, string[]]>> {
  return (await lantern.redis.xrange(lantern.keys.auditTrail(), '-', '+')) as Array<[string, string[]]>;
}

function fieldsOf(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}

/** Runs `action` and returns the entries it added (by this test's staff; nothing else writes meanwhile). */
async function added(action: () => Promise<unknown>): Promise<Array<Record<string, string>>> {
  const before = new Set((await raw()).map(([id]) => id));
  await action();
  return (await raw()).filter(([id]) => !before.has(id)).map(([, fields]) => fieldsOf(fields));
}

/** Runs `action` and expects exactly one new entry, with these fields (and no others). */
async function exactlyOne(expected: Record<string, string>, action: () => Promise<unknown>): Promise<void> {
  const entries = await added(action);
  expect(entries).toEqual([expected]);
}

let admin: Staff;

beforeAll(async () => {
  lantern = await startLantern(
    { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('audit'), port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false, tokenRateLimitMax: 1000 },
    { openingHours: OpeningHours.always() },
  );
  await lantern.app.staffStore.create({ username: 'beheer', role: 'admin', password: ADMIN_PASSWORD });
}, 60_000);
afterAll(() => lantern?.stop());

describe('every staff action writes exactly one entry', () => {
  it('login, the account actions, one’s own password and two-factor login, exports, logout; reading writes none', async () => {
    await exactlyOne({ by: 'beheer', action: 'login' }, async () => {
      admin = await login('beheer', ADMIN_PASSWORD);
    });
    // A failed login is nobody's action.
    expect(await added(() => fetch(`${lantern.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'beheer', password: 'wrong one' }) }))).toEqual([]);
    expect(await added(() => admin.call('GET', '/api/staff/users'))).toEqual([]);

    let link = '';
    await exactlyOne({ by: 'beheer', action: 'user.created', target: 'nora', detail: 'counsellor' }, async () => {
      link = (await admin.call('POST', '/api/staff/users', { username: 'nora', role: 'counsellor', languages: ['ar'] })).body.link;
    });
    const token = link.split('#')[1]!;
    forbidden.push(token);
    await exactlyOne({ by: 'nora', action: 'password.changed', detail: 'link' }, () => fetch(`${lantern.url}/api/staff/password-link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: PASSWORD }) }));
    await exactlyOne({ by: 'beheer', action: 'user.updated', target: 'nora', detail: 'languages.capacity' }, () => admin.call('PATCH', '/api/staff/users/nora', { languages: ['ar', 'en'], maxConversations: 2 }));
    await exactlyOne({ by: 'beheer', action: 'user.disabled', target: 'nora' }, () => admin.call('POST', '/api/staff/users/nora/disable'));
    await exactlyOne({ by: 'beheer', action: 'user.enabled', target: 'nora' }, () => admin.call('POST', '/api/staff/users/nora/enable'));
    await exactlyOne({ by: 'beheer', action: 'user.unlocked', target: 'nora' }, () => admin.call('POST', '/api/staff/users/nora/unlock'));
    await exactlyOne({ by: 'beheer', action: 'user.reset-link', target: 'nora' }, async () => {
      forbidden.push(((await admin.call('POST', '/api/staff/users/nora/password-link')).body.link as string).split('#')[1]!);
    });

    const nora = await login('nora', PASSWORD);
    await exactlyOne({ by: 'nora', action: 'password.changed', detail: 'self' }, () => nora.call('POST', '/api/staff/me/password', { current: PASSWORD, next: `${PASSWORD} 2` }));
    forbidden.push(`${PASSWORD} 2`);
    // Starting to enrol is not an action yet; confirming it is.
    let enrol: { secret: string } = { secret: '' };
    expect(await added(async () => (enrol = (await nora.call('POST', '/api/staff/me/totp')).body))).toEqual([]);
    forbidden.push(enrol.secret);
    const bytes = Secret.fromBase32(enrol.secret).bytes;
    await exactlyOne({ by: 'nora', action: 'totp.enabled' }, () => nora.call('POST', '/api/staff/me/totp/confirm', { code: totpCode(bytes) }));
    await exactlyOne({ by: 'nora', action: 'totp.disabled', detail: 'self' }, () => nora.call('POST', '/api/staff/me/totp/disable', { password: `${PASSWORD} 2` }));
    await nora.call('POST', '/api/staff/me/totp').then(async (again) => {
      forbidden.push(again.body.secret);
      await nora.call('POST', '/api/staff/me/totp/confirm', { code: totpCode(Secret.fromBase32(again.body.secret).bytes) });
    });
    await exactlyOne({ by: 'beheer', action: 'totp.disabled', target: 'nora' }, () => admin.call('POST', '/api/staff/users/nora/totp/disable'));

    const today = new Date().toISOString().slice(0, 10);
    expect(await added(() => admin.call('GET', `/api/metrics?from=${today}&to=${today}`))).toEqual([]);
    await exactlyOne({ by: 'beheer', action: 'export.metrics', detail: 'all' }, () => admin.call('GET', `/api/metrics?from=${today}&to=${today}&format=csv`));
    await exactlyOne({ by: 'beheer', action: 'export.metrics', detail: 'ar' }, () => admin.call('GET', `/api/metrics?from=${today}&to=${today}&language=ar&format=csv`));
    expect(await added(() => admin.call('GET', '/api/staff/audit'))).toEqual([]);
    await exactlyOne({ by: 'beheer', action: 'export.audit' }, () => admin.call('GET', '/api/staff/audit.csv'));

    await exactlyOne({ by: 'nora', action: 'logout' }, () => nora.call('POST', '/api/staff/logout'));
    await exactlyOne({ by: 'beheer', action: 'user.removed', target: 'nora' }, () => admin.call('DELETE', '/api/staff/users/nora'));
    // Refused actions write nothing.
    expect(await added(() => admin.call('DELETE', '/api/staff/users/nora'))).toEqual([]);
    expect(await added(() => admin.call('POST', '/api/staff/users/beheer/disable'))).toEqual([]);
  });

  it('holds no message text, note, password, link, secret or conversation id (the raw stream)', async () => {
    const messageText = 'they took my passport ZEBRA-71';
    const counsellorText = 'You are safe to tell me more QUOKKA-12';
    const noteText = 'note about the passport OKAPI-33';
    const young = await YoungPersonClient.start(lantern, 'en');
    await young.say(messageText);
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor((a: Activity) => a.type === 'event' && a.name === 'handoff.status');
    const counsellor = await CounsellorClient.login(lantern, 'sami', ['en'], PASSWORD);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const claim = await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/claim`);
      if (claim.status === 200) break;
      if (Date.now() > deadline) throw new Error(`claim: ${claim.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await counsellor.api('GET', `/api/staff/conversations/${young.conversationId}`)).status).toBe(200);
    expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: counsellorText })).status).toBe(200);
    expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given', note: noteText })).status).toBe(200);

    const stream = JSON.stringify(await raw());
    // The conversation is in the trail, by its reference only.
    const reference = await lantern.app.audit.reference(young.conversationId);
    expect(stream).toContain(reference);
    for (const text of [messageText, counsellorText, noteText, 'ZEBRA', 'QUOKKA', 'OKAPI', young.conversationId, ...forbidden]) {
      expect(stream).not.toContain(text);
    }
    expect(stream).not.toMatch(/scrypt|otpauth|127\.0\.0\.1/);
    for (const [, fields] of await raw()) {
      expect(Object.keys(fieldsOf(fields)).every((name) => ['by', 'action', 'conversation', 'target', 'detail'].includes(name))).toBe(true);
    }
  });
});

describe('the admins’ routes', () => {
  it('list newest first with filters and paging; CSV of the same; bad input is a clear 400; others get 403', async () => {
    const all = (await admin.call('GET', '/api/staff/audit?limit=1000')).body as { entries: AuditEntry[]; next: string | null };
    expect(all.next).toBeNull();
    expect(all.entries.length).toBeGreaterThan(15);
    const ids = all.entries.map((entry) => entry.id);
    expect([...ids].sort((a, b) => (Number(b.split('-')[0]) - Number(a.split('-')[0])) || (Number(b.split('-')[1]) - Number(a.split('-')[1])))).toEqual(ids);
    expect(all.entries[0]).toEqual({ id: expect.any(String), at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), by: expect.any(String), action: expect.any(String), ...(all.entries[0]!.conversation ? { conversation: expect.any(String) } : {}), ...(all.entries[0]!.target ? { target: expect.any(String) } : {}), ...(all.entries[0]!.detail ? { detail: expect.any(String) } : {}) });

    // by: what nora did and what was done to nora.
    const nora = (await admin.call('GET', '/api/staff/audit?by=Nora')).body.entries as AuditEntry[];
    expect(nora.length).toBeGreaterThan(8);
    expect(nora.every((entry) => entry.by === 'nora' || entry.target === 'nora')).toBe(true);
    const created = (await admin.call('GET', '/api/staff/audit?action=user.created')).body.entries as AuditEntry[];
    expect(created.map((entry) => entry.target)).toEqual(['nora']);
    const claimed = all.entries.find((entry) => entry.conversation);
    expect(claimed).toBeDefined();
    const conversation = (await admin.call('GET', `/api/staff/audit?conversation=${claimed!.conversation}`)).body.entries as AuditEntry[];
    expect(conversation.length).toBeGreaterThan(0);
    expect(conversation.every((entry) => entry.conversation === claimed!.conversation)).toBe(true);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await admin.call('GET', `/api/staff/audit?from=${future}`)).body.entries).toEqual([]);
    expect((await admin.call('GET', `/api/staff/audit?to=2020-01-01`)).body.entries).toEqual([]);
    expect((await admin.call('GET', `/api/staff/audit?from=2020-01-01&to=${future}`)).body.entries).toHaveLength(all.entries.length);

    // Paging: pages of 4 without gaps or overlaps.
    const paged: AuditEntry[] = [];
    let next: string | null = null;
    do {
      const page = (await admin.call('GET', `/api/staff/audit?limit=4${next ? `&before=${next}` : ''}`)).body as { entries: AuditEntry[]; next: string | null };
      expect(page.entries.length).toBeLessThanOrEqual(4);
      paged.push(...page.entries);
      next = page.next;
    } while (next);
    // (The trail grew by nothing while paging: reading writes nothing.)
    expect(paged.map((entry) => entry.id)).toEqual(ids);

    // CSV: the same entries, a header, CRLF lines; it records one export.audit itself.
    const csv = await admin.call('GET', '/api/staff/audit.csv?action=user.created');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="lantern-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(csv.headers.get('cache-control')).toBe('no-store');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('at,by,action,conversation,target,detail');
    expect(lines.slice(1, -1)).toEqual([`${created[0]!.at},beheer,user.created,,nora,counsellor`]);
    expect(lines.at(-1)).toBe('');

    const bad = [
      'from=yesterday',
      'to=2026-13-45',
      'from=2026-02-01&to=2026-01-01',
      'action=user.hacked',
      'by=bad%20name!',
      'conversation=%3Cscript%3E',
      'limit=0',
      'limit=5000',
      'limit=ten',
      'before=abc',
      'action=login&action=logout',
    ];
    for (const query of bad) {
      const answer = await admin.call('GET', `/api/staff/audit?${query}`);
      expect([query, answer.status, answer.body.error?.code]).toEqual([query, 400, 'BadArgument']);
      expect(answer.body.error.message.length).toBeGreaterThan(10);
    }
    expect((await admin.call('GET', '/api/staff/audit.csv?limit=5')).status).toBe(400);

    const counsellor = await login('sami', PASSWORD);
    for (const path of ['/api/staff/audit', '/api/staff/audit.csv']) {
      expect((await counsellor.call('GET', path)).status).toBe(403);
      expect((await fetch(`${lantern.url}${path}`)).status).toBe(401);
    }
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, and defuses what a spreadsheet would run as a formula', () => {
    const entry = (fields: Partial<AuditEntry>): AuditEntry => ({ id: '1-0', at: '2026-01-01T00:00:00.000Z', by: 'amal', action: 'login', ...fields });
    const csv = auditCsv([
      entry({ detail: '=HYPERLINK("http://x","y")' }),
      entry({ detail: '+1' }),
      entry({ detail: '-1' }),
      entry({ detail: '@SUM(A1)' }),
      entry({ target: 'a,b', detail: 'line\nbreak' }),
    ]);
    expect(csv.split('\r\n')).toEqual([
      'at,by,action,conversation,target,detail',
      `2026-01-01T00:00:00.000Z,amal,login,,,"'=HYPERLINK(""http://x"",""y"")"`,
      "2026-01-01T00:00:00.000Z,amal,login,,,'+1",
      "2026-01-01T00:00:00.000Z,amal,login,,,'-1",
      "2026-01-01T00:00:00.000Z,amal,login,,,'@SUM(A1)",
      '2026-01-01T00:00:00.000Z,amal,login,,"a,b","line\nbreak"',
      '',
    ]);
  });
});

describe('retention', () => {
  it('drops entries past AUDIT_RETENTION_DAYS: at once from reading, and from Redis by the trim job', async () => {
    const redis = testRedis();
    try {
      const keys = testKeys('audit-retention');
      let now = Date.parse('2026-03-01T10:00:00Z');
      const trail = new AuditTrail({ redis, keys, retentionDays: 2, pseudonym: async (purpose, value) => `${purpose}${value}`.replace(/[^A-Za-z0-9]/g, ''), now: () => now });
      await trail.record({ by: 'amal', action: 'login' });
      await trail.record({ by: 'amal', action: 'conversation.claimed', conversationId: 'conv1' });
      now += 86_400_000;
      await trail.record({ by: 'bram', action: 'login' });
      expect((await trail.list()).entries.map((entry) => entry.by)).toEqual(['bram', 'amal', 'amal']);
      now += 1.5 * 86_400_000;
      expect((await trail.list()).entries.map((entry) => entry.by)).toEqual(['bram']);
      expect(await trail.trim()).toBe(2);
      expect(await redis.xlen(keys.auditTrail())).toBe(1);
      // Entries are refused when a field is not a code or a username (no text can slip in).
      await expect(trail.record({ by: 'amal', action: 'login', detail: 'free text here' })).rejects.toThrow(TypeError);
      await expect(trail.record({ by: 'Not A Name', action: 'login' })).rejects.toThrow(TypeError);
      await expect(trail.record({ by: 'amal', action: 'message.sent' as never })).rejects.toThrow(TypeError);
    } finally {
      await redis.quit();
    }
  });
});

/**
 * The admin page in a real browser (Debian's Chromium through playwright-core) against the whole
 * server (startLantern) on the test Redis. On a laptop (1366×768) an admin logs in, creates a
 * counsellor (the page shows a one-time password link, never a password), the counsellor chooses a
 * password with the link on their own device, the admin changes the account, creates a new link,
 * disables (the counsellor's session ends at once) and enables it, reads the audit trail with a
 * filter and downloads it as CSV, changes their own password under "My account", and reads the page
 * in English. On a tablet (820×1180) the page fits, and a counsellor is refused; the console and the
 * dashboard have "My account" too. Nothing leaves 127.0.0.1 and no page logs an error (so no CSP
 * violation). Screenshots: tests/artifacts/admin-laptop.png, admin-laptop-audit.png,
 * admin-tablet.png (gitignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { buildWeb } from '../../scripts/build-web.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { externalRequests, js, launchBrowser, type Browser } from '../helpers/browser.js';
import { uniquePrefix } from '../helpers/redis.js';

const ARTIFACTS = path.resolve('tests/artifacts');
const ADMIN = 'beheer';
const ADMIN_PASSWORD = 'the admin password for the browser';

type Texts = Record<string, string>;
function json<T>(file: string): T {
  return JSON.parse(readFileSync(path.resolve(file), 'utf8')) as T;
}
const staff = {
  nl: json<{ admin: Texts; account: Texts; languages: Texts }>('locales/staff/nl.json'),
  en: json<{ admin: Texts; account: Texts; languages: Texts }>('locales/staff/en.json'),
};

let lantern: LanternInstance;
let distDir: string;
const tempDirs: string[] = [];

async function browser(kind: 'laptop' | 'tablet'): Promise<Browser> {
  const device =
    kind === 'laptop'
      ? { viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false }
      : { viewport: { width: 820, height: 1180 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
  // The 401 of GET /api/staff/me before logging in (and refused calls the page handles) are not errors of the page.
  return launchBrowser({
    tempDirs,
    context: { locale: 'nl-NL', acceptDownloads: true, ...device },
    ignoreConsole: /Failed to load resource/,
    setup: (context) => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: lantern.url }),
  });
}

function external(requests: string[]): string[] {
  return externalRequests(requests, lantern.url, (url) => url.startsWith('blob:') || url.startsWith('otpauth:'));
}

/** Waits until `expression` is true in the page (polled from here: the page's CSP forbids eval). */
async function until(page: Page, expression: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => js<boolean>(page, expression), { timeout, interval: 100 }).toBe(true);
}

/** Waits until the first element matching `selector` has this text (or contains it). */
async function expectText(page: Page, selector: string, text: string, contains = false): Promise<void> {
  await expect
    .poll(async () => {
      const actual = ((await page.locator(selector).first().textContent({ timeout: 5_000 })) ?? '').trim();
      return contains ? actual.includes(text) : actual === text;
    }, { timeout: 10_000 })
    .toBe(true);
}

async function login(page: Page, username: string, password: string): Promise<void> {
  await page.locator('#loginForm').waitFor({ state: 'visible' });
  await page.fill('#loginUser', username);
  await page.fill('#loginPassword', password);
  await page.click('#loginForm button[type=submit]');
}

/** Logs in over HTTP (as a counsellor's own device would); the cookie, or undefined when refused. */
async function apiLogin(username: string, password: string): Promise<string | undefined> {
  const response = await fetch(`${lantern.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  return response.status === 200 ? (response.headers.get('set-cookie') ?? '').split(';')[0] : undefined;
}

async function me(cookie: string): Promise<number> {
  return (await fetch(`${lantern.url}/api/staff/me`, { headers: { cookie } })).status;
}

/** The status line of the accounts panel. */
async function accountsSays(page: Page, text: string): Promise<void> {
  await expectText(page, '#accountsStatus', text);
}

/** The button of an account's row. */
function rowButton(page: Page, username: string, action: string) {
  return page.locator(`#users tr[data-user="${username}"] button[data-action="${action}"]`);
}

/** Every element marked for translation has a text (nothing missing in this language). */
async function untranslated(page: Page): Promise<string[]> {
  return js<string[]>(page, `[...document.querySelectorAll('[data-t]')].filter((node) => !node.textContent.trim()).map((node) => node.dataset.t)`);
}

beforeAll(async () => {
  distDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-web-'));
  tempDirs.push(distDir);
  await buildWeb({ outDir: distDir, log: false });
  mkdirSync(ARTIFACTS, { recursive: true });
  lantern = await startLantern(
    { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('admin-page'), host: '127.0.0.1', port: 0, logLevel: 'silent', tokenRateLimitMax: 1000, secureCookies: false },
    { webDistDir: distDir, openingHours: OpeningHours.always() },
  );
  await lantern.app.staffStore.create({ username: ADMIN, role: 'admin', password: ADMIN_PASSWORD });
}, 120_000);

afterAll(async () => {
  await lantern?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the admin page', () => {
  it('is served with the strict headers, at /admin and /admin/reset', async () => {
    for (const url of ['/admin', '/admin/reset']) {
      const response = await fetch(`${lantern.url}${url}`);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self';");
      expect(csp).not.toMatch(/ws:|wss:|https?:|unsafe/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-robots-tag')).toBe('noindex, nofollow');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('set-cookie')).toBeNull();
      const html = await response.text();
      const assets = [...html.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+)"/g)].map((match) => match[1]!);
      expect(assets).toHaveLength(2);
      for (const asset of assets) expect((await fetch(`${lantern.url}${asset}`)).headers.get('cache-control')).toContain('immutable');
    }
    expect((await fetch(`${lantern.url}/admin/assets/nothing.js`)).status).toBe(404);
  });

  it('on a laptop: create with a link, choose the password, change, new link, disable, enable, audit trail and CSV, own password, English', async () => {
    const { context, page, requests, errors } = await browser('laptop');
    try {
      await page.goto(`${lantern.url}/admin`);
      await expectText(page, '#loginForm h1', staff.nl.admin.loginTitle!);
      await login(page, ADMIN, ADMIN_PASSWORD);
      await page.locator('#users tr[data-user="beheer"]').waitFor();
      expect(await page.locator('#myAccount').isVisible()).toBe(true);

      // Create a counsellor: the page answers a one-time link, never a password.
      await page.fill('#newUser', 'Noor');
      await page.selectOption('#newRole', 'counsellor');
      await page.check('#newLanguages input[value="ar"]');
      await page.check('#newLanguages input[value="nl"]');
      await page.fill('#newCapacity', '2');
      await page.click('#createForm button[type=submit]');
      await expectText(page, '#createStatus', staff.nl.admin.created!.replace('{{username}}', 'noor'));
      const link = await page.inputValue('#linkText');
      expect(link).toMatch(new RegExp(`^${lantern.url}/admin/reset#[A-Za-z0-9_-]{43}$`));
      await expectText(page, '#linkTitle', staff.nl.admin.linkFor!.replace('{{username}}', 'noor'));
      await page.click('#linkCopy');
      await expectText(page, '#linkCopy', staff.nl.account.copied!);
      expect(await js<string>(page, 'navigator.clipboard.readText()')).toBe(link);
      await page.locator('#users tr[data-user="noor"]').waitFor();
      const row = page.locator('#users tr[data-user="noor"] td');
      expect(await row.allTextContents()).toEqual(expect.arrayContaining([staff.nl.admin.role_counsellor, `${staff.nl.languages.ar}, ${staff.nl.languages.nl}`, '2']));
      expect(await page.content()).not.toMatch(/"password"\s*:/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-laptop.png'), fullPage: true });

      // The counsellor opens the link on their own device and chooses a password; it works once.
      const own = await browser('laptop');
      const device = own.page;
      await device.goto(link);
      await expectText(device, '#resetForm h1', staff.nl.admin.resetTitle!);
      expect(new URL(device.url()).hash).toBe('');
      await device.fill('#resetPassword', 'noor chose this password');
      await device.fill('#resetRepeat', 'noor chose this password');
      await device.click('#resetSubmit');
      await expectText(device, '#resetStatus', staff.nl.admin.resetDone!);
      expect(await device.locator('#resetGo').getAttribute('href')).toBe('/counsellor');
      // Again (a fresh load: only the fragment would differ from the page's address).
      await device.goto('about:blank');
      await device.goto(link);
      await device.fill('#resetPassword', 'another password here');
      await device.fill('#resetRepeat', 'another password here');
      await device.click('#resetSubmit');
      await expectText(device, '#resetStatus', staff.nl.admin.resetInvalid!);
      expect(own.errors).toEqual([]);
      expect(external(own.requests)).toEqual([]);
      await own.context.close();
      const noor = await apiLogin('noor', 'noor chose this password');
      expect(noor).toBeDefined();

      // Change languages and capacity.
      await rowButton(page, 'noor', 'edit').click();
      await page.locator('.editRow').waitFor();
      await page.check('.editRow input[value="en"]');
      await page.fill('#editCapacity', '');
      await page.click('.editRow button[type=submit]');
      await accountsSays(page, staff.nl.admin.saved!);
      await expectText(page, '#users tr[data-user="noor"] td:nth-of-type(2)', `${staff.nl.languages.ar}, ${staff.nl.languages.en}, ${staff.nl.languages.nl}`);
      await expectText(page, '#users tr[data-user="noor"] td:nth-of-type(3)', staff.nl.admin.capacityDefault!);

      // A new password link is shown once.
      await rowButton(page, 'noor', 'link').click();
      await until(page, `document.getElementById('linkText').value !== ${JSON.stringify(link)} && document.getElementById('linkText').value.includes('/admin/reset#')`);

      // Disable: it asks once more; the counsellor's session ends at once; enabling lets them in again.
      await rowButton(page, 'noor', 'disable').click();
      await expectText(page, '#users tr[data-user="noor"] button[data-action="disable"]', staff.nl.admin.confirm!);
      expect(await me(noor!)).toBe(200);
      await rowButton(page, 'noor', 'disable').click();
      await accountsSays(page, staff.nl.admin.disabledDone!.replace('{{username}}', 'noor'));
      await expectText(page, '#users tr[data-user="noor"] .status', staff.nl.admin.statusDisabled!, true);
      expect(await me(noor!)).toBe(401);
      expect(await apiLogin('noor', 'noor chose this password')).toBeUndefined();
      await rowButton(page, 'noor', 'enable').click();
      await accountsSays(page, staff.nl.admin.enabledDone!.replace('{{username}}', 'noor'));
      expect(await apiLogin('noor', 'noor chose this password')).toBeDefined();

      // The audit trail: newest first, names of actions in Dutch; a filter; the CSV of the same.
      await page.click('#tabAudit');
      await page.locator('#auditTable tbody tr[data-action]').first().waitFor();
      const actions = await js<string[]>(page, `[...document.querySelectorAll('#auditTable tbody tr')].map((row) => row.dataset.action)`);
      expect(actions.slice(0, 3)).toEqual(['login', 'user.enabled', 'user.disabled']);
      expect(actions).toEqual(expect.arrayContaining(['user.created', 'password.changed', 'user.updated', 'user.reset-link', 'user.disabled']));
      await expectText(page, '#auditTable tbody tr[data-action="user.created"] td:nth-of-type(3)', staff.nl.admin['action_user.created']!);
      await page.selectOption('#auditAction', 'user.disabled');
      await page.click('#auditFilters button[type=submit]');
      await until(page, `[...document.querySelectorAll('#auditTable tbody tr')].every((row) => row.dataset.action === 'user.disabled')`);
      expect(await page.locator('#auditTable tbody tr td').allTextContents()).toEqual(expect.arrayContaining([ADMIN, 'noor']));
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-laptop-audit.png'), fullPage: true });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#auditCsv')]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.split('\r\n')[0]).toBe('at,by,action,conversation,target,detail');
      expect(csv.split('\r\n').slice(1, -1)).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2}T[^,]+,beheer,user\.disabled,,noor,$/)]);
      // A filter the API refuses says so.
      await page.fill('#auditBy', 'not a name!');
      await page.click('#auditFilters button[type=submit]');
      await expectText(page, '#auditStatus', staff.nl.admin.badFilter!.split('{{')[0]!, true);
      await page.fill('#auditBy', '');

      // My account: a new password (the session goes on).
      await page.click('#myAccount');
      await page.locator('#accountDialog').waitFor({ state: 'visible' });
      await page.fill('#passwordForm input[autocomplete="current-password"]', ADMIN_PASSWORD);
      const fresh = page.locator('#passwordForm input[autocomplete="new-password"]');
      await fresh.nth(0).fill('a new admin password 2');
      await fresh.nth(1).fill('a new admin password 2');
      await page.click('#passwordForm button[type=submit]');
      await expectText(page, '#passwordForm .formStatus', staff.nl.account.passwordChanged!);
      expect(await apiLogin(ADMIN, 'a new admin password 2')).toBeDefined();
      await page.keyboard.press('Escape');
      await page.locator('#accountDialog').waitFor({ state: 'hidden' });

      // English: every text there, the tables again.
      await page.click('#langToggle');
      await expectText(page, '#tabAudit', staff.en.admin.tabAudit!);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await expectText(page, '#myAccount', staff.en.account.myAccount!);
      await expectText(page, '#auditAction option[value="user.disabled"]', staff.en.admin['action_user.disabled']!);
      expect(await untranslated(page)).toEqual([]);
      await page.click('#tabAccounts');
      await expectText(page, '#users tr[data-user="noor"] td:nth-of-type(1)', staff.en.admin.role_counsellor!);

      // Logging out empties the page.
      await page.click('#logout');
      await page.locator('#loginForm').waitFor({ state: 'visible' });
      expect(await page.locator('#users tbody tr').count()).toBe(0);
      expect(await page.locator('#linkText').inputValue()).toBe('');
      // The CSRF token is in memory only.
      const stored = await js<string>(page, 'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })');
      expect(stored).not.toMatch(/csrf|[A-Za-z0-9_-]{32,}/i);

      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('on a tablet: fits the screen, refuses a counsellor; the console and the dashboard have My account', async () => {
    await lantern.app.staffStore.create({ username: 'sanne', role: 'counsellor', languages: ['ti'], password: 'sanne counsellor password' });
    await lantern.app.staffStore.create({ username: 'coco', role: 'coordinator', password: 'coco coordinator password' });
    const { context, page, requests, errors } = await browser('tablet');
    try {
      await page.goto(`${lantern.url}/admin`);
      await login(page, 'sanne', 'sanne counsellor password');
      await expectText(page, '#loginNotice', staff.nl.admin.notAdmin!);
      expect(await page.locator('#admin').isHidden()).toBe(true);

      await login(page, ADMIN, 'a new admin password 2');
      await page.locator('#users tr[data-user="noor"]').waitFor();
      expect(await js<boolean>(page, 'document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1')).toBe(true);
      expect(await untranslated(page)).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-tablet.png'), fullPage: true });
      await page.locator('#tabAudit').tap();
      await page.locator('#auditTable tbody tr[data-action]').first().waitFor();
      expect(await js<boolean>(page, 'document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1')).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-tablet-audit.png'), fullPage: true });

      await page.locator('#logout').tap();
      await page.locator('#loginForm').waitFor({ state: 'visible' });

      // The console (a counsellor) and the dashboard (a coordinator) open My account too.
      for (const [url, username, password] of [
        ['/counsellor', 'sanne', 'sanne counsellor password'],
        ['/coordinator', 'coco', 'coco coordinator password'],
      ] as const) {
        await page.goto(`${lantern.url}${url}`);
        await login(page, username, password);
        await page.locator('#myAccount').waitFor({ state: 'visible' });
        await page.locator('#myAccount').tap();
        await page.locator('#accountDialog #totpStart').waitFor({ state: 'visible' });
        await expectText(page, '#accountDialog h2', staff.nl.account.myAccount!);
        await page.keyboard.press('Escape');
        await page.locator('#accountDialog').waitFor({ state: 'hidden' });
      }
      expect(external(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

/**
 * Chromium for the browser tests: Debian's Chromium through playwright-core, a fresh profile per
 * browser, every request (WebSockets included) and every page error recorded.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  requests: string[];
  errors: string[];
}

/** The device and context options of launchPersistentContext (besides executable, headless and args). */
export type ContextOptions = Omit<NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>, keyof LaunchOptions>;

export interface LaunchBrowserOptions {
  /** The profile folder is added here, for the test file to delete afterwards. */
  tempDirs: string[];
  /** Viewport, locale and the like. */
  context: ContextOptions;
  /** Console errors matching this are not errors of the page (failed requests it handles itself). */
  ignoreConsole: RegExp;
  /** Runs once the context records requests, before its first page is taken. */
  setup?: (context: BrowserContext, requests: string[]) => Promise<void> | void;
}

/** A fresh browser with its own profile, every request and page error recorded. */
export async function launchBrowser(options: LaunchBrowserOptions): Promise<Browser> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-chromium-'));
  options.tempDirs.push(userDataDir);
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS, ...options.context });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  await options.setup?.(context, requests);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('websocket', (socket) => requests.push(socket.url()));
  // Script errors and Content-Security-Policy violations ("Refused to …") end up here.
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !options.ignoreConsole.test(message.text())) errors.push(message.text());
  });
  return { context, page, requests, errors };
}

/**
 * Evaluates a JavaScript expression in the page. Expressions are strings because the tests are
 * type-checked without the DOM library (the root tsconfig is for Node).
 */
export async function js<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}

/** Requests that went anywhere but the server at `serverUrl` (data:, about:blank and what `skip` accepts excepted). */
export function externalRequests(requests: string[], serverUrl: string, skip: (url: string) => boolean = () => false): string[] {
  const origin = new URL(serverUrl);
  return requests.filter((url) => {
    if (skip(url) || url.startsWith('data:') || url === 'about:blank') return false;
    const parsed = new URL(url);
    return parsed.hostname !== '127.0.0.1' || parsed.port !== origin.port;
  });
}

/**
 * Failed requests the counsellors' pages handle themselves (the 401 before logging in), not errors of
 * the page: pass as `ignoreConsole` with `net::ERR_` for a console's browser.
 */
export const CONSOLE_HANDLED_ERRORS = /net::ERR_|Failed to load resource: the server responded with a status of 401/;

/** Logs a counsellor in on the console page (`/counsellor`) and waits until the console shows. */
export async function signInToConsole(page: Page, baseUrl: string, username: string, password: string, timeoutMs = 10_000): Promise<void> {
  await page.goto(`${baseUrl}/counsellor`);
  await page.locator('#loginForm').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('#loginUser').fill(username);
  await page.locator('#loginPassword').fill(password);
  await page.locator('#loginForm button[type=submit]').click();
  await page.locator('#console').waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Makes the document report `state` and tells the page, as the browser does when the young person switches apps. */
export async function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  await js(
    page,
    `(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${state}' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${state === 'hidden'} });
      document.dispatchEvent(new Event('visibilitychange'));
    })()`,
  );
}

/** Whether the chat page's neutral face covers it (the cover shown, the chat invisible). */
export function chatCovered(page: Page): Promise<boolean> {
  return js<boolean>(page, "!document.getElementById('cover').hidden && getComputedStyle(document.querySelector('.app')).visibility === 'hidden'");
}

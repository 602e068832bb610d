/**
 * Test harness for the staff plugin: a real Fastify app on 127.0.0.1 (port 0) with the real
 * Redis-backed stores, the jobs and the audit trail it records to (conversation references by the
 * channel's real keyed pseudonym), a captured structured log, and a sibling plugin whose routes use
 * `staffGuard` (as the console and dashboard plugins will). No mocks.
 */
import { Writable } from 'node:stream';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { auditPlugin } from '../../audit/auditPlugin.js';
import type { RedisKeys } from '../../contracts/RedisKeys.js';
import { TokenService } from '../../directline/TokenService.js';
import { jobsPlugin } from '../../jobs/jobsPlugin.js';
import { staffAuthPlugin } from '../../staff/staffAuthPlugin.js';
import { StaffStore } from '../../staff/StaffStore.js';
import { testRedis } from '../helpers/redis.js';

/** Options of a test app. */
export interface StaffHarnessOptions {
  keys: RedisKeys;
  secureCookies?: boolean;
  sessionIdleSeconds?: number;
  sessionAbsoluteSeconds?: number;
  /** STAFF_TOTP_REQUIRED_FOR_ADMINS. */
  totpRequiredForAdmins?: boolean;
  /** The audit trail's retention (days; default 365). */
  auditRetentionDays?: number;
}

/** A running test app. */
export interface StaffHarness {
  app: FastifyInstance;
  baseUrl: string;
  redis: Redis;
  keys: RedisKeys;
  store: StaffStore;
  /** Every structured log line written so far. */
  logLines: string[];
  close(): Promise<void>;
}

/** Starts the app. */
export async function startStaffHarness(options: StaffHarnessOptions): Promise<StaffHarness> {
  const redis = testRedis();
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }));
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
  const tokens = new TokenService({ redis, keys: options.keys, ttlSeconds: 3600 });
  await app.register(jobsPlugin, { redis, keys: options.keys });
  await app.register(auditPlugin, {
    redis,
    keys: options.keys,
    retentionDays: options.auditRetentionDays ?? 365,
    trimEveryMs: 3_600_000,
    pseudonym: (purpose, value) => tokens.pseudonym(purpose, value),
  });
  await app.register(staffAuthPlugin, {
    redis,
    keys: options.keys,
    secureCookies: options.secureCookies ?? false,
    sessionIdleSeconds: options.sessionIdleSeconds,
    sessionAbsoluteSeconds: options.sessionAbsoluteSeconds,
    totpRequiredForAdmins: options.totpRequiredForAdmins,
  });
  // Another plugin protecting its routes with the decorator.
  await app.register(async (other) => {
    other.get('/api/test/counsellor-only', { preHandler: other.staffGuard(['counsellor']) }, async (request) => ({ staff: request.staff }));
    other.post('/api/test/change', { preHandler: other.staffGuard(['counsellor', 'coordinator', 'admin']) }, async (request) => ({ changedBy: request.staff?.username }));
    other.get('/api/test/open', async (request) => ({ staff: request.staff ?? null }));
  });
  await app.listen({ port: 0, host: '127.0.0.1', listenTextResolver: () => 'server listening' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    redis,
    keys: options.keys,
    store: new StaffStore({ redis, keys: options.keys }),
    logLines,
    async close() {
      await app.close();
      await redis.quit();
    },
  };
}

/** A parsed HTTP answer. */
export interface CallResult {
  status: number;
  body: any;
  headers: Headers;
  setCookies: string[];
}

/** Options of one request. */
export interface CallOptions {
  method?: string;
  json?: unknown;
  /** Raw body (with `contentType`). */
  body?: string;
  contentType?: string;
  /** Value of the `lantern_staff` cookie to send. */
  session?: string;
  csrf?: string;
  headers?: Record<string, string>;
}

/** One HTTP request with fetch. */
export async function call(url: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.contentType) headers['content-type'] = options.contentType;
  if (options.session !== undefined) headers.cookie = `theme=dark; lantern_staff=${options.session}`;
  if (options.csrf !== undefined) headers['x-csrf-token'] = options.csrf;
  const response = await fetch(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body: parsed, headers: response.headers, setCookies: response.headers.getSetCookie() };
}

/** The session id from a login answer's Set-Cookie. */
export function sessionFrom(result: CallResult): string {
  const cookie = result.setCookies.find((line) => line.startsWith('lantern_staff='));
  const value = cookie?.slice('lantern_staff='.length).split(';')[0];
  if (!value) throw new Error('no lantern_staff cookie');
  return value;
}

/** A logged-in client. */
export interface LoggedIn {
  session: string;
  csrf: string;
  body: any;
}

/** Logs in and returns the session cookie value and CSRF token. */
export async function login(h: StaffHarness, username: string, password: string): Promise<LoggedIn> {
  const result = await call(`${h.baseUrl}/api/staff/login`, { json: { username, password } });
  if (result.status !== 200) throw new Error(`login failed: ${result.status}`);
  return { session: sessionFrom(result), csrf: result.body.csrfToken, body: result.body };
}

/** Asserts the shape of an error answer. */
export function isErrorBody(body: any, code?: string): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    Object.keys(body).join() === 'error' &&
    typeof body.error?.message === 'string' &&
    (code === undefined ? typeof body.error?.code === 'string' : body.error.code === code)
  );
}

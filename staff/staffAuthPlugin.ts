/**
 * Staff login, sessions, CSRF protection, first-admin setup, one's own password and two-factor login,
 * and the admins' account management (accountRoutes.ts) and audit trail (auditApiPlugin.ts) under
 * `/api/staff`, as a Fastify plugin, plus `fastify.staffGuard(roles)` for other plugins' routes.
 * See docs/api.md. Every staff action here writes exactly one audit entry (`app.audit`).
 *
 * Register it once, before the plugins whose routes use the guard:
 * `await app.register(staffAuthPlugin, { redis, keys, secureCookies })`.
 * It is not encapsulated (its decorators are visible to sibling plugins), but its routes and their
 * error handler live in an encapsulated child, so it does not change how other routes answer errors.
 *
 * Session cookie `lantern_staff` (HttpOnly, SameSite=Strict, Path=/, Secure when `secureCookies`),
 * holding only a random session id. State-changing requests (POST/PUT/PATCH/DELETE) through the
 * guard need the header `x-csrf-token` equal to the session's token (answered by login and /me).
 * The log holds event codes only: never usernames, passwords, tokens, cookies or addresses.
 */
import { errorCode } from '../contracts/errorCode.js';
import fastifyPlugin from 'fastify-plugin';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import type {} from '../audit/auditPlugin.js';
import type { AuditRecord } from '../audit/AuditTrail.js';
import { SetupLink } from './SetupLink.js';
import { bodyProblem, statusOf, type BodyProblem } from '../contracts/httpErrors.js';
import {
  CannotRemoveSelfError,
  CsrfTokenError,
  LoginFailedError,
  NotAuthenticatedError,
  StaffBodyTooLargeError,
  StaffForbiddenError,
  StaffServiceError,
  TotpEnrolmentRequiredError,
  TotpInvalidError,
  TotpRequiredError,
  TotpStateError,
  WrongPasswordError,
} from './errors.js';
export { CannotRemoveSelfError, CsrfTokenError, LoginFailedError, NotAuthenticatedError, StaffForbiddenError, StaffServiceError };
import { StaffSessionStore, safeEqual, type StaffLeaveReason, type StaffSession } from './StaffSessionStore.js';
import { LoginClientHasher } from './clientHash.js';
import { PasswordLinks } from './PasswordLinks.js';
import { registerAccountRoutes } from './accountRoutes.js';
import { auditApiPlugin } from './auditApiPlugin.js';
import { TOTP_DIGITS, TOTP_PERIOD } from './StaffTotp.js';
import { InvalidStaffInputError, STAFF_ROLES, StaffError, StaffStore, checkPassword, type StaffPrincipal, type StaffRole } from './StaffStore.js';

/** Name of the session cookie. */
export const STAFF_SESSION_COOKIE = 'lantern_staff';
/** Header that must carry the session's CSRF token on state-changing requests. */
export const CSRF_HEADER = 'x-csrf-token';
/** Path prefix of the staff routes. */
export const STAFF_API_BASE = '/api/staff';

export type { StaffLeaveReason };

/** Called after a staff member left (see `onStaffLeave`). */
export type StaffLeaveListener = (username: string, reason: StaffLeaveReason) => Promise<void>;

/** Options of staffAuthPlugin. */
export interface StaffAuthPluginOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Mark the cookie `Secure` (true behind HTTPS, which production must be). */
  secureCookies: boolean;
  /** Idle timeout of a session. Default 8 hours. */
  sessionIdleSeconds?: number;
  /** Absolute lifetime of a session. Default 24 hours. */
  sessionAbsoluteSeconds?: number;
  /** Called after a staff member logged out (e.g. to take a counsellor off duty at once). */
  onLogout?: (username: string) => Promise<void>;
  /** Called after an account was removed or disabled (its sessions are already revoked), e.g. to return its conversations. */
  onRemoved?: (username: string) => Promise<void>;
  /** STAFF_TOTP_KEY: seals the two-factor secrets in Redis (StaffTotp.ts). */
  totpKey?: string;
  /** STAFF_TOTP_REQUIRED_FOR_ADMINS: an admin without two-factor login must turn it on before anything else. */
  totpRequiredForAdmins?: boolean;
  /** Lifetime of a password link. Default 24 hours. */
  passwordLinkTtlSeconds?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated staff member; set by `staffGuard` (undefined on routes without it). */
    staff?: StaffPrincipal;
  }
  interface FastifyInstance {
    /**
     * A preHandler that lets a request through only with a live staff session of one of `roles`
     * (401 without a session, 403 for another role, 403 when a POST/PUT/PATCH/DELETE lacks the
     * right `x-csrf-token`), and sets `request.staff`. Answers `{ error: { code, message } }` itself.
     */
    staffGuard(roles: readonly StaffRole[]): preHandlerAsyncHookHandler;
    /**
     * The live session named by the `lantern_staff` cookie in a raw `Cookie` header (for the
     * console's WebSocket upgrade), or undefined. Extends the idle timeout. Check the role yourself.
     */
    verifyStaffSessionCookie(cookieHeader: string | undefined): Promise<StaffSession | undefined>;
    /** The staff accounts. */
    staffStore: StaffStore;
    /** The staff sessions (revoke, re-check a WebSocket's session with `get(id, { touch: false })`). */
    staffSessions: StaffSessionStore;
    /** The one-time link that creates the first admin (`issueIfNoStaff()` at start). */
    staffSetup: SetupLink;
    /** One-time links with which a staff member chooses a password (new accounts, lost passwords). */
    staffPasswordLinks: PasswordLinks;
    /**
     * Adds a listener called after a staff member logged out, an account was removed or disabled, or
     * an admin ended its sessions (they are already revoked), e.g. to return a counsellor's
     * conversations to the list at once.
     */
    onStaffLeave(listener: StaffLeaveListener): void;
  }
}







const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BODY_LIMIT = 8 * 1024;


/** The staff answer to each body Fastify refused to parse. */
const BODY_ERRORS: Record<BodyProblem, () => StaffError> = {
  tooLarge: () => new StaffBodyTooLargeError(),
  notJson: () => new InvalidStaffInputError('The request body must be JSON (Content-Type: application/json).'),
  empty: () => new InvalidStaffInputError('The request body is empty.'),
  invalidJson: () => new InvalidStaffInputError('The request body is not valid JSON.'),
};

/** Maps anything thrown in a staff route to a StaffError; bad input never becomes a 500. */
function toStaffError(error: unknown): StaffError {
  if (error instanceof StaffError) return error;
  const problem = bodyProblem(error);
  if (problem) return BODY_ERRORS[problem]();
  const status = statusOf(error);
  if (status >= 400 && status < 500) return new InvalidStaffInputError();
  return new StaffServiceError();
}

function errorBody(error: StaffError): { error: { code: string; message: string } } {
  return { error: { code: error.code, message: error.message } };
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidStaffInputError('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** The routes an admin may use before turning on two-factor login when it is required. */
const ENROLMENT_ROUTES = new Set(['/me', '/me/totp', '/me/totp/confirm', '/me/password', '/logout'].map((path) => `${STAFF_API_BASE}${path}`));

/** Whether a session must turn on two-factor login before anything else. */
function mustEnrol(session: StaffSession, required: boolean | undefined): boolean {
  return Boolean(required) && session.role === 'admin' && !session.mfa;
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string') throw new InvalidStaffInputError(`${name} must be a string.`);
  return value;
}

/** The session id from a raw Cookie header (undefined when absent or unparsable). */
function sessionIdFromCookieHeader(fastify: FastifyInstance, cookieHeader: string | undefined): string | undefined {
  if (typeof cookieHeader !== 'string' || cookieHeader === '') return undefined;
  try {
    const value = fastify.parseCookie(cookieHeader)[STAFF_SESSION_COOKIE];
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The live session named by the `lantern_staff` cookie in a raw Cookie header, or undefined; for
 * code that has the session store but not the Fastify instance (the instance has the same method).
 */
export async function verifyStaffSessionCookie(sessions: StaffSessionStore, cookieHeader: string | undefined): Promise<StaffSession | undefined> {
  if (typeof cookieHeader !== 'string') return undefined;
  for (const part of cookieHeader.split(';')) {
    const index = part.indexOf('=');
    if (index < 0 || part.slice(0, index).trim() !== STAFF_SESSION_COOKIE) continue;
    return sessions.get(part.slice(index + 1).trim());
  }
  return undefined;
}

function principalOf(session: StaffSession): StaffPrincipal {
  return { username: session.username, role: session.role, languages: [...session.languages] };
}

const plugin: FastifyPluginAsync<StaffAuthPluginOptions> = async (fastify, options) => {
  const { redis, keys } = options;
  const log = fastify.log.child({ component: 'staff' });
  const store = new StaffStore({ redis, keys, totpKey: options.totpKey });
  const sessions = new StaffSessionStore({ redis, keys, idleSeconds: options.sessionIdleSeconds, absoluteSeconds: options.sessionAbsoluteSeconds });
  const setup = new SetupLink({ redis, keys, store });
  const passwordLinks = new PasswordLinks({ redis, keys, store, ttlSeconds: options.passwordLinkTtlSeconds });
  const clients = new LoginClientHasher({ redis, keys });
  const audit = (entry: AuditRecord) => fastify.audit.record(entry);
  const sessionOfRequest = new WeakMap<FastifyRequest, StaffSession>();
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, path: '/', secure: options.secureCookies };

  if (!fastify.hasDecorator('parseCookie')) await fastify.register(fastifyCookie);

  const leaveListeners: StaffLeaveListener[] = [];
  const left = async (username: string, reason: StaffLeaveReason) => {
    if (reason === 'logout') await options.onLogout?.(username);
    else if (reason === 'removed' || reason === 'disabled') await options.onRemoved?.(username);
    for (const listener of leaveListeners) await listener(username, reason);
  };

  fastify.decorate('staffStore', store);
  fastify.decorate('staffSessions', sessions);
  fastify.decorate('staffSetup', setup);
  fastify.decorate('staffPasswordLinks', passwordLinks);
  fastify.decorate('onStaffLeave', (listener: StaffLeaveListener) => {
    leaveListeners.push(listener);
  });
  fastify.decorateRequest('staff', undefined);
  fastify.decorate('verifyStaffSessionCookie', async (cookieHeader: string | undefined) => {
    const session = await sessions.get(sessionIdFromCookieHeader(fastify, cookieHeader));
    // An admin who must turn on two-step login first gets no live view either.
    return session && !mustEnrol(session, options.totpRequiredForAdmins) ? session : undefined;
  });

  fastify.decorate('staffGuard', (roles: readonly StaffRole[]): preHandlerAsyncHookHandler => {
    const allowed = new Set<StaffRole>(roles);
    for (const role of allowed) {
      if (!STAFF_ROLES.includes(role)) throw new TypeError(`staffGuard: unknown role ${String(role)}`);
    }
    return async function staffGuardPreHandler(request: FastifyRequest, reply: FastifyReply) {
      const deny = (error: StaffError) => {
        log.info({ event: 'staff.guard.denied', code: error.code });
        return reply.code(error.statusCode).header('cache-control', 'no-store').send(errorBody(error));
      };
      const session = await sessions.get(sessionIdFromCookieHeader(fastify, request.headers.cookie));
      if (!session) return deny(new NotAuthenticatedError());
      if (!allowed.has(session.role)) return deny(new StaffForbiddenError());
      if (STATE_CHANGING.has(request.method)) {
        const header = request.headers[CSRF_HEADER];
        if (typeof header !== 'string' || !safeEqual(header, session.csrfToken)) return deny(new CsrfTokenError());
      }
      if (mustEnrol(session, options.totpRequiredForAdmins) && !ENROLMENT_ROUTES.has(request.routeOptions.url ?? '')) return deny(new TotpEnrolmentRequiredError());
      request.staff = principalOf(session);
      sessionOfRequest.set(request, session);
    };
  });

  // Routes in an encapsulated child: its error handler and hooks apply to these routes only.
  await fastify.register(async (routes) => {
    routes.setErrorHandler((error, _request, reply) => {
      const staffError = toStaffError(error);
      if (staffError.statusCode >= 500) log.error({ event: 'staff.error', code: errorCode(error) });
      return reply.code(staffError.statusCode).send(errorBody(staffError));
    });
    routes.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });

    const anyStaff = routes.staffGuard(STAFF_ROLES);
    const adminOnly = routes.staffGuard(['admin']);

    routes.post(`${STAFF_API_BASE}/login`, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const body = bodyObject(request.body);
      const username = requiredString(body, 'username');
      const password = requiredString(body, 'password');
      if (body.code !== undefined && typeof body.code !== 'string') throw new InvalidStaffInputError('code must be a string.');
      const client = await clients.hash(request.ip);
      const result = await store.verifyLogin(username, password, { client, code: body.code });
      if (!result.ok) {
        if (!result.locked && result.totp === 'required') {
          log.info({ event: 'staff.login.totp-required' });
          return reply.code(401).send(errorBody(new TotpRequiredError()));
        }
        log.info({ event: result.locked ? 'staff.login.locked' : 'staff.login.failed' });
        if (result.locked) reply.header('retry-after', String(result.retryAfterSeconds));
        return reply.code(401).send(errorBody(new LoginFailedError()));
      }
      // A new id at every login; the session the browser had before (if any) ends.
      await sessions.revoke(sessionIdFromCookieHeader(fastify, request.headers.cookie));
      const session = await sessions.create(result.user, { mfa: result.mfa === true });
      // Disabled while this login was checked: the session ends before anyone used it.
      if ((await store.get(session.username))?.disabled) {
        await sessions.revoke(session.id);
        log.info({ event: 'staff.login.failed' });
        return reply.code(401).send(errorBody(new LoginFailedError()));
      }
      reply.setCookie(STAFF_SESSION_COOKIE, session.id, cookieOptions);
      log.info({ event: 'staff.login.succeeded', role: session.role });
      await audit({ by: session.username, action: 'login', ...(session.mfa ? { detail: 'totp' } : {}) });
      return { csrfToken: session.csrfToken, username: session.username, role: session.role, languages: session.languages, ...(mustEnrol(session, options.totpRequiredForAdmins) ? { totpRequired: true } : {}) };
    });

    routes.post(`${STAFF_API_BASE}/logout`, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const id = sessionIdFromCookieHeader(fastify, request.headers.cookie);
      const session = await sessions.get(id, { touch: false });
      if (session) {
        const header = request.headers[CSRF_HEADER];
        if (typeof header !== 'string' || !safeEqual(header, session.csrfToken)) throw new CsrfTokenError();
        await sessions.revoke(id);
        await left(session.username, 'logout');
        log.info({ event: 'staff.logout' });
        await audit({ by: session.username, action: 'logout' });
      }
      reply.clearCookie(STAFF_SESSION_COOKIE, cookieOptions);
      return reply.code(204).send();
    });

    routes.get(`${STAFF_API_BASE}/me`, { preHandler: anyStaff }, async (request) => {
      const session = sessionOfRequest.get(request);
      if (!session) throw new NotAuthenticatedError();
      const user = await store.get(session.username);
      return {
        username: session.username,
        role: session.role,
        languages: session.languages,
        csrfToken: session.csrfToken,
        totp: Boolean(user?.totp),
        totpRequired: mustEnrol(session, options.totpRequiredForAdmins),
      };
    });

    // One's own password: the current one is checked (and counted like a login); the staff
    // member's other sessions end, this one goes on.
    routes.post(`${STAFF_API_BASE}/me/password`, { bodyLimit: BODY_LIMIT, preHandler: anyStaff }, async (request, reply) => {
      const session = sessionOfRequest.get(request);
      if (!session) throw new NotAuthenticatedError();
      const body = bodyObject(request.body);
      const current = requiredString(body, 'current');
      const next = checkPassword(requiredString(body, 'next'));
      if (!(await store.verifyCurrentPassword(session.username, current, await clients.hash(request.ip)))) {
        log.info({ event: 'staff.password.wrong' });
        throw new WrongPasswordError();
      }
      await store.setPassword(session.username, next);
      await sessions.revokeAllForUser(session.username, { except: session.id });
      log.info({ event: 'staff.password.changed' });
      await audit({ by: session.username, action: 'password.changed', detail: 'self' });
      return reply.code(204).send();
    });

    // Two-factor login: a new secret (answered once), confirmed with a code of it.
    routes.post(`${STAFF_API_BASE}/me/totp`, { bodyLimit: BODY_LIMIT, preHandler: anyStaff }, async (request) => {
      const username = request.staff!.username;
      const secret = await store.beginTotp(username);
      return { secret: secret.base32, uri: secret.uri, digits: TOTP_DIGITS, period: TOTP_PERIOD };
    });

    routes.post(`${STAFF_API_BASE}/me/totp/confirm`, { bodyLimit: BODY_LIMIT, preHandler: anyStaff }, async (request) => {
      const session = sessionOfRequest.get(request);
      if (!session) throw new NotAuthenticatedError();
      const body = bodyObject(request.body);
      if (!(await store.confirmTotp(session.username, requiredString(body, 'code')))) throw new TotpInvalidError();
      await sessions.markMfa(session.id);
      log.info({ event: 'staff.totp.enabled' });
      await audit({ by: session.username, action: 'totp.enabled' });
      return { totp: true };
    });

    routes.post(`${STAFF_API_BASE}/me/totp/disable`, { bodyLimit: BODY_LIMIT, preHandler: anyStaff }, async (request, reply) => {
      const session = sessionOfRequest.get(request);
      if (!session) throw new NotAuthenticatedError();
      const body = bodyObject(request.body);
      const password = requiredString(body, 'password');
      if (options.totpRequiredForAdmins && session.role === 'admin') throw new TotpStateError();
      if (!(await store.verifyCurrentPassword(session.username, password, await clients.hash(request.ip)))) throw new WrongPasswordError();
      await store.disableTotp(session.username);
      log.info({ event: 'staff.totp.disabled' });
      await audit({ by: session.username, action: 'totp.disabled', detail: 'self' });
      return reply.code(204).send();
    });

    routes.post(`${STAFF_API_BASE}/setup`, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const body = bodyObject(request.body);
      const admin = await setup.redeem(body.token, body.username, body.password);
      log.info({ event: 'staff.setup.completed' });
      await audit({ by: admin.username, action: 'user.created', target: admin.username, detail: 'setup' });
      return reply.code(201).send({ username: admin.username, role: admin.role, languages: admin.languages });
    });

    // A password link (new account, lost password): the chosen password, once; every session of
    // the account ends (its conversations go back to the list).
    routes.post(`${STAFF_API_BASE}/password-link`, { bodyLimit: BODY_LIMIT }, async (request) => {
      const body = bodyObject(request.body);
      const user = await passwordLinks.redeem(body.token, body.password);
      if ((await sessions.revokeAllForUser(user.username)) > 0) await left(user.username, 'revoked');
      log.info({ event: 'staff.password.link-used' });
      await audit({ by: user.username, action: 'password.changed', detail: 'link' });
      return { username: user.username, role: user.role };
    });

    registerAccountRoutes(routes, { store, sessions, passwordLinks, adminOnly, audit, left, log, bodyObject, bodyLimit: BODY_LIMIT });
    await routes.register(auditApiPlugin, { adminOnly });
  });
};

/** The staff plugin (see the module comment): not encapsulated, so its decorators reach sibling plugins. */
export const staffAuthPlugin: FastifyPluginAsync<StaffAuthPluginOptions> = fastifyPlugin(plugin, { name: 'lantern-staff-auth', fastify: '5.x', dependencies: ['lantern-audit'] });
export default staffAuthPlugin;

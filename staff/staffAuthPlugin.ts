/**
 * Staff login, sessions, CSRF protection, first-admin setup and user management under `/api/staff`,
 * as a Fastify plugin, plus `fastify.staffGuard(roles)` for other plugins' routes. See docs/api.md.
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
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { SetupLink } from './SetupLink.js';
import { bodyProblem, statusOf, type BodyProblem } from '../contracts/httpErrors.js';
import { CannotRemoveSelfError, CsrfTokenError, LoginFailedError, NotAuthenticatedError, StaffBodyTooLargeError, StaffForbiddenError, StaffServiceError } from './errors.js';
export { CannotRemoveSelfError, CsrfTokenError, LoginFailedError, NotAuthenticatedError, StaffForbiddenError, StaffServiceError };
import { StaffSessionStore, safeEqual, type StaffSession } from './StaffSessionStore.js';
import { generatePassword } from './passwordHash.js';
import {
  InvalidStaffInputError,
  STAFF_ROLES,
  StaffError,
  StaffStore,
  StaffUserNotFoundError,
  normaliseUsername,
  parseLanguages,
  parseRole,
  type StaffPrincipal,
  type StaffRole,
} from './StaffStore.js';

/** Name of the session cookie. */
export const STAFF_SESSION_COOKIE = 'lantern_staff';
/** Header that must carry the session's CSRF token on state-changing requests. */
export const CSRF_HEADER = 'x-csrf-token';
/** Path prefix of the staff routes. */
export const STAFF_API_BASE = '/api/staff';

/** Why a staff member left: logged out, or their account was removed. */
export type StaffLeaveReason = 'logout' | 'removed';

/** Called after a staff member left (see `onStaffLeave`). */
export type StaffLeaveListener = (username: string, reason: StaffLeaveReason) => Promise<void>;

/** Options of staffAuthPlugin. */
export interface StaffAuthPluginOptions {
  redis: Redis;
  keys: RedisKeys;
  /** Mark the cookie `Secure` (true behind HTTPS, which production must be). */
  secureCookies: boolean;
  /** Idle timeout of a session. Default 8 hours. */
  sessionIdleSeconds?: number;
  /** Absolute lifetime of a session. Default 24 hours. */
  sessionAbsoluteSeconds?: number;
  /** Called after a staff member logged out (e.g. to take a counsellor off duty at once). */
  onLogout?: (username: string) => Promise<void>;
  /** Called after an account was removed (its sessions are already revoked), e.g. to return its conversations. */
  onRemoved?: (username: string) => Promise<void>;
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
    /**
     * Adds a listener called after a staff member logged out or an account was removed (its sessions
     * already revoked), e.g. to return a counsellor's conversations to the list at once.
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
  const store = new StaffStore({ redis, keys });
  const sessions = new StaffSessionStore({ redis, keys, idleSeconds: options.sessionIdleSeconds, absoluteSeconds: options.sessionAbsoluteSeconds });
  const setup = new SetupLink({ redis, keys, store });
  const sessionOfRequest = new WeakMap<FastifyRequest, StaffSession>();
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, path: '/', secure: options.secureCookies };

  if (!fastify.hasDecorator('parseCookie')) await fastify.register(fastifyCookie);

  const leaveListeners: StaffLeaveListener[] = [];
  const left = async (username: string, reason: StaffLeaveReason) => {
    await (reason === 'logout' ? options.onLogout : options.onRemoved)?.(username);
    for (const listener of leaveListeners) await listener(username, reason);
  };

  fastify.decorate('staffStore', store);
  fastify.decorate('staffSessions', sessions);
  fastify.decorate('staffSetup', setup);
  fastify.decorate('onStaffLeave', (listener: StaffLeaveListener) => {
    leaveListeners.push(listener);
  });
  fastify.decorateRequest('staff', undefined);
  fastify.decorate('verifyStaffSessionCookie', (cookieHeader: string | undefined) => sessions.get(sessionIdFromCookieHeader(fastify, cookieHeader)));

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
      const result = await store.verifyLogin(username, password);
      if (!result.ok) {
        log.info({ event: result.locked ? 'staff.login.locked' : 'staff.login.failed' });
        if (result.locked) reply.header('retry-after', String(result.retryAfterSeconds));
        return reply.code(401).send(errorBody(new LoginFailedError()));
      }
      // A new id at every login; the session the browser had before (if any) ends.
      await sessions.revoke(sessionIdFromCookieHeader(fastify, request.headers.cookie));
      const session = await sessions.create(result.user);
      reply.setCookie(STAFF_SESSION_COOKIE, session.id, cookieOptions);
      log.info({ event: 'staff.login.succeeded', role: session.role });
      return { csrfToken: session.csrfToken, username: session.username, role: session.role, languages: session.languages };
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
      }
      reply.clearCookie(STAFF_SESSION_COOKIE, cookieOptions);
      return reply.code(204).send();
    });

    routes.get(`${STAFF_API_BASE}/me`, { preHandler: anyStaff }, async (request) => {
      const session = sessionOfRequest.get(request);
      if (!session) throw new NotAuthenticatedError();
      return { username: session.username, role: session.role, languages: session.languages, csrfToken: session.csrfToken };
    });

    routes.post(`${STAFF_API_BASE}/setup`, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const body = bodyObject(request.body);
      const admin = await setup.redeem(body.token, body.username, body.password);
      log.info({ event: 'staff.setup.completed' });
      return reply.code(201).send({ username: admin.username, role: admin.role, languages: admin.languages });
    });

    routes.get(`${STAFF_API_BASE}/users`, { preHandler: adminOnly }, async () => ({ users: await store.list() }));

    routes.post(`${STAFF_API_BASE}/users`, { bodyLimit: BODY_LIMIT, preHandler: adminOnly }, async (request, reply) => {
      const body = bodyObject(request.body);
      const role = parseRole(body.role);
      const username = normaliseUsername(body.username);
      const languages = parseLanguages(body.languages, role);
      const password = generatePassword();
      const user = await store.create({ username, role, languages, password });
      log.info({ event: 'staff.user.created', role: user.role });
      return reply.code(201).send({ username: user.username, password });
    });

    routes.delete<{ Params: { username: string } }>(`${STAFF_API_BASE}/users/:username`, { preHandler: adminOnly }, async (request, reply) => {
      const username = normaliseUsername(request.params.username);
      if (username === request.staff?.username) throw new CannotRemoveSelfError();
      if (!(await store.remove(username))) throw new StaffUserNotFoundError();
      await sessions.revokeAllForUser(username);
      await left(username, 'removed');
      log.info({ event: 'staff.user.removed' });
      return reply.code(204).send();
    });
  });
};

/** The staff plugin (see the module comment): not encapsulated, so its decorators reach sibling plugins. */
export const staffAuthPlugin: FastifyPluginAsync<StaffAuthPluginOptions> = fastifyPlugin(plugin, { name: 'lantern-staff-auth', fastify: '5.x' });
export default staffAuthPlugin;

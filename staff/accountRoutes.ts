/**
 * The admins' account management under `/api/staff/users` (docs/api.md, "Accounts"): list, create
 * (answered with a one-time password link, never a password), change role, languages and capacity,
 * disable and enable, unlock, a new password link, turn two-factor off, remove. Registered by
 * staffAuthPlugin in its routes' child (its error handler and `Cache-Control: no-store`).
 * Every action writes exactly one audit entry; the log holds event codes only.
 */
import type { FastifyBaseLogger, FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { AuditRecord } from '../audit/AuditTrail.js';
import { CannotChangeSelfError, CannotRemoveSelfError, InvalidStaffInputError, StaffUserNotFoundError } from './errors.js';
import type { PasswordLinks } from './PasswordLinks.js';
import { generatePassword } from './passwordHash.js';
import type { StaffLeaveReason, StaffSessionStore } from './StaffSessionStore.js';
import { normaliseUsername, parseLanguages, parseRole, type StaffStore, type StaffUser, type StaffUserChanges } from './StaffStore.js';

/** What the account routes need from staffAuthPlugin. */
export interface AccountRoutesContext {
  store: StaffStore;
  sessions: StaffSessionStore;
  passwordLinks: PasswordLinks;
  adminOnly: preHandlerAsyncHookHandler;
  audit: (entry: AuditRecord) => Promise<void>;
  /** Tells the listeners that a staff member left (their sessions already revoked). */
  left: (username: string, reason: StaffLeaveReason) => Promise<void>;
  log: FastifyBaseLogger;
  bodyObject: (body: unknown) => Record<string, unknown>;
  bodyLimit: number;
}

type UserParams = { Params: { username: string } };

const BASE = '/api/staff/users';

/** Registers the account routes on `routes`. */
export function registerAccountRoutes(routes: FastifyInstance, context: AccountRoutesContext): void {
  const { store, sessions, passwordLinks, adminOnly, audit, left, log, bodyObject, bodyLimit } = context;
  const options = { bodyLimit, preHandler: adminOnly };
  const by = (request: { staff?: { username: string } }) => request.staff!.username;

  /** The account named in the path; 404 when there is none. */
  const account = async (input: string): Promise<StaffUser> => {
    const user = await store.get(normaliseUsername(input));
    if (!user) throw new StaffUserNotFoundError();
    return user;
  };

  routes.get(BASE, { preHandler: adminOnly }, async () => ({ users: await store.list() }));

  routes.post(BASE, options, async (request, reply) => {
    const body = bodyObject(request.body);
    const role = parseRole(body.role);
    const username = normaliseUsername(body.username);
    const languages = parseLanguages(body.languages, role);
    const max = body.maxConversations ?? undefined;
    if (max !== undefined && !(typeof max === 'number' && Number.isInteger(max) && max >= 1 && max <= 20)) {
      throw new InvalidStaffInputError('maxConversations must be a whole number from 1 to 20, or null for the default.');
    }
    // Nobody knows this password: the staff member chooses theirs through the link.
    let user = await store.create({ username, role, languages, password: generatePassword() });
    if (max !== undefined) user = (await store.update(user.username, { maxConversations: max })).user;
    const { link, expiresInSeconds } = await passwordLinks.issue(user.username);
    log.info({ event: 'staff.user.created', role: user.role });
    await audit({ by: by(request), action: 'user.created', target: user.username, detail: user.role });
    return reply.code(201).send({ username: user.username, role: user.role, languages: user.languages, link, expiresInSeconds });
  });

  routes.patch<UserParams>(`${BASE}/:username`, options, async (request) => {
    const target = await account(request.params.username);
    const body = bodyObject(request.body);
    const changes: StaffUserChanges = {};
    for (const field of ['role', 'languages', 'maxConversations'] as const) if (field in body) changes[field] = body[field];
    const changed = Object.keys(changes);
    if (changed.length === 0) throw new InvalidStaffInputError('Give role, languages or maxConversations to change.');
    if (target.username === by(request) && changes.role !== undefined && changes.role !== target.role) throw new CannotChangeSelfError();
    const { user, previousRole } = await store.update(target.username, changes);
    if (user.role !== previousRole) {
      // A new role is taken up at the next login: every session ends now.
      if ((await sessions.revokeAllForUser(user.username)) > 0) await left(user.username, 'revoked');
    } else {
      await sessions.updateLanguages(user.username, user.languages);
    }
    log.info({ event: 'staff.user.updated' });
    await audit({ by: by(request), action: 'user.updated', target: user.username, detail: changed.map((field) => (field === 'maxConversations' ? 'capacity' : field)).join('.') });
    return { user };
  });

  routes.post<UserParams>(`${BASE}/:username/disable`, options, async (request) => {
    const target = await account(request.params.username);
    if (target.username === by(request)) throw new CannotChangeSelfError();
    await store.setDisabled(target.username, true);
    await sessions.revokeAllForUser(target.username);
    await left(target.username, 'disabled');
    log.info({ event: 'staff.user.disabled' });
    await audit({ by: by(request), action: 'user.disabled', target: target.username });
    return { user: await account(target.username) };
  });

  routes.post<UserParams>(`${BASE}/:username/enable`, options, async (request) => {
    const target = await account(request.params.username);
    await store.setDisabled(target.username, false);
    log.info({ event: 'staff.user.enabled' });
    await audit({ by: by(request), action: 'user.enabled', target: target.username });
    return { user: await account(target.username) };
  });

  routes.post<UserParams>(`${BASE}/:username/unlock`, options, async (request) => {
    const target = await account(request.params.username);
    await store.unlock(target.username);
    log.info({ event: 'staff.user.unlocked' });
    await audit({ by: by(request), action: 'user.unlocked', target: target.username });
    return { user: await account(target.username) };
  });

  routes.post<UserParams>(`${BASE}/:username/password-link`, options, async (request) => {
    const target = await account(request.params.username);
    const issued = await passwordLinks.issue(target.username);
    log.info({ event: 'staff.user.link-created' });
    await audit({ by: by(request), action: 'user.reset-link', target: target.username });
    return issued;
  });

  routes.post<UserParams>(`${BASE}/:username/totp/disable`, options, async (request) => {
    const target = await account(request.params.username);
    await store.disableTotp(target.username);
    log.info({ event: 'staff.totp.disabled' });
    await audit({ by: by(request), action: 'totp.disabled', target: target.username });
    return { user: await account(target.username) };
  });

  routes.delete<UserParams>(`${BASE}/:username`, { preHandler: adminOnly }, async (request, reply) => {
    const username = normaliseUsername(request.params.username);
    if (username === by(request)) throw new CannotRemoveSelfError();
    if (!(await store.remove(username))) throw new StaffUserNotFoundError();
    await passwordLinks.revoke(username);
    await sessions.revokeAllForUser(username);
    await left(username, 'removed');
    log.info({ event: 'staff.user.removed' });
    await audit({ by: by(request), action: 'user.removed', target: username });
    return reply.code(204).send();
  });
}

/**
 * Staff accounts (counsellors, coordinators, admins) in Redis. The named errors (errors.ts) and the
 * checks on accounts (validation.ts) are re-exported here; the Lua scripts live in staffScripts.ts.
 * Passwords are kept only as scrypt hashes (passwordHash.ts); nothing here ever returns one.
 *
 * Keys (RedisKeys): `staffUsers()` (set of usernames), `staffUser(u)` (hash: username, role,
 * languages, passwordHash, createdAt) and `staffLoginAttempts(u)` (hash: failed, lockedUntil; kept for
 * unknown usernames too, so that a lock does not reveal whether an account exists; expires by itself).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { InvalidStaffInputError, StaffUserExistsError, StaffUserNotFoundError } from './errors.js';
import { hashPassword, needsRehash, verifyPassword } from './passwordHash.js';
import { BEGIN_LOGIN_SCRIPT, CREATE_SCRIPT, FAILED_LOGIN_SCRIPT, REHASH_SCRIPT, REMOVE_SCRIPT, SET_PASSWORD_SCRIPT } from './staffScripts.js';
import { checkPassword, isValidUsername, MAX_PASSWORD_LENGTH, normaliseUsername, parseLanguages, parseRole, STAFF_LANGUAGES, STAFF_ROLES, type LoginResult, type NewStaffUser, type StaffRole, type StaffUser } from './validation.js';

export * from './errors.js';
export * from './validation.js';

/** Options of StaffStore. */
export interface StaffStoreOptions {
  redis: Redis;
  keys: RedisKeys;
  /** Failed logins that lock a username. Default 5. */
  maxFailedLogins?: number;
  /** How long a lock lasts, and the longest gap between failures that still count together, ms. Default 15 minutes. */
  lockMs?: number;
  /** Clock (ms since epoch); tests may replace it. */
  now?: () => number;
}

/** Result of a create guarded by the setup token (used by SetupLink). */
export type GuardedCreateResult = 'created' | 'exists' | 'not-empty' | 'guard-mismatch';

/** Staff accounts in Redis. */
export class StaffStore {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly maxFailedLogins: number;
  private readonly lockMs: number;
  private readonly now: () => number;
  /** A hash of a random password nobody knows: verified against for unknown usernames, to spend the same time. */
  private readonly dummyHash: Promise<string>;

  constructor(options: StaffStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.maxFailedLogins = options.maxFailedLogins ?? 5;
    this.lockMs = options.lockMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
    this.dummyHash = hashPassword(randomBytes(24).toString('base64'));
    this.dummyHash.catch(() => undefined);
  }

  /**
   * Creates an account (the password is hashed here).
   * @throws InvalidStaffInputError for a bad username, role, languages or password.
   * @throws StaffUserExistsError when the username is taken.
   */
  async create(input: NewStaffUser): Promise<StaffUser> {
    const result = await this.insert(input);
    if (result.outcome === 'exists') throw new StaffUserExistsError();
    return result.user;
  }

  /**
   * Creates an account only if there is no staff at all and `guardKey` holds `guardValue`, deleting
   * `guardKey` in the same atomic step. SetupLink uses it to redeem the one-time setup token.
   */
  async createIfNoStaff(input: NewStaffUser, guard: { key: string; value: string }): Promise<{ outcome: GuardedCreateResult; user: StaffUser }> {
    return this.insert(input, guard);
  }

  private async insert(input: NewStaffUser, guard?: { key: string; value: string }): Promise<{ outcome: GuardedCreateResult; user: StaffUser }> {
    const username = normaliseUsername(input.username);
    const role = parseRole(input.role);
    const languages = parseLanguages(input.languages, role);
    const password = checkPassword(input.password);
    const createdAt = this.now();
    const passwordHash = await hashPassword(password);
    const keys = [this.keys.staffUser(username), this.keys.staffUsers(), this.keys.staffLoginAttempts(username)];
    if (guard) keys.push(guard.key);
    const args = [username, role, languages.join(','), passwordHash, String(createdAt), guard ? '1' : '0', guard?.value ?? ''];
    const outcome = (await this.redis.eval(CREATE_SCRIPT, keys.length, ...keys, ...args)) as GuardedCreateResult;
    return { outcome, user: { username, role, languages, createdAt: new Date(createdAt).toISOString(), failedLogins: 0, lockedUntil: null } };
  }

  /** The account, or undefined (also for a username that could not exist). */
  async get(username: string): Promise<StaffUser | undefined> {
    const name = typeof username === 'string' ? username.trim().toLowerCase() : '';
    if (!isValidUsername(name)) return undefined;
    const [account, attempts] = await Promise.all([
      this.redis.hgetall(this.keys.staffUser(name)),
      this.redis.hgetall(this.keys.staffLoginAttempts(name)),
    ]);
    return this.toUser(account, attempts);
  }

  /** Every account, sorted by username, without password hashes. */
  async list(): Promise<StaffUser[]> {
    const usernames = (await this.redis.smembers(this.keys.staffUsers())).filter(isValidUsername).sort();
    if (usernames.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const username of usernames) {
      pipeline.hgetall(this.keys.staffUser(username));
      pipeline.hgetall(this.keys.staffLoginAttempts(username));
    }
    const results = (await pipeline.exec()) ?? [];
    const users: StaffUser[] = [];
    for (let i = 0; i < usernames.length; i += 1) {
      const [accountError, account] = results[2 * i] ?? [];
      const [attemptsError, attempts] = results[2 * i + 1] ?? [];
      if (accountError || attemptsError) throw accountError ?? attemptsError;
      const user = this.toUser(account as Record<string, string>, attempts as Record<string, string>);
      if (user) users.push(user);
    }
    return users;
  }

  /** How many accounts exist. */
  async count(): Promise<number> {
    return this.redis.scard(this.keys.staffUsers());
  }

  /** Deletes an account (and its login lock); true when it existed. Sessions are revoked by StaffSessionStore. */
  async remove(username: string): Promise<boolean> {
    const name = normaliseUsername(username);
    const removed = await this.redis.eval(REMOVE_SCRIPT, 3, this.keys.staffUser(name), this.keys.staffUsers(), this.keys.staffLoginAttempts(name), name);
    return removed === 1;
  }

  /**
   * Replaces the password (and lifts a login lock). Sessions are revoked by StaffSessionStore.
   * @throws StaffUserNotFoundError when there is no such account.
   */
  async setPassword(username: string, password: string): Promise<void> {
    const name = normaliseUsername(username);
    const passwordHash = await hashPassword(checkPassword(password));
    const updated = await this.redis.eval(SET_PASSWORD_SCRIPT, 2, this.keys.staffUser(name), this.keys.staffLoginAttempts(name), passwordHash);
    if (updated !== 1) throw new StaffUserNotFoundError();
  }

  /**
   * Checks a login. Every call spends one password hashing, whether the username exists, is locked
   * or is not even well-formed, so timing does not tell which usernames exist. Failures are counted
   * per username (known or not); `maxFailedLogins` failures lock it for `lockMs`; a success resets.
   */
  async verifyLogin(usernameInput: unknown, passwordInput: unknown): Promise<LoginResult> {
    const password = typeof passwordInput === 'string' && passwordInput.length <= MAX_PASSWORD_LENGTH * 2 ? passwordInput : '';
    const username = typeof usernameInput === 'string' ? usernameInput.trim().toLowerCase() : '';
    if (!isValidUsername(username)) {
      await this.spendHashingTime(password);
      return { ok: false, locked: false };
    }
    const attemptsKey = this.keys.staffLoginAttempts(username);
    const [allowed, lockedUntil] = (await this.redis.eval(BEGIN_LOGIN_SCRIPT, 1, attemptsKey, String(this.now()), String(this.maxFailedLogins), String(this.lockMs))) as [number, number];
    if (allowed !== 1) {
      await this.spendHashingTime(password);
      return this.lockedResult(lockedUntil);
    }

    const account = await this.redis.hgetall(this.keys.staffUser(username));
    const stored = account.passwordHash;
    let matches = false;
    if (stored && password !== '') {
      try {
        matches = await verifyPassword(password, stored);
      } catch {
        await this.spendHashingTime(password);
      }
    } else {
      await this.spendHashingTime(password);
    }
    const user = matches ? this.toUser(account, {}) : undefined;
    if (user && stored) {
      await this.redis.del(attemptsKey);
      if (needsRehash(stored)) {
        await this.redis.eval(REHASH_SCRIPT, 1, this.keys.staffUser(username), stored, await hashPassword(password));
      }
      return { ok: true, user: { username: user.username, role: user.role, languages: user.languages } };
    }
    const lockedNow = Number(await this.redis.eval(FAILED_LOGIN_SCRIPT, 1, attemptsKey, String(this.now()), String(this.maxFailedLogins), String(this.lockMs)));
    return lockedNow > 0 ? this.lockedResult(lockedNow) : { ok: false, locked: false };
  }

  private lockedResult(lockedUntil: number): LoginResult {
    return { ok: false, locked: true, retryAfterSeconds: Math.max(1, Math.ceil((Number(lockedUntil) - this.now()) / 1000)) };
  }

  private async spendHashingTime(password: string): Promise<void> {
    try {
      await verifyPassword(password, await this.dummyHash);
    } catch {
      // Only the time matters.
    }
  }

  private toUser(account: Record<string, string>, attempts: Record<string, string>): StaffUser | undefined {
    const { username, role, languages, createdAt } = account;
    if (!username || !role || !(STAFF_ROLES as readonly string[]).includes(role)) return undefined;
    const lockedUntil = Number(attempts.lockedUntil ?? 0);
    const locked = Number.isFinite(lockedUntil) && lockedUntil > this.now();
    return {
      username,
      role: role as StaffRole,
      languages: STAFF_LANGUAGES.filter((language) => (languages ?? '').split(',').includes(language)),
      createdAt: new Date(Number(createdAt) || 0).toISOString(),
      failedLogins: locked ? 0 : Math.max(0, Number(attempts.failed ?? 0) || 0),
      lockedUntil: locked ? new Date(lockedUntil).toISOString() : null,
      ...(Number(account.maxConversations) > 0 ? { maxConversations: Number(account.maxConversations) } : {}),
    };
  }

  /** Sets how many conversations a counsellor may have open at once (1–20), or back to the default (undefined). */
  async setMaxConversations(username: string, max: number | undefined): Promise<void> {
    if (max !== undefined && !(Number.isInteger(max) && max >= 1 && max <= 20)) throw new InvalidStaffInputError('The maximum must be a whole number from 1 to 20.');
    const user = await this.get(username);
    if (!user) throw new StaffUserNotFoundError();
    const key = this.keys.staffUser(user.username);
    if (max === undefined) await this.redis.hdel(key, 'maxConversations');
    else await this.redis.hset(key, 'maxConversations', String(max));
  }
}

/**
 * Staff accounts (counsellors, coordinators, admins) in Redis, and the named errors of the staff
 * module. Passwords are kept only as scrypt hashes (passwordHash.ts); nothing here ever returns one.
 *
 * Keys (RedisKeys): `staffUsers()` (set of usernames), `staffUser(u)` (hash: username, role,
 * languages, passwordHash, createdAt) and `staffLoginAttempts(u)` (hash: failed, lockedUntil; kept for
 * unknown usernames too, so that a lock does not reveal whether an account exists; expires by itself).
 */
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { hashPassword, needsRehash, verifyPassword } from './passwordHash.js';

/** What a staff member may do: take over conversations, see anonymised metrics, or manage staff. */
export type StaffRole = 'counsellor' | 'coordinator' | 'admin';

/** Every role, in order of increasing power. */
export const STAFF_ROLES: readonly StaffRole[] = Object.freeze(['counsellor', 'coordinator', 'admin']);

/** A language a counsellor can chat in (the chat's five languages; `prs` = Dari). */
export type StaffLanguage = Language;

/** Every language, in the canonical order used when storing them (the one list, contracts/languages.ts). */
export const STAFF_LANGUAGES: readonly StaffLanguage[] = LANGUAGES;

/** Who a request is from, once authenticated: what routes and guards need. */
export interface StaffPrincipal {
  username: string;
  role: StaffRole;
  /** Languages the counsellor chats in (empty for coordinators and admins). */
  languages: StaffLanguage[];
}

/** A staff account as listed (never with its password hash). */
export interface StaffUser extends StaffPrincipal {
  /** When the account was created (ISO 8601). */
  createdAt: string;
  /** Failed logins counted towards the lock (attempts with less than 15 minutes between them). */
  failedLogins: number;
  /** Until when logins are refused (ISO 8601), or null when not locked. */
  lockedUntil: string | null;
  /** Most conversations this counsellor has open at once; absent = the configured default. */
  maxConversations?: number;
}

/** What creating an account needs. */
export interface NewStaffUser {
  username: string;
  role: StaffRole;
  /** Required (at least one) for counsellors; must be empty or absent for other roles. */
  languages?: readonly string[];
  /** At least MIN_PASSWORD_LENGTH characters. */
  password: string;
}

/** Result of a login attempt. The HTTP answer is the same for every failure (plus Retry-After when locked). */
export type LoginResult =
  | { ok: true; user: StaffPrincipal }
  | { ok: false; locked: false }
  | { ok: false; locked: true; retryAfterSeconds: number };

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

/** Shortest password a person may choose (generated ones are longer). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest password accepted (in characters), so nobody can make hashing chew on megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

const USERNAME = /^[a-z0-9._-]{3,32}$/;

// --- Errors -------------------------------------------------------------------------------------

/**
 * Base of every error the staff routes answer with `{ error: { code, message } }`.
 * Messages are fixed English sentences: never a password, token, cookie or address.
 */
export class StaffError extends Error {
  override name = 'StaffError';

  /**
   * @param statusCode HTTP status of the answer.
   * @param code Stable error code (`error.code`).
   * @param message Fixed, non-identifying explanation (`error.message`).
   */
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 400: a username, role, language list, password or request body that is not acceptable. */
export class InvalidStaffInputError extends StaffError {
  override name = 'InvalidStaffInputError';
  constructor(message = 'The request is not valid.') {
    super(400, 'BadArgument', message);
  }
}

/** 409: an account with this username already exists. */
export class StaffUserExistsError extends StaffError {
  override name = 'StaffUserExistsError';
  constructor(message = 'An account with this username already exists.') {
    super(409, 'UserExists', message);
  }
}

/** 404: there is no account with this username. */
export class StaffUserNotFoundError extends StaffError {
  override name = 'StaffUserNotFoundError';
  constructor(message = 'There is no account with this username.') {
    super(404, 'NotFound', message);
  }
}

// --- Validation ---------------------------------------------------------------------------------

/** The username in its stored form (trimmed, lowercase), or InvalidStaffInputError. */
export function normaliseUsername(input: unknown): string {
  if (typeof input !== 'string') throw new InvalidStaffInputError('username must be a string.');
  const username = input.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw new InvalidStaffInputError('username must be 3 to 32 characters: lowercase letters, digits, dot, underscore or hyphen.');
  }
  return username;
}

/** Whether the input is a username in stored form (no exception). */
export function isValidUsername(input: unknown): input is string {
  return typeof input === 'string' && USERNAME.test(input);
}

/** The role, or InvalidStaffInputError. */
export function parseRole(input: unknown): StaffRole {
  if (typeof input !== 'string' || !(STAFF_ROLES as readonly string[]).includes(input)) {
    throw new InvalidStaffInputError('role must be one of: counsellor, coordinator, admin.');
  }
  return input as StaffRole;
}

/**
 * The languages for a role, de-duplicated in canonical order, or InvalidStaffInputError.
 * Accepts an array of codes or a comma-separated string; counsellors need at least one,
 * coordinators and admins none.
 */
export function parseLanguages(input: unknown, role: StaffRole): StaffLanguage[] {
  let codes: unknown[];
  if (input === undefined || input === null) codes = [];
  else if (typeof input === 'string') codes = input.split(',').map((code) => code.trim()).filter((code) => code !== '');
  else if (Array.isArray(input)) codes = input;
  else throw new InvalidStaffInputError('languages must be a list of language codes.');
  const wanted = new Set<string>();
  for (const code of codes) {
    if (typeof code !== 'string' || !(STAFF_LANGUAGES as readonly string[]).includes(code)) {
      throw new InvalidStaffInputError('languages must be codes from: ar, ti, prs, en, nl.');
    }
    wanted.add(code);
  }
  const languages = STAFF_LANGUAGES.filter((language) => wanted.has(language));
  if (role === 'counsellor' && languages.length === 0) {
    throw new InvalidStaffInputError('A counsellor needs at least one language (ar, ti, prs, en, nl).');
  }
  if (role !== 'counsellor' && languages.length > 0) {
    throw new InvalidStaffInputError('Only counsellors have languages.');
  }
  return languages;
}

/** Checks a chosen password's length, or InvalidStaffInputError. */
export function checkPassword(input: unknown): string {
  if (typeof input !== 'string') throw new InvalidStaffInputError('password must be a string.');
  const length = [...input].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new InvalidStaffInputError(`password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw new InvalidStaffInputError(`password must be at most ${MAX_PASSWORD_LENGTH} characters.`);
  }
  return input;
}

// --- Redis scripts ------------------------------------------------------------------------------

// KEYS: user, users set, login attempts, setup-token key (guarded create only).
// ARGV: username, role, languages, passwordHash, createdAt, guarded ('1'/'0'), expected setup-token hash.
const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
if ARGV[6] == '1' then
  if redis.call('SCARD', KEYS[2]) > 0 then return 'not-empty' end
  if redis.call('GET', KEYS[4]) ~= ARGV[7] then return 'guard-mismatch' end
end
redis.call('HSET', KEYS[1], 'username', ARGV[1], 'role', ARGV[2], 'languages', ARGV[3], 'passwordHash', ARGV[4], 'createdAt', ARGV[5])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
if ARGV[6] == '1' then redis.call('DEL', KEYS[4]) end
return 'created'
`;

// KEYS: user, login attempts. ARGV: new hash. Returns 1 when the account exists.
const SET_PASSWORD_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1])
redis.call('DEL', KEYS[2])
return 1
`;

// KEYS: user, login attempts. ARGV: old hash, new hash. Replaces the hash only if it did not change meanwhile.
const REHASH_SCRIPT = `
if redis.call('HGET', KEYS[1], 'passwordHash') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[2])
return 1
`;

// KEYS: user, users set, login attempts. ARGV: username. Returns 1 when the account existed.
const REMOVE_SCRIPT = `
local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return existed
`;

// Before verifying a password: refuse while locked; otherwise count the attempt as failed in advance
// (so parallel guesses cannot all slip past the check; a success deletes the count).
// KEYS: login attempts. ARGV: now, max failures, lock ms. Returns {allowed 1/0, lockedUntil}.
const BEGIN_LOGIN_SCRIPT = `
local now = tonumber(ARGV[1])
local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'lockedUntil') or '0')
if lockedUntil > now then return {0, lockedUntil} end
local failed = redis.call('HINCRBY', KEYS[1], 'failed', 1)
if failed > tonumber(ARGV[2]) then
  lockedUntil = now + tonumber(ARGV[3])
  redis.call('HSET', KEYS[1], 'lockedUntil', lockedUntil, 'failed', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {0, lockedUntil}
end
redis.call('HDEL', KEYS[1], 'lockedUntil')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, 0}
`;

// After a failed verification: lock when the count reached the maximum.
// KEYS: login attempts. ARGV: now, max failures, lock ms. Returns lockedUntil or 0.
const FAILED_LOGIN_SCRIPT = `
local failed = tonumber(redis.call('HGET', KEYS[1], 'failed') or '0')
if failed < tonumber(ARGV[2]) then return 0 end
local lockedUntil = tonumber(ARGV[1]) + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'lockedUntil', lockedUntil, 'failed', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return lockedUntil
`;

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

/**
 * Staff accounts (counsellors, coordinators, admins) in Redis. The named errors (errors.ts) and the
 * checks on accounts (validation.ts) are re-exported here; the Lua scripts live in staffScripts.ts.
 * Passwords are kept only as scrypt hashes (passwordHash.ts); nothing here ever returns one.
 *
 * Keys (RedisKeys): `staffUsers()` (set of usernames), `staffUser(u)` (hash: username, role,
 * languages, passwordHash, createdAt, maxConversations, disabled, totpSecret (sealed),
 * totpLastCounter) and the login counters (staffScripts.ts): `staffLoginPair(u, client)`,
 * `staffLoginAttempts(u)` (the account's), `staffLoginClient(client)`, `staffLoginKnown(u)` and
 * `staffLoginPairs(u)`, kept for unknown usernames too, so that a lock does not reveal whether an
 * account exists; they expire by themselves. A client is a keyed hash of the address (clientHash.ts).
 */
import { randomBytes } from 'node:crypto';
import { runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { InvalidStaffInputError, StaffUserExistsError, StaffUserNotFoundError, TotpStateError } from './errors.js';
import { hashPassword, needsRehash, verifyPassword } from './passwordHash.js';
import {
  BEGIN_LOGIN_SCRIPT,
  CREATE_SCRIPT,
  ENABLE_TOTP_SCRIPT,
  FAILED_LOGIN_SCRIPT,
  REHASH_SCRIPT,
  REMOVE_SCRIPT,
  SET_FIELD_SCRIPT,
  SET_PASSWORD_SCRIPT,
  SUCCEEDED_LOGIN_SCRIPT,
  UNCOUNT_CLIENT_SCRIPT,
  UPDATE_SCRIPT,
  USE_TOTP_SCRIPT,
} from './staffScripts.js';
import { newTotpSecret, parseTotpCode, TOTP_PENDING_SECONDS, totpCounter, TotpSealer, type NewTotpSecret } from './StaffTotp.js';
import {
  CHAT_ROLES,
  checkPassword,
  isValidUsername,
  MAX_PASSWORD_LENGTH,
  normaliseUsername,
  parseLanguages,
  parseRole,
  STAFF_LANGUAGES,
  STAFF_ROLES,
  type LoginResult,
  type NewStaffUser,
  type StaffRole,
  type StaffUser,
  type StaffUserChanges,
} from './validation.js';

export * from './errors.js';
export * from './validation.js';

/** Options of StaffStore. */
export interface StaffStoreOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Failed logins that lock a username for the client they came from. Default 5. */
  maxFailedLogins?: number;
  /** Failed logins from anywhere that lock a username for every client that never logged in to it. Default 30. */
  maxFailedPerAccount?: number;
  /** Failed logins from one client, for any usernames, that lock that client. Default 20. */
  maxFailedPerClient?: number;
  /** How long a lock lasts, and the longest gap between failures that still count together, ms. Default 15 minutes. */
  lockMs?: number;
  /** How long a client that logged in stays exempt from its account's lock, ms. Default 30 days. */
  knownClientMs?: number;
  /** STAFF_TOTP_KEY, the key that seals two-factor secrets (see StaffTotp.ts). */
  totpKey?: string;
  /** Clock (ms since epoch); tests may replace it. */
  now?: () => number;
}

/** Where a login comes from and what it brings besides the password. */
export interface LoginAttemptOptions {
  /** The client's keyed hash (clientHash.ts); without it, failures count per username only. */
  client?: string;
  /** The two-factor code, for accounts that have it. */
  code?: unknown;
}

/** Result of a create guarded by the setup token (used by SetupLink). */
export type GuardedCreateResult = 'created' | 'exists' | 'not-empty' | 'guard-mismatch';

/** Staff accounts in Redis. */
export class StaffStore {
  private readonly redis: RedisHandle;
  private readonly keys: RedisKeys;
  private readonly maxFailedLogins: number;
  private readonly maxFailedPerAccount: number;
  private readonly maxFailedPerClient: number;
  private readonly lockMs: number;
  private readonly knownClientMs: number;
  private readonly now: () => number;
  private readonly sealer: TotpSealer;
  /** A hash of a random password nobody knows: verified against for unknown usernames, to spend the same time. */
  private readonly dummyHash: Promise<string>;

  constructor(options: StaffStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.maxFailedLogins = options.maxFailedLogins ?? 5;
    this.maxFailedPerAccount = options.maxFailedPerAccount ?? 30;
    this.maxFailedPerClient = options.maxFailedPerClient ?? 20;
    this.lockMs = options.lockMs ?? 15 * 60_000;
    this.knownClientMs = options.knownClientMs ?? 30 * 86_400_000;
    this.now = options.now ?? Date.now;
    this.sealer = new TotpSealer({ redis: options.redis, keys: options.keys, key: options.totpKey });
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
    const outcome = (await runScript(this.redis, CREATE_SCRIPT, keys, args)) as GuardedCreateResult;
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

  /** Deletes an account (and its login locks); true when it existed. Sessions are revoked by StaffSessionStore. */
  async remove(username: string): Promise<boolean> {
    const name = normaliseUsername(username);
    const removed = await runScript(this.redis, REMOVE_SCRIPT, [this.keys.staffUser(name), this.keys.staffUsers(), this.keys.staffLoginAttempts(name)], [name]);
    await this.unlock(name);
    await this.redis.del(this.keys.staffLoginKnown(name), this.keys.staffTotpPending(name));
    return removed === 1;
  }

  /**
   * Changes an account's role, languages and maximum of open conversations (each only when given;
   * languages must fit the role: a new chat role without languages keeps the old ones).
   * @throws InvalidStaffInputError for bad values, StaffUserNotFoundError for an unknown account.
   */
  async update(username: string, changes: StaffUserChanges): Promise<{ user: StaffUser; previousRole: StaffRole }> {
    const current = await this.get(username);
    if (!current) throw new StaffUserNotFoundError();
    const role = changes.role === undefined ? current.role : parseRole(changes.role);
    const chats = CHAT_ROLES.includes(role);
    const languages = parseLanguages(changes.languages !== undefined ? changes.languages : chats ? current.languages : [], role);
    let max = current.maxConversations;
    if (changes.maxConversations === null) max = undefined;
    else if (changes.maxConversations !== undefined) {
      const value = changes.maxConversations;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 20) throw new InvalidStaffInputError('maxConversations must be a whole number from 1 to 20, or null for the default.');
      max = value;
    }
    const previous = await runScript(this.redis, UPDATE_SCRIPT, [this.keys.staffUser(current.username)], [role, languages.join(','), max === undefined ? '' : String(max)]);
    if (typeof previous !== 'string') throw new StaffUserNotFoundError();
    const user = await this.get(current.username);
    if (!user) throw new StaffUserNotFoundError();
    return { user, previousRole: previous as StaffRole };
  }

  /**
   * Disables (no login at all) or enables an account. Sessions are revoked by StaffSessionStore.
   * @throws StaffUserNotFoundError when there is no such account.
   */
  async setDisabled(username: string, disabled: boolean): Promise<void> {
    const name = normaliseUsername(username);
    const updated = await runScript(this.redis, SET_FIELD_SCRIPT, [this.keys.staffUser(name)], ['disabled', disabled ? '1' : '']);
    if (updated !== 1) throw new StaffUserNotFoundError();
  }

  /** Lifts every login lock of a username (from every client) and clears its failure counts. */
  async unlock(username: string): Promise<void> {
    const name = normaliseUsername(username);
    const clients = await this.redis.smembers(this.keys.staffLoginPairs(name));
    const multi = this.redis.multi();
    for (const client of clients) multi.del(this.keys.staffLoginPair(name, client));
    multi.del(this.keys.staffLoginPairs(name), this.keys.staffLoginAttempts(name));
    await multi.exec();
  }

  /**
   * Replaces the password (and lifts a login lock). Sessions are revoked by StaffSessionStore.
   * @throws StaffUserNotFoundError when there is no such account.
   */
  async setPassword(username: string, password: string): Promise<void> {
    const name = normaliseUsername(username);
    const passwordHash = await hashPassword(checkPassword(password));
    const updated = await runScript(this.redis, SET_PASSWORD_SCRIPT, [this.keys.staffUser(name), this.keys.staffLoginAttempts(name)], [passwordHash]);
    if (updated !== 1) throw new StaffUserNotFoundError();
    await this.unlock(name);
  }

  /**
   * Checks a login. Every call spends one password hashing, whether the username exists, is locked,
   * disabled or is not even well-formed, so timing does not tell which usernames exist. Failures are
   * counted per username and client, per username and per client (see staffScripts.ts); a success
   * resets the first two. An account with two-factor login also needs `code` (checked only after the
   * password was right, and accepted once).
   */
  async verifyLogin(usernameInput: unknown, passwordInput: unknown, options: LoginAttemptOptions = {}): Promise<LoginResult> {
    return this.attempt(usernameInput, passwordInput, options, true);
  }

  /**
   * Checks the password of a signed-in staff member (to change it, or to turn two-factor off):
   * counted and locked like a login, without the two-factor code. True when it is right.
   */
  async verifyCurrentPassword(username: string, password: unknown, client?: string): Promise<boolean> {
    return (await this.attempt(username, password, { client }, false)).ok;
  }

  private async attempt(usernameInput: unknown, passwordInput: unknown, options: LoginAttemptOptions, secondFactor: boolean): Promise<LoginResult> {
    const password = typeof passwordInput === 'string' && passwordInput.length <= MAX_PASSWORD_LENGTH * 2 ? passwordInput : '';
    const username = typeof usernameInput === 'string' ? usernameInput.trim().toLowerCase() : '';
    if (!isValidUsername(username)) {
      await this.spendHashingTime(password);
      return { ok: false, locked: false };
    }
    const client = typeof options.client === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(options.client) ? options.client : undefined;
    const keys = this.loginKeys(username, client);
    const args = this.loginArgs(client);
    const [allowed, lockedUntil] = (await runScript(this.redis, BEGIN_LOGIN_SCRIPT, keys, args)) as [number, number];
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
    const user = matches && account.disabled !== '1' ? this.toUser(account, {}) : undefined;
    let mfa = false;
    let totp: 'invalid' | undefined;
    if (user && stored && secondFactor && account.totpSecret) {
      if (options.code === undefined || options.code === null || options.code === '') {
        // The password was right: not a guess at the client's count, but still one at the username's.
        await runScript(this.redis, UNCOUNT_CLIENT_SCRIPT, [keys[2]!]);
        return { ok: false, locked: false, totp: 'required' };
      }
      mfa = await this.useTotp(username, account.totpSecret, options.code);
      if (!mfa) totp = 'invalid';
    }
    if (user && stored && !totp) {
      await runScript(this.redis, SUCCEEDED_LOGIN_SCRIPT, keys, [args[5]!, String(this.knownClientMs), client ? '1' : '0']);
      if (needsRehash(stored)) {
        await runScript(this.redis, REHASH_SCRIPT, [this.keys.staffUser(username)], [stored, await hashPassword(password)]);
      }
      return { ok: true, user: { username: user.username, role: user.role, languages: user.languages }, ...(mfa ? { mfa: true as const } : {}) };
    }
    const lockedNow = Number(await runScript(this.redis, FAILED_LOGIN_SCRIPT, keys, args));
    if (lockedNow > 0) return this.lockedResult(lockedNow);
    return totp ? { ok: false, locked: false, totp } : { ok: false, locked: false };
  }

  /** KEYS of the login scripts: pair, account, client, known set, index of pairs. */
  private loginKeys(username: string, client: string | undefined): string[] {
    const c = client ?? '-';
    return [this.keys.staffLoginPair(username, c), this.keys.staffLoginAttempts(username), this.keys.staffLoginClient(c), this.keys.staffLoginKnown(username), this.keys.staffLoginPairs(username)];
  }

  /** ARGV of the begin and failed scripts. */
  private loginArgs(client: string | undefined): string[] {
    return [String(this.now()), String(this.maxFailedLogins), String(this.maxFailedPerAccount), String(client ? this.maxFailedPerClient : 0), String(this.lockMs), client ?? '-'];
  }

  // --- Two-factor login ----------------------------------------------------------------------------

  /** Accepts `code` for the sealed secret once (replays and codes of another moment are refused). */
  private async useTotp(username: string, sealed: string, code: unknown): Promise<boolean> {
    const digits = parseTotpCode(code);
    const secret = digits ? await this.sealer.open(sealed) : undefined;
    if (!digits || !secret) return false;
    const counter = totpCounter(secret, digits, this.now());
    if (counter === undefined) return false;
    return (await runScript(this.redis, USE_TOTP_SCRIPT, [this.keys.staffUser(username)], [sealed, String(counter)])) === 1;
  }

  /**
   * Starts turning two-factor login on: a new secret, kept sealed for 10 minutes until
   * `confirmTotp` gets a code of it. Answer the secret to the staff member once; never log it.
   * @throws TotpStateError when it is on already; StaffUserNotFoundError for an unknown account.
   */
  async beginTotp(username: string): Promise<NewTotpSecret> {
    const user = await this.get(username);
    if (!user) throw new StaffUserNotFoundError();
    if (user.totp) throw new TotpStateError();
    const secret = newTotpSecret(user.username);
    await this.redis.set(this.keys.staffTotpPending(user.username), await this.sealer.seal(secret.bytes), 'EX', TOTP_PENDING_SECONDS);
    return secret;
  }

  /** Turns two-factor login on when `code` is a code of the pending secret; false when it is not. */
  async confirmTotp(username: string, code: unknown): Promise<boolean> {
    const name = normaliseUsername(username);
    const pending = await this.redis.get(this.keys.staffTotpPending(name));
    if (!pending) throw new TotpStateError();
    const digits = parseTotpCode(code);
    const secret = digits ? await this.sealer.open(pending) : undefined;
    const counter = digits && secret ? totpCounter(secret, digits, this.now()) : undefined;
    if (counter === undefined) return false;
    const enabled = await runScript(this.redis, ENABLE_TOTP_SCRIPT, [this.keys.staffUser(name), this.keys.staffTotpPending(name)], [pending, String(counter)]);
    if (enabled !== 1) throw new TotpStateError();
    return true;
  }

  /**
   * Turns two-factor login off (the staff member, or an admin for a lost phone).
   * @throws TotpStateError when it is off; StaffUserNotFoundError for an unknown account.
   */
  async disableTotp(username: string): Promise<void> {
    const user = await this.get(username);
    if (!user) throw new StaffUserNotFoundError();
    if (!user.totp) throw new TotpStateError();
    await this.redis.hdel(this.keys.staffUser(user.username), 'totpSecret', 'totpLastCounter');
    await this.redis.del(this.keys.staffTotpPending(user.username));
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
    // The account's own lock, or the latest lock of one client on it.
    const lockedUntil = Math.max(Number(attempts.lockedUntil ?? 0) || 0, Number(attempts.clientLockedUntil ?? 0) || 0);
    const locked = lockedUntil > this.now();
    return {
      username,
      role: role as StaffRole,
      languages: STAFF_LANGUAGES.filter((language) => (languages ?? '').split(',').includes(language)),
      createdAt: new Date(Number(createdAt) || 0).toISOString(),
      failedLogins: locked ? 0 : Math.max(0, Number(attempts.failed ?? 0) || 0),
      lockedUntil: locked ? new Date(lockedUntil).toISOString() : null,
      ...(Number(account.maxConversations) > 0 ? { maxConversations: Number(account.maxConversations) } : {}),
      ...(account.disabled === '1' ? { disabled: true as const } : {}),
      ...(account.totpSecret ? { totp: true as const } : {}),
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

/**
 * Staff sessions in Redis. The session id (32 random bytes, base64url) lives only in the staff
 * member's cookie; Redis holds a hash keyed by its SHA-256, so a copy of the database cannot be used
 * to log in. A session ends after `idleSeconds` without use (sliding: every `get` extends it) and
 * at the latest `absoluteSeconds` after login.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { STAFF_LANGUAGES, STAFF_ROLES, type StaffLanguage, type StaffPrincipal, type StaffRole } from './StaffStore.js';

/**
 * Why a staff member left: logged out, their account was removed or disabled, or an admin ended
 * their sessions (a new role, a password set through a link).
 */
export type StaffLeaveReason = 'logout' | 'removed' | 'disabled' | 'revoked';

/** Options of StaffSessionStore. */
export interface StaffSessionStoreOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** A session ends after this long without a request. Default 8 hours. */
  idleSeconds?: number;
  /** A session ends this long after login, used or not. Default 24 hours. */
  absoluteSeconds?: number;
  /** Clock (ms since epoch); tests may replace it. */
  now?: () => number;
}

/** A live session. */
export interface StaffSession extends StaffPrincipal {
  /** The secret id (the cookie value). Keep it in memory only; never log it. */
  id: string;
  /** Token the client must echo in `x-csrf-token` on state-changing requests. */
  csrfToken: string;
  /** When the session was created (ms since epoch). */
  createdAt: number;
  /** When the session ends at the latest (ms since epoch). */
  absoluteExpiresAt: number;
  /** Whether a two-factor code was checked at login or two-factor login was turned on in this session. */
  mfa: boolean;
}

/** Default idle timeout: a working day without touching the console. */
export const DEFAULT_SESSION_IDLE_SECONDS = 8 * 3600;
/** Default absolute lifetime. */
export const DEFAULT_SESSION_ABSOLUTE_SECONDS = 24 * 3600;

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

// Sets a field of a session only while it exists (HSET would make a revoked session again, without a TTL).
// KEYS: session. ARGV: field, value.
const SET_IF_EXISTS = redisScript(
  'lanternStaffSessionSet',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`,
);

/** SHA-256 (hex) of a secret, the form in which session ids and setup tokens are stored. */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two strings (false when the lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Staff sessions in Redis. */
export class StaffSessionStore {
  private readonly redis: RedisHandle;
  private readonly keys: RedisKeys;
  private readonly now: () => number;
  /** Idle timeout, ms. */
  readonly idleMs: number;
  /** Absolute lifetime, ms. */
  readonly absoluteMs: number;

  constructor(options: StaffSessionStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.now = options.now ?? Date.now;
    const idle = options.idleSeconds ?? DEFAULT_SESSION_IDLE_SECONDS;
    const absolute = options.absoluteSeconds ?? DEFAULT_SESSION_ABSOLUTE_SECONDS;
    if (!(idle > 0) || !(absolute > 0)) throw new RangeError('Session lifetimes must be positive.');
    this.idleMs = Math.max(1, Math.round(idle * 1000));
    this.absoluteMs = Math.max(1, Math.round(absolute * 1000));
  }

  /** Opens a session for an authenticated staff member. */
  async create(principal: StaffPrincipal, { mfa = false }: { mfa?: boolean } = {}): Promise<StaffSession> {
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const createdAt = this.now();
    const absoluteExpiresAt = createdAt + this.absoluteMs;
    const idHash = sha256Hex(id);
    const key = this.keys.staffSession(idHash);
    const userSessions = this.keys.staffUserSessions(principal.username);
    await this.redis
      .multi()
      .hset(key, {
        username: principal.username,
        role: principal.role,
        languages: principal.languages.join(','),
        csrfToken,
        createdAt: String(createdAt),
        absoluteExpiresAt: String(absoluteExpiresAt),
        ...(mfa ? { mfa: '1' } : {}),
      })
      .pexpire(key, Math.min(this.idleMs, this.absoluteMs))
      .sadd(userSessions, idHash)
      .pexpire(userSessions, this.absoluteMs)
      .exec();
    return { id, csrfToken, createdAt, absoluteExpiresAt, mfa, username: principal.username, role: principal.role, languages: [...principal.languages] };
  }

  /**
   * The live session with this id, or undefined (unknown, expired, revoked, or not shaped like an id).
   * Extends the idle timeout unless `touch` is false; never beyond the absolute lifetime.
   */
  async get(id: string | undefined, { touch = true }: { touch?: boolean } = {}): Promise<StaffSession | undefined> {
    if (typeof id !== 'string' || !SESSION_ID.test(id)) return undefined;
    const key = this.keys.staffSession(sha256Hex(id));
    const fields = await this.redis.hgetall(key);
    const { username, role, languages, csrfToken, createdAt, absoluteExpiresAt } = fields;
    if (!username || !role || !csrfToken || !(STAFF_ROLES as readonly string[]).includes(role)) return undefined;
    const now = this.now();
    const end = Number(absoluteExpiresAt);
    if (!Number.isFinite(end) || end <= now) {
      await this.redis.del(key);
      return undefined;
    }
    if (touch) {
      // PEXPIRE does nothing on a missing key, so a concurrent revoke still wins.
      await this.redis.pexpire(key, Math.max(1, Math.min(this.idleMs, end - now)));
    }
    return {
      id,
      csrfToken,
      createdAt: Number(createdAt),
      absoluteExpiresAt: end,
      mfa: fields.mfa === '1',
      username,
      role: role as StaffRole,
      languages: STAFF_LANGUAGES.filter((language) => (languages ?? '').split(',').includes(language)) as StaffLanguage[],
    };
  }

  /** Ends one session (logout). Unknown ids are ignored. */
  async revoke(id: string | undefined): Promise<void> {
    if (typeof id !== 'string' || !SESSION_ID.test(id)) return;
    const idHash = sha256Hex(id);
    const key = this.keys.staffSession(idHash);
    const username = await this.redis.hget(key, 'username');
    const multi = this.redis.multi().del(key);
    if (username) multi.srem(this.keys.staffUserSessions(username), idHash);
    await multi.exec();
  }

  /** How many sessions of a staff member are alive (not expired, not revoked). Does not extend them. */
  async countLive(username: string): Promise<number> {
    const userSessions = this.keys.staffUserSessions(username);
    const hashes = await this.redis.smembers(userSessions);
    if (hashes.length === 0) return 0;
    const alive = await Promise.all(hashes.map((idHash) => this.redis.exists(this.keys.staffSession(idHash))));
    const dead = hashes.filter((_, i) => alive[i] === 0);
    if (dead.length) await this.redis.srem(userSessions, ...dead);
    return hashes.length - dead.length;
  }

  /**
   * Ends every session of a staff member (removed or disabled account, new password), but the one
   * with the id `except` (a password changed in that session); returns how many ended.
   */
  async revokeAllForUser(username: string, { except }: { except?: string } = {}): Promise<number> {
    const userSessions = this.keys.staffUserSessions(username);
    const kept = except ? sha256Hex(except) : undefined;
    const hashes = (await this.redis.smembers(userSessions)).filter((idHash) => idHash !== kept);
    const multi = this.redis.multi();
    for (const idHash of hashes) multi.del(this.keys.staffSession(idHash));
    if (kept) {
      if (hashes.length) multi.srem(userSessions, ...hashes);
    } else multi.del(userSessions);
    const results = (await multi.exec()) ?? [];
    return results.slice(0, hashes.length).filter(([, deleted]) => deleted === 1).length;
  }

  /** Records in a live session that two-factor login was turned on in it. */
  async markMfa(id: string): Promise<void> {
    if (!SESSION_ID.test(id)) return;
    await runScript(this.redis, SET_IF_EXISTS, [this.keys.staffSession(sha256Hex(id))], ['mfa', '1']);
  }

  /** Gives every live session of a staff member new languages (an admin changed them). */
  async updateLanguages(username: string, languages: readonly StaffLanguage[]): Promise<void> {
    const hashes = await this.redis.smembers(this.keys.staffUserSessions(username));
    for (const idHash of hashes) await runScript(this.redis, SET_IF_EXISTS, [this.keys.staffSession(idHash)], ['languages', languages.join(',')]);
  }
}

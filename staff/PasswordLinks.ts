/**
 * One-time password links: an admin creates one for a new account ("choose your password") or for
 * a staff member who lost theirs, and gives it to them; nobody ever sees or sends a password.
 *
 * Like the setup link (SetupLink.ts): the token is 32 random bytes, shown only in the link's
 * fragment (`/admin/reset#<token>`, so browsers never send it to a server or a proxy's log), stored
 * only as its SHA-256, and expires after 24 hours. An account has one working link at a time (a new
 * one replaces it). Redeeming it sets the chosen password, lifts the login locks and deletes the
 * token in one step; the caller ends the account's sessions.
 */
import { randomBytes } from 'node:crypto';
import { runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { PasswordLinkInvalidError, StaffUserNotFoundError } from './errors.js';
import { ISSUE_LINK_SCRIPT, REDEEM_LINK_SCRIPT } from './staffScripts.js';
import { sha256Hex } from './StaffSessionStore.js';
import { checkPassword, normaliseUsername, type StaffStore, type StaffUser } from './StaffStore.js';

/** Path of the page that redeems a password link, without the token. */
export const PASSWORD_PAGE_PATH = '/admin/reset';

/** The relative link for a token: `/admin/reset#<token>`. */
export function passwordLinkPath(token: string): string {
  return `${PASSWORD_PAGE_PATH}#${token}`;
}

/** A freshly issued link (answer it to the admin once; never log it). */
export interface IssuedPasswordLink {
  /** `/admin/reset#<token>`; prefix it with the public base URL. */
  link: string;
  expiresInSeconds: number;
}

/** Options of PasswordLinks. */
export interface PasswordLinksOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  store: StaffStore;
  /** Lifetime of a link. Default 24 hours. */
  ttlSeconds?: number;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Issues and redeems password links. */
export class PasswordLinks {
  private readonly ttlSeconds: number;

  constructor(private readonly options: PasswordLinksOptions) {
    this.ttlSeconds = options.ttlSeconds ?? 24 * 3600;
  }

  /**
   * A new link for `username` (its earlier link stops working).
   * @throws StaffUserNotFoundError when there is no such account.
   */
  async issue(username: string): Promise<IssuedPasswordLink> {
    const { redis, keys } = this.options;
    const name = normaliseUsername(username);
    const token = randomBytes(32).toString('base64url');
    const tokenHash = sha256Hex(token);
    let issued: unknown;
    // The earlier link first (the script must be given every key it touches); if another issue
    // replaced it in between, read again.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const earlier = (await redis.get(keys.staffUserReset(name))) ?? '';
      issued = await runScript(
        redis,
        ISSUE_LINK_SCRIPT,
        [keys.staffUser(name), keys.staffUserReset(name), keys.staffResetToken(tokenHash), earlier ? keys.staffResetToken(earlier) : keys.staffUserReset(name)],
        [tokenHash, name, String(this.ttlSeconds), earlier],
      );
      if (issued !== -1) break;
    }
    if (issued !== 1) throw new StaffUserNotFoundError();
    return { link: passwordLinkPath(token), expiresInSeconds: this.ttlSeconds };
  }

  /**
   * Sets `password` (at least 12 characters) on the link's account and uses the link up.
   * @throws InvalidStaffInputError for a bad password (the link stays usable).
   * @throws PasswordLinkInvalidError when the link is wrong, expired, replaced or used.
   */
  async redeem(token: unknown, password: unknown): Promise<StaffUser> {
    const { redis, keys, store } = this.options;
    if (typeof token !== 'string' || !TOKEN.test(token)) throw new PasswordLinkInvalidError();
    const chosen = checkPassword(password);
    const tokenHash = sha256Hex(token);
    // Whose link first (the script must be given every key it touches), then used up at once: a link
    // redeemed in between no longer names them.
    const named = await redis.get(keys.staffResetToken(tokenHash));
    if (!named) throw new PasswordLinkInvalidError();
    const username = await runScript(redis, REDEEM_LINK_SCRIPT, [keys.staffResetToken(tokenHash), keys.staffUserReset(named)], [tokenHash, named]);
    if (typeof username !== 'string') throw new PasswordLinkInvalidError();
    try {
      await store.setPassword(username, chosen);
    } catch (error) {
      if (error instanceof StaffUserNotFoundError) throw new PasswordLinkInvalidError();
      throw error;
    }
    const user = await store.get(username);
    if (!user) throw new PasswordLinkInvalidError();
    return user;
  }

  /** Makes the account's link stop working (an account removed). */
  async revoke(username: string): Promise<void> {
    const { redis, keys } = this.options;
    const name = normaliseUsername(username);
    const tokenHash = await redis.get(keys.staffUserReset(name));
    if (tokenHash) await redis.del(keys.staffResetToken(tokenHash));
    await redis.del(keys.staffUserReset(name));
  }
}

/**
 * First start: while no staff account exists, a one-time setup token lets whoever runs the server
 * create the first admin. The token is random (32 bytes), stored only as its SHA-256 with a 24-hour
 * TTL, and shown as the link `/counsellor/setup#<token>`: in the fragment, so browsers never send it
 * to the server or to a proxy's log. The page posts it to `POST /api/staff/setup`.
 *
 * Issuing replaces any earlier token (its hash cannot be turned back into a link), so only the link
 * printed by the latest start works. Redeeming creates the admin and deletes the token in one atomic
 * step that also checks that there is still no staff at all.
 */
import { randomBytes } from 'node:crypto';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { sha256Hex } from './StaffSessionStore.js';
import { SetupClosedError, SetupTokenInvalidError } from './errors.js';
export { SetupClosedError, SetupTokenInvalidError };
import { checkPassword, normaliseUsername, type StaffStore, type StaffUser } from './StaffStore.js';

/** Path of the setup page, without the token. */
export const SETUP_PAGE_PATH = '/counsellor/setup';

/** The relative setup link for a token: `/counsellor/setup#<token>`. */
export function setupLinkPath(token: string): string {
  return `${SETUP_PAGE_PATH}#${token}`;
}



/** Options of SetupLink. */
export interface SetupLinkOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  store: StaffStore;
  /** Lifetime of a setup token. Default 24 hours. */
  ttlSeconds?: number;
}

/** A freshly issued setup token and its relative link. Print the link for the operator; never log it. */
export interface IssuedSetupLink {
  token: string;
  /** `/counsellor/setup#<token>`; prefix it with the public base URL. */
  path: string;
  /** Seconds until the token expires. */
  expiresInSeconds: number;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Issues and redeems the one-time setup token. */
export class SetupLink {
  private readonly redis: RedisHandle;
  private readonly keys: RedisKeys;
  private readonly store: StaffStore;
  private readonly ttlSeconds: number;

  constructor(options: SetupLinkOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.store = options.store;
    this.ttlSeconds = options.ttlSeconds ?? 24 * 3600;
  }

  /** Whether setup is still open (no staff account exists). */
  async isOpen(): Promise<boolean> {
    return (await this.store.count()) === 0;
  }

  /**
   * When there is no staff at all, issues a new token (replacing any earlier one) and returns it with
   * its link; otherwise deletes any leftover token and returns undefined. Call it at every start.
   */
  async issueIfNoStaff(): Promise<IssuedSetupLink | undefined> {
    if (!(await this.isOpen())) {
      await this.redis.del(this.keys.staffSetupToken());
      return undefined;
    }
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(this.keys.staffSetupToken(), sha256Hex(token), 'EX', this.ttlSeconds);
    return { token, path: setupLinkPath(token), expiresInSeconds: this.ttlSeconds };
  }

  /**
   * Creates the first admin with the chosen username and password (at least 12 characters) and
   * deletes the token.
   * @throws SetupClosedError when any staff account exists.
   * @throws SetupTokenInvalidError when the token is wrong, expired or used.
   * @throws InvalidStaffInputError for a bad username or password (the token stays usable).
   */
  async redeem(token: unknown, username: unknown, password: unknown): Promise<StaffUser> {
    if (!(await this.isOpen())) throw new SetupClosedError();
    if (typeof token !== 'string' || !TOKEN.test(token)) throw new SetupTokenInvalidError();
    const tokenHash = sha256Hex(token);
    // Checked before hashing the password so a wrong token costs no CPU; checked again atomically below.
    if ((await this.redis.get(this.keys.staffSetupToken())) !== tokenHash) throw new SetupTokenInvalidError();
    const name = normaliseUsername(username);
    const chosen = checkPassword(password);
    const { outcome, user } = await this.store.createIfNoStaff(
      { username: name, role: 'admin', languages: [], password: chosen },
      { key: this.keys.staffSetupToken(), value: tokenHash },
    );
    switch (outcome) {
      case 'created':
        return user;
      case 'not-empty':
      case 'exists':
        throw new SetupClosedError();
      default:
        throw new SetupTokenInvalidError();
    }
  }
}

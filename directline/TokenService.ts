/**
 * Conversation-bound Direct Line tokens: compact JWTs (HS256) signed with HMAC-SHA256 by a secret
 * that lives in Redis, so every app instance accepts every token. A token names one conversation
 * and one anonymous user id; nothing about the young person is in it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { ForbiddenError, InvalidTokenError, MalformedTokenError, TokenExpiredError } from './errors.js';
import { sharedSecret } from '../contracts/sharedSecret.js';

/** What a token may be used for: REST calls (`conversation`) or opening the WebSocket stream (`stream`). */
export type TokenScope = 'conversation' | 'stream';

/** The verified content of a token. */
export interface TokenClaims {
  /** The only conversation this token opens. */
  conversationId: string;
  /** Anonymous user id (`u_…`), the `from.id` of every activity the young person sends. */
  userId: string;
  scope: TokenScope;
  /** Issued at, seconds since the epoch. */
  issuedAt: number;
  /** Expires at, seconds since the epoch. */
  expiresAt: number;
}

/** A freshly signed token and what a Direct Line client is told about it. */
export interface IssuedToken {
  token: string;
  conversationId: string;
  userId: string;
  /** Seconds until the token expires (Direct Line's `expires_in`). */
  expiresIn: number;
}

/** Options of TokenService. */
export interface TokenServiceOptions {
  /** Connection used to create and read the shared signing secret (one Redis or a cluster). */
  redis: RedisHandle;
  /** Key builder; the secret lives at `keys.tokenSecret()`. */
  keys: RedisKeys;
  /** Lifetime of conversation tokens in seconds (config `tokenTtlSeconds`). */
  ttlSeconds: number;
  /** Lifetime of stream tokens (the `t` of a streamUrl) in seconds. Default 60, as in Direct Line. */
  streamTtlSeconds?: number;
  /** Clock in milliseconds; tests pass their own. Default Date.now. */
  now?: () => number;
}

const ISSUER = 'lantern-directline';
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const CONVERSATION_ID = /^[A-Za-z0-9_-]{22,64}$/;
const USER_ID = /^u_[A-Za-z0-9_-]{8,64}$/;
const MAX_TOKEN_LENGTH = 2_048;
/** Tolerated clock difference between app instances, seconds. */
const CLOCK_SKEW = 60;
/** A cached secret is re-read from Redis on a signature mismatch at most this often. */
const SECRET_RELOAD_MS = 5_000;

/** Issues, verifies and refreshes Direct Line tokens. */
export class TokenService {
  private secret: Buffer | undefined;
  private secretLoadedAt = 0;
  private loading: Promise<Buffer> | undefined;
  private readonly now: () => number;
  private readonly streamTtlSeconds: number;

  constructor(private readonly options: TokenServiceOptions) {
    if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
      throw new RangeError('TokenService: ttlSeconds must be a positive integer');
    }
    this.now = options.now ?? Date.now;
    this.streamTtlSeconds = options.streamTtlSeconds ?? 60;
  }

  /** A token for a new conversation: a random conversation id (22 chars base64url) and a random user id. */
  async generate(): Promise<IssuedToken> {
    const conversationId = randomBytes(16).toString('base64url');
    const userId = `u_${randomBytes(12).toString('base64url')}`;
    return this.issue(conversationId, userId, 'conversation');
  }

  /**
   * A token for an existing conversation under a new anonymous user id (a return code was
   * redeemed: the caller has checked the conversation exists and may be continued).
   */
  async resume(conversationId: string): Promise<IssuedToken> {
    if (!CONVERSATION_ID.test(conversationId)) throw new InvalidTokenError();
    return this.issue(conversationId, `u_${randomBytes(12).toString('base64url')}`, 'conversation');
  }

  /** A new conversation token for the same conversation and user; the old one must still be valid. */
  async refresh(token: string): Promise<IssuedToken> {
    const claims = await this.verify(token, 'conversation');
    return this.issue(claims.conversationId, claims.userId, 'conversation');
  }

  /** A short-lived token that only opens the WebSocket stream of the same conversation. */
  async streamToken(claims: Pick<TokenClaims, 'conversationId' | 'userId'>): Promise<IssuedToken> {
    return this.issue(claims.conversationId, claims.userId, 'stream');
  }

  /**
   * Checks signature, expiry and scope. Throws MalformedTokenError (not a token at all),
   * InvalidTokenError (bad signature or claims), TokenExpiredError, or ForbiddenError (wrong scope).
   */
  async verify(token: string, scope: TokenScope = 'conversation'): Promise<TokenClaims> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new MalformedTokenError();
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new MalformedTokenError();
    const [header, payload, signature] = parts as [string, string, string];
    if (header !== HEADER) throw new InvalidTokenError();

    const signed = `${header}.${payload}`;
    const given = Buffer.from(signature, 'base64url');
    let valid = this.signatureMatches(await this.getSecret(), signed, given);
    if (!valid && this.now() - this.secretLoadedAt > SECRET_RELOAD_MS) {
      // The secret may have been replaced in Redis (e.g. after a data loss): re-read it once.
      valid = this.signatureMatches(await this.loadSecret(), signed, given);
    }
    if (!valid) throw new InvalidTokenError();

    const claims = this.parseClaims(payload);
    const nowSeconds = Math.floor(this.now() / 1000);
    if (claims.issuedAt > nowSeconds + CLOCK_SKEW) throw new InvalidTokenError();
    if (claims.expiresAt <= nowSeconds) throw new TokenExpiredError();
    if (claims.scope !== scope) throw new ForbiddenError('This token cannot be used here.');
    return claims;
  }

  /**
   * A keyed, non-reversible pseudonym of `value` (e.g. a client IP for rate limiting), the same on
   * every app instance: HMAC-SHA256 with the shared secret over `purpose` and `value`, 128 bits, base64url.
   */
  async pseudonym(purpose: string, value: string): Promise<string> {
    const secret = await this.getSecret();
    return createHmac('sha256', secret).update(`${purpose}\u0000${value}`).digest().subarray(0, 16).toString('base64url');
  }

  private async issue(conversationId: string, userId: string, scope: TokenScope): Promise<IssuedToken> {
    const issuedAt = Math.floor(this.now() / 1000);
    const lifetime = scope === 'stream' ? this.streamTtlSeconds : this.options.ttlSeconds;
    const payload = Buffer.from(
      JSON.stringify({ iss: ISSUER, scp: scope, conv: conversationId, user: userId, iat: issuedAt, exp: issuedAt + lifetime }),
    ).toString('base64url');
    const signed = `${HEADER}.${payload}`;
    const signature = createHmac('sha256', await this.getSecret()).update(signed).digest('base64url');
    return { token: `${signed}.${signature}`, conversationId, userId, expiresIn: lifetime };
  }

  private signatureMatches(secret: Buffer, signed: string, given: Buffer): boolean {
    const expected = createHmac('sha256', secret).update(signed).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private parseClaims(payload: string): TokenClaims {
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidTokenError();
    }
    if (!raw || typeof raw !== 'object') throw new InvalidTokenError();
    const { iss, scp, conv, user, iat, exp } = raw as Record<string, unknown>;
    if (
      iss !== ISSUER ||
      (scp !== 'conversation' && scp !== 'stream') ||
      typeof conv !== 'string' ||
      !CONVERSATION_ID.test(conv) ||
      typeof user !== 'string' ||
      !USER_ID.test(user) ||
      !Number.isSafeInteger(iat) ||
      !Number.isSafeInteger(exp)
    ) {
      throw new InvalidTokenError();
    }
    return { conversationId: conv, userId: user, scope: scp, issuedAt: iat as number, expiresAt: exp as number };
  }

  private async getSecret(): Promise<Buffer> {
    return this.secret ?? this.loadSecret();
  }

  /** Reads the shared secret, creating it (SET NX, 32 random bytes) if no instance has yet. */
  private loadSecret(): Promise<Buffer> {
    this.loading ??= (async () => {
      try {
        const { redis, keys } = this.options;
        this.secret = await sharedSecret(redis, keys.tokenSecret(), 'TokenService');
        this.secretLoadedAt = this.now();
        return this.secret;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}

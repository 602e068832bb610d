/**
 * Optional two-factor login with time-based one-time codes (TOTP, RFC 6238: 6 digits, 30 seconds,
 * SHA-1, as every authenticator app reads them), computed by the `otpauth` library.
 *
 * A secret is 20 random bytes. It is stored only sealed (AES-256-GCM) in the account's hash
 * (`totpSecret`), with the time step of the last code used (`totpLastCounter`), so a code works once.
 * The sealing key is derived from `STAFF_TOTP_KEY` when it is set (then a copy of the database alone
 * cannot read the secrets); otherwise it is 32 random bytes kept in Redis (`secret:staff-totp`), which
 * only keeps the secrets out of a casual look at one key. Secrets and codes are never logged; the
 * plain secret is answered once, at enrolment, and then only its sealed form exists.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import { Secret, TOTP } from 'otpauth';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { sharedSecret } from '../contracts/sharedSecret.js';

/** Digits of a code. */
export const TOTP_DIGITS = 6;
/** Seconds a code is shown for. */
export const TOTP_PERIOD = 30;
/** The issuer authenticator apps show. */
export const TOTP_ISSUER = 'Lantern';
/** How long an enrolment waits for its first code. */
export const TOTP_PENDING_SECONDS = 600;

const CODE = /^\d{6}$/;
const SEALED = /^v1\.[A-Za-z0-9_-]+$/;

/** A code as typed (spaces taken out), or undefined when it cannot be a code. */
export function parseTotpCode(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const code = input.replace(/\s+/g, '');
  return CODE.test(code) ? code : undefined;
}

/** Options of TotpSealer. */
export interface TotpSealerOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** STAFF_TOTP_KEY (any length; hashed into the key). Undefined: a random key kept in Redis. */
  key?: string;
}

/** Seals and opens two-factor secrets (AES-256-GCM). */
export class TotpSealer {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly options: TotpSealerOptions) {}

  private sealingKey(): Promise<Buffer> {
    if (!this.key) {
      const configured = this.options.key;
      this.key = configured
        ? Promise.resolve(createHash('sha256').update(`lantern-staff-totp\u0000${configured}`).digest())
        : this.keptKey();
      this.key.catch(() => (this.key = undefined));
    }
    return this.key;
  }

  private keptKey(): Promise<Buffer> {
    return sharedSecret(this.options.redis, this.options.keys.staffTotpSecret(), 'staff totp');
  }

  /** `v1.<iv|tag|ciphertext, base64url>`. */
  async seal(secret: Uint8Array): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.sealingKey(), iv);
    const body = Buffer.concat([cipher.update(secret), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The secret, or undefined when `sealed` is damaged or was sealed with another key. */
  async open(sealed: string | null | undefined): Promise<Uint8Array | undefined> {
    if (typeof sealed !== 'string' || !SEALED.test(sealed)) return undefined;
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    if (raw.length < 12 + 16 + 10) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', await this.sealingKey(), raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return new Uint8Array(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]));
    } catch {
      return undefined;
    }
  }
}

/** A new secret, with what an authenticator app needs. */
export interface NewTotpSecret {
  bytes: Uint8Array;
  /** Base32, for typing into an app. */
  base32: string;
  /** `otpauth://totp/Lantern:<username>?secret=…&issuer=Lantern&…` (for a QR code or a link). */
  uri: string;
}

function totpOf(secret: Uint8Array, label = 'staff'): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD, secret: new Secret({ buffer: secret.slice().buffer }) });
}

/** Makes a new 20-byte secret for `username`. */
export function newTotpSecret(username: string): NewTotpSecret {
  const secret = new Secret({ size: 20 });
  const totp = new TOTP({ issuer: TOTP_ISSUER, label: username, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD, secret });
  return { bytes: new Uint8Array(secret.bytes), base32: secret.base32, uri: totp.toString() };
}

/**
 * The time step of `code` for `secret` at `now` (one step of clock drift either way is accepted),
 * or undefined when it is not the code of that moment.
 */
export function totpCounter(secret: Uint8Array, code: string, now: number): number | undefined {
  const totp = totpOf(secret);
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return undefined;
  return totp.counter({ timestamp: now }) + delta;
}

/** The code of `secret` at `now` (tests, and the enrolment check in docs). */
export function totpCode(secret: Uint8Array, now: number = Date.now()): string {
  return totpOf(secret).generate({ timestamp: now });
}

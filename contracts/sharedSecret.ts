/**
 * A secret every app instance shares: 32 random bytes kept in Redis at one key (base64url), made by
 * whichever instance asks first (SET NX) and read by all. Used for the tokens' signing key, the
 * staff login's client hash, the staff TOTP sealing key and the metrics' noise key.
 */
import { randomBytes } from 'node:crypto';
import type { RedisHandle } from './RedisHandle.js';

/** A stored secret: 32 bytes in base64url. */
const STORED = /^[A-Za-z0-9_-]{43}$/;

/** Raised when the secret can be neither read nor made (Redis refuses, or holds something else there). */
export class SharedSecretError extends Error {
  override name = 'SharedSecretError';
}

/** The secret at `key`, made now if no instance has made it yet. One GET when it exists. */
export async function sharedSecret(redis: RedisHandle, key: string, purpose: string): Promise<Buffer> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const stored = await redis.get(key);
    if (stored !== null && STORED.test(stored)) return Buffer.from(stored, 'base64url');
    if (stored === null) await redis.set(key, randomBytes(32).toString('base64url'), 'NX');
  }
  throw new SharedSecretError(`${purpose}: the shared secret could not be read from Redis`);
}

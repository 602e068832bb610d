/**
 * The "client" a login comes from, for counting failures: a keyed hash (HMAC-SHA256, 128 bits) of
 * the request's address, never the address itself. The key is 32 random bytes kept in Redis, the
 * same on every app instance, so a copy of the database does not turn hashes back into addresses by
 * trying every address without the key being in it too. Never logged.
 */
import { createHmac } from 'node:crypto';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { sharedSecret } from '../contracts/sharedSecret.js';

/** Turns client addresses into keyed hashes. */
export class LoginClientHasher {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly options: { redis: RedisHandle; keys: RedisKeys }) {}

  private secret(): Promise<Buffer> {
    if (!this.key) {
      this.key = sharedSecret(this.options.redis, this.options.keys.staffLoginSecret(), 'staff login');
      this.key.catch(() => (this.key = undefined));
    }
    return this.key;
  }

  /** The client hash of `address` (base64url, 22 characters). */
  async hash(address: string): Promise<string> {
    return createHmac('sha256', await this.secret()).update(`staff-login\u0000${address}`).digest().subarray(0, 16).toString('base64url');
  }
}

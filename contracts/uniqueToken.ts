/**
 * Tokens that only need to be unique (an eTag, a lock's owner), not secret: 72 random bits drawn once
 * per process, then a counter. Cheaper than a random draw per token (a system call each), and two
 * processes, or one process before and after a restart, never make the same token.
 */
import { randomBytes } from 'node:crypto';

const PROCESS_PREFIX = randomBytes(9).toString('base64url');
let counter = 0;

/** A token no other call, in this process or any other, returns. Never use it as a secret. */
export function uniqueToken(): string {
  counter += 1;
  return `${PROCESS_PREFIX}.${counter.toString(36)}`;
}

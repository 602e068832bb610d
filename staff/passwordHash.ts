/**
 * Staff password hashing with node:crypto scrypt (memory-hard, no native addon).
 *
 * A hash is a self-describing string `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`, so the cost can be
 * raised later without invalidating stored hashes (verify reads the parameters from the string).
 * N=2^15, r=8, p=1 takes about 80 ms and 32 MiB on the development machine.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Cost parameters of scrypt. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/** The parameters new hashes are made with. */
export const SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds for parameters read back from a stored hash: a corrupted or hostile value must not make
// verification take minutes or gigabytes.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** Raised when a stored hash is not in the `scrypt$N$r$p$salt$hash` format (or out of bounds). */
export class PasswordHashFormatError extends Error {
  override name = 'PasswordHashFormatError';
  constructor(message = 'The stored password hash is not in a supported format.') {
    super(message);
  }
}

/** Memory scrypt needs for these parameters, with headroom (Node's default maxmem is 32 MiB, too little). */
function maxmemFor({ N, r, p }: ScryptParams): number {
  return 128 * N * r * 2 + 128 * r * p + 1024 * 1024;
}

function scryptAsync(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: maxmemFor(params) };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new PasswordHashFormatError();
  const [, nText = '', rText = '', pText = '', saltText = '', hashText = ''] = parts;
  const [N, r, p] = [nText, rText, pText].map((text) => (/^\d{1,8}$/.test(text) ? Number(text) : NaN)) as [number, number, number];
  const powerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) throw new PasswordHashFormatError();
  if (!B64.test(saltText) || !B64.test(hashText)) throw new PasswordHashFormatError();
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 128) throw new PasswordHashFormatError();
  return { params: { N, r, p }, salt, hash };
}

/** Hashes a password (NFC-normalised) with a fresh random 16-byte salt. */
export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(password, salt, KEY_BYTES, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Whether `password` matches the stored hash (constant-time comparison).
 * @throws PasswordHashFormatError when `stored` is not a supported hash.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { params, salt, hash } = parseHash(stored);
  const candidate = await scryptAsync(password, salt, hash.length, params);
  return timingSafeEqual(candidate, hash);
}

/** Whether a stored hash uses weaker parameters than today's (a candidate for re-hashing at login). */
export function needsRehash(stored: string): boolean {
  try {
    const { params } = parseHash(stored);
    return params.N < SCRYPT_PARAMS.N || params.r < SCRYPT_PARAMS.r || params.p < SCRYPT_PARAMS.p;
  } catch {
    return true;
  }
}

// Lowercase letters and digits without the look-alikes 0/o, 1/l/i: easy to read aloud and type.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 5;
const GROUP_LENGTH = 5;

/**
 * A random password that is easy to read and type: five groups of five characters from a
 * 31-character alphabet without look-alikes, e.g. `k7m2p-x9q4r-…` (29 characters, about 124 bits).
 */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g += 1) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i += 1) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

import { describe, expect, it } from 'vitest';
import { PasswordHashFormatError, SCRYPT_PARAMS, generatePassword, hashPassword, needsRehash, verifyPassword } from '../../staff/passwordHash.js';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('writes scrypt$N$r$p$salt$hash with N=2^15, r=8, p=1, a 16-byte salt and a fresh salt each time', async () => {
    const a = await hashPassword('same password here');
    const b = await hashPassword('same password here');
    const match = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/.exec(a);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBe(2 ** 15);
    expect(Number(match![2])).toBe(8);
    expect(Number(match![3])).toBe(1);
    expect(Buffer.from(match![4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(match![5]!, 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(a).not.toContain('same password');
    expect(SCRYPT_PARAMS).toEqual({ N: 2 ** 15, r: 8, p: 1 });
  });

  it('reads the parameters from the stored string (older, cheaper hashes still verify)', async () => {
    const cheap = await hashPassword('an older password', { N: 2 ** 10, r: 8, p: 1 });
    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('an older password', cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(await hashPassword('a current password'))).toBe(false);
  });

  it('treats visually identical Unicode the same (NFC)', async () => {
    const hash = await hashPassword('wachtwoord-caf\u00e9-123');
    expect(await verifyPassword('wachtwoord-cafe\u0301-123', hash)).toBe(true);
  });

  it('rejects malformed or out-of-bounds stored hashes with a named error', async () => {
    for (const stored of ['', 'bcrypt$x', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', `scrypt$${2 ** 24}$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`, 'scrypt$1024$8$1$not base64!$AAAA']) {
      await expect(verifyPassword('x', stored)).rejects.toBeInstanceOf(PasswordHashFormatError);
    }
  });

  it('takes a noticeable but bounded time (memory-hard cost is real)', async () => {
    const started = performance.now();
    await hashPassword('timing check password');
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThan(15);
    expect(ms).toBeLessThan(2_000);
  });

  it('generates readable passwords of at least 20 characters, different each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const password = generatePassword();
      expect(password.length).toBeGreaterThanOrEqual(20);
      expect(password).toMatch(/^[a-hjkmnp-z2-9]{5}(-[a-hjkmnp-z2-9]{5}){4}$/);
      expect(password).not.toMatch(/[01ilo]/);
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });
});

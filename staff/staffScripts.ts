/**
 * The Lua scripts of the staff store (each runs atomically in Redis).
 */
// KEYS: user, users set, login attempts, setup-token key (guarded create only).
// ARGV: username, role, languages, passwordHash, createdAt, guarded ('1'/'0'), expected setup-token hash.
export const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
if ARGV[6] == '1' then
  if redis.call('SCARD', KEYS[2]) > 0 then return 'not-empty' end
  if redis.call('GET', KEYS[4]) ~= ARGV[7] then return 'guard-mismatch' end
end
redis.call('HSET', KEYS[1], 'username', ARGV[1], 'role', ARGV[2], 'languages', ARGV[3], 'passwordHash', ARGV[4], 'createdAt', ARGV[5])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
if ARGV[6] == '1' then redis.call('DEL', KEYS[4]) end
return 'created'
`;

// KEYS: user, login attempts. ARGV: new hash. Returns 1 when the account exists.
export const SET_PASSWORD_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1])
redis.call('DEL', KEYS[2])
return 1
`;

// KEYS: user, login attempts. ARGV: old hash, new hash. Replaces the hash only if it did not change meanwhile.
export const REHASH_SCRIPT = `
if redis.call('HGET', KEYS[1], 'passwordHash') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[2])
return 1
`;

// KEYS: user, users set, login attempts. ARGV: username. Returns 1 when the account existed.
export const REMOVE_SCRIPT = `
local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return existed
`;

// Before verifying a password: refuse while locked; otherwise count the attempt as failed in advance
// (so parallel guesses cannot all slip past the check; a success deletes the count).
// KEYS: login attempts. ARGV: now, max failures, lock ms. Returns {allowed 1/0, lockedUntil}.
export const BEGIN_LOGIN_SCRIPT = `
local now = tonumber(ARGV[1])
local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'lockedUntil') or '0')
if lockedUntil > now then return {0, lockedUntil} end
local failed = redis.call('HINCRBY', KEYS[1], 'failed', 1)
if failed > tonumber(ARGV[2]) then
  lockedUntil = now + tonumber(ARGV[3])
  redis.call('HSET', KEYS[1], 'lockedUntil', lockedUntil, 'failed', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {0, lockedUntil}
end
redis.call('HDEL', KEYS[1], 'lockedUntil')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, 0}
`;

// After a failed verification: lock when the count reached the maximum.
// KEYS: login attempts. ARGV: now, max failures, lock ms. Returns lockedUntil or 0.
export const FAILED_LOGIN_SCRIPT = `
local failed = tonumber(redis.call('HGET', KEYS[1], 'failed') or '0')
if failed < tonumber(ARGV[2]) then return 0 end
local lockedUntil = tonumber(ARGV[1]) + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'lockedUntil', lockedUntil, 'failed', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return lockedUntil
`;

/**
 * The Lua scripts of the staff store (each runs atomically in Redis). Every key a script touches is in
 * its KEYS, and every staff key has the `{staff}` hash tag, so each runs on one slot of a cluster too.
 */
import { redisScript } from '../contracts/RedisHandle.js';

// KEYS: user, users set, login attempts, setup-token key (guarded create only).
// ARGV: username, role, languages, passwordHash, createdAt, guarded ('1'/'0'), expected setup-token hash.
export const CREATE_SCRIPT = redisScript(
  'lanternStaffCreate',
  `
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
`,
);

// KEYS: user, login attempts. ARGV: new hash. Returns 1 when the account exists.
export const SET_PASSWORD_SCRIPT = redisScript(
  'lanternStaffSetPassword',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1])
redis.call('DEL', KEYS[2])
return 1
`,
);

// KEYS: user, login attempts. ARGV: old hash, new hash. Replaces the hash only if it did not change meanwhile.
export const REHASH_SCRIPT = redisScript(
  'lanternStaffRehash',
  `
if redis.call('HGET', KEYS[1], 'passwordHash') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[2])
return 1
`,
);

// KEYS: user, users set, login attempts. ARGV: username. Returns 1 when the account existed.
export const REMOVE_SCRIPT = redisScript(
  'lanternStaffRemove',
  `
local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return existed
`,
);

// Login failures are counted on three hashes (fields `failed`, `lockedUntil`), each expiring `lockMs`
// after its last failure: the username from this client (the pair), the username from anywhere (the
// account) and the client for any username. A pair lock stops only that client; a client lock stops
// a client guessing many usernames; the account lock stops many clients guessing one account, but
// not the clients that logged in to it before (the known set), so a stranger cannot lock the
// counsellor's own browser out. Common KEYS: pair, account, client, known set, index of the pairs.

// Before verifying a password: refuse while locked; otherwise count the attempt as failed in advance
// on every hash (so parallel guesses cannot all slip past the check; a success takes it back).
// ARGV: now, pair max, account max, client max (0: no client limit), lock ms, client hash.
// Returns {allowed 1/0, lockedUntil}.
export const BEGIN_LOGIN_SCRIPT = redisScript(
  'lanternStaffBeginLogin',
  `
local now = tonumber(ARGV[1])
local lockMs = tonumber(ARGV[5])
local clientMax = tonumber(ARGV[4])
local function lockOf(key) return tonumber(redis.call('HGET', key, 'lockedUntil') or '0') end
local known = redis.call('SISMEMBER', KEYS[4], ARGV[6]) == 1
local untilMs = lockOf(KEYS[1])
if clientMax > 0 then untilMs = math.max(untilMs, lockOf(KEYS[3])) end
if not known then untilMs = math.max(untilMs, lockOf(KEYS[2])) end
if untilMs > now then return {0, untilMs} end
local function count(key, max)
  local failed = redis.call('HINCRBY', key, 'failed', 1)
  redis.call('PEXPIRE', key, lockMs)
  if failed > max then
    redis.call('HSET', key, 'lockedUntil', now + lockMs, 'failed', 0)
    return now + lockMs
  end
  return 0
end
redis.call('SADD', KEYS[5], ARGV[6])
redis.call('PEXPIRE', KEYS[5], lockMs)
local locked = count(KEYS[1], tonumber(ARGV[2]))
if locked > 0 then redis.call('HSET', KEYS[2], 'clientLockedUntil', locked) end
local accountLock = count(KEYS[2], tonumber(ARGV[3]))
if not known then locked = math.max(locked, accountLock) end
if clientMax > 0 then locked = math.max(locked, count(KEYS[3], clientMax)) end
if locked > 0 then return {0, locked} end
return {1, 0}
`,
);

// After a failed verification: lock each hash whose count reached its maximum.
// ARGV: as BEGIN_LOGIN_SCRIPT. Returns lockedUntil (this client is refused until then) or 0.
export const FAILED_LOGIN_SCRIPT = redisScript(
  'lanternStaffFailedLogin',
  `
local now = tonumber(ARGV[1])
local lockMs = tonumber(ARGV[5])
local clientMax = tonumber(ARGV[4])
local function lockIfFull(key, max)
  local failed = tonumber(redis.call('HGET', key, 'failed') or '0')
  if failed < max then return 0 end
  redis.call('HSET', key, 'lockedUntil', now + lockMs, 'failed', 0)
  redis.call('PEXPIRE', key, lockMs)
  return now + lockMs
end
local locked = lockIfFull(KEYS[1], tonumber(ARGV[2]))
if locked > 0 then
  redis.call('HSET', KEYS[2], 'clientLockedUntil', locked)
  redis.call('PEXPIRE', KEYS[2], lockMs)
end
local accountLock = lockIfFull(KEYS[2], tonumber(ARGV[3]))
if redis.call('SISMEMBER', KEYS[4], ARGV[6]) == 0 then locked = math.max(locked, accountLock) end
if clientMax > 0 then locked = math.max(locked, lockIfFull(KEYS[3], clientMax)) end
return locked
`,
);

// After a success: the pair's count goes, the account's count goes (its locks stay), the attempt is
// taken back from the client's count, and the client becomes known to the account.
// ARGV: client hash, known ttl ms, client limit on (1/0).
export const SUCCEEDED_LOGIN_SCRIPT = redisScript(
  'lanternStaffSucceededLogin',
  `
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[5], ARGV[1])
redis.call('HDEL', KEYS[2], 'failed')
if ARGV[3] == '1' and redis.call('HEXISTS', KEYS[3], 'failed') == 1 then
  if redis.call('HINCRBY', KEYS[3], 'failed', -1) < 0 then redis.call('HSET', KEYS[3], 'failed', 0) end
end
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('PEXPIRE', KEYS[4], ARGV[2])
return 1
`,
);

// The password was right but a second step is missing: the attempt is taken back from the client's
// count only (the pair and the account keep it, so leaving the code out cannot reset a count).
// KEYS: client. Returns 1.
export const UNCOUNT_CLIENT_SCRIPT = redisScript(
  'lanternStaffUncountClient',
  `
if redis.call('HEXISTS', KEYS[1], 'failed') == 1 then
  if redis.call('HINCRBY', KEYS[1], 'failed', -1) < 0 then redis.call('HSET', KEYS[1], 'failed', 0) end
end
return 1
`,
);

// KEYS: user. ARGV: field, value ('' deletes the field). Returns 1 when the account exists.
export const SET_FIELD_SCRIPT = redisScript(
  'lanternStaffSetField',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
`,
);

// KEYS: user. ARGV: role, languages, maxConversations ('' = the default). Returns the old role, or false.
export const UPDATE_SCRIPT = redisScript(
  'lanternStaffUpdate',
  `
local old = redis.call('HGET', KEYS[1], 'role')
if not old then return false end
redis.call('HSET', KEYS[1], 'role', ARGV[1], 'languages', ARGV[2])
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], 'maxConversations') else redis.call('HSET', KEYS[1], 'maxConversations', ARGV[3]) end
return old
`,
);

// Accepts a two-factor code once: only when the secret is still the one checked and the code's time
// step is later than the last one used. KEYS: user. ARGV: sealed secret, counter. Returns 1/0.
export const USE_TOTP_SCRIPT = redisScript(
  'lanternStaffUseTotp',
  `
if redis.call('HGET', KEYS[1], 'totpSecret') ~= ARGV[1] then return 0 end
local last = tonumber(redis.call('HGET', KEYS[1], 'totpLastCounter') or '-1')
if tonumber(ARGV[2]) <= last then return 0 end
redis.call('HSET', KEYS[1], 'totpLastCounter', ARGV[2])
return 1
`,
);

// Turns two-factor on with a confirmed secret. KEYS: user, pending. ARGV: sealed secret, counter.
// Returns 1, or 0 when the account or the pending secret is gone (or another one is pending now).
export const ENABLE_TOTP_SCRIPT = redisScript(
  'lanternStaffEnableTotp',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'totpSecret', ARGV[1], 'totpLastCounter', ARGV[2])
redis.call('DEL', KEYS[2])
return 1
`,
);

// Issues a password link: the account's earlier link stops working. KEYS: user, user's link, new
// token, the earlier token (read just before; the user's link itself when there was none).
// ARGV: token hash, username, ttl seconds, the earlier token's hash ('' when none).
// Returns 1, 0 when there is no such account, -1 when the earlier link changed meanwhile (read again).
export const ISSUE_LINK_SCRIPT = redisScript(
  'lanternStaffIssueLink',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[4] then return -1 end
if ARGV[4] ~= '' then redis.call('DEL', KEYS[4]) end
redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
return 1
`,
);

// Redeems a password link once. KEYS: token, the user's link (of the username the token named when
// read just before). ARGV: token hash, that username. Returns the username, or false (used, or changed).
export const REDEEM_LINK_SCRIPT = redisScript(
  'lanternStaffRedeemLink',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return false end
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return ARGV[2]
`,
);

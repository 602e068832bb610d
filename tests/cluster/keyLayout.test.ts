/**
 * The move to the hash-tagged key layout (server/keyLayout.ts): every key of the layout before it
 * (today's names without the braces) gets today's name, with its value and TTL; nothing else is
 * touched; a Lantern started on such data finds its staff accounts, metrics and conversations.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisKeys } from '../../contracts/RedisKeys.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { KEY_LAYOUT, migrateKeyLayout, renamedKey } from '../../server/keyLayout.js';
import { startLantern } from '../../server/Lantern.js';
import { hashPassword } from '../../staff/passwordHash.js';
import { testRedis, uniquePrefix } from '../helpers/redis.js';

const redis = testRedis();
afterAll(() => redis.quit());

/** Today's name of every kind of key, for one conversation, one username, one hash… */
function everyKey(keys: RedisKeys): string[] {
  const id = 'Conv1234567890abcdefgh';
  const limit = RedisKeys.activityRateLimit(keys.rateLimitPrefix(), 'pseudo');
  return [
    keys.conversationActivities(id),
    keys.conversationMeta(id),
    keys.botState(`webchat/conversations/${id}/`),
    keys.turnLock(id),
    limit.burst,
    limit.window,
    `${keys.bullPrefix()}:handoff:wait`,
    keys.bullEvents('maintenance'),
    keys.handoffClaimLock(),
    keys.handoffSession(id),
    keys.counsellorSessions('anna'),
    keys.handoffHolders(),
    keys.counsellorPresence(),
    keys.counsellorLanguages(),
    keys.handoffWaits(),
    keys.handoffWaitState(id),
    keys.handoffNotes(id),
    keys.handoffFlags(id),
    keys.handoffInterpreter(id),
    keys.interpreterToken('tokenhash'),
    keys.interpreterSession('sessionhash'),
    keys.staffUsers(),
    keys.staffUser('anna'),
    keys.staffLoginAttempts('anna'),
    keys.staffSession('sessionhash'),
    keys.staffUserSessions('anna'),
    keys.staffSetupToken(),
    keys.staffLoginPair('anna', 'client'),
    keys.staffLoginPairs('anna'),
    keys.staffLoginClient('client'),
    keys.staffLoginKnown('anna'),
    keys.staffResetToken('tokenhash'),
    keys.staffUserReset('anna'),
    keys.staffTotpPending('anna'),
    keys.metricsHour('2026-01-01T10'),
    keys.metricsDay('2026-01-01'),
  ];
}

/** The name a key had before the hash tags: the same without braces. */
const oldName = (key: string) => key.replace(/[{}]/g, '');

describe('the key layout migration', () => {
  it('maps every old name to today\'s, and leaves the unchanged ones alone', () => {
    const keys = new RedisKeys('lantern:');
    for (const key of everyKey(keys)) {
      expect(key, key).toMatch(/\{[^}]+\}/);
      expect(renamedKey(keys, oldName(key).slice(keys.prefix.length)), key).toBe(key);
    }
    for (const same of [keys.tokenSecret(), keys.staffLoginSecret(), keys.staffTotpSecret(), keys.auditTrail(), keys.conversationTombstone('pseudo'), `${keys.rateLimitPrefix()}tokenpseudo`, `${keys.prefix}dl:conv:abc:deleted`, `${keys.prefix}state:webchat/users/u1/`]) {
      expect(renamedKey(keys, same.slice(keys.prefix.length)), same).toBeUndefined();
    }
  });

  it('renames the keys of an existing installation once, keeping values and TTLs, and Lantern finds them', async () => {
    const keys = new RedisKeys(uniquePrefix('layout'));
    const id = 'Conv1234567890abcdefgh';
    const old = (key: string) => oldName(key);
    const passwordHash = await hashPassword('correct horse battery staple');
    await redis.hset(old(keys.staffUser('anna')), { username: 'anna', role: 'counsellor', languages: 'en', passwordHash, createdAt: String(Date.now()) });
    await redis.sadd(old(keys.staffUsers()), 'anna');
    await redis.hset(old(keys.metricsDay('2026-01-01')), 'quick_exit|lang=ar', '3');
    await redis.hset(old(keys.conversationMeta(id)), 'createdAt', String(Date.now()));
    await redis.expire(old(keys.conversationMeta(id)), 3_600);
    await redis.xadd(old(keys.conversationActivities(id)), '*', 'a', '{"type":"message","text":"hi"}');
    await redis.set(keys.auditTrail(), 'unchanged');
    // A key whose new name exists already is kept under its old name (never overwritten).
    await redis.set(old(keys.handoffWaits()), 'old');
    await redis.set(keys.handoffWaits(), 'new');

    const lantern = await startLantern({ redisUrl: inject('redisUrl'), keyPrefix: keys.prefix, port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false }, { openingHours: OpeningHours.always() });
    try {
      expect(await redis.get(keys.keyLayout())).toBe(KEY_LAYOUT);
      expect((await lantern.app.staffStore.get('anna'))?.role).toBe('counsellor');
      expect(await lantern.app.staffStore.verifyLogin('anna', 'correct horse battery staple')).toMatchObject({ ok: true });
      expect(await redis.hgetall(keys.metricsDay('2026-01-01'))).toEqual({ 'quick_exit|lang=ar': '3' });
      expect(await lantern.store.status(id)).toBe('active');
      expect((await lantern.store.read(id)).activities.map((a) => a.text)).toEqual(['hi']);
      expect(await redis.ttl(keys.conversationMeta(id))).toBeGreaterThan(3_500);
      expect(await redis.get(keys.auditTrail())).toBe('unchanged');
      expect([await redis.get(old(keys.handoffWaits())), await redis.get(keys.handoffWaits())]).toEqual(['old', 'new']);
      expect(await redis.exists(old(keys.staffUser('anna')), old(keys.conversationMeta(id)))).toBe(0);
    } finally {
      await lantern.stop();
    }
    // Recorded: a later start does not scan again (an old name written now stays as it is).
    await redis.sadd(old(keys.staffUsers()), 'late');
    expect(await migrateKeyLayout(redis as Redis, keys)).toEqual({ renamed: 0, kept: 0 });
    expect(await redis.exists(old(keys.staffUsers()))).toBe(1);
  });
});

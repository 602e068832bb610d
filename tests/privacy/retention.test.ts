/**
 * Data lifecycle against real Redis: "delete my conversation" erases everything at once and for
 * good; the retention job rolls metrics up, gives TTL-less conversation keys a TTL, and counts.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Translator } from '../../texts/Translator.js';
import { TokenService } from '../../directline/TokenService.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { scanKeys as scanAll } from '../../contracts/RedisHandle.js';
import { MetricsRecorder } from '../../metrics/MetricsRecorder.js';
import { MetricsRollup } from '../../metrics/MetricsRollup.js';
import { RetentionJob } from '../../privacy/RetentionJob.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { testKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

describe('delete my conversation', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await startLantern({ redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('erase'), port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false }, { openingHours: OpeningHours.always() });
  });
  afterAll(() => lantern.stop());

  const conversationKeys = (id: string) => scanAll(lantern.redis, `${lantern.keys.prefix}*${id}*`);

  it.each(['en', 'ti'] as const)('%s: typed, it is gone at once, the page is told, and the old token cannot bring it back', async (language) => {
    const young = await YoungPersonClient.start(lantern, language);
    await young.say('x', { command: 'menu' });
    expect((await conversationKeys(young.conversationId)).length).toBeGreaterThan(0);
    const words = new Translator({ variables: { retentionHours: 48 } }).list(language, 'commands:delete_conversation')[0]!;
    await young.say(words);
    await young.waitFor((a: Activity) => a.type === 'event' && a.name === 'lantern.deleted');
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    // Nothing names it any more; the tombstone is named by a keyed pseudonym of the id.
    expect(await conversationKeys(young.conversationId)).toEqual([]);
    const tombstone = lantern.keys.conversationTombstone(await new TokenService({ redis: lantern.redis, keys: lantern.keys, ttlSeconds: 60 }).pseudonym('tombstone', young.conversationId));
    expect(await lantern.redis.ttl(tombstone)).toBeGreaterThan(0);
    expect((await young.say('hello again')).status).toBe(404);
  });

  it('during a counsellor chat too: the session closes for the counsellor', async () => {
    const young = await YoungPersonClient.start(lantern, 'en');
    await young.say('x', { command: 'talk_to_human' });
    const counsellor = await CounsellorClient.login(lantern, 'eraser', ['en']);
    await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/claim`);
    await young.say('Delete my conversation', { command: 'delete_conversation' });
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    expect((await counsellor.api('GET', `/api/staff/conversations/${young.conversationId}`)).status).toBe(404);
    expect(await conversationKeys(young.conversationId)).toEqual([]);
  });
});

describe('retention job', () => {
  const redis = testRedis();
  const keys = testKeys('retention');
  afterAll(() => redis.quit());

  it('rolls finished hours into days, restores missing TTLs, removes stale entries, and counts', async () => {
    const past = Date.parse('2026-06-15T08:10:00Z');
    await new MetricsRecorder({ redis, keys, now: () => past }).record({ name: 'quick_exit', lang: 'ar' });
    await redis.set(keys.conversationMeta('abc'), 'x', 'EX', 3600); // a living conversation…
    await redis.set(keys.botState('webchat/conversations/abc/'), 'x'); // …with a key without TTL (as if written by hand)
    await redis.zadd(keys.counsellorPresence(), 1, 'gone-counsellor');
    // What is still named after a conversation that is gone (no metadata): expired, or deleted.
    await redis.set(keys.botState('webchat/conversations/gone/'), 'x', 'EX', 3600);
    await redis.hset(keys.handoffWaitState('gone'), 'shown', '1:-');
    // A tombstone from before tombstones were pseudonymous.
    await redis.set(`${keys.prefix}dl:conv:old:deleted`, '1', 'EX', 100);
    // An events stream entry older than the retention.
    await redis.xadd(keys.bullEvents('maintenance'), '1-0', 'event', 'drained');
    await redis.xadd(keys.bullEvents('maintenance'), '*', 'event', 'drained');
    const job = new RetentionJob({ redis, keys, rollup: new MetricsRollup({ redis, keys, dayTtlSeconds: 86_400 }), conversationTtlSeconds: 3600, queues: [] });
    const report = await job.run();
    expect(report).toEqual({ rolledHours: 1, ttlRestored: 1, removed: 4, eventsTrimmed: 1 });
    expect(await redis.hgetall(keys.metricsDay('2026-06-15'))).toEqual({ 'quick_exit|lang=ar': '1' });
    expect(await scanAll(redis, keys.metricsHourPattern())).toEqual([]);
    expect(await redis.ttl(keys.botState('webchat/conversations/abc/'))).toBeGreaterThan(3000);
    expect(await scanAll(redis, `${keys.prefix}*gone*`)).toEqual([]);
    expect(await scanAll(redis, `${keys.prefix}*old*`)).toEqual([]);
    const renamed = keys.conversationTombstone(await new TokenService({ redis, keys, ttlSeconds: 60 }).pseudonym('tombstone', 'old'));
    expect(await redis.ttl(renamed)).toBeGreaterThan(90);
    expect(await redis.ttl(renamed)).toBeLessThanOrEqual(100);
    expect(await redis.xlen(keys.bullEvents('maintenance'))).toBe(1);
    expect(await job.run()).toEqual({ rolledHours: 0, ttlRestored: 0, removed: 0, eventsTrimmed: 0 });
  });
});

/**
 * Who is on duty, read in one round trip: a turn asking for a person and every refresh of the
 * consoles' list wait for it. Real Redis.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CounsellorPresence } from '../../handoff/CounsellorPresence.js';
import { commandsSent, testKeys, testRedis } from '../helpers/redis.js';

describe('CounsellorPresence.onDuty', () => {
  const redis = testRedis();
  afterAll(() => redis.quit());

  it('lists those with a recent heartbeat and their languages, forgets the others, in one command', async () => {
    const keys = testKeys('presence');
    let now = 1_000_000;
    const presence = new CounsellorPresence({ redis, keys, windowMs: 60_000, now: () => now });
    await presence.heartbeat('anna', ['ar', 'nl']);
    now += 30_000;
    await presence.heartbeat('bart', []);
    await presence.heartbeat('chris', ['ti']);
    // A heartbeat without its languages (the hash lost its field): on duty, no languages.
    await redis.hdel(keys.counsellorLanguages(), 'chris');
    expect(await presence.onDuty()).toEqual([
      { username: 'anna', languages: ['ar', 'nl'] },
      { username: 'bart', languages: [] },
      { username: 'chris', languages: [] },
    ]);

    now += 40_000; // anna's heartbeat is 70 s old
    let read: Awaited<ReturnType<CounsellorPresence['onDuty']>> = [];
    const sent = await commandsSent(keys.prefix, async () => (read = await presence.onDuty()));
    expect(read.map((c) => c.username)).toEqual(['bart', 'chris']);
    expect(sent).toHaveLength(1);
    expect(await redis.zscore(keys.counsellorPresence(), 'anna')).toBeNull();
    expect(await presence.spokenLanguages()).toEqual(new Set());

    now += 60_000;
    expect(await presence.onDuty()).toEqual([]);
  });
});

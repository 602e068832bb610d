/**
 * Metrics hold counts, never text, never a conversation id, never an address. Scripted
 * conversations carry unique marker strings through every path (free text, a handoff, counsellor
 * messages, an internal note, a quick exit); then every Redis key and value the metrics use, and
 * the whole log, are scanned for them.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { scanKeys as scanAll } from '../../contracts/RedisHandle.js';
import { MetricsQuery } from '../../metrics/MetricsQuery.js';
import { MetricsRollup } from '../../metrics/MetricsRollup.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { expectStandsFor } from '../helpers/metrics.js';
import { uniquePrefix } from '../helpers/redis.js';

const log: string[] = [];
let lantern: LanternInstance;
const marker = (n: number) => `ZQMARK${n}X${Date.now().toString(36)}`;
const markers: string[] = [];
const conversationIds: string[] = [];

beforeAll(async () => {
  lantern = await startLantern(
    { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('privacy'), port: 0, host: '127.0.0.1', logLevel: 'debug', secureCookies: false },
    { openingHours: OpeningHours.always(), logStream: new Writable({ write: (chunk, _e, done) => (log.push(String(chunk)), done()) }) },
  );
  const counsellor = await CounsellorClient.login(lantern, 'privacytester', ['ar', 'en']);
  for (const [i, language] of (['en', 'ar', 'nl', 'ti', 'prs'] as const).entries()) {
    const young = await YoungPersonClient.start(lantern, language);
    conversationIds.push(young.conversationId);
    const m1 = marker(i * 10 + 1);
    const m2 = marker(i * 10 + 2);
    const m3 = marker(i * 10 + 3);
    markers.push(m1, m2, m3);
    await young.say(`${m1} they will stab me if I do not bring the money`);
    await young.say(`my name is ${m2} and my number is 0612345678`);
    if (language === 'en' || language === 'ar') {
      await young.say('x', { command: 'talk_to_human' });
      await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/claim`);
      await young.say(`${m3} I am scared`);
      await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: `reply ${m3}` });
      await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'safety_plan', note: `note ${m3}` });
    } else {
      await young.post({ type: 'endOfConversation' });
    }
  }
  await new MetricsRollup({ redis: lantern.redis, keys: lantern.keys, dayTtlSeconds: 86_400, now: () => Date.now() + 2 * 3600_000 }).run();
});
afterAll(() => lantern.stop());

describe('metrics privacy', () => {
  it('metrics keys and values hold codes and counts only', async () => {
    const keys = await scanAll(lantern.redis, `${lantern.keys.prefix}{metrics}:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(/\{metrics\}:(h|d):\d{4}-\d{2}-\d{2}(T\d{2})?$/);
      const hash = await lantern.redis.hgetall(key);
      for (const [field, value] of Object.entries(hash)) {
        expect(field).toMatch(/^[a-z_]+(\|[a-z]+=[a-z0-9_+-]+)*$/);
        expect(value).toMatch(/^\d+$/);
        const text = `${key} ${field} ${value}`;
        for (const m of markers) expect(text).not.toContain(m);
        for (const id of conversationIds) expect(text).not.toContain(id);
        expect(text).not.toMatch(/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|0612345678|privacytester/);
      }
    }
  });

  it('the whole log holds no marker, no address, no phone number, no conversation id', () => {
    const all = log.join('');
    expect(log.length).toBeGreaterThan(20);
    for (const m of markers) expect(all).not.toContain(m);
    for (const id of conversationIds) expect(all).not.toContain(id);
    expect(all).not.toMatch(/127\.0\.0\.1|::1|::ffff|0612345678/);
  });

  it('the metrics counted what happened', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const result = await new MetricsQuery({ redis: lantern.redis, keys: lantern.keys }).report(day(-2), day(1), null);
    // The true counts (the raw counters, rolled up), and the shown figures that stand for them.
    const raw = async (name: string) => {
      let n = 0;
      for (const key of await scanAll(lantern.redis, `${lantern.keys.prefix}{metrics}:*`)) {
        for (const [field, value] of Object.entries(await lantern.redis.hgetall(key))) if (field.split('|')[0] === name) n += Number(value);
      }
      return n;
    };
    expect(await raw('conversation_started')).toBe(5);
    expectStandsFor(result.conversations.total, 5, 'conversations');
    expect(result.danger.flags).not.toBe(0);
    const quickExits = await raw('quick_exit');
    expect(quickExits).toBeGreaterThan(0);
    expect(quickExits).toBeLessThan(5);
    expectStandsFor(result.quickExits, quickExits, 'quick exits');
    // Two outcomes: the noise cannot lift 2 above 4.
    expect(await raw('outcome')).toBe(2);
    expect(result.outcomes).toEqual([{ code: 'safety_plan', count: '<5' }]);
  });
});

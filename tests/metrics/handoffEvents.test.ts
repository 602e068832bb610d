/**
 * Where the handoff's events are counted, through the whole server: young people ask for a person
 * over Direct Line, a counsellor claims, logs out, is full; the counters get exactly one count per
 * event, by priority, with codes only (the raw hourly counters are read, before any suppression).
 * A second instance on the same Redis is closed today: a request there is "asked while closed",
 * and its tick counts a young person still waiting at closing (once, however often it runs).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { amsterdamDay, amsterdamHour } from '../../metrics/calendar.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

let open: LanternInstance;
let closed: LanternInstance;

beforeAll(async () => {
  const config = { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('handoffEvents'), port: 0, host: '127.0.0.1', logLevel: 'silent' as const, secureCookies: false, counsellorMaxConversations: 1 };
  open = await startLantern(config, { openingHours: OpeningHours.always() });
  const allDay: Array<[string, string]> = [['00:00', '24:00']];
  const week = Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((day) => [day, allDay]));
  closed = await startLantern(config, { openingHours: new OpeningHours({ timeZone: 'Europe/Amsterdam', weekly: week, holidays: [amsterdamDay(new Date())] }) });
}, 60_000);
afterAll(async () => {
  await closed?.stop();
  await open?.stop();
});

/** The raw counters of this hour (and the one before, should the test cross an hour). */
async function counts(): Promise<Record<string, number>> {
  const now = Date.now();
  const out: Record<string, number> = {};
  for (const hour of new Set([amsterdamHour(new Date(now - 3600_000)), amsterdamHour(new Date(now))])) {
    for (const [field, value] of Object.entries(await open.redis.hgetall(open.keys.metricsHour(hour)))) out[field] = (out[field] ?? 0) + Number(value);
  }
  return out;
}

async function ask(language: string): Promise<YoungPersonClient> {
  const young = await YoungPersonClient.start(open, language);
  expect((await young.say('x', { command: 'talk_to_human' })).status).toBe(200);
  return young;
}

describe('the handoff counts what happens, by priority', () => {
  it('claims (with interpreter needed), refusals for capacity, returns after a counsellor left, stopping, leaving, closed, closing', async () => {
    const nadia = await CounsellorClient.login(open, 'nadia', ['nl']);
    // Claimed by a counsellor who does not speak Tigrinya: an interpreter is needed.
    const ti = await ask('ti');
    expect((await nadia.api('POST', `/api/staff/conversations/${ti.conversationId}/claim`)).status).toBe(200);
    // Full (maximum 1): the next claim is refused for capacity.
    const ar = await ask('ar');
    expect((await nadia.api('POST', `/api/staff/conversations/${ar.conversationId}/claim`)).status).toBe(409);
    // Nadia logs out: the Tigrinya conversation goes back to the list.
    expect((await nadia.api('POST', '/api/staff/logout')).status).toBeLessThan(300);
    // The Arabic young person stops waiting; an English one leaves with the quick exit.
    expect((await ar.say('x', { command: 'cancel_handoff' })).status).toBe(200);
    const en = await ask('en');
    expect((await en.post({ type: 'endOfConversation' })).status).toBe(200);
    // A Dutch young person asks on the closed instance: nobody is there.
    const nl = await YoungPersonClient.start(closed, 'nl');
    expect((await nl.say('x', { command: 'talk_to_human' })).status).toBe(200);
    // The closed instance's tick: the Tigrinya young person is still waiting at closing (counted once).
    await closed.handoff.tick();
    await closed.handoff.tick();

    await expect.poll(counts).toMatchObject({
      'handoff_requested|lang=ti|priority=normal': 1,
      'handoff_claimed|lang=ti|priority=normal|wait=0-1': 1,
      'interpreter_needed|lang=ti|priority=normal': 1,
      'claim_refused|lang=ar|priority=normal|reason=capacity': 1,
      'handoff_returned|lang=ti|priority=normal': 1,
      'handoff_unreached|lang=ar|priority=normal|why=cancelled': 1,
      'handoff_unreached|lang=en|priority=normal|why=left': 1,
      'handoff_unreached|lang=nl|priority=normal|why=closed': 1,
      'handoff_unreached|lang=ti|priority=normal|why=closing': 1,
    });
    const all = await counts();
    // Every request counted in its hour of the week too; duty samples from the ticks; nothing but codes.
    expect(Object.entries(all).filter(([field]) => field.startsWith('demand|')).reduce((sum, [, n]) => sum + n, 0)).toBe(4);
    expect(Object.keys(all).some((field) => field.startsWith('duty_samples|how='))).toBe(true);
    for (const field of Object.keys(all)) expect(field).toMatch(/^[a-z_]+(\|[a-z]+=[a-z0-9_+-]+)*$/);
  });
});

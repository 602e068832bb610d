/**
 * Keeping a conversation longer (issue 16, item 4), against a real Redis:
 * - every key that names an extended conversation gets the extended retention at its next write
 *   (stream and metadata, bot state, notes and flags, handoff session, return code), a conversation
 *   that was not extended the default one;
 * - once only: asking again changes nothing; an ended conversation cannot be extended;
 * - a return code given before extending lives as long as the conversation will;
 * - the retention job keeps an extended conversation's events younger than its retention, trims a
 *   normal one's, and brings a stored retention above today's maximum down to it;
 * - through the bot, in every language: the offer under the return code, what the bot says (the
 *   configured numbers read into the expected text), asking twice, the TTLs, and "delete my
 *   conversation" still erasing everything; the privacy texts say it can be chosen.
 */
import type { Activity } from 'botbuilder';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LANGUAGES } from '../../contracts/languages.js';
import { scanKeys } from '../../contracts/RedisHandle.js';
import { extendedDays } from '../../dialogs/keepLonger.js';
import { ConversationRetention, RETENTION_FIELD } from '../../directline/ConversationRetention.js';
import { RedisConversationStore } from '../../directline/RedisConversationStore.js';
import { RedisStorage } from '../../directline/RedisStorage.js';
import { returnCodeHasher, ReturnCodes } from '../../directline/ReturnCodes.js';
import { ConversationNotes } from '../../handoff/ConversationNotes.js';
import type { HandoffJobData } from '../../handoff/HandoffQueue.js';
import { HandoffSessions } from '../../handoff/HandoffSessions.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { MetricsRollup } from '../../metrics/MetricsRollup.js';
import { RetentionJob } from '../../privacy/RetentionJob.js';
import { configFromEnv } from '../../server/config.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { Translator } from '../../texts/Translator.js';
import { YoungPersonClient } from '../helpers/lanternClients.js';
import { testKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

const DEFAULT = 7200;
const EXTENDED = 3 * 86_400;

/** Waits until `check` holds (polling), or fails with the last value. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** A TTL (s) that was set to `seconds` just now. */
function expectFresh(ttl: number, seconds: number, what: string): void {
  expect(ttl, what).toBeGreaterThan(seconds - 60);
  expect(ttl, what).toBeLessThanOrEqual(seconds);
}

describe('the writers keep each conversation its own retention', () => {
  const redis = testRedis();
  const keys = testKeys('keeplonger');
  afterAll(() => redis.quit());
  const store = new RedisConversationStore({ redis, keys, ttlSeconds: DEFAULT });
  const codes = new ReturnCodes({
    redis,
    keys,
    hash: returnCodeHasher('k'.repeat(32), async () => 'unused'),
    status: (id) => store.status(id),
    ttlSeconds: DEFAULT,
    perClient: { max: 10, windowSeconds: 3600 },
    global: { max: 500, windowSeconds: 3600 },
  });
  const retention = new ConversationRetention({ redis, keys, ttlSeconds: DEFAULT, extendedTtlSeconds: EXTENDED, onExtended: (id) => codes.renew(id) });
  const storage = new RedisStorage({ redis, keys, ttlSeconds: DEFAULT });
  const notes = new ConversationNotes({ redis, keys, ttlSeconds: DEFAULT });
  const sessions = new HandoffSessions({ redis, keys, ttlSeconds: DEFAULT });
  const job = { conversationId: 'x', language: 'en', priority: 'normal', reason: 'talk_to_human', topics: [], screening: [], requestedAt: 0, reference: { userId: 'u', serviceUrl: 's' } } as unknown as HandoffJobData;

  /** Writes through every writer and returns the TTL of every key of the conversation. */
  async function writeEverything(id: string): Promise<Record<string, number>> {
    await store.append(id, { type: 'message', text: 'hello' });
    await storage.write({ [`webchat/conversations/${id}/`]: { dialogState: {} } });
    await notes.add(id, { by: 'anna', text: 'a note' });
    await notes.markMayBeWatched(id);
    await notes.rememberCounsellor(id, 'anna');
    await sessions.open({ conversationId: id, counsellor: 'anna', claimedAt: 1, interpreterNeeded: false, job: { ...job, conversationId: id } as HandoffJobData });
    const hash = await redis.get(keys.returnCodeOfConversation(id));
    const ttls: Record<string, number> = {};
    for (const [name, key] of Object.entries({
      activities: keys.conversationActivities(id),
      meta: keys.conversationMeta(id),
      state: keys.botState(`webchat/conversations/${id}/`),
      notes: keys.handoffNotes(id),
      flags: keys.handoffFlags(id),
      lastCounsellor: keys.handoffLastCounsellor(id),
      session: keys.handoffSession(id),
      codeIndex: keys.returnCodeOfConversation(id),
      code: keys.returnCode(hash ?? 'none'),
    })) {
      ttls[name] = await redis.ttl(key);
    }
    return ttls;
  }

  it('an extended conversation: every key gets the extended retention; one not extended: the default', async () => {
    for (const id of ['kept-longer', 'kept-normally']) {
      await store.create(id);
      await codes.issue(id);
    }
    expect(await retention.extend('kept-longer')).toBe('extended');
    const longer = await writeEverything('kept-longer');
    const normal = await writeEverything('kept-normally');
    for (const [name, ttl] of Object.entries(longer)) expectFresh(ttl, EXTENDED, `extended: ${name}`);
    for (const [name, ttl] of Object.entries(normal)) expectFresh(ttl, DEFAULT, `default: ${name}`);
    // A code given after extending lives as long as the conversation will, too.
    await codes.issue('kept-longer');
    const hash = await redis.get(keys.returnCodeOfConversation('kept-longer'));
    expectFresh(await redis.ttl(keys.returnCode(hash!)), EXTENDED, 'a code given after extending');
    expect(await retention.of('kept-longer')).toBe(EXTENDED);
    expect(await retention.of('kept-normally')).toBe(DEFAULT);
  });

  it('extending renews at once what exists, the return code given before included', async () => {
    await store.create('renewed');
    await store.append('renewed', { type: 'message', text: 'hello' });
    await codes.issue('renewed');
    await storage.write({ ['webchat/conversations/renewed/']: { dialogState: {} } });
    await notes.rememberCounsellor('renewed', 'anna');
    const hash = await redis.get(keys.returnCodeOfConversation('renewed'));
    expectFresh(await redis.ttl(keys.returnCode(hash!)), DEFAULT, 'before');
    expect(await retention.extend('renewed')).toBe('extended');
    for (const key of [keys.conversationMeta('renewed'), keys.conversationActivities('renewed'), keys.botState('webchat/conversations/renewed/'), keys.handoffLastCounsellor('renewed'), keys.returnCode(hash!), keys.returnCodeOfConversation('renewed')]) {
      expectFresh(await redis.ttl(key), EXTENDED, key);
    }
  });

  it('once only, never beyond the maximum, never for an ended or missing conversation', async () => {
    await store.create('twice');
    expect(await retention.isExtended('twice')).toBe(false);
    expect(await retention.extend('twice')).toBe('extended');
    expect(await retention.extend('twice')).toBe('already');
    expect(await retention.isExtended('twice')).toBe(true);
    expect(await redis.hget(keys.conversationMeta('twice'), RETENTION_FIELD)).toBe(String(EXTENDED));
    await store.create('ended');
    await store.end('ended');
    expect(await retention.extend('ended')).toBe('gone');
    expect(await retention.extend('never-created')).toBe('gone');
    expect(await redis.exists(keys.conversationMeta('never-created'))).toBe(0);
    // With no longer maximum there is nothing to choose.
    const none = new ConversationRetention({ redis, keys, ttlSeconds: DEFAULT, extendedTtlSeconds: DEFAULT });
    await store.create('no-maximum');
    expect(none.available).toBe(false);
    expect(await none.extend('no-maximum')).toBe('unavailable');
    expect(() => new ConversationRetention({ redis, keys, ttlSeconds: DEFAULT, extendedTtlSeconds: DEFAULT - 1 })).toThrow(/at least CONVERSATION_TTL_SECONDS/);
  });
});

describe('the retention job respects an extended conversation', () => {
  const redis = testRedis();
  const keys = testKeys('keeplonger-job');
  afterAll(() => redis.quit());

  it("keeps an extended conversation's events younger than its retention, trims a normal one's, and caps a stored retention at the maximum", async () => {
    const store = new RedisConversationStore({ redis, keys, ttlSeconds: DEFAULT });
    const retention = new ConversationRetention({ redis, keys, ttlSeconds: DEFAULT, extendedTtlSeconds: EXTENDED });
    for (const id of ['ext', 'norm', 'too-long']) await store.create(id);
    expect(await retention.extend('ext')).toBe('extended');
    // Kept longer than today's maximum (it was lowered since).
    await redis.hset(keys.conversationMeta('too-long'), RETENTION_FIELD, String(10 * 86_400));
    await redis.expire(keys.conversationMeta('too-long'), 10 * 86_400);

    const events = keys.bullEvents('handoff');
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const at = (ageMs: number, seq: number) => `${now - ageMs}-${seq}`;
    await redis.xadd(events, at(4 * 86_400_000, 0), 'event', 'waiting', 'jobId', 'ext'); // older than even the extended retention
    await redis.xadd(events, at(3 * 3_600_000, 0), 'event', 'waiting', 'jobId', 'ext'); // older than the default, younger than the extended
    await redis.xadd(events, at(3 * 3_600_000, 1), 'event', 'waiting', 'jobId', 'norm'); // older than the default
    await redis.xadd(events, at(3 * 3_600_000, 2), 'event', 'drained'); // names no conversation, older than the default
    await redis.xadd(events, at(60_000, 0), 'event', 'waiting', 'jobId', 'norm'); // young
    const queue = { toKey: () => events, clean: async () => [], getJobs: async () => [] } as unknown as Queue;
    const job = new RetentionJob({ redis, keys, rollup: new MetricsRollup({ redis, keys, dayTtlSeconds: 86_400 }), conversationTtlSeconds: DEFAULT, extendedTtlSeconds: EXTENDED, queues: [queue] });
    const report = await job.run();
    const left = (await redis.xrange(events, '-', '+')).map(([id, fields]) => `${id === at(3 * 3_600_000, 0) ? 'ext-3h' : id === at(60_000, 0) ? 'norm-1m' : id}:${fields.join(',')}`);
    expect(left).toEqual(['ext-3h:event,waiting,jobId,ext', 'norm-1m:event,waiting,jobId,norm']);
    expect(report.eventsTrimmed).toBe(3);
    expect(await redis.hget(keys.conversationMeta('too-long'), RETENTION_FIELD)).toBe(String(EXTENDED));
    expect(await redis.ttl(keys.conversationMeta('too-long'))).toBeLessThanOrEqual(EXTENDED);
    // The extended conversation keeps its retention.
    expectFresh(await redis.ttl(keys.conversationMeta('ext')), EXTENDED, 'ext');
  });
});

describe('through the bot: the offer, what it says, asking twice, deleting', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    const config = configFromEnv(
      // A quick handoff tick, so what a waiting young person was told (the wait state) is written soon.
      { CONVERSATION_TTL_SECONDS: String(DEFAULT), CONVERSATION_TTL_EXTENDED_SECONDS: String(EXTENDED), HANDOFF_TICK_MS: '200' },
      { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('keeplonger-bot'), port: 0, host: '127.0.0.1', logLevel: 'silent' },
    );
    expect(config.conversationTtlExtendedSeconds).toBe(EXTENDED);
    lantern = await startLantern(config, { openingHours: OpeningHours.always() });
  });
  afterAll(() => lantern.stop());

  const translator = new Translator({ variables: { retentionHours: DEFAULT / 3600 } });
  const botMessages = (activities: Activity[]) => activities.filter((a) => a.from?.role === 'bot' && a.type === 'message');
  const keysOf = (id: string) => ({
    activities: lantern.keys.conversationActivities(id),
    meta: lantern.keys.conversationMeta(id),
    state: lantern.keys.botState(`webchat/conversations/${id}/`),
    codeIndex: lantern.keys.returnCodeOfConversation(id),
  });

  it.each(LANGUAGES)('%s: offered under the return code; pressed, every key is kept the extended time and the bot says so; asked again, it says it already is', async (language) => {
    const t = translator.forLanguage(language);
    const young = await YoungPersonClient.start(lantern, language);
    await young.say(translator.list(language, 'commands:return_code')[0]!);
    const codeTurn = botMessages(await young.read());
    // The button is under the explanation, the last message (the page shows the last message's buttons).
    const last = codeTurn.at(-1)!;
    expect(last.text).toBe(t('returnCode:keeps', { retentionHours: 2, count: 2 }));
    const offer = last.suggestedActions?.actions ?? [];
    expect(offer.map((action) => (action.value as { command?: string }).command)).toEqual(['keep_longer', 'menu']);
    expect(offer[0]!.title).toBe(t('choices:keep_longer.title'));
    // The offer has its own buttons, so no question follows: the code's turn fits a phone.
    expect(codeTurn.length).toBeLessThanOrEqual(4);
    expect(codeTurn.map((a) => String(a.text)).join('').length).toBeLessThanOrEqual(600);

    // The young person presses it.
    await young.say(t('choices:keep_longer.title'), offer[0]!.value);
    const turn = botMessages(await young.read());
    const days = extendedDays(EXTENDED);
    expect(days).toBe(3);
    const said = turn.map((a) => String(a.text));
    expect(said.slice(0, 2)).toEqual([t('returnCode:keepLonger.done', { days }), t('returnCode:keepLonger.what')]);
    // The configured numbers, in the language's words.
    expect(said[0]).toMatch(language === 'ar' ? /3 أيام/ : /\b3\b/);
    expect(said[1]).toMatch(language === 'ar' ? /ساعتين/ : /\b2\b/);
    expect(said[1]).toContain(t('choices:delete_conversation.title'));
    expect(said[1]).toContain(t('web:quickExit'));
    // A phone-sized turn.
    expect(turn.length).toBeLessThanOrEqual(4);
    expect(said.join('').length).toBeLessThanOrEqual(600);

    // Every key of the conversation: the extended retention (the bot's state is written after the turn).
    const ids = keysOf(young.conversationId);
    for (const [name, key] of Object.entries(ids)) {
      const ttl = await until(() => lantern.redis.ttl(key), (value) => value > DEFAULT);
      expectFresh(ttl, EXTENDED, `${language}: ${name}`);
    }
    const hash = await lantern.redis.get(ids.codeIndex);
    expectFresh(await lantern.redis.ttl(lantern.keys.returnCode(hash!)), EXTENDED, `${language}: the code`);

    // A later write keeps it so.
    await young.say('x', { command: 'menu' });
    await young.read();
    expectFresh(await lantern.redis.ttl(ids.activities), EXTENDED, 'after a later message');

    // Asked again (here by the event any client may send): no second extension, and the bot says so.
    await young.post({ type: 'event', name: 'lantern.keepLonger' });
    const again = await young.waitFor((a) => a.type === 'message' && a.text === t('returnCode:keepLonger.already', { days }));
    expect(again.text).toMatch(language === 'ar' ? /3 أيام/ : /\b3\b/);
    expect(await lantern.redis.hget(ids.meta, RETENTION_FIELD)).toBe(String(EXTENDED));
    // A new code now: no offer any more, and it lives as long as the conversation.
    await young.say(translator.list(language, 'commands:return_code')[0]!);
    const newCode = botMessages(await young.read());
    expect(newCode.some((a) => a.suggestedActions?.actions?.some((action) => (action.value as { command?: string }).command === 'keep_longer'))).toBe(false);
    expect(newCode.map((a) => a.text)).toContain(t('returnCode:keeps', { retentionHours: EXTENDED / 3600, count: EXTENDED / 3600 }));
  });

  it('a conversation not extended keeps the default retention', async () => {
    const young = await YoungPersonClient.start(lantern, 'en');
    await young.say('what are my rights as a child here');
    await young.read();
    const ids = keysOf(young.conversationId);
    for (const key of [ids.activities, ids.meta, ids.state]) expectFresh(await until(() => lantern.redis.ttl(key), (value) => value > 0), DEFAULT, key);
    expect(await lantern.redis.hexists(ids.meta, RETENTION_FIELD)).toBe(0);
  });

  it('waiting for a person: the wait state too; "delete my conversation" still erases everything of an extended conversation at once', async () => {
    const young = await YoungPersonClient.start(lantern, 'nl');
    await young.say('terugkomcode');
    await young.post({ type: 'event', name: 'lantern.keepLonger' });
    await young.read();
    expect(await lantern.redis.hget(lantern.keys.conversationMeta(young.conversationId), RETENTION_FIELD)).toBe(String(EXTENDED));
    await young.say('Praat met iemand', { command: 'talk_to_human' });
    const waitState = lantern.keys.handoffWaitState(young.conversationId);
    expectFresh(await until(() => lantern.redis.ttl(waitState), (ttl) => ttl > 0), EXTENDED, 'wait state');
    const codeHash = await lantern.redis.get(lantern.keys.returnCodeOfConversation(young.conversationId));
    expect(codeHash).toBeTruthy();
    await young.say('Wis mijn gesprek', { command: 'delete_conversation' });
    const left = await until(() => scanKeys(lantern.redis, `${lantern.keys.prefix}*${young.conversationId}*`), (found) => found.length === 0);
    expect(left).toEqual([]);
    expect(await lantern.redis.exists(lantern.keys.returnCode(codeHash!))).toBe(0);
  });

  it('the privacy texts say it can be chosen once, by the button\'s own words, in every language', () => {
    for (const language of LANGUAGES) {
      const t = translator.forLanguage(language);
      for (const key of ['privacy:stored', 'privacy:phone.quickExit', 'privacy:phone.returnCode']) expect(t(key), `${language} ${key}`).toContain(t('choices:keep_longer.title'));
      // The button's words are also a command.
      expect(translator.list(language, 'commands:keep_longer').map((w) => w.toLowerCase())).toContain(t('choices:keep_longer.title').toLowerCase());
    }
    const en = translator.forLanguage('en');
    expect(en('privacy:stored')).toMatch(/deleted 2 hours after your last message\. You can choose once to keep them longer/);
    expect(en('privacy:phone.quickExit')).toMatch(/does not delete it: it stays on our server until 2 hours after your last message.*If you chose “Keep my chat longer”, it stays longer\./);
    expect(en('returnCode:keepLonger.done', { days: 3 })).toBe('Done: this whole chat is now kept until 3 days after your last message.');
    expect(en('returnCode:keepLonger.done', { days: 1 })).toBe('Done: this whole chat is now kept until 1 day after your last message.');
    expect(translator.forLanguage('nl')('returnCode:keepLonger.done', { days: 7 })).toBe('Klaar: deze hele chat wordt nu bewaard tot 7 dagen na je laatste bericht.');
  });
});

describe('configuration', () => {
  it('CONVERSATION_TTL_EXTENDED_SECONDS: 7 days by default, at least CONVERSATION_TTL_SECONDS, checked at start', () => {
    const base = { redisUrl: 'redis://x' };
    expect(configFromEnv({}, base).conversationTtlExtendedSeconds).toBe(604_800);
    expect(configFromEnv({ CONVERSATION_TTL_EXTENDED_SECONDS: '172800' }, base).conversationTtlExtendedSeconds).toBe(172_800);
    expect(() => configFromEnv({ CONVERSATION_TTL_EXTENDED_SECONDS: '3600' }, base)).toThrow(/CONVERSATION_TTL_EXTENDED_SECONDS \(3600\) must be at least CONVERSATION_TTL_SECONDS \(172800\)/);
    // Unset, it never falls below a longer default retention.
    expect(configFromEnv({ CONVERSATION_TTL_SECONDS: String(10 * 86_400) }, base).conversationTtlExtendedSeconds).toBe(10 * 86_400);
  });
});

/**
 * What the bot says about the young person's data, held to the code and configuration it describes,
 * so text and behaviour cannot drift apart again:
 * - the retention it states is CONVERSATION_TTL_SECONDS (start Lantern with another one: the texts
 *   change, and the transcript's TTL in Redis is that long);
 * - the quick exit hides the chat but keeps the transcript (readable with the old token until it
 *   expires): the text says it does not delete, and "delete my conversation" does;
 * - a person reads the chat when asked for, and also, without asking again, after "yes" to "Are you
 *   in danger right now?": the text says both, and never "only after you ask";
 * - an interpreter joins only with the young person told.
 * Wording is checked in English and Dutch (reviewed); the other languages are unreviewed drafts of
 * the same texts and are checked for the numbers and labels they must carry.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HandoffNotifier } from '../../bot/HandoffNotifier.js';
import { LANGUAGES } from '../../contracts/languages.js';
import type { WebChannelAdapter } from '../../directline/WebChannelAdapter.js';
import type { HandoffContext, HandoffGateway, HandoffOutcome } from '../../handoff/HandoffGateway.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { configFromEnv } from '../../server/config.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { Translator } from '../../texts/Translator.js';
import { texts } from '../helpers/botHarness.js';
import { YoungPersonClient } from '../helpers/lanternClients.js';
import { testKeys, testRedis, uniquePrefix } from '../helpers/redis.js';
import { ClockedHarness } from './clockedHarness.js';

const botText = (activity: Activity) => (activity.from?.role === 'bot' && activity.type === 'message' ? String(activity.text) : undefined);

describe('the retention the texts state is CONVERSATION_TTL_SECONDS', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    const config = configFromEnv({ CONVERSATION_TTL_SECONDS: '7200' }, { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('ttl'), port: 0, host: '127.0.0.1', logLevel: 'silent' });
    expect(config.conversationTtlSeconds).toBe(7200);
    lantern = await startLantern(config, { openingHours: OpeningHours.always() });
  });
  afterAll(() => lantern.stop());

  it.each(LANGUAGES)('%s: kept two hours: the welcome, the privacy texts and the transcript\'s TTL agree', async (language) => {
    const young = await YoungPersonClient.start(lantern, language);
    const t = new Translator({ variables: { retentionHours: 2 } }).forLanguage(language);
    const said = young.seen.map(botText);
    expect(said).toContain(t('welcome:anonymous'));
    expect(t('welcome:anonymous')).toMatch(/\b2\b|ساعتين/);
    await young.say(t('choices:privacy.title'), { choice: 'privacy' });
    await young.read();
    expect(young.seen.map(botText)).toContain(t('privacy:stored'));
    await young.say(t('choices:privacy_phone.title'), { choice: 'privacy_phone' });
    await young.read();
    expect(young.seen.map(botText)).toContain(t('privacy:phone.quickExit'));
    const ttl = await lantern.redis.ttl(lantern.keys.conversationActivities(young.conversationId));
    expect(ttl).toBeGreaterThan(7000);
    expect(ttl).toBeLessThanOrEqual(7200);
  });

  it('English and Dutch say "2 hours" and "1 hour" in the right form', () => {
    expect(new Translator({ variables: { retentionHours: 2 } }).forLanguage('en')('privacy:stored')).toContain('2 hours after your last message');
    expect(new Translator({ variables: { retentionHours: 1 } }).forLanguage('en')('privacy:stored')).toContain('1 hour after your last message');
    expect(new Translator({ variables: { retentionHours: 2 } }).forLanguage('nl')('welcome:anonymous')).toContain('2 uur na je laatste bericht');
  });
});

describe('quick exit is not delete; "delete my conversation" is', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await startLantern({ redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('exit'), port: 0, host: '127.0.0.1', logLevel: 'silent' }, { openingHours: OpeningHours.always() });
  });
  afterAll(() => lantern.stop());

  it('after a quick exit the transcript stays on the server, readable with the old token, until the retention ends', async () => {
    const young = await YoungPersonClient.start(lantern, 'en');
    await young.say('what are my rights as a child here');
    expect((await young.post({ type: 'endOfConversation' })).status).toBe(200);
    const key = lantern.keys.conversationActivities(young.conversationId);
    expect(await lantern.redis.exists(key)).toBe(1);
    expect(await lantern.redis.ttl(key)).toBeGreaterThan(0);
    expect(await lantern.redis.ttl(key)).toBeLessThanOrEqual(lantern.config.conversationTtlSeconds);
    // Someone with the old token still reads it: what the text must admit.
    const again = await fetch(`${lantern.url}/v3/directline/conversations/${young.conversationId}/activities`, { headers: { authorization: `Bearer ${(young as unknown as { token: string }).token}` } });
    expect(again.status).toBe(200);
    const { activities } = (await again.json()) as { activities: Activity[] };
    expect(activities.some((a) => a.text === 'what are my rights as a child here')).toBe(true);

    const hours = Math.round(lantern.config.conversationTtlSeconds / 3600);
    const translator = new Translator({ variables: { retentionHours: hours } });
    expect(translator.forLanguage('en')('privacy:phone.quickExit')).toMatch(/“Quick exit” hides this chat at once, but does not delete it: it stays on our server until 48 hours after your last message/);
    expect(translator.forLanguage('nl')('privacy:phone.quickExit')).toMatch(/“Snel weg” verbergt deze chat meteen, maar wist hem niet: hij blijft op onze server tot 48 uur/);
    for (const language of LANGUAGES) {
      const t = translator.forLanguage(language);
      // Every language names the button by the page's own label and the delete button by its own.
      expect(t('privacy:phone.quickExit'), language).toContain(t('web:quickExit'));
      expect(t('privacy:phone.quickExit'), language).toContain(t('choices:delete_conversation.title'));
      expect(t('privacy:phone.quickExit'), language).toMatch(/48/);
      // And none of them advises emptying the browser history.
      expect(t('privacy:phone.history'), language).toContain('incognito');
    }
    expect(translator.forLanguage('en')('privacy:phone.history')).toMatch(/Do not delete the whole history/);
  });

  it('"delete my conversation" removes the transcript at once, as the texts say', async () => {
    const young = await YoungPersonClient.start(lantern, 'nl');
    await young.say('Wis mijn gesprek', { command: 'delete_conversation' });
    const key = lantern.keys.conversationActivities(young.conversationId);
    for (let waited = 0; waited < 8_000 && (await lantern.redis.exists(key)) === 1; waited += 200) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await lantern.redis.exists(key)).toBe(0);
    const t = new Translator({ variables: { retentionHours: 48 } });
    expect(t.forLanguage('nl')('privacy:phone.quickExit')).toContain('“Wis mijn gesprek” wist hem meteen');
    expect(t.forLanguage('en')('privacy:phone.quickExit')).toContain('“Delete my conversation” deletes it at once');
  });
});

describe('when a person reads the chat', () => {
  const redis = testRedis();
  const keys = testKeys('privacytruth');
  afterAll(() => redis.quit());

  /** A gateway that records what it was asked and queues everyone. */
  function recordingGateway(asked: HandoffContext[]): HandoffGateway {
    const outcome: HandoffOutcome = { status: 'queued', position: 1, estimatedWaitMinutes: 3, counsellorsOnDuty: 1 };
    return {
      request: async (context: HandoffContext) => (asked.push(context), outcome),
      cancel: async () => true,
      left: async () => false,
      raise: async () => true,
    } as unknown as HandoffGateway;
  }

  it('"yes" to "Are you in danger right now?" asks a counsellor at once, without "talk to a person"; the privacy text says so', async () => {
    const asked: HandoffContext[] = [];
    const bot = new ClockedHarness(redis, keys, { handoff: recordingGateway(asked) });
    let replies = await bot.start('en');
    replies = await bot.press('danger', replies);
    expect(asked).toEqual([]);
    replies = await bot.press('yes', replies);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ reason: 'danger_now', priority: 'danger' });
    // The turn itself says a counsellor will read what was written.
    const t = bot.built.translator.forLanguage('en');
    expect(texts(replies)).toContain(t('handoff:dangerQueued', { position: 1 }));
    expect(t('handoff:dangerQueued', { position: 1 })).toMatch(/will read what you wrote/);

    // Every reason a handoff can start with: the ones without "talk to a person" must be in the text.
    // (The safe word asks for a person without a word on the screen: bot/safeWordSignal.ts, tests/dialogs/safeWord.test.ts.)
    const withoutAsking: Partial<Record<HandoffContext['reason'], { en: RegExp; nl: RegExp }>> = {
      danger_now: { en: /when you tell me you are in danger right now/, nl: /als je me vertelt dat je nu in gevaar bent/ },
      safe_word: { en: /when you send your safe word/, nl: /als je je veilige woord stuurt/ },
    };
    const whoReads = { en: t('privacy:whoReads'), nl: bot.built.translator.forLanguage('nl')('privacy:whoReads') };
    expect(whoReads.en).not.toMatch(/only after you ask/i);
    expect(whoReads.nl).not.toMatch(/alleen nadat je vraagt/i);
    for (const said of Object.values(withoutAsking)) {
      expect(whoReads.en).toMatch(said!.en);
      expect(whoReads.nl).toMatch(said!.nl);
    }
  });

  it('the other ways in are asked for: the signal check offers a person, it does not send one', async () => {
    const asked: HandoffContext[] = [];
    const bot = new ClockedHarness(redis, keys, { handoff: recordingGateway(asked) });
    let replies = await bot.start('nl');
    replies = await bot.press('danger', replies);
    replies = await bot.press('not_sure', replies);
    for (const answer of ['yes', 'yes', 'yes', 'yes', 'yes']) replies = await bot.press(answer, replies);
    expect(asked).toEqual([]);
    await bot.press('human', replies);
    expect(asked.map((context) => context.reason)).toEqual(['signals']);
  });

  it('the counsellor sees what the text says: the chat from the start and the answers as codes', async () => {
    const asked: HandoffContext[] = [];
    const bot = new ClockedHarness(redis, keys, { handoff: recordingGateway(asked) });
    let replies = await bot.start('en');
    replies = await bot.press('danger', replies);
    replies = await bot.press('not_sure', replies);
    for (const answer of ['yes', 'no', 'skip', 'no', 'no']) replies = await bot.press(answer, replies);
    await bot.press('human', replies);
    expect(asked[0]?.screening).toMatchObject({ dangerNow: 'unsure', signals: { threats: 'yes' } });
    const t = bot.built.translator.forLanguage('en');
    expect(t('privacy:who.counsellor')).toMatch(/read the whole chat, also what you wrote before, and sees your answers to my questions/);
  });

  it('an interpreter joins only with the young person told, in their language', async () => {
    const bot = new ClockedHarness(redis, keys, { handoff: recordingGateway([]) });
    let replies = await bot.start('ti');
    replies = await bot.press('human', replies);
    const notifier = new HandoffNotifier(bot.adapter as unknown as WebChannelAdapter, bot.built);
    const ref = { conversationId: bot.conversationId, userId: 'u_test', serviceUrl: 'https://test.invalid' };
    await notifier.handle({ type: 'accepted', ref } as Parameters<HandoffNotifier['handle']>[0]);
    bot.drain();
    await notifier.handle({ type: 'interpreter', ref, joined: true } as Parameters<HandoffNotifier['handle']>[0]);
    const t = bot.built.translator.forLanguage('ti');
    expect(texts(bot.drain())).toEqual([t('handoff:interpreterJoined')]);
    const en = bot.built.translator.forLanguage('en');
    expect(en('privacy:who.interpreter')).toMatch(/you are always told/);
    expect(en('handoff:interpreterJoined')).toMatch(/reads the chat from now on/);
  });
});

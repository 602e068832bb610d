/**
 * The safe word in the bot, in all five languages: agreeing on the offered everyday phrase (from the
 * menu) or on a word of one's own (from the typed request, with the normalisation of case,
 * diacritics, letter variants and other scripts' digits); typing it later from another dialog
 * shows nothing unusual (one ordinary-looking answer, no buttons, no handoff events), marks the
 * conversation "may be watched", raises the priority to danger and asks for a person; while
 * waiting, the next messages get the same ordinary answer. A message that merely contains the word
 * is not the safe word (only a whole message counts, as with the command words).
 */
import type { Activity } from 'botbuilder';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../contracts/languages.js';
import type { HandoffContext, HandoffGateway, HandoffOutcome } from '../../handoff/HandoffGateway.js';
import { safeWordKey, usableSafeWord } from '../../dialogs/SafeWords.js';
import { amsterdamDay } from '../../metrics/calendar.js';
import { MetricsQuery } from '../../metrics/MetricsQuery.js';
import { BotHarness, choiceIds, texts } from '../helpers/botHarness.js';
import { expectStandsFor, rawCount } from '../helpers/metrics.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const keys = testKeys('safeword');
afterAll(() => redis.quit());

/** What the counsellors' side was told. */
interface Told {
  asked: HandoffContext[];
  watched: string[];
}

/**
 * A gateway that records what it is asked and queues everyone (the dialog tests' recording gateway,
 * as in privacyTruth.test.ts; the real queue and console are in tests/handoff/safeWord.test.ts).
 */
function recordingGateway(told: Told): HandoffGateway {
  const outcome: HandoffOutcome = { status: 'queued', position: 1, estimatedWaitMinutes: 3, counsellorsOnDuty: 1 };
  return {
    request: async (context: HandoffContext) => (told.asked.push(context), outcome),
    cancel: async () => true,
    left: async () => false,
    raise: async () => true,
    flagDuringChat: async () => undefined,
    mayBeWatched: async (conversationId: string) => {
      told.watched.push(conversationId);
    },
  };
}

/** Per language: the typed request, a word of one's own, and the same word typed differently. */
const CASES: Record<Language, { request: string; own: string; typedLater: string; containing: string }> = {
  en: { request: 'safe word', own: 'Blue bicycle 7', typedLater: 'BLUE bicycle 7!', containing: 'my blue bicycle 7 is outside' },
  nl: { request: 'veilig woord', own: 'Blauwe fiets 7', typedLater: 'blauwe fiets 7.', containing: 'de blauwe fiets 7 staat buiten' },
  ar: { request: 'كلمة الأمان', own: 'الدراجة الزرقاء ٣', typedLater: 'الدرّاجة الزرقاء 3', containing: 'الدراجة الزرقاء ٣ في الخارج' },
  prs: { request: 'کلمه امن', own: 'بایسکل آبی ۷', typedLater: 'بايسكل آبي 7', containing: 'بایسکل آبی ۷ بیرون است' },
  ti: { request: 'ቃል ድሕንነት', own: 'ብሽክለታ ሰማያዊ ፫', typedLater: 'ብሽክለታ ሰማያዊ 3።', containing: 'ብሽክለታ ሰማያዊ ፫ ኣብ ደገ ኣላ' },
};

const events = (replies: Partial<Activity>[]) => replies.filter((reply) => reply.type === 'event');
const buttons = (replies: Partial<Activity>[]) => replies.flatMap((reply) => reply.suggestedActions?.actions ?? []);

describe('agreeing on a safe word and typing it later', () => {
  it.each(LANGUAGES)('%s: the offered phrase, from the menu; typed later in another dialog it shows nothing unusual, marks the conversation and asks for a person', async (language) => {
    const told: Told = { asked: [], watched: [] };
    const bot = new BotHarness(redis, keys, recordingGateway(told));
    const t = bot.built.translator.forLanguage(language);
    const offered = t('privacy:safeWord.offered');
    let replies = await bot.start(language);
    expect(choiceIds(replies)).toContain('safe_word');
    replies = await bot.press('safe_word', replies);
    // What it does, honestly what it does not, the phrase offered, and the choice.
    expect(texts(replies)).toEqual([t('privacy:safeWord.what'), t('privacy:safeWord.limits'), t('privacy:safeWord.offer', { phrase: offered }), t('privacy:safeWord.choose')]);
    expect(choiceIds(replies)).toEqual(['safe_word_offered', 'safe_word_own', 'menu']);
    replies = await bot.press('safe_word_offered', replies);
    expect(texts(replies)).toEqual([t('privacy:safeWord.set', { word: offered }), t('menu:promptAgain')]);
    expect(told).toEqual({ asked: [], watched: [] });

    // Later, in another dialog: only an ordinary-looking answer on the screen.
    replies = await bot.press('rights', replies);
    replies = await bot.say(offered);
    expect(texts(replies)).toEqual([t('privacy:safeWord.reply')]);
    expect(buttons(replies)).toEqual([]);
    expect(events(replies)).toEqual([]);
    // The counsellors' side: a person asked for, priority danger, "may be watched".
    expect(told.asked).toEqual([expect.objectContaining({ conversationId: bot.conversationId, language, priority: 'danger', reason: 'safe_word' })]);
    expect(told.asked[0]!.screening.cautions).toEqual(['may_be_watched']);
    expect(told.watched).toEqual([bot.conversationId]);

    // Waiting now: what they type next gets the same ordinary answer, never "waiting for a person".
    replies = await bot.say('ok');
    expect(texts(replies)).toEqual([t('privacy:safeWord.reply')]);
    expect(buttons(replies)).toEqual([]);
    // Typed again: told again (the consoles alert), but no second request.
    replies = await bot.say(offered);
    expect(texts(replies)).toEqual([t('privacy:safeWord.reply')]);
    expect(told.asked).toHaveLength(1);
    expect(told.watched).toEqual([bot.conversationId, bot.conversationId]);
  });

  it.each(LANGUAGES)('%s: a word of one\'s own, from the typed request; matched after normalisation, only as a whole message', async (language) => {
    const { request, own, typedLater, containing } = CASES[language];
    const told: Told = { asked: [], watched: [] };
    const bot = new BotHarness(redis, keys, recordingGateway(told));
    const t = bot.built.translator.forLanguage(language);
    let replies = await bot.start(language);
    replies = await bot.say(request);
    expect(texts(replies)[0]).toBe(t('privacy:safeWord.what'));
    replies = await bot.press('safe_word_own', replies);
    expect(texts(replies)).toEqual([t('privacy:safeWord.askOwn')]);
    // Not usable: only digits (a command word never gets here: commands work from anywhere).
    replies = await bot.say('1234');
    expect(texts(replies)).toEqual([t('privacy:safeWord.notUsable')]);
    expect(told).toEqual({ asked: [], watched: [] });
    replies = await bot.say(own);
    expect(texts(replies)).toEqual([t('privacy:safeWord.set', { word: own }), t('menu:promptAgain')]);

    // A message that merely contains the word is an ordinary message.
    replies = await bot.say(containing);
    expect(texts(replies)).not.toEqual([t('privacy:safeWord.reply')]);
    expect(told).toEqual({ asked: [], watched: [] });

    // The word, typed differently (case, punctuation, diacritics, letter forms, other digits).
    replies = await bot.say(typedLater);
    expect(texts(replies)).toEqual([t('privacy:safeWord.reply')]);
    expect(told.asked).toEqual([expect.objectContaining({ priority: 'danger', reason: 'safe_word' })]);
    expect(told.watched).toEqual([bot.conversationId]);
  });

  it('typed while already waiting for a person: no second request, nothing about waiting on the screen', async () => {
    const told: Told = { asked: [], watched: [] };
    const bot = new BotHarness(redis, keys, recordingGateway(told));
    const t = bot.built.translator.forLanguage('prs');
    let replies = await bot.start('prs');
    replies = await bot.press('safe_word', replies);
    replies = await bot.press('safe_word_offered', replies);
    replies = await bot.press('human', replies);
    expect(told.asked).toEqual([expect.objectContaining({ reason: 'talk_to_human', priority: 'normal' })]);
    replies = await bot.say(t('privacy:safeWord.offered'));
    expect(texts(replies)).toEqual([t('privacy:safeWord.reply')]);
    expect(events(replies)).toEqual([]);
    expect(told.asked).toHaveLength(1);
    expect(told.watched).toEqual([bot.conversationId]);
  });

  it('is counted once per conversation, as a language code and nothing else', async () => {
    const counted = testKeys('safeword-metrics');
    for (let index = 0; index < 5; index++) {
      const bot = new BotHarness(redis, counted, recordingGateway({ asked: [], watched: [] }));
      const offered = bot.built.translator.forLanguage('ti')('privacy:safeWord.offered');
      let replies = await bot.start('ti');
      replies = await bot.press('safe_word', replies);
      await bot.press('safe_word_offered', replies);
      await bot.say(offered);
      await bot.say(offered);
    }
    const query = new MetricsQuery({ redis, keys: counted });
    const today = amsterdamDay(new Date());
    // Five conversations typed it twice each: five, not ten (the recorder writes in the background).
    await expect.poll(() => rawCount(redis, counted, 'may_be_watched')).toBe(5);
    // Shown with the noise and the rounding: a figure that stands for 5 (10 would not).
    const shown = (await query.report(today, today, null)).watchedPhone.mayBeWatched;
    expectStandsFor(shown, 5, 'may be watched');
    // The Tigrinya figure is the same figure with the same count: it shows the same.
    expect((await query.report(today, today, 'ti')).watchedPhone.mayBeWatched).toBe(shown);
    expect((await query.report(today, today, 'ar')).watchedPhone.mayBeWatched).toBe(0);
  });

  it('before any safe word is agreed, the offered phrase is an ordinary message', async () => {
    const told: Told = { asked: [], watched: [] };
    const bot = new BotHarness(redis, keys, recordingGateway(told));
    await bot.start('en');
    const replies = await bot.say(bot.built.translator.forLanguage('en')('privacy:safeWord.offered'));
    expect(texts(replies)).not.toEqual(['🙂']);
    expect(told).toEqual({ asked: [], watched: [] });
  });
});

describe('the offered phrases and the comparison', () => {
  const harness = () => new BotHarness(redis, keys);

  it('offers one everyday phrase per language that says nothing about help, danger, police or exploitation', () => {
    const translator = harness().built.translator;
    const phrases = LANGUAGES.map((language) => translator.forLanguage(language)('privacy:safeWord.offered'));
    expect(new Set(phrases).size).toBe(LANGUAGES.length);
    const revealing = /help|hulp|danger|gevaar|police|politie|exploit|uitbuit|112|مساعد|خطر|شرطة|پولیس|کمک|ሓገዝ|ሓደጋ|ፖሊስ/i;
    for (const phrase of phrases) {
      expect(phrase).not.toMatch(revealing);
      expect(usableSafeWord(phrase)).toBe(true);
    }
  });

  it('normalises case, punctuation, diacritics, Arabic and Persian letter forms and other digits; keeps different words apart', () => {
    expect(safeWordKey('Hi! What is the weather like there today?')).toBe(safeWordKey('hi what is the weather like there today'));
    expect(safeWordKey('الدرّاجة الزرقاء ٣')).toBe(safeWordKey('الدراجة الزرقاء 3'));
    expect(safeWordKey('بایسکل آبی ۷')).toBe(safeWordKey('بايسكل آبي 7'));
    expect(safeWordKey('ብሽክለታ ሰማያዊ ፫።')).toBe(safeWordKey('ብሽክለታ ሰማያዊ 3'));
    expect(safeWordKey('blue bicycle')).not.toBe(safeWordKey('blue bicycles'));
    expect(usableSafeWord('1 2 3')).toBe(false);
    expect(usableSafeWord('!')).toBe(false);
  });
});

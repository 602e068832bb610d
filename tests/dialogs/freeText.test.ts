/**
 * Free text in the bot: every typed message is screened before the dialog sees it. Danger
 * interrupts from anywhere in every language; exploitation opens the explanation and offers a
 * person with raised priority; "talk to a person" starts the handoff; the screening codes (never
 * the text) go along with the handoff; the bot offers a language switch on clear evidence only.
 */
import type { Activity } from 'botbuilder';
import { afterAll, describe, expect, it } from 'vitest';
import type { Language } from '../../contracts/languages.js';
import { BotHarness, choiceIds, texts } from '../helpers/botHarness.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const keys = testKeys('freetext');
afterAll(() => redis.quit());

const THREATS: Record<Language, string> = {
  en: 'they will stab me if I do not bring the money',
  nl: 'ze gaan me steken als ik het geld niet breng',
  ar: 'سوف يقتلونني إذا لم أحضر المال',
  prs: 'اگر پول نبرم مرا با چاقو می‌زنند',
  ti: 'ገንዘብ እንተዘየምጻእኩ ክቐትሉኒ እዮም',
};

const handoffEvent = (replies: Partial<Activity>[]) => replies.find((r) => r.type === 'event' && r.name === 'handoff.initiate');

describe('danger in free text', () => {
  it.each(Object.entries(THREATS) as Array<[Language, string]>)('%s: a typed threat goes to 112 and the danger question from the middle of a topic', async (language, text) => {
    const bot = new BotHarness(redis, keys);
    let replies = await bot.start(language);
    replies = await bot.press('rights', replies);
    replies = await bot.say(text);
    const t = bot.built.translator.forLanguage(language);
    expect(texts(replies)).toEqual([t('danger:detected.urgent'), t('common:emergency.call'), t('danger:question')]);
    expect(choiceIds(replies)).toEqual(['yes', 'no', 'not_sure']);
  });

  it('the very first message, in danger, is answered in its own language without a welcome or a language question', async () => {
    const bot = new BotHarness(redis, keys);
    const replies = await bot.say(THREATS.ar);
    const t = bot.built.translator.forLanguage('ar');
    expect(texts(replies)).toEqual([t('danger:detected.urgent'), t('common:emergency.call'), t('danger:question')]);
  });

  it('a typed answer with danger words to "Are you in danger right now?" counts as yes', async () => {
    const bot = new BotHarness(redis, keys);
    let replies = await bot.start('en');
    replies = await bot.press('danger', replies);
    replies = await bot.say('they are outside my door with a knife');
    const t = bot.built.translator.forLanguage('en');
    expect(texts(replies).slice(0, 2)).toEqual([t('danger:yes.call112'), t('handoff:dangerUnavailable')]);
    expect(handoffEvent(replies)?.value).toMatchObject({ priority: 'danger', reason: 'danger_now' });
  });

  it('an ambiguous call for help leads to the question, never to silence', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('en');
    const replies = await bot.say('please help me');
    expect(texts(replies)).toContain(bot.built.translator.forLanguage('en')('danger:question'));
  });

  it('harmless look-alikes stay with the dialog', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('en');
    const replies = await bot.say('this game is killing me');
    expect(texts(replies)).not.toContain(bot.built.translator.forLanguage('en')('danger:question'));
  });
});

describe('fear is acknowledged before anything is asked', () => {
  const SCARED: Record<Language, string> = {
    en: "I'm scared",
    nl: 'ik ben bang',
    ar: 'أنا خائف',
    prs: 'من می‌ترسم',
    ti: 'ፈሪሐ ኣለኹ',
  };

  it.each(Object.entries(SCARED) as Array<[Language, string]>)('%s: "%s" first gets a sentence about the fear, then the danger question', async (language, text) => {
    const bot = new BotHarness(redis, keys);
    await bot.start(language);
    const replies = await bot.say(text);
    const t = bot.built.translator.forLanguage(language);
    expect(texts(replies)).toEqual([t('danger:detected.fear'), t('danger:question')]);
    expect(choiceIds(replies)).toEqual(['yes', 'no', 'not_sure']);
  });

  it.each(Object.entries(SCARED) as Array<[Language, string]>)('%s: as the very first message, too, the fear comes first', async (language, text) => {
    const bot = new BotHarness(redis, keys);
    const replies = await bot.send({ type: 'message', text, locale: language });
    const t = bot.built.translator.forLanguage(language);
    expect(texts(replies)[0]).toBe(t('danger:detected.fear'));
  });

  it('fear with a threat: the fear, then 112, then the question (four messages)', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('nl');
    const replies = await bot.say('ik ben bang dat ze me pakken');
    const t = bot.built.translator.forLanguage('nl');
    expect(texts(replies)).toEqual([t('danger:detected.fear'), t('danger:detected.urgent'), t('common:emergency.call'), t('danger:question')]);
  });

  it('"I\'m scared" as the answer to "Are you in danger right now?": the fear first, then 112 and a person', async () => {
    const bot = new BotHarness(redis, keys);
    let replies = await bot.start('en');
    replies = await bot.press('danger', replies);
    replies = await bot.say("I'm scared");
    const t = bot.built.translator.forLanguage('en');
    expect(texts(replies).slice(0, 2)).toEqual([t('danger:detected.fear'), t('danger:yes.call112')]);
    expect(handoffEvent(replies)?.value).toMatchObject({ reason: 'danger_now' });
  });

  it('other worries get the plain check, without a word about fear', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('en');
    const replies = await bot.say('please help me');
    expect(texts(replies)).not.toContain(bot.built.translator.forLanguage('en')('danger:detected.fear'));
  });
});

describe('intents in free text', () => {
  it('exploitation opens the explanation, offers a person, and raises the priority', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('nl');
    let replies = await bot.say('een man betaalt me om pakketjes te brengen in de nacht');
    const t = bot.built.translator.forLanguage('nl');
    expect(texts(replies)[0]).toBe(t('exploitation:detected'));
    expect(texts(replies).at(-1)).toBe(t('exploitation:offerPerson'));
    expect(choiceIds(replies)[0]).toBe('human');
    replies = await bot.say(t('choices:yes.title'));
    expect(handoffEvent(replies)?.value).toMatchObject({ priority: 'raised', screening: { freeText: { messages: 2, intents: expect.arrayContaining(['exploitation']) } } });
  });

  it("a command's words are not read as what the young person told us (the counsellor's \"read in the text\")", async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('prs');
    // Words of commands in Dari that the classifier alone would read as exploitation or debt.
    for (const words of [...bot.built.translator.list('prs', 'commands:return_code'), ...bot.built.translator.list('prs', 'commands:keep_longer')]) await bot.say(words);
    const replies = await bot.send({ type: 'message', text: 'x', value: { command: 'talk_to_human' } });
    const request = handoffEvent(replies)?.value as { screening: { freeText?: { messages: number; intents: string[] } } } | undefined;
    expect(request).toBeDefined();
    expect(request!.screening.freeText?.messages ?? 0).toBe(0);
    expect(request!.screening.freeText?.intents ?? []).toEqual([]);
  });

  it('"I want to talk to a real person" starts the handoff', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('en');
    const replies = await bot.say('I want to talk to a real person please');
    expect(handoffEvent(replies)).toBeDefined();
  });

  const FEAR_QUESTIONS: Record<Language, string> = {
    en: 'will the police arrest me?',
    nl: 'zal de politie mij oppakken?',
    ar: 'هل ستعتقلني الشرطة؟',
    prs: 'آیا پولیس مرا زندانی میکند؟',
    ti: 'ፖሊስ ክኣስሩኒ ድዮም?',
  };
  it.each(Object.entries(FEAR_QUESTIONS) as Array<[Language, string]>)('%s: a typed question about police or arrest reaches the non-punishment answer', async (language, text) => {
    const bot = new BotHarness(redis, keys);
    await bot.start(language);
    const replies = await bot.say(text);
    expect(texts(replies)[0]).toBe(bot.built.translator.forLanguage(language)('nonPunishment:principle'));
  });

  it('a rights question answers from the tree', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('en');
    const replies = await bot.say('what are my rights as a child here');
    expect(texts(replies)[0]).toBe(bot.built.translator.forLanguage('en')('rights:intro.everyChild'));
  });

  it('the handoff carries the screening as codes only, never the text', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('en');
    const question = await bot.say(THREATS.en);
    const replies = await bot.press('yes', question);
    const value = JSON.stringify(handoffEvent(replies)?.value);
    expect(value).toContain('"freeText"');
    expect(value).toContain('"threat"');
    expect(value).not.toContain('stab');
    expect(value).not.toContain('money');
  });
});

describe('language', () => {
  it('keeps the chosen language and offers a switch once, on several words in another language', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('en');
    let replies = await bot.say('ik wil graag weten wat mijn rechten zijn');
    const offer = replies.find((r) => r.text === bot.built.translator.forLanguage('nl')('language:offerSwitch'));
    expect(offer?.suggestedActions?.actions.map((a) => (a.value as { language?: string }).language)).toEqual(['nl', 'en']);
    // Still English: the bot does not switch silently.
    expect(texts(await bot.send({ type: 'message', text: 'menu', value: { command: 'menu' } }))).toEqual([bot.built.translator.forLanguage('en')('menu:promptAgain')]);
    replies = await bot.say('ik wil graag weten wat de hulplijnen zijn');
    expect(replies.some((r) => r.text === bot.built.translator.forLanguage('nl')('language:offerSwitch'))).toBe(false);
    replies = await bot.send({ type: 'message', text: 'Nederlands', value: { command: 'language', language: 'nl' } });
    expect(texts(replies)).toContain(bot.built.translator.forLanguage('nl')('language:changed'));
  });

  it('one or two words never trigger an offer', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('en');
    const replies = await bot.say('hallo');
    expect(replies.some((r) => String(r.text).includes('Nederlands'))).toBe(false);
  });
});

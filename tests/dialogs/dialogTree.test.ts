/**
 * Every branch of the dialog tree, in every language, table-driven: the young person's actions are
 * language-independent (press a button by its stable id, type a command word of that language),
 * and the expected replies are the locale texts of that language.
 */
import type { Activity } from 'botbuilder';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../contracts/languages.js';
import { SIGNALS } from '../../dialogs/ConversationProfile.js';
import { helplineLine, helplineLines } from '../../dialogs/helplineTexts.js';
import { MENU_CHOICES } from '../../dialogs/MenuDialog.js';
import type { Translator } from '../../texts/Translator.js';
import { choiceIds, texts } from '../helpers/botHarness.js';
import { testKeys, testRedis } from '../helpers/redis.js';
import { ClockedHarness } from './clockedHarness.js';

/** A Wednesday afternoon in Amsterdam: De Kindertelefoon is open. */
const NOW = new Date('2026-12-09T14:00:00Z');

/** A BotHarness at NOW (help lines' "open now" depends on the clock). */
class BotHarness extends ClockedHarness {
  constructor(redis: ReturnType<typeof testRedis>, keys: ReturnType<typeof testKeys>) {
    super(redis, keys, { now: NOW });
  }
}

const redis = testRedis();
const keys = testKeys('dialogs');
afterAll(() => redis.quit());

/** One action of the young person and what must come back. */
interface Step {
  /** Start the conversation the way the page does (language event). */
  start?: true;
  /** Press the button with this choice id. */
  press?: string;
  /** Type the n-th command word of this command, in the conversation's language. */
  command?: string;
  /** Type this text literally. */
  type?: string;
  /** Text keys expected, in order (interpolated in the conversation's language), or texts made at NOW. */
  expect: Expected[];
  /** Button ids expected on the last reply. */
  buttons?: readonly string[];
  /** Event names expected among the replies. */
  events?: string[];
}

/** A text made when it is said (the help lines open at NOW), in the conversation's language. */
type Made = (translator: Translator, language: Language) => string;
type Expected = string | Made;

const LINES_NOW: Made = (translator, language) => helplineLines(translator, language, NOW);
const REACHABLE_NOW: Made = (translator, language) => helplineLines(translator, language, NOW, { reachableOnly: true });
const COMENSHA_NOW: Made = (translator, language) => helplineLine(translator, language, 'comensha', NOW);

const YES_NO_SKIP = ['yes', 'no', 'skip'];
const WELCOME = ['welcome:hello', 'welcome:anonymous', 'menu:prompt'];
const EXPLOITATION_BUTTONS = ['exploitation_types', 'smuggling_vs_trafficking', 'signs', 'signal_check', 'human', 'menu'];
const RIGHTS_BUTTONS = ['rights_children', 'rights_guardian', 'rights_protected_reception', 'rights_residence', 'non_punishment', 'human', 'menu'];
const NON_PUNISHMENT = ['nonPunishment:principle', 'nonPunishment:stillVictim', 'nonPunishment:notGuaranteed', 'nonPunishment:prompt'];
const HELP: Expected[] = ['help:emergency', LINES_NOW, 'help:prompt'];
const HELP_BUTTONS = ['help_people', 'help_more', 'human', 'menu'];
const HANDOFF_UNAVAILABLE: Expected[] = ['handoff:notAvailable', 'handoff:helplines', REACHABLE_NOW, 'handoff:whatNext'];
const start: Step = { start: true, expect: WELCOME, buttons: MENU_CHOICES };

const signalQuestions = (answers: string[]): Step[] =>
  answers.map((answer, index) => ({
    press: answer,
    expect: index + 1 < SIGNALS.length ? [`signals:questions.${SIGNALS[index + 1]}`] : [],
    buttons: index + 1 < SIGNALS.length ? YES_NO_SKIP : undefined,
  }));

const BRANCHES: Record<string, Step[]> = {
  'welcome, then the menu': [start],
  'what is exploitation, with every section': [
    start,
    { press: 'exploitation', expect: ['exploitation:intro.what', 'exploitation:intro.money', 'exploitation:intro.notYourFault', 'exploitation:prompt'], buttons: EXPLOITATION_BUTTONS },
    { press: 'exploitation_types', expect: ['exploitation:types.criminal', 'exploitation:types.sexual', 'exploitation:types.labour', 'exploitation:prompt'], buttons: EXPLOITATION_BUTTONS },
    { press: 'smuggling_vs_trafficking', expect: ['exploitation:smuggling.smuggling', 'exploitation:smuggling.trafficking', 'exploitation:smuggling.both', 'exploitation:prompt'] },
    { press: 'signs', expect: ['exploitation:signs.intro', 'exploitation:signs.list', 'exploitation:signs.addUp', 'exploitation:prompt'] },
    { press: 'menu', expect: ['menu:promptAgain'], buttons: MENU_CHOICES },
  ],
  'my rights, with every section, on to non-punishment': [
    start,
    { press: 'rights', expect: ['rights:intro.everyChild', 'rights:intro.papers', 'rights:prompt'], buttons: RIGHTS_BUTTONS },
    { press: 'rights_children', expect: ['rights:children.intro', 'rights:children.protection', 'rights:children.more', 'rights:prompt'] },
    { press: 'rights_guardian', expect: ['rights:guardian.guardian', 'rights:guardian.mentor', 'rights:guardian.lawyer', 'rights:prompt'] },
    { press: 'rights_protected_reception', expect: ['rights:protectedReception.what', 'rights:protectedReception.rest', 'rights:protectedReception.open', 'rights:prompt'] },
    { press: 'rights_residence', expect: ['rights:residence.two', 'rights:residence.police', 'rights:residence.check', 'rights:prompt'] },
    { press: 'non_punishment', expect: NON_PUNISHMENT, buttons: ['np_police', 'help', 'human', 'menu'] },
  ],
  'will I be punished, whether to go to the police, on to where to get help, then a person': [
    start,
    { press: 'non_punishment', expect: NON_PUNISHMENT },
    { press: 'np_police', expect: ['nonPunishment:police.talkFirst', 'nonPunishment:police.tradeOff', 'nonPunishment:prompt'], buttons: ['np_police', 'help', 'human', 'menu'] },
    { press: 'help', expect: HELP, buttons: HELP_BUTTONS },
    { press: 'help_people', expect: ['help:people', 'help:location', 'help:prompt'], buttons: HELP_BUTTONS },
    { press: 'help_more', expect: [COMENSHA_NOW, 'help:language', 'help:prompt'], buttons: HELP_BUTTONS },
    { press: 'human', expect: HANDOFF_UNAVAILABLE, buttons: ['help', 'menu'], events: ['handoff.initiate'] },
    { press: 'menu', expect: ['menu:promptAgain'], buttons: MENU_CHOICES },
  ],
  'is this chat anonymous, who can read it, quick exit': [
    start,
    { press: 'privacy', expect: ['privacy:stored', 'privacy:whoReads', 'privacy:prompt'], buttons: ['privacy_who', 'privacy_phone', 'privacy_code', 'delete_conversation', 'human', 'menu'] },
    { press: 'privacy_who', expect: ['privacy:who.counsellor', 'privacy:who.interpreter', 'privacy:prompt'] },
    { press: 'privacy_phone', expect: ['privacy:phone.quickExit', 'privacy:phone.history', 'privacy:prompt'] },
    { press: 'menu', expect: ['menu:promptAgain'] },
  ],
  'in danger now and nobody can come: 112 and the 24/7 line first, honest, three messages': [
    start,
    { press: 'danger', expect: ['danger:question'], buttons: ['yes', 'no', 'not_sure'] },
    { press: 'yes', expect: ['danger:yes.call112', 'handoff:dangerUnavailable', 'handoff:whatNext'], events: ['handoff.initiate'] },
  ],
  'not in danger: reassurance and the offer of a check': [
    start,
    { press: 'danger', expect: ['danger:question'] },
    { press: 'no', expect: ['danger:no.good', 'danger:no.offerCheck'], buttons: ['signal_check', 'human', 'menu'] },
    { press: 'signal_check', expect: ['signals:intro', 'signals:questions.threats'], buttons: YES_NO_SKIP },
    ...signalQuestions(['no', 'no', 'no', 'no']),
    { press: 'no', expect: ['signals:result.none', 'signals:result.whatNext'], buttons: ['human', 'exploitation', 'menu'] },
  ],
  'not sure: several soft signals together lead to a person with raised priority': [
    start,
    { press: 'danger', expect: ['danger:question'] },
    { press: 'not_sure', expect: ['signals:intro', 'signals:questions.threats'], buttons: YES_NO_SKIP },
    ...signalQuestions(['no', 'yes', 'yes', 'skip']),
    { press: 'no', expect: ['signals:result.several', 'signals:result.notYourFault', 'signals:result.offerPerson'], buttons: ['human', 'exploitation', 'menu'] },
    { press: 'human', expect: HANDOFF_UNAVAILABLE, events: ['handoff.initiate'] },
  ],
  'not sure: a threat alone raises priority and repeats 112': [
    start,
    { press: 'danger', expect: ['danger:question'] },
    { press: 'not_sure', expect: ['signals:intro', 'signals:questions.threats'] },
    ...signalQuestions(['yes', 'no', 'no', 'no']),
    { press: 'no', expect: ['signals:result.several', 'signals:result.notYourFault', 'signals:result.threats112', 'signals:result.offerPerson'] },
  ],
  'not sure: one soft signal offers a person': [
    start,
    { press: 'danger', expect: ['danger:question'] },
    { press: 'not_sure', expect: ['signals:intro', 'signals:questions.threats'] },
    ...signalQuestions(['no', 'yes', 'no', 'no']),
    { press: 'no', expect: ['signals:result.one', 'signals:result.offerPerson'] },
    { press: 'exploitation', expect: ['exploitation:intro.what', 'exploitation:intro.money', 'exploitation:intro.notYourFault', 'exploitation:prompt'] },
  ],
  'talk to a person from the menu': [
    start,
    { press: 'human', expect: HANDOFF_UNAVAILABLE, buttons: ['help', 'menu'], events: ['handoff.initiate'] },
    { press: 'help', expect: HELP },
  ],
  'typed commands interrupt from anywhere': [
    start,
    { press: 'rights', expect: ['rights:intro.everyChild', 'rights:intro.papers', 'rights:prompt'] },
    { command: 'help', expect: ['common:help.what', 'common:help.buttons', 'common:help.danger', 'rights:prompt'], buttons: RIGHTS_BUTTONS },
    { command: 'emergency', expect: ['common:emergency.call', 'common:emergency.safe', 'rights:prompt'], buttons: RIGHTS_BUTTONS },
    { command: 'menu', expect: ['menu:promptAgain'], buttons: MENU_CHOICES },
    { press: 'danger', expect: ['danger:question'] },
    { command: 'talk_to_human', expect: HANDOFF_UNAVAILABLE, events: ['handoff.initiate'] },
    { command: 'language', expect: ['language:prompt'], buttons: LANGUAGES.map((l) => `lang_${l}`) },
    { command: 'stop', expect: ['common:stopped', 'common:emergency.call'] },
    { type: 'hello', expect: ['menu:prompt'], buttons: MENU_CHOICES },
  ],
  'something the bot does not understand gets a clear answer and the same buttons': [
    start,
    { type: 'qwzx', expect: ['common:notUnderstood'], buttons: MENU_CHOICES },
  ],
  'typed personal details get a gentle warning': [
    start,
    { type: '06-12345678', expect: ['common:personalDetails', 'menu:prompt'], buttons: MENU_CHOICES },
  ],
};

/** Runs a script in one language and checks every reply. */
async function walk(language: Language, steps: Step[]): Promise<BotHarness> {
  const bot = new BotHarness(redis, keys);
  const t = bot.built.translator.forLanguage(language);
  let replies: Partial<Activity>[] = [];
  for (const [index, step] of steps.entries()) {
    if (step.start) replies = await bot.start(language);
    else if (step.press) replies = await bot.press(step.press, replies);
    else if (step.command) replies = await bot.say(bot.built.translator.list(language, `commands:${step.command}`)[0] ?? '');
    else if (step.type !== undefined) replies = await bot.say(step.type);
    const where = `${language}, step ${index + 1}`;
    expect(texts(replies), where).toEqual(step.expect.map((key) => (typeof key === 'function' ? key(bot.built.translator, language) : t(key, { position: 1 }))));
    if (step.buttons) expect(choiceIds(replies), where).toEqual([...step.buttons]);
    for (const name of step.events ?? []) expect(replies.some((r) => r.type === 'event' && r.name === name), `${where}: event ${name}`).toBe(true);
  }
  return bot;
}

describe.each(LANGUAGES)('dialog tree in %s', (language) => {
  it.each(Object.entries(BRANCHES))('%s', async (_name, steps) => {
    await walk(language, steps);
  });

  it('switches language from anywhere and tells the page', async () => {
    const other: Language = language === 'ti' ? 'ar' : 'ti';
    const bot = await walk(language, [start, { press: 'rights', expect: ['rights:intro.everyChild', 'rights:intro.papers', 'rights:prompt'] }]);
    let replies = await bot.say(bot.built.translator.list(language, 'commands:language')[0] ?? '');
    replies = await bot.press(`lang_${other}`, replies);
    const tOther = bot.built.translator.forLanguage(other);
    expect(replies.find((r) => r.type === 'event')).toMatchObject({ name: 'lantern.language', value: other });
    expect(texts(replies)).toEqual([tOther('language:changed'), tOther('menu:prompt')]);
    replies = await bot.press('help', replies);
    expect(texts(replies)[0]).toBe(tOther('help:emergency'));
  });

  it('recognises typed button titles and synonyms without the button value', async () => {
    const bot = await walk(language, [start]);
    const t = bot.built.translator.forLanguage(language);
    const replies = await bot.say(t('choices:rights.title'));
    expect(texts(replies)[0]).toBe(t('rights:intro.everyChild'));
    const synonym = bot.built.translator.list(language, 'choices:menu.synonyms')[0] ?? '';
    expect(texts(await bot.say(synonym))).toEqual([t('menu:promptAgain')]);
  });
});

describe('choice recognition across scripts', () => {
  it.each([
    ['ar', '٢'],
    ['prs', '۲'],
    ['ti', '፪'],
    ['en', '2'],
    ['nl', '2.'],
  ] as const)('%s: the digit %s picks the second menu button', async (language, digit) => {
    const bot = await walk(language, [start]);
    const replies = await bot.say(digit);
    expect(texts(replies)[0]).toBe(bot.built.translator.forLanguage(language)('exploitation:intro.what'));
  });

  it('a button value wins over its text, so a label in another language still works', async () => {
    const bot = await walk('ti', [start]);
    const replies = await bot.send({ type: 'message', text: 'My rights', value: { choice: 'rights' } });
    expect(texts(replies)[0]).toBe(bot.built.translator.forLanguage('ti')('rights:intro.everyChild'));
  });

  it("the page's always-visible buttons work by value in any language", async () => {
    const bot = await walk('prs', [start]);
    const replies = await bot.send({ type: 'message', text: 'x', value: { command: 'emergency' } });
    const t = bot.built.translator.forLanguage('prs');
    expect(texts(replies).slice(0, 2)).toEqual([t('common:emergency.call'), t('common:emergency.safe')]);
  });

  it('typing the emergency number of config/helplines.json works as the 112 button, in every language', async () => {
    for (const language of LANGUAGES) {
      const bot = await walk(language, [start]);
      const t = bot.built.translator.forLanguage(language);
      const replies = await bot.say(String(bot.built.translator.variable('emergencyPhone')));
      expect(texts(replies).slice(0, 2), language).toEqual([t('common:emergency.call'), t('common:emergency.safe')]);
    }
  });

  it('"stop" inside a sentence does not stop the chat', async () => {
    const bot = await walk('en', [start]);
    const replies = await bot.say('they will not stop calling me');
    expect(texts(replies)).not.toContain(bot.built.translator.forLanguage('en')('common:stopped'));
  });
});

describe('handoff context', () => {
  it('carries language, priority, topics and screening answers as codes', async () => {
    const bot = new BotHarness(redis, keys);
    let replies = await bot.start('ti');
    replies = await bot.press('exploitation', replies);
    replies = await bot.press('menu', replies);
    replies = await bot.press('danger', replies);
    replies = await bot.press('not_sure', replies);
    for (const answer of ['yes', 'yes', 'no', 'skip', 'no']) replies = await bot.press(answer, replies);
    replies = await bot.press('human', replies);
    const event = replies.find((r) => r.type === 'event' && r.name === 'handoff.initiate');
    expect(event?.value).toEqual({
      conversationId: expect.any(String),
      language: 'ti',
      priority: 'raised',
      topics: ['exploitation', 'danger_check', 'signal_check'],
      screening: { dangerNow: 'unsure', signals: { threats: 'yes', debt: 'yes', money_or_phone_kept: 'no', told_where_to_be: 'skip', picked_up_by_cars: 'no' } },
      reason: 'signals',
    });
  });

  it('danger now gives top priority', async () => {
    const bot = new BotHarness(redis, keys);
    let replies = await bot.start('ar');
    replies = await bot.press('danger', replies);
    replies = await bot.press('yes', replies);
    const event = replies.find((r) => r.name === 'handoff.initiate');
    expect(event?.value).toMatchObject({ priority: 'danger', reason: 'danger_now', screening: { dangerNow: 'yes' } });
  });
});

describe('conversation start and end', () => {
  it('asks for the language when the client gave none', async () => {
    const bot = new BotHarness(redis, keys);
    const replies = await bot.say('hi');
    expect(choiceIds(replies)).toEqual(LANGUAGES.map((l) => `lang_${l}`));
    const next = await bot.press('lang_ti', replies);
    const t = bot.built.translator.forLanguage('ti');
    expect(texts(next)).toEqual([t('language:changed'), ...WELCOME.map((k) => t(k))]);
  });

  it('takes the language from the client locale (fa-AF is Dari)', async () => {
    const bot = new BotHarness(redis, keys);
    const replies = await bot.say('salam', 'fa-AF');
    expect(texts(replies)[0]).toBe(bot.built.translator.forLanguage('prs')('welcome:hello'));
  });

  it('a quick exit forgets the conversation state at once', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('nl');
    const stateKeys = await redis.keys(`${keys.prefix}state:*${bot.conversationId}*`);
    expect(stateKeys.length).toBeGreaterThan(0);
    await bot.send({ type: 'endOfConversation' });
    for (const key of stateKeys) expect(await redis.exists(key)).toBe(0);
  });
});

describe('yes/no questions above other buttons', () => {
  it.each(LANGUAGES)('%s: a typed "yes" to "talk to a person about it?" starts the handoff', async (language) => {
    const bot = await walk(language, [
      start,
      { press: 'danger', expect: ['danger:question'] },
      { press: 'not_sure', expect: ['signals:intro', 'signals:questions.threats'] },
      ...signalQuestions(['no', 'yes', 'no', 'no']),
      { press: 'no', expect: ['signals:result.one', 'signals:result.offerPerson'] },
    ]);
    const yes = bot.built.translator.forLanguage(language)('choices:yes.title');
    const replies = await bot.say(yes);
    expect(replies.some((r) => r.name === 'handoff.initiate')).toBe(true);
  });

  it.each(LANGUAGES)('%s: a typed "no" to "answer a few questions?" goes back to the menu', async (language) => {
    const bot = await walk(language, [start, { press: 'danger', expect: ['danger:question'] }, { press: 'no', expect: ['danger:no.good', 'danger:no.offerCheck'] }]);
    const no = bot.built.translator.forLanguage(language)('choices:no.title');
    expect(texts(await bot.say(no))).toEqual([bot.built.translator.forLanguage(language)('menu:promptAgain')]);
  });
});

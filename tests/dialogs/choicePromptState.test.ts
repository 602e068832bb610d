/**
 * What a question with buttons keeps in the conversation's stored dialog state: its language, text
 * key and choice ids, never the translated texts (they are made from the ids when it asks or reads
 * an answer). A conversation whose state was saved before that, with the texts and full choices in
 * the prompt's options (one in the middle of a question during a deploy), goes on as it did: the
 * same question and buttons again, buttons pressed and words typed recognised, in every language.
 */
import type { Activity } from 'botbuilder';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../contracts/languages.js';
import { RedisStorage } from '../../directline/RedisStorage.js';
import { LocalizedChoices } from '../../dialogs/localizedChoices.js';
import { BotHarness, choiceIds, lastActions, texts } from '../helpers/botHarness.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const keys = testKeys('choicestate');
const storage = new RedisStorage({ redis, keys, ttlSeconds: 600 });
afterAll(() => redis.quit());

const RIGHTS_BUTTONS = ['rights_children', 'rights_guardian', 'rights_protected_reception', 'rights_residence', 'non_punishment', 'human', 'menu'];

/** One entry of a dialog stack, as stored. */
interface StoredDialog {
  id: string;
  state: { dialogs?: { dialogStack: StoredDialog[] }; options?: Record<string, unknown> };
}

/** The conversation's stored bot state and its storage key. */
async function storedState(bot: BotHarness): Promise<{ key: string; item: Record<string, unknown> }> {
  const key = `webchat/conversations/${bot.conversationId}/`;
  const item = (await storage.read([key]))[key] as Record<string, unknown> | undefined;
  if (!item) throw new Error('no stored state');
  return { key, item };
}

/** The innermost active dialog of a stored dialog stack (the open question). */
function innermost(stack: StoredDialog[]): StoredDialog {
  const top = stack[stack.length - 1]!;
  return top.state.dialogs?.dialogStack.length ? innermost(top.state.dialogs.dialogStack) : top;
}

/** Starts a conversation in a language and opens "My rights" (its question is then open). */
async function inRights(language: Language): Promise<{ bot: BotHarness; replies: Partial<Activity>[] }> {
  const bot = new BotHarness(redis, keys);
  const replies = await bot.press('rights', await bot.start(language));
  expect(choiceIds(replies)).toEqual(RIGHTS_BUTTONS);
  return { bot, replies };
}

/** Rewrites the open question's stored options the way they were stored before: texts and full choices. */
async function storeOldShape(bot: BotHarness, language: Language): Promise<void> {
  const { key, item } = await storedState(bot);
  const prompt = innermost((item.dialogState as { dialogStack: StoredDialog[] }).dialogStack);
  expect(prompt.id).toBe('choicePrompt');
  const t = bot.built.translator.forLanguage(language);
  const choices = new LocalizedChoices(bot.built.translator).get(language, RIGHTS_BUTTONS).recognition;
  prompt.state.options = { prompt: t('rights:prompt'), retryPrompt: t('common:notUnderstood'), choices: JSON.parse(JSON.stringify(choices)) as unknown };
  await storage.write({ [key]: item });
}

describe('the stored dialog state of a question', () => {
  it.each(LANGUAGES)('%s: keeps the language, the text key and the choice ids, no texts', async (language) => {
    const { bot } = await inRights(language);
    const { item } = await storedState(bot);
    const prompt = innermost((item.dialogState as { dialogStack: StoredDialog[] }).dialogStack);
    expect(prompt.state.options).toEqual({ language, promptKey: 'rights:prompt', choiceIds: RIGHTS_BUTTONS });
    const t = bot.built.translator.forLanguage(language);
    const stored = JSON.stringify(item);
    for (const id of RIGHTS_BUTTONS) expect(stored, id).not.toContain(t(`choices:${id}.title`));
    expect(stored).not.toContain(t('rights:prompt'));
  });

  it('keeps the typed aliases of a yes/no question above other buttons', async () => {
    const bot = new BotHarness(redis, keys);
    let replies = await bot.press('danger', await bot.start('nl'));
    replies = await bot.press('no', replies);
    expect(choiceIds(replies)).toEqual(['signal_check', 'human', 'menu']);
    const { item } = await storedState(bot);
    const prompt = innermost((item.dialogState as { dialogStack: StoredDialog[] }).dialogStack);
    expect(prompt.state.options).toEqual({ language: 'nl', promptKey: 'danger:no.offerCheck', choiceIds: ['signal_check', 'human', 'menu'], aliases: { signal_check: ['yes'], menu: ['no'] } });
  });

  it('asks again with the same text and buttons as the first time', async () => {
    const { bot, replies } = await inRights('ti');
    const again = await bot.say(bot.built.translator.list('ti', 'commands:help')[0] ?? '');
    expect(texts(again).at(-1)).toBe(texts(replies).at(-1));
    expect(lastActions(again)).toEqual(lastActions(replies));
  });
});

describe('a question stored before (texts and full choices in its options)', () => {
  it.each(LANGUAGES)('%s: is asked again the same way, and a pressed button goes on', async (language) => {
    const { bot, replies } = await inRights(language);
    await storeOldShape(bot, language);
    const again = await bot.say(bot.built.translator.list(language, 'commands:help')[0] ?? '');
    expect(texts(again).at(-1)).toBe(texts(replies).at(-1));
    expect(lastActions(again)).toEqual(lastActions(replies));
    const next = await bot.press('rights_guardian', again);
    const t = bot.built.translator.forLanguage(language);
    expect(texts(next)).toEqual([t('rights:guardian.guardian'), t('rights:guardian.mentor'), t('rights:guardian.lawyer'), t('rights:prompt')]);
    // The next question is stored the new way.
    const { item } = await storedState(bot);
    expect(innermost((item.dialogState as { dialogStack: StoredDialog[] }).dialogStack).state.options).toMatchObject({ promptKey: 'rights:prompt', choiceIds: RIGHTS_BUTTONS });
  });

  it.each(LANGUAGES)('%s: recognises a typed button title, a synonym and a button number', async (language) => {
    const t = (await inRights(language)).bot.built.translator.forLanguage(language);
    const typed = async (text: string) => {
      const { bot } = await inRights(language);
      await storeOldShape(bot, language);
      return texts(await bot.say(text));
    };
    expect((await typed(t('choices:rights_children.title')))[0]).toBe(t('rights:children.intro'));
    const synonym = (await inRights(language)).bot.built.translator.list(language, 'choices:menu.synonyms')[0] ?? '';
    expect(await typed(synonym)).toEqual([t('menu:promptAgain')]);
    expect((await typed('2'))[0]).toBe(t('rights:guardian.guardian'));
  });
});

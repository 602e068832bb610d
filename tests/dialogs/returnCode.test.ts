/**
 * The young person asks the bot for a return code, typed in each of the five languages (a word of
 * locales/<lng>/commands.json "return_code"), or by the event `lantern.returnCode` any client may
 * send: the bot answers in their language with the code in the text and in
 * `channelData.returnCode`, says what it opens and for how long, and only a keyed hash of the
 * code is stored, naming this conversation. Asking again replaces the code; "delete my
 * conversation" makes it useless at once.
 */
import type { Activity } from 'botbuilder';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contracts/languages.js';
import { normalizeReturnCode } from '../../contracts/returnCode.js';
import { Translator } from '../../texts/Translator.js';
import { isolatedCode } from '../../dialogs/returnCode.js';
import { BotHarness } from '../helpers/botHarness.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const keys = testKeys('returncode-dialog');
const translator = new Translator({ variables: { retentionHours: 48 } });
afterAll(() => redis.quit());

/** The reply that carries a return code, and the code. */
function codeReply(replies: Partial<Activity>[]): { reply: Partial<Activity>; code: string } {
  const reply = replies.find((r) => typeof (r.channelData as { returnCode?: unknown } | undefined)?.returnCode === 'string');
  expect(reply, 'a reply with channelData.returnCode').toBeDefined();
  return { reply: reply!, code: (reply!.channelData as { returnCode: string }).returnCode };
}

describe('a return code, asked for in each language', () => {
  it.each(LANGUAGES)('%s: typed request → the code in the text and channelData, the honest texts, only a hash stored', async (language) => {
    const bot = new BotHarness(redis, keys);
    await bot.start(language);
    const word = translator.list(language, 'commands:return_code')[0]!;
    const replies = await bot.say(word);
    const { reply, code } = codeReply(replies);
    expect(code).toMatch(/^\d{4} \d{4} \d{4}$/);
    const t = translator.forLanguage(language);
    // The harness's codes live 600 s: the text states that many hours, rounded (0), in the language's plural form.
    const hours = Math.round(bot.returnCodes.ttlSeconds / 3600);
    // The code keeps its left-to-right order inside an Arabic or Dari sentence.
    expect(reply.text).toBe(t('returnCode:code', { code: isolatedCode(code) }));
    const said = replies.map((r) => r.text);
    expect(said).toContain(t('returnCode:use'));
    expect(said).toContain(t('returnCode:keeps', { retentionHours: hours, count: hours }));
    // Only the hash: no key and no value holds the digits.
    const digits = normalizeReturnCode(code)!;
    const stored = await redis.keys(`${keys.prefix}*`);
    for (const key of stored) {
      expect(key).not.toContain(digits);
      if ((await redis.type(key)) === 'string') expect(await redis.get(key)).not.toContain(digits);
    }
    const index = await redis.get(keys.returnCodeOfConversation(bot.conversationId));
    expect(index).toBeTruthy();
    expect(await redis.get(keys.returnCode(index!))).toBe(bot.conversationId);
    expect(await redis.ttl(keys.returnCode(index!))).toBeGreaterThan(0);
  });
});

describe('the event, asking again, deleting', () => {
  it('the event lantern.returnCode gives a code; asking again replaces it; "delete my conversation" revokes it', async () => {
    const bot = new BotHarness(redis, keys);
    await bot.start('prs');
    const first = codeReply(await bot.send({ type: 'event', name: 'lantern.returnCode' })).code;
    const firstHash = await redis.get(keys.returnCodeOfConversation(bot.conversationId));
    const second = codeReply(await bot.send({ type: 'event', name: 'lantern.returnCode' })).code;
    expect(second).not.toBe(first);
    const secondHash = await redis.get(keys.returnCodeOfConversation(bot.conversationId));
    expect(secondHash).not.toBe(firstHash);
    // The old code is gone; the new one names the conversation.
    expect(await redis.exists(keys.returnCode(firstHash!))).toBe(0);
    expect(await redis.get(keys.returnCode(secondHash!))).toBe(bot.conversationId);

    await bot.send({ type: 'message', text: 'x', value: { command: 'delete_conversation' } });
    expect(await redis.exists(keys.returnCode(secondHash!), keys.returnCodeOfConversation(bot.conversationId))).toBe(0);
  });
});

describe('the privacy text about return codes is true to the code', () => {
  it.each(LANGUAGES)('%s: "return code" says a code opens the chat for the retention the stored hash has', async (language) => {
    const bot = new BotHarness(redis, keys);
    await bot.start(language);
    const t = translator.forLanguage(language);
    await bot.send({ type: 'message', text: 'x', value: { choice: 'privacy' } });
    const said = (await bot.send({ type: 'message', text: 'x', value: { choice: 'privacy_code' } })).map((r) => r.text);
    expect(said).toContain(t('privacy:phone.returnCode'));
    expect(t('privacy:phone.returnCode')).toContain('48');
    expect(t('privacy:phone.returnCode')).toContain(t('web:quickExit'));
    expect(t('privacy:phone.returnCode')).toContain(t('choices:delete_conversation.title'));
    // 48 hours: the life of the stored hash.
    codeReply(await bot.send({ type: 'event', name: 'lantern.returnCode' }));
    const hash = await redis.get(keys.returnCodeOfConversation(bot.conversationId));
    const ttl = await redis.ttl(keys.returnCode(hash!));
    expect(ttl).toBeGreaterThan(48 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(48 * 3600);
  });
});

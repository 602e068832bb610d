/**
 * A question with buttons reads each answer once: a button pressed, words typed that match a button,
 * words that match none (asked again). The SDK's "activityReceived" event neither recognises the
 * answer a second time nor climbs the dialog stack. Real Redis, the real bot.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LanternChoicePrompt } from '../../dialogs/LanternChoicePrompt.js';
import { BotHarness, choiceIds, loggedErrors } from '../helpers/botHarness.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const keys = testKeys('promptrecognition');
afterAll(() => redis.quit());
afterEach(() => vi.restoreAllMocks());

type Recognize = (...args: unknown[]) => Promise<unknown>;

describe('a question with buttons', () => {
  it.each([
    ['a button pressed', 'en', (bot: BotHarness, replies: Awaited<ReturnType<BotHarness['start']>>) => bot.press('rights', replies), true],
    ['words that match a button', 'nl', (bot: BotHarness) => bot.say('mijn rechten'), true],
    ['words that match none', 'ar', (bot: BotHarness) => bot.say('٩٩'), false],
  ] as const)('reads %s once (%s)', async (_what, language, answer, moves) => {
    const bot = new BotHarness(redis, keys);
    const first = await bot.start(language);
    const prototype = LanternChoicePrompt.prototype as unknown as { onRecognize: Recognize };
    const recognize = vi.spyOn(prototype, 'onRecognize');
    const errorsBefore = loggedErrors.length;
    const replies = await answer(bot, first);
    expect(recognize).toHaveBeenCalledTimes(1);
    expect(loggedErrors.length).toBe(errorsBefore);
    // Moved on to the next question, or the same question again.
    if (moves) expect(choiceIds(replies)).not.toEqual(choiceIds(first));
    else expect(choiceIds(replies)).toEqual(choiceIds(first));
  });
});

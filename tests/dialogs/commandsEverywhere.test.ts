/**
 * States x inputs, table-driven: every command (button and typed), the page's language event with
 * good and malformed values, and malformed messages, from every state of the conversation and every
 * way into the wait for a person. None may end in "something went wrong", a logged turn error, or a
 * turn without any answer. Real dialogs, real Redis, the real BullMQ queue behind the gateway.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CHAT_COMMANDS } from '../../contracts/ChatCommand.js';
import { Translator } from '../../texts/Translator.js';
import { CounsellorPresence } from '../../handoff/CounsellorPresence.js';
import { HandoffQueue } from '../../handoff/HandoffQueue.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { QueueHandoffGateway } from '../../handoff/QueueHandoffGateway.js';
import { WaitEstimator } from '../../handoff/WaitEstimator.js';
import { BotHarness, loggedErrors } from '../helpers/botHarness.js';
import { testKeys, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const keys = testKeys('everywhere');
const queue = new HandoffQueue({ redis, keys });
const presence = new CounsellorPresence({ redis, keys });
const gateway = new QueueHandoffGateway({ queue, presence, estimator: new WaitEstimator({ redis, keys }), openingHours: OpeningHours.always() });
const translator = new Translator({ variables: { retentionHours: 48 } });
const turnError = translator.forLanguage('en')('common:turnError');
afterAll(async () => {
  await queue.close();
  await redis.quit();
});

type Replies = Partial<Activity>[];
const button = (command: string): Partial<Activity> => ({ type: 'message', text: command, value: { command } });
const press = (choice: string): Partial<Activity> => ({ type: 'message', text: choice, value: { choice } });

/** Ways to reach a state, as a list of activities after the language event. */
const STATES: Record<string, Array<Partial<Activity>>> = {
  'the menu': [],
  'inside a topic': [press('rights')],
  'after a section of a topic': [press('rights'), press('rights_children')],
  'waiting, asked after a section of a topic': [press('exploitation'), press('signs'), press('human')],
  'a signal-check question': [press('danger'), press('not_sure')],
  'the danger question': [press('danger')],
  'after stop (no dialog)': [button('stop')],
  'waiting, asked with the command': [button('talk_to_human')],
  'waiting, asked with the menu button': [press('human')],
  'waiting, asked from a topic': [press('rights'), press('human')],
  'waiting, asked at the end of the signal check': [press('danger'), press('not_sure'), press('yes'), press('yes'), press('no'), press('no'), press('no'), press('human')],
  'waiting, from "yes, I am in danger"': [press('danger'), press('yes')],
  'waiting, then the menu': [button('talk_to_human'), button('menu')],
  'waiting, after a long wait': [button('talk_to_human'), button('keep_waiting')],
};

/** Inputs the page (or a hostile client) can send. */
const INPUTS: Record<string, Partial<Activity>> = {
  ...Object.fromEntries(CHAT_COMMANDS.filter((c) => c !== 'delete_conversation').map((c) => [`button ${c}`, button(c)])),
  'typed "menu"': { type: 'message', text: 'menu' },
  'typed "112"': { type: 'message', text: '112' },
  'typed "stop"': { type: 'message', text: 'stop' },
  'typed free text': { type: 'message', text: "I'm here" },
  'language event, good': { type: 'event', name: 'lantern.language', value: 'nl' },
  'language event, object value': { type: 'event', name: 'lantern.language', value: { language: 'nl' } },
  'language event, number value': { type: 'event', name: 'lantern.language', value: 42 },
  'language button, unknown language': { type: 'message', text: 'x', value: { command: 'language', language: 'xx' } },
  'unknown command value': { type: 'message', text: 'x', value: { command: 'nonsense' } },
  'choice that is not offered': { type: 'message', text: 'x', value: { choice: 'rights_residence' } },
  'choice of the wrong type': { type: 'message', text: 'x', value: { choice: 123 } },
  'value of the wrong type': { type: 'message', value: 'plain string' },
  'unknown event': { type: 'event', name: 'something.else', value: { deep: { deeper: [1, 2, 3] } } },
  'delete my conversation': button('delete_conversation'),
};

describe('commands and malformed input from every state', () => {
  beforeEach(() => {
    loggedErrors.length = 0;
  });

  for (const [state, path] of Object.entries(STATES)) {
    describe(`from ${state}`, () => {
      for (const [input, activity] of Object.entries(INPUTS)) {
        it(input, async () => {
          const bot = new BotHarness(redis, keys, gateway);
          await bot.start('en');
          for (const step of path) {
            const replies = await bot.send(step);
            expect(replies.map((r) => r.text)).not.toContain(turnError);
          }
          const replies: Replies = await bot.send(activity);
          expect(loggedErrors).toEqual([]);
          expect(replies.map((r) => r.text)).not.toContain(turnError);
          // A message always gets an answer (an event may be answered by silence).
          if (activity.type === 'message') expect(replies.length).toBeGreaterThan(0);
          await queue.cancel(bot.conversationId);
        });
      }
    });
  }
});

/**
 * Turns short enough for a phone, in every language: the whole dialog tree is walked (every button
 * from every state, and typed commands, fear and a threat from every state), with every way the
 * handoff can answer (nobody can come, closed, queued with and without counsellors online) and the
 * help lines open and closed; no turn may have more than MAX_MESSAGES messages or MAX_CHARACTERS
 * characters. The welcome is at most three messages and fits the first screen of a 360x640 phone
 * with the danger button first; the proactive "you have waited long" turn is measured too.
 */
import type { Activity } from 'botbuilder';
import { afterAll, describe, expect, it } from 'vitest';
import { HandoffNotifier } from '../../bot/HandoffNotifier.js';
import { LANGUAGE_INFO, LANGUAGES, type Language } from '../../contracts/languages.js';
import { MENU_CHOICES } from '../../dialogs/MenuDialog.js';
import type { WebChannelAdapter } from '../../directline/WebChannelAdapter.js';
import type { HandoffGateway, HandoffOutcome } from '../../handoff/HandoffGateway.js';
import { choiceIds, texts } from '../helpers/botHarness.js';
import { testKeys, testRedis } from '../helpers/redis.js';
import { buttonIds, ClockedHarness } from './clockedHarness.js';

const redis = testRedis();
const keys = testKeys('turns');
afterAll(() => redis.quit());

/** Most messages one turn may send (the question with its buttons included). */
export const MAX_MESSAGES = 4;
/** Most characters one turn may send, all messages together, as shown (help-line numbers and links filled in). */
export const MAX_CHARACTERS = 600;

/** Wednesday 15:00 in Amsterdam (De Kindertelefoon open) and Wednesday 23:30 (closed). */
const DAY = new Date('2026-12-09T14:00:00Z');
const NIGHT = new Date('2026-12-09T22:30:00Z');

/** A gateway that always answers the same. */
function gateway(outcome: HandoffOutcome): HandoffGateway {
  return {
    request: async () => outcome,
    cancel: async () => true,
    left: async () => false,
    raise: async () => undefined,
  } as unknown as HandoffGateway;
}

const OUTCOMES: Record<string, HandoffOutcome> = {
  'nobody can come': { status: 'unavailable', reason: 'not_connected' },
  closed: { status: 'unavailable', reason: 'closed', reopensAt: '2026-12-10T08:00:00Z' },
  'queued, counsellors online': { status: 'queued', position: 3, estimatedWaitMinutes: 12, counsellorsOnDuty: 2 } as HandoffOutcome,
  'queued, nobody online': { status: 'queued', position: 11, estimatedWaitMinutes: null, counsellorsOnDuty: 0 } as HandoffOutcome,
};

/** What the young person can do in a state: press an offered button, or type. */
type Action = { press: string } | { type: string };

const SCARED: Record<Language, string> = { en: "I'm scared", nl: 'ik ben bang', ar: 'أنا خائف', prs: 'من می‌ترسم', ti: 'ፈሪሐ ኣለኹ' };
const THREAT: Record<Language, string> = {
  en: 'I am scared they will stab me if I do not bring the money',
  nl: 'ik ben bang dat ze me gaan steken als ik het geld niet breng',
  ar: 'أنا خائف سوف يقتلونني إذا لم أحضر المال',
  prs: 'می‌ترسم اگر پول نبرم مرا با چاقو می‌زنند',
  ti: 'ፈሪሐ ኣለኹ ገንዘብ እንተዘየምጻእኩ ክቐትሉኒ እዮም',
};

/** One measured turn. */
interface Turn {
  where: string;
  messages: string[];
  /** Messages with text that carry no text keys (the console could not show them in Dutch). */
  withoutKeys: string[];
}

function measure(where: string, replies: Partial<Activity>[], turns: Turn[]): void {
  const withoutKeys = replies
    .filter((reply) => reply.type === 'message' && reply.text)
    .filter((reply) => !((reply.channelData as { lantern?: { texts?: unknown[] } } | undefined)?.lantern?.texts?.length))
    .map((reply) => reply.text!);
  turns.push({ where, messages: texts(replies), withoutKeys });
}

/** Every bot message of the walk carries the keys of its texts (bot/textKeysMiddleware.ts). */
function unkeyed(turns: Turn[]): string[] {
  return turns.flatMap((turn) => turn.withoutKeys.map((text) => `${turn.where}: ${text.slice(0, 60)}`));
}

function overLimit(turns: Turn[]): string[] {
  return turns
    .filter((turn) => turn.messages.length > MAX_MESSAGES || turn.messages.join('').length > MAX_CHARACTERS)
    .map((turn) => `${turn.where}: ${turn.messages.length} messages, ${turn.messages.join('').length} characters`);
}

/**
 * Walks the tree breadth first from the welcome: every action from every state (a state is what
 * the bot last asked with which buttons), replaying the path to reach it. Returns every turn.
 */
async function walkTree(language: Language, options: { outcome: HandoffOutcome; now: Date; typed: boolean }): Promise<Turn[]> {
  const turns: Turn[] = [];
  const seen = new Set<string>();
  const start = async (): Promise<{ bot: ClockedHarness; replies: Partial<Activity>[] }> => {
    const bot = new ClockedHarness(redis, keys, { handoff: gateway(options.outcome), now: options.now });
    const replies = await bot.start(language);
    return { bot, replies };
  };
  const first = await start();
  measure(`${language} welcome`, first.replies, turns);
  const t = first.bot.built.translator;
  const commandWord = (command: string) => t.list(language, `commands:${command}`)[0] ?? command;
  let frontier: Array<{ path: Action[]; replies: Partial<Activity>[] }> = [{ path: [], replies: first.replies }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { path, replies } of frontier) {
      const state = `${texts(replies).at(-1)}|${buttonIds(replies).join(',')}`;
      if (seen.has(state) || buttonIds(replies).length === 0) continue;
      seen.add(state);
      const actions: Action[] = buttonIds(replies).map((press) => ({ press }));
      if (options.typed) actions.push({ type: commandWord('help') }, { type: commandWord('emergency') }, { type: SCARED[language] }, { type: THREAT[language] });
      for (const action of actions) {
        const { bot } = await start();
        let current = first.replies;
        let last: Partial<Activity>[] = current;
        for (const step of [...path, action]) {
          last = 'press' in step ? await bot.press(step.press, current) : await bot.say(step.type);
          current = last;
        }
        const label = [...path, action].map((step) => ('press' in step ? step.press : `"${step.type}"`)).join(' > ');
        measure(`${language}: ${label}`, last, turns);
        if ('press' in action && path.length < 8) next.push({ path: [...path, action], replies: last });
      }
    }
    frontier = next;
  }
  return turns;
}

describe('every turn of the dialog tree fits a phone', () => {
  describe.each(LANGUAGES)('%s', (language) => {
    it('the whole tree, buttons and typed text, nobody can come, by day', { timeout: 240_000 }, async () => {
      const turns = await walkTree(language, { outcome: OUTCOMES['nobody can come']!, now: DAY, typed: true });
      expect(turns.length).toBeGreaterThan(60);
      if (process.env.TURN_REPORT) {
        const longest = [...turns].sort((x, y) => y.messages.join('').length - x.messages.join('').length).slice(0, 3);
        console.log(`${turns.length} turns; longest:`, longest.map((turn) => `${turn.where} (${turn.messages.length}, ${turn.messages.join('').length})`));
      }
      expect(overLimit(turns)).toEqual([]);
      expect(unkeyed(turns)).toEqual([]);
    });

    it.each(Object.keys(OUTCOMES).filter((name) => name !== 'nobody can come'))('the whole tree when the handoff says: %s, at night', { timeout: 240_000 }, async (name) => {
      const turns = await walkTree(language, { outcome: OUTCOMES[name]!, now: NIGHT, typed: false });
      expect(overLimit(turns)).toEqual([]);
      expect(unkeyed(turns)).toEqual([]);
    });

    it('the proactive "you have waited long" turn, by day and at night', async () => {
      for (const now of [DAY, NIGHT]) {
        const bot = new ClockedHarness(redis, keys, { handoff: gateway(OUTCOMES['queued, counsellors online']!), now });
        let replies = await bot.start(language);
        replies = await bot.press('human', replies);
        const notifier = new HandoffNotifier(bot.adapter as unknown as WebChannelAdapter, bot.built);
        const ref = { conversationId: bot.conversationId, userId: 'u_test', serviceUrl: 'https://test.invalid' };
        for (const danger of [false, true]) {
          await notifier.handle({ type: 'timedOut', ref, danger } as Parameters<HandoffNotifier['handle']>[0]);
          const turns: Turn[] = [];
          measure(`${language} timed out (danger: ${danger})`, bot.drain(), turns);
          expect(turns[0]!.messages.length).toBeGreaterThan(0);
          expect(overLimit(turns)).toEqual([]);
        }
      }
    });
  });
});

/** How the chat page lays out a 360x640 screen (measured from tests/artifacts/chat-ti.png, rounded against us). */
const SCREEN = {
  /** Height of the scrolling area between the top bar and the message field. */
  scrollHeight: 500,
  top: 9,
  /** Height of one line of text. */
  lineHeight: 27.5,
  /** Padding of a bubble and the gap to the next one. */
  bubble: 24,
  /** Space above the buttons, and one row of buttons. */
  actionsTop: 12,
  buttonRow: 44,
  /** Characters that fit on one line of a bubble, by script (Ethiopic letters are wide). */
  charsPerLine: { latin: 32, arabic: 32, ethiopic: 21 },
  /** Characters that fit in a button next to another on one row. */
  buttonChars: { latin: 24, arabic: 24, ethiopic: 16 },
};

function scriptOf(language: Language): keyof typeof SCREEN.charsPerLine {
  if (language === 'ti') return 'ethiopic';
  return LANGUAGE_INFO[language].dir === 'rtl' ? 'arabic' : 'latin';
}

/** Lines a text takes when wrapped at word boundaries. */
function linesOf(text: string, perLine: number): number {
  let lines = 0;
  for (const paragraph of text.split('\n')) {
    let line = 0;
    lines += 1;
    for (const word of paragraph.split(/\s+/)) {
      const length = [...word].length;
      if (line > 0 && line + 1 + length > perLine) {
        lines += 1;
        line = length;
      } else line += (line > 0 ? 1 : 0) + length;
    }
  }
  return lines;
}

describe('the welcome, on the first screen of a phone', () => {
  it.each(LANGUAGES)('%s: at most three messages, the danger button first with a short label, all above the fold', async (language) => {
    const bot = new ClockedHarness(redis, keys, { now: DAY });
    const replies = await bot.start(language);
    const messages = texts(replies);
    expect(messages.length).toBeLessThanOrEqual(3);
    expect(choiceIds(replies)).toEqual([...MENU_CHOICES]);
    expect(MENU_CHOICES[0]).toBe('danger');
    const t = bot.built.translator.forLanguage(language);
    const script = scriptOf(language);
    expect([...t('choices:danger.title')].length, 'danger label').toBeLessThanOrEqual(SCREEN.buttonChars[script]);
    const height =
      SCREEN.top +
      messages.reduce((sum, text) => sum + linesOf(text, SCREEN.charsPerLine[script]) * SCREEN.lineHeight + SCREEN.bubble, 0) +
      SCREEN.actionsTop +
      SCREEN.buttonRow;
    expect(height, `${language}: the first row of buttons ends at ${height}px of ${SCREEN.scrollHeight}px`).toBeLessThanOrEqual(SCREEN.scrollHeight);
  });
});

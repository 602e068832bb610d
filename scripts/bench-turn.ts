/**
 * `npx tsx scripts/bench-turn.ts [rounds]`: the server CPU of one bot turn, measured.
 *
 * Walks a scripted conversation (buttons pressed, button titles and synonyms typed, a command, a
 * message the bot does not understand, the signal check and a handoff nobody can take) in each of
 * the five languages, through the real bot (`createLanternBot`, the text-keys middleware, bot state
 * in RedisStorage) on a Bot Framework TestAdapter, and reports:
 * - CPU µs per turn (user + system, `process.cpuUsage`, after a warm-up), per language and overall;
 * - the same for an echo bot with conversation state on the same adapter and storage (the floor);
 * - the stored bot state per conversation (bytes of JSON, mean and largest over the walk's turns).
 *
 * The bot's clock is fixed (Saturday night, when some help lines are closed), so runs compare.
 * Uses REDIS_URL when set, otherwise a private redis-server (its CPU is not counted: another process).
 * BENCH_CPU_PROFILE=turns.cpuprofile writes a CPU profile of the measured rounds only (no start-up,
 * no warm-up), for Chrome DevTools or `node --cpu-prof`'s readers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { ActivityHandler, ConversationState, TestAdapter, type Activity, type Storage } from 'botbuilder';
import { Redis } from 'ioredis';
import { createLanternBot, type BuiltBot } from '../bot/createLanternBot.js';
import { TextKeysMiddleware } from '../bot/textKeysMiddleware.js';
import { LANGUAGE_EVENT } from '../contracts/ChatCommand.js';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { RedisKeys } from '../contracts/RedisKeys.js';
import { RedisConversationStore } from '../directline/RedisConversationStore.js';
import { RedisStorage } from '../directline/RedisStorage.js';
import { NoCounsellorGateway } from '../handoff/NoCounsellorGateway.js';
import { MetricsRecorder } from '../metrics/MetricsRecorder.js';
import { RedisConversationEraser } from '../privacy/ConversationEraser.js';
import { Screener } from '../screening/Screener.js';
import { RedisServerProcess } from '../server/RedisServerProcess.js';
import type { Translator } from '../texts/Translator.js';

/** One action of the young person: press a button by its id, or type a text of the conversation's language. */
type Action = { start: true } | { press: string } | { type: (translator: Translator, language: Language) => string };

const press = (id: string): Action => ({ press: id });
const typeTitle = (id: string): Action => ({ type: (tr, lng) => tr.forLanguage(lng)(`choices:${id}.title`) });
const typeSynonym = (id: string): Action => ({ type: (tr, lng) => tr.list(lng, `choices:${id}.synonyms`)[0] ?? '' });
const typeCommand = (command: string): Action => ({ type: (tr, lng) => tr.list(lng, `commands:${command}`)[0] ?? '' });

/** The scripted walk: every part of the tree, buttons mostly, typed answers in between. */
const WALK: Action[] = [
  { start: true },
  press('exploitation'),
  press('exploitation_types'),
  press('signs'),
  press('menu'),
  press('rights'),
  press('rights_children'),
  typeTitle('rights_guardian'),
  press('non_punishment'),
  press('np_police'),
  press('help'),
  press('help_people'),
  press('help_more'),
  typeSynonym('menu'),
  press('privacy'),
  press('privacy_who'),
  typeCommand('help'),
  press('menu'),
  { type: () => 'qwzx' },
  press('danger'),
  press('no'),
  press('signal_check'),
  typeTitle('no'),
  press('yes'),
  press('no'),
  press('skip'),
  press('no'),
  typeTitle('yes'),
  press('menu'),
];

/** One conversation on its own TestAdapter. */
function conversation(logic: ConstructorParameters<typeof TestAdapter>[0], id: string): TestAdapter {
  return new TestAdapter(logic, {
    channelId: 'webchat',
    conversation: { id, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'u_bench', name: '', role: 'user' },
    recipient: { id: 'lantern', name: 'Lantern', role: 'bot' },
    serviceUrl: 'https://bench.invalid',
  });
}

let conversations = 0;

/** Walks the script once in one language; returns the turns taken and, when asked, the stored state sizes. */
async function walk(built: BuiltBot, storage: Storage, language: Language, measureState = false): Promise<{ turns: number; stateBytes: number[] }> {
  const id = `bench-${(conversations += 1)}`;
  const adapter = conversation(async (context) => built.bot.run(context), id);
  adapter.use(new TextKeysMiddleware());
  adapter.onTurnError = built.onTurnError;
  const stateBytes: number[] = [];
  let replies: Partial<Activity>[] = [];
  for (const action of WALK) {
    let activity: Partial<Activity>;
    if ('start' in action) activity = { type: 'event', name: LANGUAGE_EVENT, value: language, locale: language };
    else if ('press' in action) {
      // The button must be among those the bot just offered, or the walk has left its path.
      const button = replies.flatMap((r) => r.suggestedActions?.actions ?? []).find((a) => (a.value as { choice?: string } | undefined)?.choice === action.press);
      if (!button) throw new Error(`${language}: no button "${action.press}" after ${JSON.stringify(replies.map((r) => r.text))}`);
      activity = { type: 'message', text: String(button.text ?? button.title), value: button.value };
    } else activity = { type: 'message', text: action.type(built.translator, language) };
    await adapter.receiveActivity(activity);
    replies = adapter.activeQueue.splice(0);
    if (measureState) {
      const items = await storage.read([`webchat/conversations/${id}/`]);
      const { eTag: _eTag, ...state } = (Object.values(items)[0] ?? {}) as Record<string, unknown>;
      stateBytes.push(Buffer.byteLength(JSON.stringify(state)));
    }
  }
  return { turns: WALK.length, stateBytes };
}

/** CPU time (µs) of `work`, user + system. */
async function cpuMicros(work: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/** Runs `work`, writing a CPU profile of it to `file` when one is given. */
async function profiled<T>(file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!file) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

/** An echo bot with conversation state (a counter), the floor of any bot turn on this adapter and storage. */
function echoBot(storage: Storage): ActivityHandler {
  const state = new ConversationState(storage);
  const count = state.createProperty<number>('count');
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await count.set(context, (await count.get(context, 0)) + 1);
    await context.sendActivity({ type: 'message', text: context.activity.text });
    await next();
  });
  bot.onDialog(async (context, next) => {
    await state.saveChanges(context, false);
    await next();
  });
  return bot;
}

/** The bot's clock: Saturday 03:00 in Amsterdam (help lines with hours are closed; their next opening is said). */
const AT = Date.parse('2026-12-12T02:00:00Z');

const rounds = Number(process.argv[2] ?? 20);
const warmup = 5;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-turn-'));
const server = process.env.REDIS_URL ? undefined : await RedisServerProcess.start({ dir, appendOnly: false });
const redis = new Redis(process.env.REDIS_URL ?? server!.url);
const keys = new RedisKeys(`bench-turn:${process.pid}:`);
try {
  const storage = new RedisStorage({ redis, keys, ttlSeconds: 600 });
  const store = new RedisConversationStore({ redis, keys, ttlSeconds: 600 });
  const built = createLanternBot({
    storage,
    handoff: new NoCounsellorGateway(),
    retentionHours: 48,
    log: { error: (fields) => console.error(fields) },
    screener: Screener.load(),
    metrics: new MetricsRecorder({ redis, keys }),
    eraser: new RedisConversationEraser({ redis, keys, store, graceMs: 0 }),
    now: () => new Date(AT),
  });

  const sizes = new Map<Language, number[]>();
  for (const language of LANGUAGES) sizes.set(language, (await walk(built, storage, language, true)).stateBytes);
  for (let round = 0; round < warmup; round += 1) for (const language of LANGUAGES) await walk(built, storage, language);

  const perLanguage = new Map<Language, { micros: number; turns: number }>(LANGUAGES.map((l) => [l, { micros: 0, turns: 0 }]));
  /** CPU µs per turn of each round (all five languages), for the median: other processes disturb single rounds. */
  const perRound: number[] = [];
  await profiled(process.env.BENCH_CPU_PROFILE, async () => {
    for (let round = 0; round < rounds; round += 1) {
      let roundMicros = 0;
      let roundTurns = 0;
      for (const language of LANGUAGES) {
        let turns = 0;
        const micros = await cpuMicros(async () => (turns = (await walk(built, storage, language)).turns));
        const sum = perLanguage.get(language)!;
        sum.micros += micros;
        sum.turns += turns;
        roundMicros += micros;
        roundTurns += turns;
      }
      perRound.push(roundMicros / roundTurns);
    }
  });
  perRound.sort((a, b) => a - b);

  const echo = echoBot(storage);
  const echoTurns = async () => {
    const adapter = conversation(async (context) => echo.run(context), `bench-echo-${(conversations += 1)}`);
    for (let i = 0; i < WALK.length; i += 1) {
      await adapter.receiveActivity({ type: 'message', text: `echo ${i}` });
      adapter.activeQueue.splice(0);
    }
  };
  for (let round = 0; round < warmup * 5; round += 1) await echoTurns();
  const echoMicros = await cpuMicros(async () => {
    for (let round = 0; round < rounds * LANGUAGES.length; round += 1) await echoTurns();
  });
  const echoPerTurn = echoMicros / (rounds * LANGUAGES.length * WALK.length);

  const mean = (list: number[]) => list.reduce((s, n) => s + n, 0) / Math.max(1, list.length);
  const total = [...perLanguage.values()].reduce((s, v) => ({ micros: s.micros + v.micros, turns: s.turns + v.turns }), { micros: 0, turns: 0 });
  console.log(`Bot turn CPU (${rounds} rounds × ${LANGUAGES.length} languages × ${WALK.length} turns, after ${warmup} warm-up rounds)\n`);
  for (const [language, sum] of perLanguage) {
    const bytes = sizes.get(language) ?? [];
    console.log(`  ${language.padEnd(4)} ${(sum.micros / sum.turns).toFixed(0).padStart(6)} µs/turn   state ${mean(bytes).toFixed(0)} B mean, ${Math.max(...bytes)} B max`);
  }
  const allBytes = [...sizes.values()].flat();
  console.log(`  all  ${(total.micros / total.turns).toFixed(0).padStart(6)} µs/turn   state ${mean(allBytes).toFixed(0)} B mean, ${Math.max(...allBytes)} B max`);
  const median = perRound[Math.floor(perRound.length / 2)] ?? NaN;
  console.log(`  rounds: median ${median.toFixed(0)} µs/turn, fastest ${(perRound[0] ?? NaN).toFixed(0)} µs/turn`);
  console.log(`  echo bot (same adapter and storage): ${echoPerTurn.toFixed(0)} µs/turn; Lantern (median round) / echo ${(median / echoPerTurn).toFixed(1)}x`);
} finally {
  const leftovers = await redis.keys(`${keys.prefix}*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}

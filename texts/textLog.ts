/**
 * The texts one bot turn used, kept on the turn itself (its turn state), so what it sends can carry
 * their keys (bot/textKeysMiddleware.ts). Started by that middleware at the start of every turn;
 * callers that make texts for the turn hand it to `Translator.forLanguage(language, log)`.
 *
 * Kept on the turn rather than in an async scope (AsyncLocalStorage): with one, Node runs its promise
 * hooks on every promise of the process (about a tenth of what a busy server allocated,
 * docs/performance.md).
 */
import type { RecordedText } from './Translator.js';

/** Anything with a turn state (a Bot Framework TurnContext). */
export interface WithTurnState {
  readonly turnState: { get(key: unknown): unknown; set(key: unknown, value: unknown): unknown };
}

const TEXT_LOG = Symbol('lantern.textLog');

/** Starts the turn's text log (empty) and returns it. */
export function startTextLog(context: WithTurnState): RecordedText[] {
  const log: RecordedText[] = [];
  context.turnState.set(TEXT_LOG, log);
  return log;
}

/** The turn's text log, or undefined outside a turn that keeps one. */
export function textLogOf(context: WithTurnState): RecordedText[] | undefined {
  const log = context.turnState.get(TEXT_LOG);
  return Array.isArray(log) ? (log as RecordedText[]) : undefined;
}

/**
 * The channel data that names a message's text keys, for a message made now but sent in a later
 * turn (a prompt's retry, which the SDK keeps in the dialog state and sends again as it was): that
 * turn's log does not have its texts. The same shape bot/textKeysMiddleware.ts adds.
 */
export function textKeysData(language: string, keys: readonly string[]): { lantern: { textLanguage: string; texts: Array<{ key: string }> } } {
  return { lantern: { textLanguage: language, texts: keys.map((key) => ({ key })) } };
}

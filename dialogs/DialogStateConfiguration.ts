/**
 * botbuilder-dialogs gives every DialogContext (8 to 10 in one of Lantern's turns) a
 * DialogStateManager, and the first one of a turn builds the SDK's memory scopes and path resolvers
 * anew (through a settings validation that fails, with its error objects, for a bot without
 * settings) unless the turn state already holds them. They hold nothing of a conversation: the
 * SDK's own DialogManager keeps one set for all turns. So the bot builds them once and hands the
 * same set to every turn.
 */
import { sdkModule } from './sdkModule.js';
import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogStateManagerConfiguration } from 'botbuilder-dialogs';

/** The turn-state key under which botbuilder-dialogs looks for them (memory/dialogStateManager.js). */
export const DIALOG_STATE_CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

/** The memory scopes and path resolvers of the first turn, lent to every later one. */
export class DialogStateConfiguration {
  private kept: DialogStateManagerConfiguration | undefined;

  constructor() {
    shareDialogsComponentRegistration();
    rememberParsedPaths();
  }

  /** Before a turn makes its first DialogContext: gives it the set kept from an earlier turn. */
  lend(context: TurnContext): void {
    if (this.kept && !context.turnState.has(DIALOG_STATE_CONFIGURATION_KEY)) context.turnState.set(DIALOG_STATE_CONFIGURATION_KEY, this.kept);
  }

  /** After a turn made a DialogContext: keeps the set the SDK built for it (the first time). */
  keep(dc: DialogContext): void {
    this.kept ??= dc.state.configuration;
  }
}

/** The SDK module whose class every DialogStateManager constructs (botbuilder-dialogs 4.23.3). */
interface RegistrationModule {
  DialogsComponentRegistration: new () => object;
}

let registrationShared = false;

/**
 * botbuilder-dialogs 4.23.3 also registers its components anew for every DialogContext
 * (`ComponentRegistration.add(new DialogsComponentRegistration())` in DialogStateManager's
 * constructor): each one a ServiceCollection with a dependency graph of about twenty factories,
 * built and thrown away 8 to 10 times a turn (about 5 % of what a busy server allocated in a heap sample,
 * docs/performance.md). The registration holds no state of a turn or a conversation, and the
 * registry keeps one per class name anyway (the newest replaces the last), so every
 * DialogStateManager is given the same one instead. Done once per process; true when done.
 * With an SDK whose module is not shaped so, nothing is changed (and the test of this fails).
 */
export function shareDialogsComponentRegistration(): boolean {
  if (registrationShared) return true;
  const module = sdkModule<RegistrationModule>('botbuilder-dialogs/lib/dialogsComponentRegistration.js');
  const Original = module?.DialogsComponentRegistration;
  if (!module || typeof Original !== 'function') return false;
  let shared: object | undefined;
  // Called with `new`, a constructor that returns an object gives that object: the one registration.
  const Shared = function DialogsComponentRegistration() {
    return (shared ??= new Original());
  } as unknown as RegistrationModule['DialogsComponentRegistration'];
  Shared.prototype = Original.prototype;
  module.DialogsComponentRegistration = Shared;
  registrationShared = true;
  return true;
}

/** The SDK class whose paths are parsed (botbuilder-dialogs 4.23.3, memory/dialogStateManager.js). */
interface PathParser {
  parsePath(pathExpression: string, allowNestedPaths?: boolean): Array<string | number>;
}

/** How many parsed paths are kept at most (the SDK's and Lantern's are a few dozen fixed strings). */
const PARSED_PATHS_KEPT = 512;

/** Marks the remembering parsePath (its value: the SDK's own), so it is never wrapped twice. */
export const SDK_PARSE_PATH = Symbol.for('lantern.sdkParsePath');

/**
 * Every DialogContext sets `turn.activity` in its DialogStateManager, and every set or get of a
 * value parses its path character by character again (string concatenation per character), and a
 * set parses it twice more to track changes: about 30 parses in a button turn, 60 in a typed one,
 * always of the same few fixed paths (`turn.activity`, `dialog._tracker.paths`, ...). The parse of
 * a path without brackets depends on nothing but the string, so it is kept (a copy handed out each
 * time: callers may change what they get). Paths with brackets can read other values and are
 * always parsed anew; a path that fails to parse is not kept (it throws again). At most
 * PARSED_PATHS_KEPT are kept, so a path made from changing values cannot grow the process. Done
 * once per process (the method is marked); true when done. With an SDK not shaped so, nothing
 * changes (and its test fails).
 */
export function rememberParsedPaths(): boolean {
  const prototype = sdkModule<{ DialogStateManager: { prototype: Partial<PathParser> } }>('botbuilder-dialogs/lib/memory/dialogStateManager.js')?.DialogStateManager?.prototype;
  const parse = prototype?.parsePath;
  if (!prototype || typeof parse !== 'function') return false;
  if (SDK_PARSE_PATH in parse) return true;
  const kept = new Map<string, ReadonlyArray<string | number>>();
  prototype.parsePath = function parsePath(this: PathParser, pathExpression: string, allowNestedPaths?: boolean) {
    if (typeof pathExpression !== 'string' || pathExpression.includes('[')) return parse.call(this, pathExpression, allowNestedPaths);
    const known = kept.get(pathExpression);
    if (known) return known.slice();
    const parsed = parse.call(this, pathExpression, allowNestedPaths);
    if (kept.size < PARSED_PATHS_KEPT) kept.set(pathExpression, parsed.slice());
    return parsed;
  };
  Object.defineProperty(prototype.parsePath, SDK_PARSE_PATH, { value: parse });
  return true;
}

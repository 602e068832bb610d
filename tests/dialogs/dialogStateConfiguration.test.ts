/**
 * The SDK's memory scopes and path resolvers are built in the first turn and lent to every later
 * one: a later turn's DialogContext uses the very same set (which also proves the turn-state key is
 * the one botbuilder-dialogs reads).
 */
import { ComponentRegistration, ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import { DialogSet, DialogStateManager, type DialogState, type DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import { describe, expect, it } from 'vitest';
import { DialogStateConfiguration, SDK_PARSE_PATH, rememberParsedPaths, shareDialogsComponentRegistration } from '../../dialogs/DialogStateConfiguration.js';

describe('DialogStateConfiguration', () => {
  it('lends the first turn\'s memory scopes to the next turns', async () => {
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState'));
    const shared = new DialogStateConfiguration();
    const seen: DialogStateManagerConfiguration[] = [];
    const adapter = new TestAdapter(async (context: TurnContext) => {
      shared.lend(context);
      const dc = await dialogs.createContext(context);
      shared.keep(dc);
      seen.push(dc.state.configuration);
    });
    for (const text of ['one', 'two', 'three']) await adapter.receiveActivity(text);
    expect(seen[0]!.memoryScopes.length).toBeGreaterThan(0);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBe(seen[0]);
  });

  it('gives every DialogContext the same components registration instead of a new one each', async () => {
    expect(shareDialogsComponentRegistration()).toBe(true);
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState'));
    const registered = new Set<unknown>();
    const adapter = new TestAdapter(async (context: TurnContext) => {
      for (let i = 0; i < 3; i += 1) {
        await dialogs.createContext(context);
        registered.add(ComponentRegistration.components.find((c) => c.constructor.name === 'DialogsComponentRegistration'));
      }
    });
    for (const text of ['one', 'two']) await adapter.receiveActivity(text);
    // Six DialogContexts, one registration, and it still gives the SDK its memory scopes.
    expect(registered.size).toBe(1);
    const [registration] = [...registered] as Array<{ getMemoryScopes(): unknown[] }>;
    expect(registration!.getMemoryScopes().length).toBeGreaterThan(0);
  });
});

describe('rememberParsedPaths', () => {
  type Parse = (path: string, allowNested?: boolean) => Array<string | number>;
  const manager = () => {
    const prototype = DialogStateManager.prototype as unknown as { parsePath: Parse & { [SDK_PARSE_PATH]?: Parse } };
    return prototype;
  };

  it('replaces the SDK parse with one that keeps what it parsed, once however often it is asked', () => {
    expect(rememberParsedPaths()).toBe(true);
    const remembering = manager().parsePath;
    expect(remembering[SDK_PARSE_PATH]).toBeTypeOf('function');
    expect(rememberParsedPaths()).toBe(true);
    expect(manager().parsePath).toBe(remembering);
  });

  it.each([
    ['turn.activity', true],
    ['dialog._tracker.paths', false],
    ['user.name', true],
    ['.a', true],
    ['a..b', true],
    ['x.$foo', true],
    ["a['b.c']", true],
    ['a[0].b', true],
    ['a[0].b', false],
    ['a[turn.index]', false],
  ])('parses %s (nested %s) as the SDK does, and hands out a copy each time', (path, nested) => {
    rememberParsedPaths();
    const { parsePath } = manager();
    const sdk = parsePath[SDK_PARSE_PATH]!;
    const expected = sdk.call(undefined, path, nested);
    const first = parsePath.call(undefined, path, nested);
    first.push('changed');
    const second = parsePath.call(undefined, path, nested);
    expect(second).toEqual(expected);
    expect(second).not.toBe(first);
  });

  it('throws for an invalid path every time, as the SDK does', () => {
    rememberParsedPaths();
    const { parsePath } = manager();
    for (let i = 0; i < 2; i += 1) expect(() => parsePath.call(undefined, 'a.b c')).toThrow(/Invalid path/);
  });

  it('keeps the values a DialogContext sets and gets working', async () => {
    rememberParsedPaths();
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState'));
    const seen: unknown[] = [];
    const adapter = new TestAdapter(async (context: TurnContext) => {
      const dc = await dialogs.createContext(context);
      dc.state.setValue('turn.lantern.count', 1);
      dc.state.setValue('turn.lantern.count', 2);
      seen.push(dc.state.getValue('turn.lantern.count'), dc.state.getValue('turn.activity.text'));
    });
    await adapter.receiveActivity('hello');
    expect(seen).toEqual([2, 'hello']);
  });
});

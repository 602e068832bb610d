/**
 * The SDK's memory scopes and path resolvers are built in the first turn and lent to every later
 * one: a later turn's DialogContext uses the very same set (which also proves the turn-state key is
 * the one botbuilder-dialogs reads).
 */
import { ComponentRegistration, ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import { DialogSet, type DialogState, type DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import { describe, expect, it } from 'vitest';
import { DialogStateConfiguration, shareDialogsComponentRegistration } from '../../dialogs/DialogStateConfiguration.js';

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

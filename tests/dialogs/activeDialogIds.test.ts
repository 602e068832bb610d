/**
 * activeDialogIds reads the ids of the active dialogs from the stacks: the same list as walking
 * `dc.child` (the SDK's own way), at every step of a real component-dialog tree.
 */
import { ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import { ComponentDialog, DialogSet, TextPrompt, WaterfallDialog, type DialogContext, type DialogState } from 'botbuilder-dialogs';
import { describe, expect, it } from 'vitest';
import { activeDialogIds } from '../../dialogs/activeDialogIds.js';

/** The SDK's walk: a child DialogContext per level. */
function bySdk(dc: DialogContext): string[] {
  const ids: string[] = [];
  let current: DialogContext | undefined = dc;
  while (current?.activeDialog) {
    ids.push(current.activeDialog.id);
    current = current.child;
  }
  return ids;
}

class Inner extends ComponentDialog {
  constructor() {
    super('inner');
    this.addDialog(new TextPrompt('innerPrompt')).addDialog(new WaterfallDialog('innerSteps', [(step) => step.prompt('innerPrompt', 'inner?'), (step) => step.endDialog()]));
    this.initialDialogId = 'innerSteps';
  }
}

class Outer extends ComponentDialog {
  constructor() {
    super('outer');
    this.addDialog(new TextPrompt('outerPrompt'))
      .addDialog(new Inner())
      .addDialog(new WaterfallDialog('outerSteps', [(step) => step.prompt('outerPrompt', 'outer?'), (step) => step.beginDialog('inner'), (step) => step.endDialog()]));
    this.initialDialogId = 'outerSteps';
  }
}

describe('activeDialogIds', () => {
  it('lists the same active dialogs as the SDK walk, outermost first, at every turn', async () => {
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState')).add(new Outer());
    const seen: Array<[string[], string[]]> = [];
    const adapter = new TestAdapter(async (context: TurnContext) => {
      const dc = await dialogs.createContext(context);
      seen.push([activeDialogIds(dc), bySdk(dc)]);
      const result = await dc.continueDialog();
      if (result.status === 'empty') await dc.beginDialog('outer');
      seen.push([activeDialogIds(dc), bySdk(dc)]);
      await state.saveChanges(context);
    });
    for (const text of ['start', 'answer outer', 'answer inner']) await adapter.receiveActivity(text);
    for (const [ours, sdk] of seen) expect(ours).toEqual(sdk);
    expect(seen.map(([ours]) => ours)).toContainEqual(['outer', 'outerPrompt']);
    expect(seen.map(([ours]) => ours)).toContainEqual(['outer', 'inner', 'innerPrompt']);
  });
});

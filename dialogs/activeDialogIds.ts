/**
 * The ids of the dialogs active in a turn, from the root down to the innermost (through
 * component dialogs), e.g. ['mainDialog', 'mainWaterfall', 'menuDialog', 'dangerDialog', …].
 *
 * Read from the dialog stacks themselves, as `dc.child` would walk them: a component dialog keeps
 * its inner stack in its instance state (`state.dialogs.dialogStack`, botbuilder-dialogs'
 * ComponentDialog), and the active dialog of a stack is its last entry (DialogContext.activeDialog). `dc.child` builds a
 * DialogContext (with its state manager) for every level; this is asked twice a turn.
 */
import type { DialogContext, DialogInstance } from 'botbuilder-dialogs';

/** Active dialog ids, outermost first. */
export function activeDialogIds(dc: DialogContext): string[] {
  const ids: string[] = [];
  let stack: DialogInstance[] | undefined = dc.stack;
  while (stack && stack.length > 0) {
    const active: DialogInstance = stack[stack.length - 1]!;
    ids.push(active.id);
    const inner: unknown = (active.state as { dialogs?: { dialogStack?: unknown } } | undefined)?.dialogs?.dialogStack;
    stack = Array.isArray(inner) ? (inner as DialogInstance[]) : undefined;
  }
  return ids;
}

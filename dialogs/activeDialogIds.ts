/**
 * The ids of the dialogs active in a turn, from the root down to the innermost (through
 * component dialogs), e.g. ['mainDialog', 'mainWaterfall', 'menuDialog', 'dangerDialog', …].
 */
import type { DialogContext } from 'botbuilder-dialogs';

/** Active dialog ids, outermost first. */
export function activeDialogIds(dc: DialogContext): string[] {
  const ids: string[] = [];
  let current: DialogContext | undefined = dc;
  while (current?.activeDialog) {
    ids.push(current.activeDialog.id);
    current = current.child;
  }
  return ids;
}

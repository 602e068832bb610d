/**
 * The young person deletes their conversation: the bot says it is gone, tells the page to clear
 * itself (event `lantern.deleted`), and everything about the conversation is erased at once
 * (see privacy/ConversationEraser.ts).
 */
import type { TurnContext } from 'botbuilder';
import { DELETED_EVENT } from '../contracts/ChatCommand.js';
import { textsFor, type DialogServices } from './DialogServices.js';

/** Deletes the conversation of this turn. */
export async function deleteConversation(services: DialogServices, context: TurnContext): Promise<void> {
  // The return code opens nothing from this moment, before the erasure itself.
  await services.returnCodes?.revoke(context.activity.conversation.id);
  const t = await textsFor(services, context);
  await context.sendActivity(t('common:deleted'));
  await context.sendActivity({ type: 'event', name: DELETED_EVENT });
  services.eraser.eraseSoon(context.activity.conversation.id);
}

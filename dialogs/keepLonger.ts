/**
 * The young person asks to keep their conversation longer (the command `keep_longer` from the button
 * under a return code's explanation, its words typed in any of the five languages, or the event
 * `lantern.keepLonger` any client may send): once per conversation, every key of the conversation is
 * then kept CONVERSATION_TTL_EXTENDED_SECONDS after the last write instead of CONVERSATION_TTL_SECONDS
 * (directline/ConversationRetention.ts). The bot says honestly what that means: the whole chat, that
 * long after the last message; anyone with the return code can read it meanwhile; "delete my
 * conversation" still deletes everything at once; the quick exit does not delete. Asking again
 * changes nothing and says so. Nothing is logged or counted.
 */
import type { TurnContext } from 'botbuilder';
import { textsFor, type DialogServices } from './DialogServices.js';

/** The longer retention as the young person is told it: whole days (rounded, at least one). */
export function extendedDays(extendedTtlSeconds: number): number {
  return Math.max(1, Math.round(extendedTtlSeconds / 86_400));
}

/** Whether to offer keeping this turn's conversation longer (possible, and not chosen yet). */
export async function mayKeepLonger(services: DialogServices, context: TurnContext): Promise<boolean> {
  const retention = services.retention;
  return !!retention?.available && !(await retention.isExtended(context.activity.conversation.id));
}

/** Keeps this turn's conversation longer (once) and says what that means, or that it already is. */
export async function keepConversationLonger(services: DialogServices, context: TurnContext): Promise<void> {
  const t = await textsFor(services, context);
  const retention = services.retention;
  const outcome = retention ? await retention.extend(context.activity.conversation.id) : 'unavailable';
  if (!retention || (outcome !== 'extended' && outcome !== 'already')) {
    await context.sendActivity(t('returnCode:keepLonger.unavailable'));
    return;
  }
  const days = extendedDays(retention.extendedTtlSeconds);
  if (outcome === 'already') {
    await context.sendActivity(t('returnCode:keepLonger.already', { days }));
    return;
  }
  await context.sendActivities([
    { type: 'message', text: t('returnCode:keepLonger.done', { days }) },
    { type: 'message', text: t('returnCode:keepLonger.what') },
  ]);
}

/**
 * The young person asks for a return code (the event `lantern.returnCode`, the command
 * `return_code` from a button, or its words typed in any of the five languages): the bot answers
 * with the code — in the text, and in `channelData.returnCode` for any client — and says honestly
 * what the code opens, for how long, and that anyone who has it can read the conversation.
 * Asking again replaces the old code (directline/ReturnCodes.ts). The code is never logged.
 * Under the explanation, a button offers to keep the conversation longer, once (keepLonger.ts),
 * while that is possible and not yet chosen.
 */
import type { TurnContext } from 'botbuilder';
import { formatReturnCode } from '../contracts/returnCode.js';
import { commandButton } from './commandButtons.js';
import { languageOf, textsFor, type DialogServices } from './DialogServices.js';
import { mayKeepLonger } from './keepLonger.js';

/**
 * The code as shown inside a sentence: a left-to-right isolate (U+2066 … U+2069), so that in an
 * Arabic or Dari sentence its groups keep their order ("1234 5678 9012", not "9012 5678 1234").
 */
export function isolatedCode(code: string): string {
  return `\u2066${code}\u2069`;
}

/**
 * Gives this turn's conversation a new return code and explains it; says so when codes are not
 * available. `withMenu`: the offer to keep the conversation longer also has the way back to the menu.
 * Resolves true when the last message offers buttons of its own (keep it longer), so the caller
 * does not ask its question again (the page shows only the last message's buttons).
 */
export async function giveReturnCode(services: DialogServices, context: TurnContext, withMenu = true): Promise<boolean> {
  const t = await textsFor(services, context);
  if (!services.returnCodes) {
    await context.sendActivity(t('returnCode:unavailable'));
    return false;
  }
  const conversationId = context.activity.conversation.id;
  const code = formatReturnCode(await services.returnCodes.issue(conversationId));
  await services.metrics.record({ name: 'return_code_given', lang: await languageOf(services, context) });
  // As long as the code lives: the conversation's retention (longer once the young person chose so).
  const lifetime = (await services.returnCodes.lifetime?.(conversationId)) ?? services.returnCodes.ttlSeconds;
  const retentionHours = Math.round(lifetime / 3600);
  const offer = await mayKeepLonger(services, context);
  const actions = [commandButton(t, 'keep_longer', 'keep_longer'), ...(withMenu ? [commandButton(t, 'menu')] : [])];
  await context.sendActivities([
    { type: 'message', text: t('returnCode:code', { code: isolatedCode(code) }), channelData: { returnCode: code } },
    { type: 'message', text: t('returnCode:use') },
    { type: 'message', text: t('returnCode:keeps', { retentionHours, count: retentionHours }), ...(offer ? { suggestedActions: { to: [], actions } } : {}) },
  ]);
  return offer;
}

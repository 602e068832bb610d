/**
 * The young person asks for a return code (the event `lantern.returnCode`, the command
 * `return_code` from a button, or its words typed in any of the five languages): the bot answers
 * with the code — in the text, and in `channelData.returnCode` for any client — and says honestly
 * what the code opens, for how long, and that anyone who has it can read the conversation.
 * Asking again replaces the old code (directline/ReturnCodes.ts). The code is never logged.
 */
import type { TurnContext } from 'botbuilder';
import { formatReturnCode } from '../contracts/returnCode.js';
import { languageOf, textsFor, type DialogServices } from './DialogServices.js';

/**
 * The code as shown inside a sentence: a left-to-right isolate (U+2066 … U+2069), so that in an
 * Arabic or Dari sentence its groups keep their order ("1234 5678 9012", not "9012 5678 1234").
 */
export function isolatedCode(code: string): string {
  return `\u2066${code}\u2069`;
}

/** Gives this turn's conversation a new return code and explains it; says so when codes are not available. */
export async function giveReturnCode(services: DialogServices, context: TurnContext): Promise<void> {
  const t = await textsFor(services, context);
  if (!services.returnCodes) {
    await context.sendActivity(t('returnCode:unavailable'));
    return;
  }
  const code = formatReturnCode(await services.returnCodes.issue(context.activity.conversation.id));
  await services.metrics.record({ name: 'return_code_given', lang: await languageOf(services, context) });
  const retentionHours = Math.round(services.returnCodes.ttlSeconds / 3600);
  await context.sendActivities([
    { type: 'message', text: t('returnCode:code', { code: isolatedCode(code) }), channelData: { returnCode: code } },
    { type: 'message', text: t('returnCode:use') },
    { type: 'message', text: t('returnCode:keeps', { retentionHours, count: retentionHours }) },
  ]);
}

/**
 * What happens when a turn fails: the young person's message is already stored, so nothing is
 * lost; they get an apology in their language with the ways out (try again, a person, 112);
 * the dialog stack is reset so the next message starts clean; the log gets the error's name only.
 */
import type { ConversationState, TurnContext } from 'botbuilder';
import type { ConversationProfile } from '../dialogs/ConversationProfile.js';
import type { Translator } from '../texts/Translator.js';
import { textLogOf } from '../texts/textLog.js';

/** Errors that mean the conversation is no longer there to answer (see directline/errors.ts). */
const GONE = new Set(['ConversationNotFoundError', 'ConversationEndedError']);

/** The log functions the handler needs (pino-compatible). */
export interface ErrorLog {
  error(fields: Record<string, unknown>, message: string): void;
}

/** Builds the adapter's onTurnError. */
export function createTurnErrorHandler(options: {
  conversationState: ConversationState;
  profile: ConversationProfile;
  translator: Translator;
  log: ErrorLog;
}): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    // The conversation was ended (quick exit) or deleted while this turn ran: nobody to answer.
    if (GONE.has(error.name)) {
      options.log.error({ event: 'bot_turn_after_end', error: error.name }, 'conversation gone during turn');
      return;
    }
    // Name and code only: error messages can quote input.
    options.log.error({ event: 'bot_turn_failed', error: error.name, code: (error as { code?: unknown }).code }, 'bot turn failed');
    try {
      const language = (await options.profile.language(context)) ?? 'en';
      await context.sendActivity(options.translator.forLanguage(language, textLogOf(context))('common:turnError'));
      const dialogState = options.conversationState.createProperty('dialogState');
      await dialogState.delete(context);
      await options.conversationState.saveChanges(context, true);
    } catch (inner) {
      options.log.error({ event: 'bot_turn_error_reply_failed', error: (inner as Error).name }, 'could not apologise');
    }
  };
}

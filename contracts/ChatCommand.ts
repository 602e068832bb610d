/**
 * Commands the chat page's always-visible buttons send, independent of language.
 * The page sends a message whose `text` is the button's label in the young person's language
 * and whose `value` is `{ command: ChatCommand }`; the bot trusts `value`, never the label.
 * Typed words for the same commands ("help", "مساعدة", "ሓገዝ", ...) live in locales/<lng>/commands.json
 * (cancel_handoff and keep_waiting come only from buttons: while waiting and after a long wait;
 * safe_word opens the safe word's dialog: agree on one, or take the phrase offered;
 * return_code gives a return code, also asked for with the event RETURN_CODE_EVENT;
 * keep_longer keeps the conversation longer, once, also asked for with the event KEEP_LONGER_EVENT).
 */
export const CHAT_COMMANDS = ['talk_to_human', 'emergency', 'menu', 'language', 'help', 'stop', 'cancel_handoff', 'keep_waiting', 'delete_conversation', 'safe_word', 'return_code', 'keep_longer'] as const;

/** One of the language-independent commands. */
export type ChatCommand = (typeof CHAT_COMMANDS)[number];

/** Name of the event the page sends right after starting a conversation, with the chosen language as value. */
export const LANGUAGE_EVENT = 'lantern.language';

/**
 * Name of the event a client sends to ask for a return code (docs/protocol.md, "Return code"): the
 * bot answers with a message carrying the code in `channelData.returnCode`.
 */
export const RETURN_CODE_EVENT = 'lantern.returnCode';

/**
 * Name of the event a client sends to keep the conversation longer, once (docs/protocol.md, "Keeping
 * a conversation longer"): the bot answers with what it did, in the conversation's language.
 */
export const KEEP_LONGER_EVENT = 'lantern.keepLonger';

/** Name of the event the bot sends when the young person deleted the conversation: the page clears itself. */
export const DELETED_EVENT = 'lantern.deleted';

/** Type guard for a command value coming from the channel. */
export function isChatCommand(value: unknown): value is ChatCommand {
  return typeof value === 'string' && (CHAT_COMMANDS as readonly string[]).includes(value);
}

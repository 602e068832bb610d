/**
 * The safe word of a conversation: a message the young person agreed on with the bot (their own,
 * or the innocent-looking phrase offered in their language, `privacy:safeWord.offered`). Typed later
 * as a whole message, anywhere, it tells the counsellors' side "may be watched" while the screen
 * shows nothing unusual (bot/safeWordSignal.ts).
 *
 * Stored only in the conversation's state (RedisStorage: it expires and is deleted with the
 * conversation), and only as a SHA-256 of the conversation id and the normalised word, never the
 * word itself. Matching is on the whole message after the project's normalisation
 * (language/normalize.ts: case, diacritics and letter variants, other scripts' digits), with
 * punctuation, symbols and emoji dropped: "Hi! What's the weather like there today?" and
 * "hi whats the weather like there today" are the same; a message that merely contains the word
 * is not the safe word (as with the command words).
 */
import { createHash } from 'node:crypto';
import type { ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import { normalizeForMatching } from '../language/normalize.js';

/** Shortest safe word, in characters after normalisation. */
export const SAFE_WORD_MIN = 2;
/** Longest safe word, in characters after normalisation. */
export const SAFE_WORD_MAX = 60;

/** The safe word's property in conversation state. */
const PROPERTY = 'lanternSafeWord';

/** What is kept: a hash, never the word. */
interface StoredSafeWord {
  hash: string;
}

/** A message as the safe word is compared: normalised, without punctuation, symbols and emoji, single spaces. */
export function safeWordKey(text: string): string {
  return normalizeForMatching(text)
    .replace(/['’`]/g, '')
    .replace(/[\p{P}\p{S}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether a text can be a safe word: long enough, not too long, not only digits. */
export function usableSafeWord(text: string): boolean {
  const key = safeWordKey(text);
  return [...key].length >= SAFE_WORD_MIN && [...key].length <= SAFE_WORD_MAX && !/^[\d\s]+$/.test(key);
}

/** Typed access to a conversation's safe word. */
export class SafeWords {
  private readonly accessor: StatePropertyAccessor<StoredSafeWord | undefined>;

  constructor(conversationState: ConversationState) {
    this.accessor = conversationState.createProperty<StoredSafeWord | undefined>(PROPERTY);
  }

  private static hash(conversationId: string, text: string): string {
    return createHash('sha256').update(`${conversationId}\n${safeWordKey(text)}`).digest('hex');
  }

  /** Agrees on a safe word for this conversation (replacing an earlier one). */
  async set(context: TurnContext, word: string): Promise<void> {
    await this.accessor.set(context, { hash: SafeWords.hash(context.activity.conversation.id, word) });
  }

  /** Whether this conversation has a safe word. */
  async has(context: TurnContext): Promise<boolean> {
    return (await this.accessor.get(context)) !== undefined;
  }

  /** Whether this turn's activity is a typed message that is, as a whole, the conversation's safe word. */
  async matches(context: TurnContext): Promise<boolean> {
    const { activity } = context;
    if (activity.type !== 'message' || typeof activity.text !== 'string' || !activity.text.trim()) return false;
    if (activity.value && typeof activity.value === 'object') return false; // a button, never the safe word
    const stored = await this.accessor.get(context);
    return stored !== undefined && stored.hash === SafeWords.hash(activity.conversation.id, activity.text);
  }
}

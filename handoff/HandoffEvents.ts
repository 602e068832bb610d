/**
 * What the handoff tells the rest of the product, in one direction:
 * - `YoungPersonEvent`: what the young person must be told (the bot side listens and says it, in
 *   their language; see bot/HandoffNotifier.ts). The handoff never calls into the bot.
 * - `HandoffEvent`: what the counsellors' consoles must know, on every app instance (see HandoffBus);
 *   `by` is set when a team lead moved a conversation that was not theirs.
 * Codes, usernames and conversation ids only; never text.
 */
import type { Outcome } from './outcomes.js';

/** Where the young person is (for proactive messages). */
export interface ConversationRef {
  conversationId: string;
  userId: string;
  serviceUrl: string;
}

/** Why a conversation went back to the waiting list. */
export type RequeueReason = 'transfer_to_list' | 'counsellor_left';

/** What the young person must be told about the handoff. */
export type YoungPersonEvent =
  | { type: 'accepted'; ref: ConversationRef }
  | { type: 'completed'; ref: ConversationRef }
  | { type: 'requeued'; ref: ConversationRef; position: number; why: RequeueReason }
  | { type: 'transferred'; ref: ConversationRef }
  | { type: 'waiting'; ref: ConversationRef; position: number; estimatedWaitMinutes: number | null }
  | { type: 'timedOut'; ref: ConversationRef; danger: boolean }
  | { type: 'away'; ref: ConversationRef }
  | { type: 'interpreter'; ref: ConversationRef; joined: boolean };

/** Receives the young person's events (awaited: the young person's state is set before the caller goes on). */
export type YoungPersonListener = (event: YoungPersonEvent) => Promise<void>;

/** Why a counsellor's access to their conversations ended. */
export type AccessEndReason = 'logout' | 'removed' | 'session_expired' | 'disconnected';

/** Events for the consoles, on every instance. */
export type HandoffEvent =
  | { type: 'claimed'; conversationId: string; counsellor: string }
  | { type: 'transferred'; conversationId: string; from: string; to: string; by?: string }
  | { type: 'requeued'; conversationId: string; from: string; why: RequeueReason; danger: boolean; by?: string }
  | { type: 'interpreter'; conversationId: string; counsellor: string; joined: boolean }
  | { type: 'ended'; conversationId: string; counsellor: string; outcome: Outcome }
  | { type: 'accessEnded'; counsellor: string; reason: AccessEndReason }
  | { type: 'flagged'; conversationId: string; counsellor: string; activityId: string; level: 'urgent' | 'check' | 'exploitation'; categories: string[] }
  /** The young person typed their safe word (counsellor: who has the chat, if anyone). */
  | { type: 'watched'; conversationId: string; counsellor?: string }
  | { type: 'queueChanged' };

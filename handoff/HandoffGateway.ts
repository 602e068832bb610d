/**
 * The door from the bot to a human counsellor. The bot asks; the gateway answers honestly
 * whether someone can come. Implementations: NoCounsellorGateway (no counsellors connected yet)
 * and, with the handoff issue, a BullMQ queue.
 */
import type { Language } from '../contracts/languages.js';
import type { Priority, ScreeningAnswers, TopicCode } from '../contracts/profileCodes.js';
import type { MessageScreening } from '../contracts/counsellorApi.js';

/** What goes along with a handoff: codes only, never the young person's words (the transcript is separate). */
export interface HandoffContext {
  conversationId: string;
  language: Language;
  priority: Priority;
  topics: TopicCode[];
  screening: ScreeningAnswers;
  /** Why the handoff was asked for: a button, the menu, the danger path, the signal check, the safe word. */
  reason: 'talk_to_human' | 'danger_now' | 'signals' | 'safe_word';
}

/** The gateway's honest answer. */
export type HandoffOutcome =
  | { status: 'queued'; position: number; estimatedWaitMinutes: number | null; counsellorsOnDuty: number }
  | { status: 'unavailable'; reason: 'not_connected' | 'closed'; reopensAt?: string };

/** Where to reach the young person later (proactive messages). */
export interface YoungPersonReference {
  userId: string;
  serviceUrl: string;
}

/** Hands a conversation to counsellors. */
export interface HandoffGateway {
  /** Asks for a counsellor for this conversation. */
  request(context: HandoffContext, reference: YoungPersonReference): Promise<HandoffOutcome>;
  /** The young person no longer wants to wait. True when they were waiting. */
  cancel(conversationId: string): Promise<boolean>;
  /** Something typed while waiting raised the priority (danger): move up the line. True when it moved. */
  raise(conversationId: string, priority: Priority): Promise<boolean>;
  /** The young person left (quick exit): stop waiting. True when they were waiting. */
  left(conversationId: string): Promise<boolean>;
  /**
   * The screening read danger or exploitation in a message sent while a counsellor has the chat
   * (`activityId`: the stored message): shown on it, priority raised, the counsellor alerted.
   */
  flagDuringChat(conversationId: string, activityId: string, screening: MessageScreening): Promise<void>;
  /**
   * The young person typed their safe word: the conversation is marked "may be watched" (waiting
   * list, chat panel, neutral phrases), its priority goes to danger, and the consoles are alerted.
   */
  mayBeWatched(conversationId: string): Promise<void>;
}

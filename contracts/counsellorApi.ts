/**
 * The shapes the counsellor API answers with (docs/api.md), defined once: the server builds them
 * (handoff/) and the console reads them (web/counsellor, type-only).
 */
import type { Language } from './languages.js';
import type { Priority } from './profileCodes.js';

/** One line of the console's waiting list. */
export interface QueueItem {
  conversationId: string;
  language: Language;
  priority: Priority;
  waitingSeconds: number;
  danger: boolean;
  interpreterNeeded: boolean;
  position: number;
  /** Seconds since the young person's page was last seen (null: not known). */
  lastSeenSeconds: number | null;
  /** It came back to the list because a counsellor left or passed it back. */
  returned: boolean;
}

/** One of my open conversations. */
export interface SessionItem {
  conversationId: string;
  language: Language | 'und';
  priority: Priority;
  danger: boolean;
  interpreterNeeded: boolean;
  claimedAt?: string;
  /** A colleague's note when they passed the conversation on. */
  handover?: { from: string; note: string; at: string };
}

/** A colleague on duty. */
export interface Colleague {
  username: string;
  languages: Language[];
  /** Conversations they have open, their maximum, and whether one more fits. */
  open: number;
  max: number;
  room: boolean;
}

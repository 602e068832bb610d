/**
 * What survives a reload: the chosen language, the Direct Line conversation (token, id, watermark)
 * and messages not sent yet. sessionStorage only: it is gone when the tab is closed, and the quick
 * exit wipes it, and so does deleting the conversation. Never localStorage, never cookies.
 */
import { isLanguage, type Language } from '../../contracts/languages.js';
import type { Conversation, OutgoingActivity } from './directline.js';

const KEY = 'lantern';

/** A message or event waiting to be sent. */
export interface QueuedActivity {
  /** Client-side id, sent as `channelData.clientActivityID` to recognise the echo. */
  cid: string;
  activity: OutgoingActivity;
  /** Text shown in the young person's bubble; none for hidden activities (events, postBack). */
  display?: string;
}

/** The session state. */
export interface Session {
  lang: Language;
  conversation?: Conversation;
  /** `from.id` the server gives the young person's activities. */
  userId?: string;
  outbox?: QueuedActivity[];
}

/** The stored session, if any. */
export function loadSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    return session && isLanguage(session.lang) ? session : undefined;
  } catch {
    return undefined;
  }
}

/** Set by the quick exit: nothing is stored any more, whatever is still on its way. */
let wiped = false;

/** Stores the session (quietly does nothing when storage is blocked or full). */
export function saveSession(session: Session): void {
  if (wiped) return;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Private mode or full: the chat still works, a reload just starts again.
  }
}

/** Removes everything this origin stored in the tab and the browser (a new chat may store again). */
export function clearStorage(): void {
  try {
    sessionStorage.clear();
  } catch {
    // nothing stored
  }
  try {
    localStorage.clear();
  } catch {
    // nothing stored
  }
}

/** Removes everything this origin stored in the tab and the browser, for good. */
export function wipeStorage(): void {
  wiped = true;
  clearStorage();
}

/**
 * What survives a reload: the chosen language, the Direct Line conversation (token, id, watermark),
 * messages not sent yet and the look the young person chose (web/src/look.ts). sessionStorage only: it is gone when the tab is closed, and the quick
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

/** Where the young person's choices of web/src/look.ts are kept (only once they chose something). */
const LOOK_KEY = 'lantern-look';

/** The look as last stored: not part of the conversation, so deleting the conversation keeps it. */
let look: string | null = null;

/** The stored look (web/src/look.ts checks it), if any. */
export function loadLook(): unknown {
  try {
    look = sessionStorage.getItem(LOOK_KEY);
    return look ? JSON.parse(look) : undefined;
  } catch {
    return undefined;
  }
}

/** Stores the look, in this tab only (quietly nothing when storage is blocked). */
export function saveLook(value: unknown): void {
  if (wiped) return;
  look = JSON.stringify(value);
  try {
    sessionStorage.setItem(LOOK_KEY, look);
  } catch {
    // Kept in memory only.
  }
}

/**
 * Removes everything this origin stored in the tab and the browser (a new chat may store again),
 * except a look the young person chose: a page on a watched phone must not turn back to its red
 * face after "delete my conversation". The quick exit removes that too (wipeStorage).
 */
export function clearStorage(): void {
  try {
    sessionStorage.clear();
    if (look && !wiped) sessionStorage.setItem(LOOK_KEY, look);
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

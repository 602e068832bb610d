/**
 * Quick exit: leave at once and leave little behind. Wipes this origin's storage, empties the page,
 * ends the conversation on the server (fire and forget) and replaces the history entry with a
 * neutral site, so the back button does not lead to the chat.
 */
import { wipeStorage } from './storage.js';

/** The neutral site from `<meta name="lantern-quick-exit">` (injected by the server). */
export function quickExitUrl(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="lantern-quick-exit"]');
  const url = meta ? meta.content : '';
  return /^https?:\/\//i.test(url) ? url : 'about:blank';
}

/** Leaves the page. `endConversation` tells the server, without waiting. */
export function quickExit(endConversation?: () => void): void {
  const url = quickExitUrl();
  try {
    if (endConversation) endConversation();
  } catch {
    // Leaving matters more.
  }
  wipeStorage();
  document.title = '';
  if (document.body) document.body.textContent = '';
  location.replace(url);
}

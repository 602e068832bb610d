/**
 * Quick exit: leave at once and leave little behind. Wipes this origin's storage, empties the page,
 * ends the conversation on the server (fire and forget) and replaces the history entry with a
 * neutral site, so the back button does not lead to the chat.
 *
 * Framed on a partner's site (the launcher of web/embed/embed.ts, `/embed`), leaving the frame is
 * not enough: the partner's page (a help organisation) must go too. The frame asks the launcher to
 * replace the partner's page (a `lantern:quick-exit` message) and replaces the top page itself as
 * well (allowed to a frame after a tap or a key press), whichever comes first; the frame itself is
 * emptied (about:blank).
 *
 * Only the frame holds the conversation's token, so when Escape reaches the launcher's own panel
 * instead (its focus was not inside the frame yet), the launcher asks the frame to leave
 * (`lantern:leave`, see listenForPartnerLeaving) and goes once the frame has answered.
 */
import { wipeStorage } from './storage.js';

/** The neutral site from `<meta name="lantern-quick-exit">` (injected by the server). */
export function quickExitUrl(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="lantern-quick-exit"]');
  const url = meta ? meta.content : '';
  return /^https?:\/\//i.test(url) ? url : 'about:blank';
}

/**
 * Leaves the page. `endConversation` tells the server, without waiting. `askedByPartner`: the
 * launcher around the frame asked for it and leaves by itself once told (the frame has no key
 * press or tap of its own then, so it may not replace the top page).
 */
export function quickExit(endConversation?: () => void, askedByPartner = false): void {
  const url = quickExitUrl();
  try {
    if (endConversation) endConversation();
  } catch {
    // Leaving matters more.
  }
  wipeStorage();
  document.title = '';
  if (document.body) document.body.textContent = '';
  if (window.top !== window.self) {
    leavePartnerPage(url, !askedByPartner);
    // The frame itself becomes empty, not the neutral site: a partner's Content-Security-Policy
    // (frame-src) would refuse that site in a frame, racing the launcher that removes the frame.
    location.replace('about:blank');
    return;
  }
  location.replace(url);
}

/**
 * Replaces the page that frames the chat with `url` (see the top of this file); `navigateTop`: also
 * replace it from here, which a frame may do only right after the young person's own key press or tap.
 */
function leavePartnerPage(url: string, navigateTop: boolean): void {
  try {
    // The exit URL is public (it is in the page); the launcher checks the message's origin and source.
    window.parent.postMessage({ type: 'lantern:quick-exit', url }, '*');
  } catch {
    // The other way below.
  }
  if (!navigateTop) return;
  try {
    if (window.top) window.top.location.replace(url);
  } catch {
    // Refused without a user gesture: the launcher's message does it.
  }
}

/**
 * In a frame, `leave` runs when the page that frames it asks (`lantern:leave`: Escape reached the
 * launcher's panel, not the chat). Only the framing page itself is listened to; a page that may
 * frame the chat is one of ALLOWED_ORIGINS (the server's frame-ancestors).
 */
export function listenForPartnerLeaving(leave: () => void): void {
  if (window.top === window.self) return;
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== window.parent) return;
    const data = event.data as { type?: unknown } | null;
    if (data && data.type === 'lantern:leave') leave();
  });
}

/**
 * The launcher a partner organisation puts on its own site with one line:
 *
 *   <script src="https://lantern.example/embed.js" data-lang="ti" async></script>
 *
 * It adds a button ("Chat anonymously" in the chosen language) in a corner of the page. Nothing is
 * loaded from Lantern before the button is pressed, and nothing is stored on the partner's site.
 *
 * - On a site in ALLOWED_ORIGINS the chat opens in a panel on the page (an iframe of Lantern's own
 *   chat page, `/embed`, which only those origins may frame). Its quick exit replaces the partner's
 *   page too: the chat page sends `lantern:quick-exit`, and the launcher replaces this page with the
 *   neutral site, so neither the chat nor the partner's page is left on screen or one step back.
 * - On any other site the frame would be refused, so the button replaces this page with the chat
 *   (same tab): the quick exit there then leaves no help site behind either.
 *
 * Attributes of the script element: `data-lang` (ar, ti, prs, en or nl; a locale such as `fa-AF`
 * works too; default the page's own `<html lang>`, else Dutch; the chat starts in it),
 * `data-position` (`left` or `right`, default the end side of the language), `data-look="calm"`
 * (the chat opens in its calm look, `?look=calm`: see web/src/look.ts).
 *
 * The launcher lives in a shadow root and is styled only through the CSS object model, so the
 * partner's stylesheets do not reach it and a strict Content-Security-Policy without
 * 'unsafe-inline' styles does not block it. Escape inside the open panel is the quick exit, as it
 * is on the chat page; it ends the conversation on the server wherever the focus was.
 */
import { LANGUAGE_INFO, languageFromLocale, type Language } from '../../contracts/languages.js';

interface Launcher {
  open(): void;
}

type Styles = Partial<Record<keyof CSSStyleDeclaration, string>>;

/**
 * How long Escape in the launcher's own panel waits for the chat frame to answer that it ended the
 * conversation (one message each way between the two windows) before it leaves anyway.
 */
const LEAVE_ANSWER_MS = 300;

function styled<K extends keyof HTMLElementTagNameMap>(tag: K, styles: Styles): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  Object.assign(element.style, styles);
  return element;
}

/** An outline while focused from the keyboard or a tap (no stylesheet, so no :focus-visible). */
function focusRing(element: HTMLElement): void {
  element.addEventListener('focus', () => {
    element.style.outline = '3px solid #ffbf47';
    element.style.outlineOffset = '2px';
  });
  element.addEventListener('blur', () => {
    element.style.outline = 'none';
  });
}

/** `url` when it is an http(s) URL (only such a URL may replace the partner's page), else `fallback`. */
function webUrlOr(url: unknown, fallback: string): string {
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : fallback;
}

function start(script: HTMLScriptElement): Launcher {
  const lanternOrigin = new URL(script.src, location.href).origin;
  const chosen = languageFromLocale(script.getAttribute('data-lang') || undefined);
  const language: Language = chosen || languageFromLocale(document.documentElement.lang || undefined) || 'nl';
  const strings = __LANTERN_EMBED_STRINGS__[language];
  const dir = LANGUAGE_INFO[language].dir;
  const lang = language === 'prs' ? 'fa-AF' : language;
  const position = script.getAttribute('data-position');
  const left = position === 'left' || (position !== 'right' && dir === 'rtl');
  const framed = __LANTERN_FRAME_ORIGINS__.indexOf(location.origin) >= 0;
  const params = [chosen ? `lang=${chosen}` : '', script.getAttribute('data-look') === 'calm' ? 'look=calm' : ''].filter(Boolean);
  const query = params.length ? `?${params.join('&')}` : '';
  const exitUrl = webUrlOr(__LANTERN_QUICK_EXIT__, 'about:blank');

  const host = document.createElement('div');
  host.setAttribute('data-lantern-embed', '');
  const root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  const side = left ? 'left' : 'right';

  const button = styled('button', {
    position: 'fixed',
    bottom: '16px',
    [side]: '16px',
    zIndex: '2147483646',
    minHeight: '48px',
    minWidth: '48px',
    padding: '12px 20px',
    border: '2px solid #ffffff',
    borderRadius: '24px',
    background: '#1f4e79',
    color: '#ffffff',
    font: '600 16px/1.25 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Ethiopic", Vazirmatn, Tahoma, sans-serif',
    boxShadow: '0 2px 8px rgba(0,0,0,.35)',
    cursor: 'pointer',
  });
  button.type = 'button';
  button.lang = lang;
  button.dir = dir;
  button.textContent = strings.embedOpen;
  focusRing(button);
  root.appendChild(button);

  let panel: HTMLElement | undefined;
  let frame: HTMLIFrameElement | undefined;

  let leaving = false;
  /** Replaces this page with the neutral site, once (a second replace would restart the first); the chat is gone with it. */
  const leave = (): void => {
    if (leaving) return;
    leaving = true;
    if (host.parentNode) host.parentNode.removeChild(host);
    document.title = '';
    location.replace(exitUrl);
  };

  /**
   * Escape in the panel's own controls (or on the frame before its page had the focus). Only the
   * chat page holds the conversation's token, so it is asked to leave too (`lantern:leave`: it
   * ends the conversation on the server and answers `lantern:quick-exit`); this page goes on that
   * answer, or after LEAVE_ANSWER_MS if the chat cannot answer. Out of sight at once meanwhile.
   */
  const quickExitFromPanel = (): void => {
    const chat = frame && frame.contentWindow;
    if (!chat) {
      leave();
      return;
    }
    host.style.display = 'none';
    document.title = '';
    try {
      chat.postMessage({ type: 'lantern:leave' }, lanternOrigin);
    } catch {
      leave();
      return;
    }
    setTimeout(leave, LEAVE_ANSWER_MS);
  };

  const hide = (): void => {
    if (!panel) return;
    panel.style.display = 'none';
    button.style.display = '';
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  };

  const buildPanel = (): HTMLElement => {
    // Full screen on a phone (the screen's width counts too: a partner page without a viewport tag is laid out wider).
    const small = Math.min(window.innerWidth, screen.width || window.innerWidth) < 640;
    const box = styled('div', {
      position: 'fixed',
      zIndex: '2147483647',
      display: 'flex',
      flexDirection: 'column',
      background: '#ffffff',
      boxShadow: '0 4px 24px rgba(0,0,0,.4)',
      ...(small
        ? { top: '0', right: '0', bottom: '0', left: '0' }
        : { bottom: '16px', [side]: '16px', width: '400px', height: 'min(680px, calc(100vh - 32px))', borderRadius: '12px', overflow: 'hidden' }),
    });
    box.id = 'lantern-embed-panel';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', strings.embedTitle);
    box.lang = lang;
    box.dir = dir;
    const bar = styled('div', { display: 'flex', justifyContent: 'flex-end', background: '#1f4e79', flex: '0 0 auto' });
    const close = styled('button', {
      minHeight: '44px',
      padding: '8px 16px',
      border: '0',
      background: 'transparent',
      color: '#ffffff',
      font: '600 15px/1.25 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Ethiopic", Vazirmatn, Tahoma, sans-serif',
      cursor: 'pointer',
    });
    close.type = 'button';
    close.textContent = strings.embedHide;
    focusRing(close);
    close.addEventListener('click', hide);
    bar.appendChild(close);
    frame = styled('iframe', { flex: '1 1 auto', width: '100%', border: '0', display: 'block' });
    frame.title = strings.embedTitle;
    frame.referrerPolicy = 'no-referrer';
    frame.src = `${lanternOrigin}/embed${query}`;
    // Into the chat as soon as it is there (focus given before it loaded does not carry over).
    frame.addEventListener('load', () => {
      if (frame && box.style.display !== 'none') frame.focus();
    });
    box.appendChild(bar);
    box.appendChild(frame);
    // Escape in the panel's own controls leaves, like Escape inside the chat.
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' || event.key === 'Esc') {
        event.preventDefault();
        quickExitFromPanel();
      }
    });
    return box;
  };

  // The chat page's quick exit: only from Lantern's own frame; always to Lantern's neutral site.
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.origin !== lanternOrigin || !frame || event.source !== frame.contentWindow) return;
    const data = event.data as { type?: unknown } | null;
    if (data && data.type === 'lantern:quick-exit') leave();
  });

  const open = (): void => {
    if (!framed) {
      // The frame would be refused here: the chat takes this page's place.
      location.replace(`${lanternOrigin}/${query}`);
      return;
    }
    if (!panel) {
      panel = buildPanel();
      root.appendChild(panel);
      button.setAttribute('aria-controls', panel.id);
    }
    panel.style.display = 'flex';
    button.style.display = 'none';
    button.setAttribute('aria-expanded', 'true');
    if (frame) frame.focus();
  };

  if (framed) {
    button.setAttribute('aria-haspopup', 'dialog');
    button.setAttribute('aria-expanded', 'false');
  }
  button.addEventListener('click', open);
  (document.body || document.documentElement).appendChild(host);
  return { open };
}

(function boot(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  // One launcher per page, however often the line was pasted.
  const marked = window as unknown as { lanternEmbed?: Launcher | true };
  if (!script || !script.src || marked.lanternEmbed) return;
  marked.lanternEmbed = true;
  const run = (): void => {
    marked.lanternEmbed = start(script);
  };
  if (document.body) run();
  else document.addEventListener('DOMContentLoaded', run);
})();

/**
 * A phone that may be watched (issue 16). Two choices, made under the bar's eye button (and the
 * first also by a link, `?look=calm`, e.g. from a partner's launcher):
 *
 * - The calm look: the page is called "Notes" (in the young person's language) with a plain icon,
 *   shows nothing red, and opens on a neutral face that says nothing about help until it is tapped;
 *   the quick exit is an ordinary "Close" (still a button of its own, still Escape).
 * - Covering: when the page is hidden (another app, the list of open apps) or nothing was tapped or
 *   typed for 1, 5 (the default) or 15 minutes, the neutral face covers everything (the title too)
 *   until it is tapped or a key is pressed. After a reload, earlier messages stay hidden until asked
 *   for (web/src/chat.ts). "Never" turns all of it off.
 *
 * The choices are kept in sessionStorage only (web/src/storage.ts), and only once the young person
 * (or a link) chose something. The texts on the panel say what this does not protect against.
 */
import { fill, t, tCount } from './i18n.js';
import { loadLook, saveLook } from './storage.js';

/** What the young person chose. */
interface Look {
  calm: boolean;
  /** Minutes without a tap before the chat is covered; 0: never covered, not even when the page is left. */
  hide: number;
}

const CHOICES = [1, 5, 15, 0];
const DEFAULT_HIDE = 5;

/** The neutral face's icon: a grey note. */
const NOTE_ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect x='2' y='1' width='12' height='14' rx='2' fill='%23ddd'/%3E%3Cpath d='M5 5h6M5 8h6M5 11h4' stroke='%23777'/%3E%3C/svg%3E";

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const html = document.documentElement;
const cover = byId('cover');
const panel = byId('lookPanel');
const toggle = byId<HTMLButtonElement>('look');
const calmButton = byId<HTMLButtonElement>('calm');
const open = byId<HTMLButtonElement>('uncover');
const options = [...byId('hide').querySelectorAll<HTMLButtonElement>('[data-min]')];

let look: Look = { calm: false, hide: DEFAULT_HIDE };
let covered = false;
/** What had the focus when the page was covered. */
let before: Element | null = null;
let lastActive = Date.now();
let timer: ReturnType<typeof setTimeout> | undefined;

/** Minutes without a tap before the chat is covered (0: never). */
export function hideMinutes(): number {
  return look.hide;
}

/** Title, icon, the quick exit's label and the panel, for the look and the language now. */
export function refreshLook(): void {
  const neutral = look.calm || covered;
  document.title = t(neutral ? 'calmTitle' : 'title');
  byId<HTMLLinkElement>('icon').href = neutral ? NOTE_ICON : 'data:,';
  html.classList.toggle('calm', look.calm);
  for (const [id, calmKey, key] of [
    ['exitLabel', 'calmExit', 'quickExit'],
    ['hint', 'calmHint', 'quickExitHint'],
  ] as const) {
    const node = byId(id);
    const shown = look.calm ? calmKey : key;
    node.dataset.t = shown;
    node.textContent = t(shown);
  }
  calmButton.setAttribute('aria-pressed', String(look.calm));
  for (const option of options) {
    const minutes = Number(option.dataset.min);
    option.setAttribute('aria-pressed', String(minutes === look.hide));
    if (minutes) option.lastElementChild!.textContent = fill(tCount('hideAfter', minutes), { minutes });
  }
}

function choose(next: Partial<Look>): void {
  look = { ...look, ...next };
  saveLook(look);
  lastActive = Date.now();
  arm();
  refreshLook();
}

/** Covers the page with the neutral face; `focus`: move the focus to it (not when the page opens on it). */
function coverPage(focus = true): void {
  // Not after the quick exit emptied the page.
  if (covered || !cover.isConnected) return;
  covered = true;
  before = document.activeElement;
  html.classList.add('covered');
  cover.hidden = false;
  refreshLook();
  if (focus) open.focus({ preventScroll: true });
}

function uncover(): void {
  if (!covered) return;
  covered = false;
  html.classList.remove('covered');
  cover.hidden = true;
  refreshLook();
  lastActive = Date.now();
  arm();
  if (before instanceof HTMLElement && before !== document.body && before.isConnected) before.focus({ preventScroll: true });
}

/** The idle timer: covers once nothing was tapped or typed for the chosen time. */
function arm(): void {
  clearTimeout(timer);
  if (!look.hide || covered) return;
  const limit = look.hide * 60_000;
  timer = setTimeout(() => {
    if (Date.now() - lastActive >= limit) coverPage();
    else arm();
  }, Math.max(0, lastActive + limit - Date.now()));
}

function showPanel(open: boolean): void {
  panel.hidden = !open;
  toggle.setAttribute('aria-expanded', String(open));
}

/**
 * Reads the stored look (else a link's `?look=calm`), wires the panel and the covering, and shows
 * the neutral face at once in the calm look.
 */
export function initLook(): void {
  const stored = loadLook() as Partial<Look> | undefined;
  if (stored && typeof stored === 'object') {
    look = { calm: stored.calm === true, hide: CHOICES.indexOf(Number(stored.hide)) >= 0 ? Number(stored.hide) : DEFAULT_HIDE };
  } else if (/(^|[?&])look=calm(&|$)/.test(location.search)) {
    choose({ calm: true });
  }

  toggle.addEventListener('click', () => showPanel(panel.hidden));
  byId('lookDone').addEventListener('click', () => {
    showPanel(false);
    toggle.focus();
  });
  calmButton.addEventListener('click', () => choose({ calm: !look.calm }));
  for (const option of options) option.addEventListener('click', () => choose({ hide: Number(option.dataset.min) }));

  // A tap anywhere on the neutral face or any key brings the page back, but not on its "Close" (the
  // quick exit), nor Escape (the quick exit too) or Tab (from one to the other).
  const onExit = (event: Event): boolean => {
    const target = event.target as Element | null;
    return !!target && !!target.closest && !!target.closest('#coverExit');
  };
  cover.addEventListener('click', (event) => {
    if (!onExit(event)) uncover();
  });
  const activity = (event: Event): void => {
    lastActive = Date.now();
    const key = (event as KeyboardEvent).key;
    if (covered && event.type === 'keydown' && !onExit(event) && !/^(Escape|Esc|Tab|Shift|Control|Alt|Meta)$/.test(key)) {
      event.preventDefault();
      uncover();
    }
  };
  for (const type of ['pointerdown', 'touchstart', 'keydown', 'wheel']) document.addEventListener(type, activity, { capture: true, passive: type !== 'keydown' });
  // Leaving the page (another app, the list of open apps, another site in this tab).
  const away = (event: Event): void => {
    if (look.hide && (event.type === 'pagehide' || document.visibilityState === 'hidden')) coverPage();
  };
  document.addEventListener('visibilitychange', away);
  addEventListener('pagehide', away);

  arm();
  if (look.calm) coverPage(false);
  else refreshLook();
}

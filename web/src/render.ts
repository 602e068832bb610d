/**
 * Turning activities into DOM. Everything from the network is put in as text (never as HTML);
 * only https:// links and the configured help line numbers become links.
 *
 * Right-to-left text (Arabic, Dari) often holds left-to-right pieces: names ("Veilig Thuis"), numbers,
 * formulas ("0 + 0 + 0 = 1"), phone numbers and links. Left to the Unicode bidi algorithm, a number
 * after a Latin name joins the name ("Veilig Thuis، 24 ساعت" shows "24" away from "ساعت"), a formula
 * flips ("1 = 0 + 0 + 0") and a link's trailing "/" jumps to its other end. So in a text with
 * right-to-left letters every such piece is its own left-to-right isolate (`<bdi dir="ltr">`; links
 * get `dir="ltr"`): inside it reads as written, outside it is one neutral block that stays where the
 * sentence puts it. `dir="auto"` on the bubble skips isolates, so a bubble that starts with a name
 * is still right-to-left.
 */
import type { CardAction } from './directline.js';
import { t, type StringKey } from './i18n.js';

/** Creates an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** An element whose text follows the page language (see i18n.translate). */
export function translated<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, key: StringKey): HTMLElementTagNameMap[K] {
  const node = el(tag, className, t(key));
  node.dataset.t = key;
  return node;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Phone numbers to link, digits may be separated by a space or hyphen where the configured number has one. */
const phonePattern = __LANTERN_PHONES__.all
  .slice()
  .sort((a, b) => b.length - a.length)
  .map((phone) => phone.split(/[- ]/).map(escapeRegExp).join('[- ]?'))
  .join('|');

// No look-behind (old Chrome): the character before a number is captured in group 1.
const linkPattern = new RegExp(`(https://[^\\s<>"'\`]+)|(^|[^\\d\\-+])(${phonePattern || '(?!)'})(?![\\d\\-])`, 'g');

function link(href: string, text: string, external: boolean): HTMLAnchorElement {
  const a = el('a', undefined, text);
  a.href = href;
  // Links and phone numbers read left to right in every language (and are isolated, see above).
  a.dir = 'ltr';
  if (external) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  return a;
}

/** Letters of right-to-left scripts (Hebrew, Arabic and its supplements, presentation forms). */
const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

/** Latin letters (with accents), European digits. */
const LATIN = 'A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff';

/**
 * One left-to-right word: Latin letters and digits, with tight punctuation inside ("0800-2000",
 * "B8/3", "24/7", "14:00–22:00", "e-bike"), a leading "+" before a digit and a trailing "%".
 */
const ltrWord = new RegExp(`(?:\\+(?=\\d))?[${LATIN}]+(?:[.\\-\u2013/:'\u2019_@&][${LATIN}]+)*%?`, 'g');

/** What joins two words into one run: spaces between names ("Chat met Fier"), operators between numbers ("0 + 0 = 0"). */
const NAME_GAP = /^[ \u00a0]+$/;
const FORMULA_GAP = /^ *[-+=\u00d7\u00f7*/<>\u2212\u2248\u2260] *$/;
const NUMBER = /^\+?\d[\d.,:\-\u2013/%]*$/;

/**
 * Appends `text` to `parent`; when `rtl`, every run of Latin words, numbers and formulas is wrapped in
 * `<bdi dir="ltr">`. A name and a number next to it stay two runs ("Veilig Thuis" and "24"): the
 * number belongs to the right-to-left words around it.
 */
export function appendIsolated(parent: Node, text: string, rtl: boolean): void {
  if (!rtl) {
    if (text) parent.appendChild(document.createTextNode(text));
    return;
  }
  const runs: Array<{ start: number; end: number; number: boolean }> = [];
  ltrWord.lastIndex = 0;
  for (let match = ltrWord.exec(text); match; match = ltrWord.exec(text)) {
    const word = { start: match.index, end: match.index + match[0].length, number: NUMBER.test(match[0]) };
    const previous = runs[runs.length - 1];
    const gap = previous ? text.slice(previous.end, word.start) : '';
    if (previous && ((!previous.number && !word.number && NAME_GAP.test(gap)) || (previous.number && word.number && FORMULA_GAP.test(gap)))) {
      previous.end = word.end;
    } else {
      runs.push(word);
    }
  }
  let last = 0;
  for (const run of runs) {
    if (run.start > last) parent.appendChild(document.createTextNode(text.slice(last, run.start)));
    const bdi = el('bdi', undefined, text.slice(run.start, run.end));
    bdi.dir = 'ltr';
    parent.appendChild(bdi);
    last = run.end;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

/** Whether `text` has right-to-left letters (then its left-to-right pieces need isolating). */
export function hasRtl(text: string): boolean {
  return RTL_LETTER.test(text);
}

/** Plain text with https links and help line numbers as links; line breaks are kept by CSS. */
export function linkify(text: string): DocumentFragment {
  const out = document.createDocumentFragment();
  const rtl = hasRtl(text);
  let last = 0;
  linkPattern.lastIndex = 0;
  for (let match = linkPattern.exec(text); match; match = linkPattern.exec(text)) {
    const [whole, url, before = '', phone] = match;
    let start = match.index;
    let end = start + whole.length;
    let node: HTMLAnchorElement | undefined;
    if (url) {
      // Punctuation at the end of a sentence is not part of the link.
      const clean = url.replace(/[.,;:!?)\]}'"»”’،؛።፣]+$/, '');
      end = start + clean.length;
      try {
        const parsed = new URL(clean);
        if (parsed.protocol === 'https:') node = link(parsed.href, clean, true);
      } catch {
        // not a URL after all
      }
    } else if (phone) {
      start += before.length;
      node = link(`tel:${phone.replace(/[^\d+]/g, '')}`, phone, false);
    }
    if (!node) continue;
    if (start > last) appendIsolated(out, text.slice(last, start), rtl);
    out.append(node);
    last = end;
    linkPattern.lastIndex = end;
  }
  if (last < text.length) appendIsolated(out, text.slice(last), rtl);
  return out;
}

/** Who wrote a bubble: the bot, the young person, or a person who joined the chat (a counsellor, an interpreter). */
export type Author = 'bot' | 'user' | 'person' | 'interpreter';

/**
 * One message bubble; `text` is shown as plain text. A person's message carries a visible label,
 * unless it is `discreet` (after the young person's safe word, someone may be reading along): then
 * it looks like the bot's, and only a screen reader says who wrote it.
 */
export function bubble(author: Author, text: string, discreet = false): HTMLElement {
  const human = author === 'person' || author === 'interpreter';
  const labelled = human && !discreet;
  const item = el('div', human ? `msg bot${labelled ? ' person' : ''}` : `msg ${author}`);
  if (human) item.dataset.author = author;
  // Visible for a person's message, else for screen readers only ("you" for the young person's own).
  const who = translated('span', labelled ? 'who' : 'sr', author === 'user' ? 'you' : author);
  const body = el('p', 'text');
  body.dir = 'auto';
  if (author === 'user') appendIsolated(body, text, hasRtl(text));
  else body.append(linkify(text));
  item.append(who, body);
  return item;
}

/** The choice of an action value like `{ choice: 'rights' }`, if any. */
export function choiceOf(action: CardAction): string | undefined {
  const value = action.value;
  if (value && typeof value === 'object' && typeof (value as { choice?: unknown }).choice === 'string') {
    return (value as { choice: string }).choice;
  }
  return undefined;
}

/** The command of an action value like `{ command: 'cancel_handoff' }` (the bot's command buttons), if any. */
export function commandOf(action: CardAction): string | undefined {
  const value = action.value;
  if (value && typeof value === 'object' && typeof (value as { command?: unknown }).command === 'string') {
    return (value as { command: string }).command;
  }
  return undefined;
}

/** The label of an action button. */
export function actionLabel(action: CardAction): string {
  const value = typeof action.value === 'string' ? action.value : '';
  return action.title || action.displayText || action.text || value;
}

/** Buttons for suggested actions. */
export function actionButtons(actions: CardAction[], onPick: (action: CardAction) => void): HTMLElement[] {
  const buttons: HTMLElement[] = [];
  for (const action of actions) {
    const label = actionLabel(action);
    if (!label) continue;
    const button = el('button', 'action');
    appendIsolated(button, label, hasRtl(label));
    button.type = 'button';
    button.dir = 'auto';
    const choice = choiceOf(action);
    if (choice) button.dataset.choice = choice;
    const command = commandOf(action);
    if (command) button.dataset.command = command;
    button.addEventListener('click', () => onPick(action));
    buttons.push(button);
  }
  return buttons;
}

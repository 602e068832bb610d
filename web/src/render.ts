/**
 * Turning activities into DOM. Everything from the network is put in as text (never as HTML);
 * only https:// links and the configured help line numbers become links.
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
  if (external) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  return a;
}

/** Plain text with https links and help line numbers as links; line breaks are kept by CSS. */
export function linkify(text: string): DocumentFragment {
  const out = document.createDocumentFragment();
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
      node.dir = 'ltr';
    }
    if (!node) continue;
    if (start > last) out.append(text.slice(last, start));
    out.append(node);
    last = end;
    linkPattern.lastIndex = end;
  }
  if (last < text.length) out.append(text.slice(last));
  return out;
}

/** Who wrote a bubble: the bot, the young person, or a person who joined the chat (a counsellor, an interpreter). */
export type Author = 'bot' | 'user' | 'person' | 'interpreter';

/** One message bubble; `text` is shown as plain text. A person's message carries a visible label. */
export function bubble(author: Author, text: string): HTMLElement {
  const human = author === 'person' || author === 'interpreter';
  const item = el('div', human ? 'msg bot person' : `msg ${author}`);
  const who = human ? translated('span', 'who', author) : translated('span', 'sr', author === 'bot' ? 'bot' : 'you');
  const body = el('p', 'text');
  body.dir = 'auto';
  if (author === 'user') body.textContent = text;
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
    const button = el('button', 'action', label);
    button.type = 'button';
    button.dir = 'auto';
    const choice = choiceOf(action);
    if (choice) button.dataset.choice = choice;
    button.addEventListener('click', () => onPick(action));
    buttons.push(button);
  }
  return buttons;
}

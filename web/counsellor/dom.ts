/** Small DOM helpers. Everything from the network goes in as text, never as HTML. */
import { t, type Key } from './i18n.js';

/** An element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** An element whose text follows the console language. */
export function tr<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, key: Key): HTMLElementTagNameMap[K] {
  const node = el(tag, className, t(key));
  node.dataset.t = key;
  return node;
}

/** A button (type=button). */
export function button(className: string, key: Key | undefined, onClick: (event: MouseEvent) => void): HTMLButtonElement {
  const node = key ? tr('button', className, key) : el('button', className);
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}

/** The element with this id. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} missing`);
  return node as T;
}

/** Shows a message in a status element (empty hides it). */
export function say(node: HTMLElement, text: string, kind: 'error' | 'info' = 'info'): void {
  node.textContent = text;
  node.hidden = !text;
  node.classList.toggle('error', kind === 'error');
}

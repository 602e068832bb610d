/** Small DOM helpers. Everything from the network goes in as text, never as HTML. */
import { byId, el, say, staffShell } from '../shared/dom.js';
import { t, type Key } from './i18n.js';

export { byId, el, say, staffShell };

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

/** Small DOM helpers. Everything from the network goes in as text, never as HTML. */
import { byId, el, say, staffShell } from '../shared/dom.js';
import { t, type Key } from './i18n.js';

export { byId, el, say, staffShell };

/** A dashboard panel: a section labelled by its heading, an optional hint, and the body to fill. */
export function panel(id: string, title: Key, hint?: Key): { box: HTMLElement; body: HTMLElement } {
  const box = el('section', `panel panel-${id}`);
  box.setAttribute('aria-labelledby', `h-${id}`);
  const heading = el('h2', '', t(title));
  heading.id = `h-${id}`;
  box.append(heading);
  if (hint) box.append(el('p', 'hint', t(hint)));
  const body = el('div', 'panelBody');
  box.append(body);
  return { box, body };
}

/** An element whose text follows the dashboard language. */
export function tr<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, key: Key): HTMLElementTagNameMap[K] {
  const node = el(tag, className, t(key));
  node.dataset.t = key;
  return node;
}

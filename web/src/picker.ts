/**
 * The language picker: the five languages by their own names, each button in its own script,
 * language and direction.
 */
import { LANGUAGES, LANGUAGE_INFO, type Language } from '../../contracts/languages.js';
import { langTag } from './i18n.js';
import { el } from './render.js';

/** Fills `box` with one button per language. */
export function renderPicker(box: HTMLElement, onPick: (language: Language) => void): void {
  box.textContent = '';
  for (const code of LANGUAGES) {
    const info = LANGUAGE_INFO[code];
    const button = el('button', 'lang', info.nativeName);
    button.type = 'button';
    button.lang = langTag(code);
    button.dir = info.dir;
    button.dataset.lang = code;
    button.addEventListener('click', () => onPick(code));
    box.append(button);
  }
}

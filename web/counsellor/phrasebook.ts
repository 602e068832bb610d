/**
 * The phrasebook of a chat panel: short phrases grouped by the moment of the conversation
 * (GET /api/staff/phrases), each with its meaning in the console's language beside the text the
 * young person gets (with the right `lang` and `dir`), unreviewed translations marked. It opens
 * above the message box with Ctrl+K / Cmd+K, with `/` when no field has the focus, or from its box
 * in the side column; the search filters on the Dutch and English meaning and the young person's
 * text; arrow keys choose, Enter sends (in the young person's language), Escape closes.
 */
import type { Phrase, PhrasebookAnswer, PhraseGroupId } from '../../contracts/counsellorApi.js';
import { api } from './api.js';
import { el, say } from './dom.js';
import { langDir, langTag, languageName, t, uiLanguage, type Key } from './i18n.js';

/** The heading of each group. */
const GROUP_NAMES: Record<PhraseGroupId, Key> = {
  opening: 'phraseGroupOpening',
  safety: 'phraseGroupSafety',
  practical: 'phraseGroupPractical',
  nextSteps: 'phraseGroupNextSteps',
  interpreter: 'phraseGroupInterpreter',
  waiting: 'phraseGroupWaiting',
  closing: 'phraseGroupClosing',
  neutral: 'phraseGroupNeutral',
};

const cache = new Map<string, Promise<PhrasebookAnswer>>();

/**
 * The phrasebook for a young person's language (asked once per language and set; again after a
 * failure); `neutral`: only the neutral phrases, for a young person who may be watched.
 */
function phrasesFor(language: string, neutral = false): Promise<PhrasebookAnswer> {
  const key = `${language}|${neutral ? 'neutral' : 'all'}`;
  let cached = cache.get(key);
  if (!cached) {
    cached = api<PhrasebookAnswer>('GET', `/api/staff/phrases?language=${encodeURIComponent(language)}${neutral ? '&set=neutral' : ''}`);
    cached.catch(() => cache.delete(key));
    cache.set(key, cached);
  }
  return cached;
}

/** Lower case, without accents and Arabic vowel marks, Arabic and Persian letter forms alike: for searching. */
export function searchable(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\u0640/g, '')
    .replace(/[يى]/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/[أإآ]/g, 'ا')
    .toLowerCase();
}

/** What a phrasebook needs from its chat panel. */
export interface PhrasebookHooks {
  /** The young person's language. */
  language(): string;
  /** Sends a phrase; true when it went out. */
  send(phrase: Phrase): Promise<boolean>;
  /** Where the focus goes when the phrasebook closes (the message box). */
  returnFocus(): void;
  /** Only the neutral phrases: the young person typed their safe word (someone may be watching). */
  neutral?(): boolean;
}

/** One phrase as shown. */
interface Option {
  phrase: Phrase;
  group: PhraseGroupId;
  node: HTMLElement;
  meaning: HTMLElement;
  badge?: HTMLElement;
  haystack: string;
}

/** Every phrasebook on the page, for the keyboard shortcut (the one in the visible panel opens). */
const books = new Set<PhrasebookPanel>();

/** A phrasebook in one chat panel. */
export class PhrasebookPanel {
  /** The phrasebook itself, above the message box (hidden until opened). */
  readonly root = el('section', 'phrasebook');
  /** Its box in the side column, where the quick replies were: what it is, and a button to open it. */
  readonly launcher = el('section', 'box phrasebookBox');
  private readonly title = el('h3', 'phrasebookTitle');
  private readonly closeButton = el('button', 'secondary small phrasebookClose', '×');
  private readonly search = el('input', 'phraseSearch');
  private readonly searchLabel = el('label', 'sr');
  private readonly keysHint = el('p', 'hint phrasebookKeys');
  private readonly count = el('span', 'muted phrasebookCount');
  private readonly list = el('div', 'phraseList');
  private readonly none = el('p', 'muted phrasebookNone');
  private readonly status = el('p', 'formStatus');
  private readonly boxTitle = el('h3', 'boxTitle');
  private readonly boxHint = el('p', 'hint');
  private readonly openButton = el('button', 'secondary phrasebookOpen');
  private readonly openLabel = el('span');
  private readonly shortcut = el('kbd', 'shortcut');
  private options: Option[] = [];
  private visible: Option[] = [];
  private active = -1;
  private enabled = true;
  private loaded: Promise<void> | undefined;
  /** Whether the phrases loaded are the neutral set. */
  private loadedNeutral = false;

  constructor(
    private readonly idPrefix: string,
    private readonly hooks: PhrasebookHooks,
  ) {
    books.add(this);
    const titleId = `${idPrefix}-phrasebook-title`;
    const listId = `${idPrefix}-phrases`;
    this.root.id = `${idPrefix}-phrasebook`;
    this.root.hidden = true;
    this.root.setAttribute('aria-labelledby', titleId);
    this.title.id = titleId;
    this.closeButton.type = 'button';
    this.closeButton.addEventListener('click', () => this.close());
    const head = el('div', 'phrasebookHead');
    head.append(this.title, this.count, this.closeButton);

    this.search.type = 'search';
    this.search.id = `${idPrefix}-phrase-search`;
    this.search.autocomplete = 'off';
    this.search.spellcheck = false;
    this.search.setAttribute('role', 'combobox');
    this.search.setAttribute('aria-expanded', 'true');
    this.search.setAttribute('aria-autocomplete', 'list');
    this.search.setAttribute('aria-controls', listId);
    this.searchLabel.htmlFor = this.search.id;
    this.search.addEventListener('input', () => this.filter());
    this.search.addEventListener('keydown', (event) => this.onSearchKey(event));
    this.list.id = listId;
    this.list.setAttribute('role', 'listbox');
    this.none.hidden = true;
    this.status.hidden = true;
    this.status.setAttribute('role', 'alert');
    this.root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.close();
      }
    });
    this.root.append(head, this.searchLabel, this.search, this.keysHint, this.status, this.list, this.none);

    this.openButton.type = 'button';
    this.openButton.addEventListener('click', () => this.open());
    this.openButton.setAttribute('aria-expanded', 'false');
    this.openButton.setAttribute('aria-controls', this.root.id);
    this.openButton.append(this.openLabel, ' ', this.shortcut);
    this.launcher.append(this.boxTitle, this.boxHint, this.openButton);
    this.relabel();
  }

  /** Loads the phrases of the young person's language (once; again when the set switches to the neutral one). */
  load(): Promise<void> {
    const neutral = this.hooks.neutral?.() ?? false;
    if (neutral !== this.loadedNeutral) this.loaded = undefined;
    this.loadedNeutral = neutral;
    this.root.dataset.set = neutral ? 'neutral' : 'all';
    this.loaded ??= phrasesFor(this.hooks.language(), neutral).then(
      (answer) => this.render(answer),
      () => {
        this.loaded = undefined;
        say(this.status, t('phrasebookLoadFailed'), 'error');
      },
    );
    return this.loaded;
  }

  /** Whether it is open. */
  get isOpen(): boolean {
    return !this.root.hidden;
  }

  /** Opens it with the focus in the search box (all of it selected). */
  open(): void {
    if (!this.enabled) return;
    this.root.hidden = false;
    this.openButton.setAttribute('aria-expanded', 'true');
    void this.load();
    this.search.focus();
    this.search.select();
    this.scrollActive();
  }

  /** Closes it; the focus goes back to the message box. */
  close(): void {
    if (this.root.hidden) return;
    this.root.hidden = true;
    this.openButton.setAttribute('aria-expanded', 'false');
    this.hooks.returnFocus();
  }

  /** Phrases can be sent (the conversation is open) or not. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.openButton.disabled = !enabled;
    if (!enabled && this.isOpen) {
      this.root.hidden = true;
      this.openButton.setAttribute('aria-expanded', 'false');
    }
  }

  /** Re-renders what depends on the console's language. */
  relabel(): void {
    const language = languageName(this.hooks.language());
    this.title.textContent = t('phrasebook');
    this.closeButton.setAttribute('aria-label', t('phrasebookClose'));
    this.closeButton.title = t('phrasebookClose');
    this.searchLabel.textContent = t('phrasebookSearch');
    this.search.placeholder = t('phrasebookSearchPlaceholder', { language });
    this.keysHint.textContent = t('phrasebookKeys');
    this.list.setAttribute('aria-label', t('phrasebookList'));
    this.none.textContent = t('phrasebookNone');
    this.boxTitle.textContent = t('phrasebook');
    this.boxHint.textContent = t('phrasebookHint', { language });
    this.openLabel.textContent = t('phrasebookOpen');
    this.shortcut.textContent = t('phrasebookShortcut');
    this.openButton.setAttribute('aria-keyshortcuts', 'Control+K Meta+K /');
    this.search.setAttribute('aria-keyshortcuts', 'Control+K Meta+K /');
    if (this.status.textContent) say(this.status, t('phrasebookLoadFailed'), 'error');
    for (const heading of this.list.querySelectorAll<HTMLElement>('.groupName')) heading.textContent = t(GROUP_NAMES[heading.dataset.group as PhraseGroupId] ?? 'phrasebook');
    for (const option of this.options) this.label(option);
    this.filter(false);
    if (this.loaded && (this.hooks.neutral?.() ?? false) !== this.loadedNeutral) void this.load();
  }

  // Rendering ----------------------------------------------------------------------------------

  private render(answer: PhrasebookAnswer): void {
    say(this.status, '');
    this.list.textContent = '';
    this.options = [];
    const language = answer.language;
    for (const group of answer.groups) {
      const box = el('div', 'phraseGroup');
      box.setAttribute('role', 'group');
      box.dataset.group = group.id;
      const heading = el('div', 'groupName', t(GROUP_NAMES[group.id] ?? 'phrasebook'));
      heading.id = `${this.idPrefix}-group-${group.id}`;
      heading.dataset.group = group.id;
      heading.setAttribute('role', 'presentation');
      box.setAttribute('aria-labelledby', heading.id);
      box.append(heading);
      for (const phrase of group.phrases) {
        const node = el('div', 'phrase');
        node.id = `${this.idPrefix}-phrase-${phrase.key.replace(/\W/g, '-')}`;
        node.setAttribute('role', 'option');
        node.setAttribute('aria-selected', 'false');
        node.dataset.key = phrase.key;
        node.dataset.reviewed = String(phrase.reviewed);
        const meaning = el('span', 'meaning');
        const theirs = el('span', 'theirs');
        if (phrase.text) {
          theirs.textContent = phrase.text;
          theirs.lang = langTag(language);
          theirs.dir = langDir(language);
        } else {
          // The server would refuse it: never offer it.
          theirs.classList.add('missing');
          theirs.textContent = t('phraseMissing', { language: languageName(language) });
          node.setAttribute('aria-disabled', 'true');
        }
        node.append(meaning, theirs);
        const option: Option = { phrase, group: group.id, node, meaning, haystack: '' };
        if (phrase.text && !phrase.reviewed) {
          option.badge = el('span', 'badge unreviewed');
          node.classList.add('unreviewed');
          node.append(option.badge);
        }
        node.addEventListener('click', () => void this.choose(option));
        this.label(option);
        this.options.push(option);
        box.append(node);
      }
      this.list.append(box);
    }
    this.filter();
  }

  /** The texts of an option that follow the console's language, and what the search looks in. */
  private label(option: Option): void {
    const { phrase } = option;
    const language = this.hooks.language();
    option.meaning.textContent = (uiLanguage() === 'en' ? phrase.en : phrase.nl) || phrase.nl || phrase.key;
    option.meaning.lang = uiLanguage();
    if (option.badge) {
      option.badge.textContent = t('phrasebookUnreviewed');
      option.badge.title = t('phrasebookUnreviewedTitle', { language: languageName(language) });
    }
    option.haystack = searchable([phrase.nl, phrase.en, phrase.text ?? '', t(GROUP_NAMES[option.group] ?? 'phrasebook')].join('\n'));
  }

  /** Shows the phrases that match every word of the search; the first one is chosen (unless `reset` is false). */
  private filter(reset = true): void {
    const words = searchable(this.search.value).split(/\s+/).filter(Boolean);
    const chosen = this.visible[this.active];
    this.visible = [];
    for (const option of this.options) {
      const match = words.every((word) => option.haystack.includes(word));
      option.node.hidden = !match;
      if (match) this.visible.push(option);
    }
    for (const box of this.list.querySelectorAll<HTMLElement>('.phraseGroup')) box.hidden = !box.querySelector('.phrase:not([hidden])');
    this.none.hidden = this.visible.length > 0 || this.options.length === 0;
    this.count.textContent = this.options.length ? t('phrasebookCount', { shown: this.visible.length, total: this.options.length }) : '';
    const keep = !reset && chosen ? this.visible.indexOf(chosen) : -1;
    this.setActive(keep >= 0 ? keep : this.visible.length ? 0 : -1);
  }

  private setActive(index: number): void {
    this.visible[this.active]?.node.setAttribute('aria-selected', 'false');
    this.visible[this.active]?.node.classList.remove('active');
    this.active = index;
    const option = this.visible[index];
    if (option) {
      option.node.setAttribute('aria-selected', 'true');
      option.node.classList.add('active');
      this.search.setAttribute('aria-activedescendant', option.node.id);
      this.scrollActive();
    } else this.search.removeAttribute('aria-activedescendant');
  }

  private scrollActive(): void {
    if (!this.root.hidden) this.visible[this.active]?.node.scrollIntoView({ block: 'nearest' });
  }

  // Keys and sending ---------------------------------------------------------------------------

  private onSearchKey(event: KeyboardEvent): void {
    if (event.isComposing) return;
    const count = this.visible.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (count) this.setActive((this.active + (event.key === 'ArrowDown' ? 1 : -1) + count) % count);
    } else if ((event.key === 'Home' || event.key === 'End') && event.ctrlKey) {
      event.preventDefault();
      if (count) this.setActive(event.key === 'Home' ? 0 : count - 1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const option = this.visible[this.active];
      if (option) void this.choose(option);
    }
  }

  private async choose(option: Option): Promise<void> {
    if (!this.enabled || !option.phrase.text) return;
    if (await this.hooks.send(option.phrase)) {
      this.search.value = '';
      this.filter();
      this.close();
    }
  }

  /** Whether its chat panel is the one on screen (and it is still on the page). */
  private showing(): boolean {
    return this.launcher.isConnected && this.launcher.getClientRects().length > 0;
  }

  /** The phrasebook of the chat panel on screen, if any (forgetting those of closed panels). */
  static onScreen(): PhrasebookPanel | undefined {
    for (const book of [...books]) if (!book.launcher.isConnected && !book.root.isConnected) books.delete(book);
    return [...books].find((book) => book.showing());
  }
}

/** Typing in a field: `/` is a character there, not a shortcut. */
function typing(target: EventTarget | null): boolean {
  const node = target as HTMLElement | null;
  return !!node && (node.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(node.tagName));
}

// Ctrl+K / Cmd+K anywhere, and `/` outside fields, open the phrasebook of the conversation on screen.
document.addEventListener('keydown', (event) => {
  if (event.defaultPrevented || event.isComposing || event.altKey) return;
  const shortcut = (event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'k';
  const slash = event.key === '/' && !event.ctrlKey && !event.metaKey && !typing(event.target);
  if (!shortcut && !slash) return;
  if (document.querySelector('dialog[open]')) return; // a modal question comes first
  const book = PhrasebookPanel.onScreen();
  if (!book) return;
  event.preventDefault();
  book.open();
});

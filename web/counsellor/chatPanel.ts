/**
 * One open conversation in the console: its tab, transcript (each line once, in stream order, by
 * line id; what the screening flagged marked on the line in the console's language; the bot's and
 * the phrasebook's lines with their Dutch or English beneath), summary, notes (notes.ts),
 * interpreter (interpreter.ts), message box and phrasebook (phrasebook.ts); the transfer and end
 * forms are in handoverForms.ts.
 */
import type { Phrase } from '../../contracts/counsellorApi.js';
import { api, ApiError, type ConversationDetail, type SessionItem, type TranscriptLine } from './api.js';
import { HandoverForms, reason } from './handoverForms.js';
import { InterpreterBox } from './interpreter.js';
import type { LineScreening } from './live.js';
import { NotesBox } from './notes.js';
import { PhrasebookPanel } from './phrasebook.js';

export { reason };
import { button, el, say, tr } from './dom.js';
import { clock, langDir, langTag, languageName, priorityName, t, uiLanguage, type Key } from './i18n.js';

/** What a panel needs from the console. */
export interface PanelHooks {
  /** Start receiving the conversation's new lines after `watermark`. */
  subscribe(conversationId: string, watermark: string | undefined): void;
  /** The panel is done (ended, transferred, closed): take it away. `message` goes to the status line. */
  remove(panel: ChatPanel, message?: string): void;
  /** The tab was chosen. */
  select(panel: ChatPanel): void;
}


/** The stream position of a line id (`<conversation>|<ms>-<seq>`), for ordering. */
function position(id: string): [number, number] | undefined {
  const entry = id.split('|')[1];
  const match = entry ? /^(\d+)-(\d+)$/.exec(entry) : null;
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function before(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}


let panelCount = 0;

/** One open conversation. */
export class ChatPanel {
  readonly tab: HTMLButtonElement;
  readonly root: HTMLElement;
  private readonly tabLabel = el('span', 'tabLabel');
  private readonly tabPriority = el('span');
  private readonly unreadBadge = el('span', 'unread');
  private readonly heading = el('h2', 'chatTitle');
  private readonly reference = el('span', 'reference');
  private readonly badges = el('div', 'badges');
  private readonly notice = el('p', 'notice');
  /** "May be watched: answer neutrally, ask yes/no questions" (the young person typed their safe word). */
  private readonly watched = el('p', 'watchedAdvice');
  private readonly tools = el('div', 'tools');
  private readonly transcript = el('ol', 'transcript');
  private readonly input = el('textarea', 'messageInput');
  private readonly sendButton: HTMLButtonElement;
  private readonly sendStatus = el('p', 'formStatus');
  private readonly summaryBox = el('dl', 'summaryList');
  private readonly phrasebook: PhrasebookPanel;
  private readonly forms: HandoverForms;
  private readonly notes: NotesBox;
  private readonly interpreter: InterpreterBox;
  private readonly lines = new Map<string, HTMLElement>();
  /** What each shown line was made from (to show it again in the other language). */
  private readonly lineData = new Map<string, TranscriptLine>();
  /** Flags that came before their line. */
  private readonly pendingFlags = new Map<string, LineScreening>();
  private detail: ConversationDetail | undefined;
  private unread = 0;
  private active = false;
  /** open; left: the young person left (end it with an outcome); gone: not mine any more. */
  private state: 'open' | 'left' | 'gone' = 'open';
  private busy = false;

  constructor(
    readonly conversationId: string,
    private info: SessionItem,
    private readonly hooks: PanelHooks,
  ) {
    panelCount += 1;
    const id = `chat-${panelCount}`;
    this.tab = el('button', 'tab');
    this.tab.type = 'button';
    this.tab.id = `${id}-tab`;
    this.tab.setAttribute('role', 'tab');
    this.tab.setAttribute('aria-controls', id);
    this.tab.dataset.conversation = conversationId;
    this.unreadBadge.hidden = true;
    this.tabPriority.hidden = true;
    this.tab.append(this.tabLabel, this.tabPriority, this.unreadBadge);
    this.tab.addEventListener('click', () => hooks.select(this));

    this.root = el('section', 'panel');
    this.root.id = id;
    this.root.setAttribute('role', 'tabpanel');
    this.root.setAttribute('aria-labelledby', this.tab.id);
    this.root.dataset.conversation = conversationId;
    this.root.hidden = true;

    const head = el('header', 'chatHead');
    const meta = el('div', 'meta');
    meta.append(this.heading, this.reference, this.badges);
    head.append(meta, this.tools);
    this.notice.hidden = true;
    this.notice.setAttribute('role', 'status');
    this.forms = new HandoverForms({
      conversationId,
      idPrefix: id,
      state: () => this.state,
      claimBusy: () => (this.busy ? false : (this.busy = true)),
      releaseBusy: () => {
        this.busy = false;
      },
      done: (message) => {
        this.state = 'gone';
        this.hooks.remove(this, message);
      },
      gone: () => this.gone(),
    });

    this.transcript.setAttribute('role', 'log');
    this.transcript.setAttribute('aria-live', 'polite');
    const composer = el('form', 'composer');
    const label = el('label', 'sr');
    label.htmlFor = `${id}-input`;
    label.dataset.t = 'messageLabel';
    label.textContent = t('messageLabel');
    this.input.id = `${id}-input`;
    this.input.rows = 3;
    this.input.maxLength = 4000;
    this.input.dir = 'auto';
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.sendText();
      }
    });
    this.sendButton = tr('button', 'primary', 'send');
    this.sendButton.type = 'submit';
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.sendText();
    });
    this.sendStatus.hidden = true;
    this.sendStatus.setAttribute('role', 'alert');
    const row = el('div', 'composeRow');
    row.append(this.input, this.sendButton);
    composer.append(label, row, tr('p', 'hint', 'sendHint'), this.sendStatus);
    this.phrasebook = new PhrasebookPanel(id, {
      language: () => this.info.language,
      send: (phrase) => this.sendPhrase(phrase),
      returnFocus: () => this.input.focus(),
      neutral: () => this.info.mayBeWatched === true,
    });
    const talk = el('div', 'talk');
    talk.append(this.transcript, this.phrasebook.root, composer);

    const summary = el('details', 'box');
    summary.open = true;
    summary.append(tr('summary', '', 'summary'), this.summaryBox);
    this.notes = new NotesBox(conversationId, id, () => this.gone());
    this.interpreter = new InterpreterBox(
      {
        conversationId,
        info: () => this.info,
        changed: (interpreter) => this.update({ ...this.info, interpreter }),
        state: () => this.state,
      },
      id,
    );
    const side = el('aside', 'info');
    side.setAttribute('aria-label', t('conversationInfo'));
    side.dataset.tl = 'conversationInfo';
    side.append(summary, this.notes.root, this.interpreter.root, this.phrasebook.launcher);

    const body = el('div', 'chatBody');
    body.append(talk, side);
    this.watched.hidden = true;
    this.watched.setAttribute('role', 'note');
    this.root.append(head, this.watched, this.notice, this.forms.transferBox, this.forms.endBox, body);
    this.relabel();
  }

  /** Loads transcript and summary, then subscribes to new lines. */
  async load(): Promise<void> {
    try {
      const detail = await api<ConversationDetail>('GET', `/api/staff/conversations/${encodeURIComponent(this.conversationId)}`);
      this.detail = detail;
      const { summary: _summary, notes: _notes, whileWaiting: _waiting, transcript: _transcript, watermark: _watermark, ...session } = detail;
      this.info = session;
      this.notes.show(detail.notes ?? []);
      this.addLines(detail.transcript, true);
      this.relabel();
      this.hooks.subscribe(this.conversationId, detail.watermark);
      if (detail.transcript.some((line) => line.event === 'endOfConversation')) this.youngPersonLeft();
      void this.phrasebook.load();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) this.gone();
      else this.showNotice(reason(error), 'error');
    }
  }

  /** Whether the conversation is still this counsellor's (as the server said last). */
  get open(): boolean {
    return this.state !== 'gone';
  }

  /** Shows or hides the panel. */
  setActive(active: boolean): void {
    this.active = active;
    this.root.hidden = !active;
    this.tab.setAttribute('aria-selected', String(active));
    this.tab.tabIndex = active ? 0 : -1;
    if (active) {
      this.unread = 0;
      this.showUnread();
      this.scrollToEnd();
    }
  }

  /** Adds transcript lines; lines already shown (same id) are skipped. */
  addLines(lines: TranscriptLine[], initial = false): void {
    const follow = this.nearEnd();
    let fresh = 0;
    for (const each of lines) {
      if (each.id && this.lines.has(each.id)) continue;
      const pending = each.id ? this.pendingFlags.get(each.id) : undefined;
      const line = pending && !each.screening ? { ...each, screening: pending } : each;
      this.pendingFlags.delete(line.id);
      const node = this.renderLine(line);
      if (!node) continue;
      if (line.id) {
        this.lines.set(line.id, node);
        this.lineData.set(line.id, line);
      }
      this.insert(node, line.id);
      if (line.sender === 'young_person') fresh += 1;
      if (line.event === 'endOfConversation' && !initial) this.youngPersonLeft();
    }
    if (fresh && !initial && (!this.active || document.hidden)) {
      this.unread += fresh;
      this.showUnread();
    }
    if (follow || initial) this.scrollToEnd();
  }

  /**
   * The screening flagged a message of the young person: marked on its line (or as soon as the line
   * arrives), and the conversation's priority goes up at once (the server's list follows).
   */
  flag(activityId: string, screening: LineScreening): void {
    const line = this.lineData.get(activityId);
    const node = this.lines.get(activityId);
    if (line && node) {
      line.screening = screening;
      this.markFlag(node, screening);
    } else this.pendingFlags.set(activityId, screening);
    const priority = screening.level === 'urgent' || this.info.priority === 'danger' ? 'danger' : 'raised';
    this.update({ ...this.info, priority, danger: priority === 'danger' });
  }

  /** The conversation as the server says it is now (priority, interpreter, reference). */
  update(item: SessionItem): void {
    const before = this.info;
    this.info = { ...item, handover: item.handover ?? before.handover };
    if (JSON.stringify(before) !== JSON.stringify(this.info)) this.relabel();
  }

  /** An interpreter joined or left (the server's list follows with the times). */
  interpreterChanged(joined: boolean): void {
    const current = this.info.interpreter;
    if (!joined) this.update({ ...this.info, interpreter: undefined });
    else if (current && !current.joinedAt) this.update({ ...this.info, interpreter: { ...current, joinedAt: new Date().toISOString() } });
  }

  /** Puts the focus in the message box (or on the tab when it cannot be written in). */
  focusMessage(): void {
    (this.input.disabled ? this.tab : this.input).focus();
  }

  /** The young person's language. */
  get language(): string {
    return this.info.language;
  }

  /** The short reference the audit trail names this conversation by. */
  get ref(): string {
    return this.info.reference ?? '';
  }

  /** The young person ended the chat (quick exit, or it expired): only ending is left. */
  youngPersonLeft(): void {
    if (this.state !== 'open') return;
    this.state = 'left';
    this.showNotice(t('endedByYoung'), 'info', 'endedByYoung');
    this.setComposerEnabled(false);
    void this.forms.openEnd();
  }

  /** The conversation is no longer this counsellor's (transferred, ended elsewhere, expired, returned to the list). */
  gone(key: Key = 'notYours'): void {
    if (this.state === 'gone') return;
    this.state = 'gone';
    this.forms.hide();
    this.setComposerEnabled(false);
    this.showNotice(t(key), 'error', key);
    this.tab.classList.add('gone');
    this.renderTools();
  }

  /** Opens the transfer form (logging out with this conversation open). */
  askTransfer(): void {
    void this.forms.openTransfer();
  }

  /** Opens the end form (logging out with this conversation open). */
  askEnd(): void {
    void this.forms.openEnd();
  }

  /** Whether the counsellor still holds it and it is not finished. */
  get needsHandover(): boolean {
    return this.state !== 'gone';
  }

  /** Shows a notice that a colleague passed the conversation on to this counsellor. */
  transferredIn(): void {
    this.showNotice(t('transferredToYou'), 'info', 'transferredToYou');
  }

  /** Re-renders everything that depends on the console language. */
  relabel(): void {
    const info = this.info;
    const language = languageName(info.language);
    const time = info.claimedAt ? clock(info.claimedAt) : '';
    this.tabLabel.textContent = time ? `${language} · ${time}` : language;
    this.tab.classList.toggle('danger', info.priority === 'danger');
    // The session list shows a raised priority (danger, signs of exploitation), not "normal".
    this.tabPriority.className = `badge priority-${info.priority}`;
    this.tabPriority.textContent = priorityName(info.priority);
    this.tabPriority.hidden = info.priority === 'normal';
    this.heading.textContent = language;
    this.reference.textContent = info.reference ? t('reference', { reference: info.reference }) : '';
    this.reference.title = t('referenceTitle');
    this.badges.textContent = '';
    this.badges.append(el('span', `badge priority-${info.priority}`, priorityName(info.priority)));
    if (info.interpreterNeeded) this.badges.append(el('span', 'badge interpreter', t('interpreterNeeded')));
    if (info.mayBeWatched) this.badges.append(el('span', 'badge watched', t('mayBeWatched')));
    if (info.cameBackWithCode) {
      const badge = el('span', 'badge cameback', t('cameBackWithCode'));
      badge.title = t('cameBackWithCodeTitle');
      this.badges.append(badge);
    }
    // This counsellor had the conversation last, before this chat.
    if (info.wasWithYouBefore) {
      const badge = el('span', 'badge preferred', t('withYouBefore'));
      badge.title = t('withYouBeforeChatTitle');
      this.badges.append(badge);
    }
    this.watched.hidden = !info.mayBeWatched;
    this.watched.textContent = t('mayBeWatchedAdvice');
    this.watched.title = t('mayBeWatchedTitle');
    if (time) this.badges.append(el('span', 'muted', t('claimedAt', { time })));
    this.input.placeholder = t('messagePlaceholder', { language });
    this.unreadBadge.setAttribute('aria-label', t('unread'));
    this.renderTools();
    this.renderSummary();
    this.phrasebook.relabel();
    this.notes.relabel();
    this.interpreter.render();
    for (const [id, node] of this.lines) this.relabelLine(node, this.lineData.get(id));
    this.forms.relabel();
    const key = this.notice.dataset.key as Key | undefined;
    if (key) this.notice.textContent = t(key);
  }

  // Rendering ----------------------------------------------------------------------------------

  private renderTools(): void {
    this.tools.textContent = '';
    if (this.state === 'gone') {
      this.tools.append(button('secondary', 'closeTab', () => this.hooks.remove(this)));
      return;
    }
    const transfer = button('secondary', 'transfer', () => void this.forms.openTransfer());
    transfer.dataset.action = 'transfer';
    transfer.disabled = this.state !== 'open';
    const end = button('destructive', 'end', () => void this.forms.openEnd());
    end.dataset.action = 'end';
    // Needed (nobody on duty speaks the language) and not invited yet: one click from the header.
    if (this.info.interpreterNeeded && !this.info.interpreter && this.state === 'open') {
      const invite = button('secondary', 'interpreterInvite', () => void this.interpreter.inviteNow());
      invite.dataset.action = 'interpreter';
      this.tools.append(invite);
    }
    this.tools.append(transfer, end);
  }

  private renderSummary(): void {
    this.summaryBox.textContent = '';
    const lines = this.detail ? this.detail.summary[uiLanguage()] : [];
    if (!this.detail) this.summaryBox.append(el('dd', 'muted', t('loading')));
    // The priority as it is now (a flag or the safe word may have raised it since the summary was made).
    const danger = this.info.priority === 'danger';
    for (const line of lines) {
      const value = line.field === 'priority' ? priorityName(this.info.priority) : danger && line.dangerValue !== undefined ? line.dangerValue : line.value;
      this.summaryBox.append(el('dt', '', line.label), el('dd', '', value));
    }
    const handover = this.detail?.handover ?? this.info.handover;
    if (handover) this.summaryBox.append(el('dd', 'handover', t('handoverFrom', { name: handover.from, note: handover.note })));
    const written = this.detail?.whileWaiting ?? [];
    if (written.length) {
      this.summaryBox.append(el('dt', '', t('whileWaitingTitle')));
      for (const text of written) {
        const line = el('dd', 'whileWaiting', text);
        line.dir = 'auto';
        this.summaryBox.append(line);
      }
    }
  }

  private senderLabel(line: TranscriptLine): string {
    switch (line.sender) {
      case 'young_person':
        return t('senderYoung');
      case 'counsellor':
        return t('senderCounsellor');
      case 'bot':
        return t('senderBot');
      case 'interpreter':
        return t('senderInterpreter');
      default:
        return '';
    }
  }

  private renderLine(line: TranscriptLine): HTMLElement | undefined {
    if (line.sender === 'system') {
      const key: Key | undefined = line.event === 'handoff.initiate' ? 'eventHandoff' : line.event === 'endOfConversation' ? 'eventEnded' : undefined;
      if (!key) return undefined;
      const node = el('li', 'line system');
      node.dataset.id = line.id;
      node.append(tr('span', 'event', key), el('time', 'time', clock(line.at)));
      return node;
    }
    const node = el('li', `line ${line.sender === 'young_person' ? 'young' : line.sender}`);
    node.dataset.id = line.id;
    node.dataset.sender = line.sender;
    const head = el('div', 'lineHead');
    const who = el('span', 'who', this.senderLabel(line));
    head.append(who);
    if (line.sender === 'young_person') {
      if (line.button) {
        const badge = tr('span', 'badge pressed', 'buttonPressed');
        badge.dataset.tt = 'buttonPressedLabel';
        badge.title = t('buttonPressedLabel');
        head.append(badge);
      } else {
        const badge = el('span', 'badge lang', languageName(line.language));
        badge.dataset.language = line.language ?? 'und';
        badge.title = t('writtenIn', { language: languageName(line.language) });
        head.append(badge);
      }
    }
    head.append(el('time', 'time', clock(line.at)));
    const text = el('p', 'text', line.text ?? '');
    text.dir = 'auto';
    // The bot and the phrasebook write in the young person's language; the young person's own
    // text has the language it looks written in; what the counsellor or interpreter typed, none.
    const translated = Boolean(line.nl || line.en);
    const language = line.sender === 'young_person' ? (line.button ? this.info.language : line.language) : line.sender === 'bot' || translated ? this.info.language : undefined;
    if (language && language !== 'und') {
      text.lang = langTag(language);
      if (line.sender !== 'young_person') text.dir = langDir(language);
    }
    node.append(head, text);
    if (translated) {
      const translation = el('p', 'translation');
      node.append(translation);
    }
    this.relabelLine(node, line);
    return node;
  }

  /** Marks a line the screening flagged: a red badge for acute danger, amber for the rest, in the console's language. */
  private markFlag(node: HTMLElement, screening: LineScreening): void {
    node.classList.add('flagged', `flag-${screening.level}`);
    let badge = node.querySelector<HTMLElement>('.badge.flag');
    if (!badge) {
      badge = el('span');
      node.querySelector('.who')?.after(badge);
    }
    badge.className = `badge flag flag-${screening.level}`;
    badge.textContent = screening[uiLanguage()] || screening.nl;
  }

  private relabelLine(node: HTMLElement, line?: TranscriptLine): void {
    const translation = node.querySelector<HTMLElement>('.translation');
    if (translation && line) {
      // The console's language first, else the other one; nothing when it says the same as the original.
      const lang = line[uiLanguage()] ? uiLanguage() : line.nl ? 'nl' : 'en';
      const value = line[lang] ?? '';
      translation.lang = lang;
      translation.dir = 'ltr';
      translation.hidden = !value || value === line.text;
      translation.replaceChildren(el('span', 'trLabel', t('translation')), ' ', value);
    }
    if (line?.screening) this.markFlag(node, line.screening);
    const sender = node.dataset.sender;
    const who = node.querySelector<HTMLElement>('.who');
    if (who && sender) who.textContent = this.senderLabel({ id: '', at: '', sender: sender as TranscriptLine['sender'] });
    const badge = node.querySelector<HTMLElement>('.badge.lang');
    if (badge) {
      const language = badge.dataset.language;
      badge.textContent = languageName(language);
      badge.title = t('writtenIn', { language: languageName(language) });
    }
    const pressed = node.querySelector<HTMLElement>('.badge.pressed');
    if (pressed) {
      pressed.textContent = t('buttonPressed');
      pressed.title = t('buttonPressedLabel');
    }
    const event = node.querySelector<HTMLElement>('.event');
    if (event && event.dataset.t) event.textContent = t(event.dataset.t as Key);
  }

  /** Inserts a line in stream order (lines normally arrive in order: usually an append). */
  private insert(node: HTMLElement, id: string): void {
    const at = id ? position(id) : undefined;
    if (at) {
      let next: Element | null = null;
      for (let sibling = this.transcript.lastElementChild; sibling; sibling = sibling.previousElementSibling) {
        const other = position((sibling as HTMLElement).dataset.id ?? '');
        if (!other || !before(at, other)) break;
        next = sibling;
      }
      this.transcript.insertBefore(node, next);
    } else this.transcript.append(node);
  }

  private nearEnd(): boolean {
    const box = this.transcript;
    return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  private scrollToEnd(): void {
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  private showUnread(): void {
    this.unreadBadge.hidden = this.unread === 0;
    this.unreadBadge.textContent = String(this.unread);
  }

  private showNotice(text: string, kind: 'info' | 'error', key?: Key): void {
    say(this.notice, text, kind);
    if (key) this.notice.dataset.key = key;
    else delete this.notice.dataset.key;
  }

  private setComposerEnabled(enabled: boolean): void {
    this.input.disabled = !enabled;
    this.sendButton.disabled = !enabled;
    this.phrasebook.setEnabled(enabled);
    // Notes go on while the conversation is still mine (also after the young person left).
    this.notes.setEnabled(this.state !== 'gone');
    this.renderTools();
    this.interpreter.render();
  }

  // Actions ------------------------------------------------------------------------------------

  private async sendText(): Promise<void> {
    const text = this.input.value.trim();
    if (!text || this.busy || this.state !== 'open') return;
    this.busy = true;
    this.sendButton.disabled = true;
    say(this.sendStatus, '');
    try {
      const { id } = await api<{ id: string }>('POST', `/api/staff/conversations/${encodeURIComponent(this.conversationId)}/messages`, { text });
      // The live connection brings the line too; whichever comes first is shown, once.
      this.addLines([{ id, at: new Date().toISOString(), sender: 'counsellor', text }]);
      this.input.value = '';
      this.scrollToEnd();
    } catch (error) {
      say(this.sendStatus, t('sendFailed', { reason: reason(error) }), 'error');
      if (error instanceof ApiError && error.status === 404) this.gone();
    } finally {
      this.busy = false;
      this.sendButton.disabled = this.state !== 'open';
      if (this.state === 'open') this.input.focus();
    }
  }

  /** Sends a phrase of the phrasebook (in the young person's language); true when it went out. */
  private async sendPhrase(phrase: Phrase): Promise<boolean> {
    if (this.busy || this.state !== 'open' || !phrase.text) return false;
    this.busy = true;
    say(this.sendStatus, '');
    try {
      const { id } = await api<{ id: string }>('POST', `/api/staff/conversations/${encodeURIComponent(this.conversationId)}/phrases`, { key: phrase.key });
      this.addLines([{ id, at: new Date().toISOString(), sender: 'counsellor', text: phrase.text, nl: phrase.nl, en: phrase.en }]);
      this.scrollToEnd();
      return true;
    } catch (error) {
      say(this.sendStatus, t('sendFailed', { reason: reason(error) }), 'error');
      if (error instanceof ApiError && error.status === 404) this.gone();
      return false;
    } finally {
      this.busy = false;
    }
  }
}

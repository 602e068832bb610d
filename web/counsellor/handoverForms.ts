/**
 * The two ways a counsellor hands a conversation on, as forms under the panel's header: transfer
 * (to a colleague on duty with room, with a handover note, or back to the list) and end (an
 * outcome and an internal note). One request at a time, shared with the panel's message box.
 */
import { api, ApiError, type Colleague, type OutcomeOption } from './api.js';
import { button, el, say, tr } from './dom.js';
import { languageName, t, uiLanguage } from './i18n.js';

/** What the forms need from their panel. */
export interface HandoverHost {
  readonly conversationId: string;
  /** Prefix of element ids (unique per panel). */
  readonly idPrefix: string;
  /** open; left: the young person left; gone: not this counsellor's any more. */
  state(): 'open' | 'left' | 'gone';
  /** Takes the panel's one-request-at-a-time flag; false when a request is running. */
  claimBusy(): boolean;
  releaseBusy(): void;
  /** Handed on: the conversation leaves the console with `message`. */
  done(message: string): void;
  /** The server says it is not this counsellor's any more. */
  gone(): void;
}

let outcomeCache: Promise<OutcomeOption[]> | undefined;

function outcomes(): Promise<OutcomeOption[]> {
  if (!outcomeCache) {
    outcomeCache = api<OutcomeOption[]>('GET', '/api/staff/outcomes');
    outcomeCache.catch(() => (outcomeCache = undefined));
  }
  return outcomeCache;
}

/** A readable reason for a failed request. */
export function reason(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'SessionNotFoundError') return t('notYours');
    if (error.status === 400 && error.message) return error.message;
    return t('error', { code: error.code });
  }
  return t('error', { code: 'unknown' });
}

/** The transfer and end forms of one panel. */
export class HandoverForms {
  readonly transferBox = el('div', 'drawer');
  readonly endBox = el('div', 'drawer');

  constructor(private readonly host: HandoverHost) {
    this.transferBox.hidden = true;
    this.endBox.hidden = true;
  }

  /** Closes both forms. */
  hide(): void {
    this.transferBox.hidden = true;
    this.endBox.hidden = true;
  }

  /** Re-renders the open form in the console's language. */
  relabel(): void {
    if (!this.transferBox.hidden) void this.openTransfer();
    if (!this.endBox.hidden) this.relabelEnd();
  }

  /** Opens the transfer form: colleagues on duty with room (or back to the list) and a handover note. */
  async openTransfer(): Promise<void> {
    if (this.host.state() !== 'open') return;
    this.endBox.hidden = true;
    const box = this.transferBox;
    const keep = box.querySelector<HTMLSelectElement>('select')?.value;
    box.textContent = '';
    box.hidden = false;
    const title = tr('h3', '', 'transferTo');
    const select = el('select');
    select.id = `${this.host.idPrefix}-transfer`;
    title.id = `${select.id}-label`;
    select.setAttribute('aria-labelledby', title.id);
    const status = el('p', 'formStatus');
    status.hidden = true;
    const confirm = tr('button', 'primary', 'transferConfirm');
    confirm.type = 'button';
    confirm.dataset.action = 'transfer-confirm';
    const keepNote = box.querySelector<HTMLTextAreaElement>('textarea')?.value ?? '';
    const noteLabel = tr('label', '', 'handoverNote');
    const note = el('textarea');
    note.id = `${this.host.idPrefix}-handover`;
    noteLabel.htmlFor = note.id;
    note.rows = 2;
    note.maxLength = 500;
    note.value = keepNote;
    box.append(title, select, noteLabel, note, confirm, button('secondary', 'cancel', () => (box.hidden = true)), status);
    let colleagues: Colleague[] = [];
    try {
      colleagues = await api<Colleague[]>('GET', '/api/staff/colleagues');
    } catch (error) {
      say(status, reason(error), 'error');
    }
    for (const colleague of colleagues) {
      const full = colleague.room === false;
      const option = el('option', '', `${colleague.username} (${colleague.languages.map(languageName).join(', ') || '—'}) · ${colleague.open}/${colleague.max}${full ? ` · ${t('colleagueFull')}` : ''}`);
      option.value = colleague.username;
      option.disabled = full;
      select.append(option);
    }
    const queue = el('option', '', t('transferQueue'));
    queue.value = 'queue';
    select.append(queue);
    if (keep && [...select.options].some((option) => option.value === keep)) select.value = keep;
    if (!colleagues.length) say(status, t('transferNoColleagues'));
    select.focus();
    confirm.addEventListener('click', () => void this.finish(confirm, status, 'transfer', { to: select.value, ...(note.value.trim() && select.value !== 'queue' ? { note: note.value.trim() } : {}) }, t('transferred')));
  }

  /**
   * Hands the conversation on (transfer or end): one request at a time; on success the chat
   * leaves the console with `doneText`, on failure the reason shows in `status`.
   */
  private async finish(confirm: HTMLButtonElement, status: HTMLElement, action: 'transfer' | 'end', body: object, doneText: string): Promise<void> {
    if (!this.host.claimBusy()) return;
    confirm.disabled = true;
    try {
      await api('POST', `/api/staff/conversations/${encodeURIComponent(this.host.conversationId)}/${action}`, body);
      this.host.releaseBusy();
      this.host.done(doneText);
    } catch (error) {
      this.host.releaseBusy();
      say(status, error instanceof ApiError && error.code === 'AtCapacity' ? t('atCapacity') : reason(error), 'error');
      if (error instanceof ApiError && error.status === 404) this.host.gone();
    } finally {
      confirm.disabled = false;
    }
  }

  /** Opens the end form: an outcome and an internal note. */
  async openEnd(): Promise<void> {
    if (this.host.state() === 'gone') return;
    this.transferBox.hidden = true;
    const box = this.endBox;
    if (!box.hidden && box.firstChild) return;
    box.textContent = '';
    box.hidden = false;
    const id = `${this.host.idPrefix}-end`;
    const outcomeLabel = tr('label', '', 'outcome');
    outcomeLabel.htmlFor = `${id}-outcome`;
    const select = el('select');
    select.id = `${id}-outcome`;
    select.required = true;
    const noteLabel = tr('label', '', 'note');
    noteLabel.htmlFor = `${id}-note`;
    const note = el('textarea');
    note.id = `${id}-note`;
    note.rows = 2;
    note.maxLength = 2000;
    const warning = tr('p', 'warning', 'noteWarning');
    warning.id = `${id}-warning`;
    note.setAttribute('aria-describedby', warning.id);
    const status = el('p', 'formStatus');
    status.hidden = true;
    status.setAttribute('role', 'alert');
    const confirm = tr('button', 'destructive', 'endConfirm');
    confirm.type = 'button';
    confirm.dataset.action = 'end-confirm';
    const actions = el('div', 'drawerActions');
    actions.append(confirm, button('secondary', 'cancel', () => (box.hidden = true)));
    box.append(tr('h3', '', 'endTitle'), outcomeLabel, select, noteLabel, warning, note, actions, status);
    await this.fillOutcomes(select);
    confirm.addEventListener('click', async () => {
      if (!select.value) {
        say(status, t('outcomeRequired'), 'error');
        select.focus();
        return;
      }
      const body: { outcome: string; note?: string } = { outcome: select.value };
      if (note.value.trim()) body.note = note.value.trim();
      await this.finish(confirm, status, 'end', body, t('ended'));
    });
  }

  private async fillOutcomes(select: HTMLSelectElement): Promise<void> {
    const chosen = select.value;
    let list: OutcomeOption[] = [];
    try {
      list = await outcomes();
    } catch {
      // the select stays empty; ending says why
    }
    select.textContent = '';
    const none = el('option', '', t('outcomeChoose'));
    none.value = '';
    select.append(none);
    for (const outcome of list) {
      const option = el('option', '', uiLanguage() === 'en' ? outcome.en : outcome.nl);
      option.value = outcome.code;
      select.append(option);
    }
    select.value = chosen;
  }

  private relabelEnd(): void {
    const select = this.endBox.querySelector('select');
    if (select) void this.fillOutcomes(select);
  }
}

/**
 * Internal notes (staff only; they expire with the conversation): the list in a chat panel and in a
 * waiting-list row, and the panel's form to add one at any time (POST …/notes answers the note).
 * Notes are shown as text, never as HTML; handover notes are marked.
 */
import { api, ApiError, conversationPath, type NoteItem } from './api.js';
import { el, say, tr } from './dom.js';
import { reason } from './handoverForms.js';
import { clock, t } from './i18n.js';

/** One note: who wrote it and when, "handover" when it came with a transfer, then the text. */
function noteItem(note: NoteItem): HTMLLIElement {
  const item = el('li', note.handover ? 'note handover' : 'note');
  const head = el('div', 'lineHead');
  const time = el('time', 'time', clock(note.at));
  time.dateTime = note.at;
  head.append(el('span', 'who', note.by ?? '—'));
  if (note.handover) head.append(tr('span', 'badge handoverBadge', 'noteHandover'));
  head.append(time);
  const text = el('p', 'noteText', note.text);
  text.dir = 'auto';
  item.append(head, text);
  return item;
}

/** A list of notes (oldest first). */
export function noteList(notes: readonly NoteItem[]): HTMLOListElement {
  const list = el('ol', 'noteList');
  for (const note of notes) list.append(noteItem(note));
  return list;
}

/** The notes box of a chat panel: the notes so far and a form for a new one. */
export class NotesBox {
  readonly root = el('details', 'box notesBox');
  private readonly summary = el('summary');
  private readonly list = noteList([]);
  private readonly none = tr('p', 'muted', 'notesNone');
  private readonly input = el('textarea');
  private readonly save = tr('button', 'secondary small', 'noteSave');
  private readonly status = el('p', 'formStatus');
  private count = 0;
  private busy = false;

  constructor(
    private readonly conversationId: string,
    idPrefix: string,
    /** The server says the conversation is not this counsellor's any more. */
    private readonly gone: () => void,
  ) {
    this.root.open = true;
    const form = el('form', 'noteForm');
    const label = tr('label', '', 'noteNew');
    this.input.id = label.htmlFor = `${idPrefix}-note-new`;
    const warning = tr('p', 'hint', 'noteWarning');
    warning.id = `${idPrefix}-note-warning`;
    this.input.setAttribute('aria-describedby', warning.id);
    this.input.rows = 2;
    this.input.maxLength = 2000;
    this.input.dir = 'auto';
    // Ctrl+Enter (Cmd+Enter) saves; Enter alone is a new line.
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.add();
      }
    });
    this.save.type = 'submit';
    this.save.dataset.action = 'note-save';
    this.status.hidden = true;
    this.status.setAttribute('role', 'status');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.add();
    });
    form.append(label, warning, this.input, this.save, this.status);
    this.root.append(this.summary, this.list, this.none, form);
    this.show([]);
  }

  /** Shows the conversation's notes (from the server). */
  show(notes: readonly NoteItem[]): void {
    this.list.replaceChildren(...noteList(notes).childNodes);
    this.count = notes.length;
    this.relabel();
  }

  /** Re-renders what depends on the console's language. */
  relabel(): void {
    this.summary.textContent = t('notesTitle', { count: this.count });
    this.none.hidden = this.count > 0;
  }

  /** Notes can be added while the conversation is this counsellor's. */
  setEnabled(enabled: boolean): void {
    this.input.disabled = !enabled;
    this.save.disabled = !enabled;
  }

  private async add(): Promise<void> {
    const text = this.input.value.trim();
    if (this.busy || this.input.disabled) return;
    if (!text) {
      say(this.status, t('noteEmpty'), 'error');
      this.input.focus();
      return;
    }
    this.busy = true;
    this.save.disabled = true;
    say(this.status, '');
    try {
      const note = await api<NoteItem>('POST', conversationPath(this.conversationId, '/notes'), { text });
      this.list.append(noteItem(note));
      this.count += 1;
      this.relabel();
      this.input.value = '';
      say(this.status, t('noteSaved'));
    } catch (error) {
      say(this.status, reason(error), 'error');
      if (error instanceof ApiError && error.status === 404) this.gone();
    } finally {
      this.busy = false;
      this.save.disabled = this.input.disabled;
    }
  }
}

/**
 * The team lead's view (role teamlead or admin): every open conversation (waiting or talking, with
 * counsellor, language, priority, interpreter, waiting and talking time) and every counsellor (role,
 * languages, open/max, on duty), from GET /api/staff/team every 5 s while it is shown and after the
 * live list changes; per conversation: take it over (it becomes mine and opens), give it to a
 * colleague on duty with room, or put it back in the list. Rows are updated in place, so a poll never
 * takes the focus away. Errors ({error:{code}}) are said in the console's language; a server without
 * these routes (404) is said once, and polling goes on.
 */
import { api, ApiError, conversationPath, type SessionItem, type TeamConversation, type TeamCounsellor, type TeamView } from './api.js';
import { button, byId, el, say, tr } from './dom.js';
import { reason } from './handoverForms.js';
import { duration, languageName, priorityName, t, type Key } from './i18n.js';

/** What the view needs from the console. */
export interface TeamHooks {
  /** My username. */
  me(): string;
  /** A move is on its way that makes `conversationId` mine (so it does not show as "passed to you"). */
  taking(conversationId: string): void;
  /** It is mine now: open it. */
  took(item: SessionItem): void;
}

const POLL_MS = 5_000;

/** Error codes of the team lead's moves, and what the console says. */
const ERRORS: Record<string, Key> = {
  AtCapacity: 'teamAtCapacity',
  ColleagueNotOnDuty: 'teamNotOnDuty',
  SessionNotFoundError: 'teamGone',
  NotWaitingError: 'teamGone',
  Forbidden: 'teamForbidden',
  ClaimBusyError: 'teamBusy',
};

/** What a failed request means here. */
function teamError(error: unknown): string {
  if (error instanceof ApiError) {
    const key = ERRORS[error.code];
    if (key) return t(key);
    if (error.status === 404) return t('teamUnavailable');
  }
  return reason(error);
}

const ROLES: Record<TeamCounsellor['role'], Key> = { counsellor: 'roleCounsellor', teamlead: 'roleTeamlead', admin: 'roleAdmin' };

/** One conversation's row: its cells and its buttons (kept while the conversation is open). */
interface Row {
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
  takeover: HTMLButtonElement;
  reassign: HTMLButtonElement;
  back: HTMLButtonElement;
  item: TeamConversation;
}

/** The team lead's view. */
export class TeamPanel {
  private readonly root = byId('team');
  private readonly status = byId('teamStatus');
  private readonly updated = byId('teamUpdated');
  private readonly conversations = byId('teamConversations');
  private readonly noConversations = byId('teamNoConversations');
  private readonly counsellors = byId('teamCounsellors');
  private readonly dialog = el('dialog', 'teamDialog');
  private readonly rows = new Map<string, Row>();
  private view: TeamView | undefined;
  private at = Date.now();
  private poll: ReturnType<typeof setInterval> | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;
  private loading = false;
  private again = false;

  constructor(private readonly hooks: TeamHooks) {
    this.dialog.setAttribute('aria-labelledby', 'teamDialogTitle');
    document.body.append(this.dialog);
  }

  /** Shows or hides the view; it polls only while shown. */
  show(shown: boolean): void {
    this.root.hidden = !shown;
    clearInterval(this.poll);
    clearInterval(this.tick);
    if (!shown) return;
    void this.load();
    this.poll = setInterval(() => void this.load(), POLL_MS);
    this.tick = setInterval(() => this.tickTimes(), 1000);
  }

  /** The live list changed: read the view again (when shown). */
  refresh(): void {
    if (!this.root.hidden) void this.load();
  }

  /** Stops polling and forgets everything (logout). */
  reset(): void {
    this.show(false);
    this.view = undefined;
    this.rows.clear();
    this.conversations.textContent = '';
    this.counsellors.textContent = '';
    if (this.dialog.open) this.dialog.close();
  }

  /** Re-renders in the console's language. */
  relabel(): void {
    if (this.view) this.render(this.view);
  }

  private async load(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      const view = await api<TeamView>('GET', '/api/staff/team');
      this.view = view;
      this.at = Date.now();
      if (this.status.dataset.from === 'load') say(this.status, '');
      this.render(view);
    } catch (error) {
      say(this.status, teamError(error), 'error');
      this.status.dataset.from = 'load';
    } finally {
      this.loading = false;
      if (this.again) {
        this.again = false;
        void this.load();
      }
    }
  }

  private render(view: TeamView): void {
    const list = view.conversations ?? [];
    const ids = new Set(list.map((item) => item.conversationId));
    for (const [id, row] of this.rows) {
      if (ids.has(id)) continue;
      row.tr.remove();
      this.rows.delete(id);
    }
    list.forEach((item, index) => {
      const row = this.rows.get(item.conversationId) ?? this.newRow(item);
      row.item = item;
      this.fill(row);
      // Moved only when its place changed (moving a row would take the focus off its buttons).
      if (this.conversations.children[index] !== row.tr) this.conversations.insertBefore(row.tr, this.conversations.children[index] ?? null);
    });
    this.noConversations.hidden = list.length > 0;
    this.counsellors.replaceChildren(...(view.counsellors ?? []).map((counsellor) => this.counsellorRow(counsellor)));
    this.updated.textContent = t('teamUpdated', { count: list.length });
    this.tickTimes();
  }

  private newRow(item: TeamConversation): Row {
    const tr = el('tr');
    tr.dataset.conversation = item.conversationId;
    const cells = Array.from({ length: 8 }, (_, index) => el(index === 0 ? 'th' : 'td'));
    cells[0]!.scope = 'row';
    const takeover = button('primary small', 'teamTakeover', () => void this.takeOver(row));
    takeover.dataset.action = 'takeover';
    const reassign = button('secondary small', 'teamReassign', () => this.askReassign(row));
    reassign.dataset.action = 'reassign';
    reassign.setAttribute('aria-haspopup', 'dialog');
    const back = button('secondary small', 'teamReturn', () => void this.returnToList(row));
    back.dataset.action = 'return';
    const actions = el('div', 'actions');
    actions.append(takeover, reassign, back);
    const cell = el('td');
    cell.append(actions);
    tr.append(...cells, cell);
    const row: Row = { tr, cells, takeover, reassign, back, item };
    this.rows.set(item.conversationId, row);
    return row;
  }

  private fill(row: Row): void {
    const { item, cells } = row;
    const [reference, state, counsellor, language, priority, interpreter, waiting, talking] = cells as [HTMLTableCellElement, ...HTMLTableCellElement[]];
    reference.textContent = item.reference || '—';
    state!.textContent = t(item.state === 'waiting' ? 'teamWaiting' : 'teamTalking');
    counsellor!.textContent = item.counsellor ?? '—';
    language!.textContent = languageName(item.language);
    priority!.replaceChildren(el('span', `badge priority-${item.priority}`, priorityName(item.priority)));
    interpreter!.textContent = item.interpreterPresent ? t('teamInterpreterPresent') : item.interpreterNeeded ? t('interpreterNeeded') : '—';
    this.timeCell(waiting!, item.waitingSeconds);
    this.timeCell(talking!, item.state === 'talking' ? item.talkingSeconds : undefined);
    row.tr.className = item.priority === 'danger' ? 'danger' : '';
    const mine = item.counsellor === this.hooks.me();
    row.takeover.hidden = mine;
    row.back.hidden = item.state !== 'talking';
    for (const action of [row.takeover, row.reassign, row.back]) action.setAttribute('aria-label', `${action.textContent ?? ''}: ${item.reference}`);
  }

  private timeCell(cell: HTMLTableCellElement, seconds: number | undefined): void {
    cell.className = seconds === undefined ? '' : 'ticks';
    if (seconds === undefined) {
      cell.textContent = '—';
      delete cell.dataset.seconds;
    } else cell.dataset.seconds = String(seconds);
  }

  /** Waiting and talking times count up between polls. */
  private tickTimes(): void {
    const extra = (Date.now() - this.at) / 1000;
    for (const cell of this.conversations.querySelectorAll<HTMLElement>('.ticks')) cell.textContent = duration(Number(cell.dataset.seconds) + extra);
  }

  private counsellorRow(counsellor: TeamCounsellor): HTMLTableRowElement {
    const tr = el('tr');
    tr.dataset.username = counsellor.username;
    const name = el('th', '', counsellor.username);
    name.scope = 'row';
    const load = el('td', counsellor.open >= counsellor.max ? 'full' : '', `${counsellor.open}/${counsellor.max}`);
    tr.append(
      name,
      el('td', '', t(ROLES[counsellor.role] ?? 'roleCounsellor')),
      el('td', '', (counsellor.languages ?? []).map(languageName).join(', ') || '—'),
      load,
      el('td', counsellor.onDuty ? 'onDuty' : 'muted', t(counsellor.onDuty ? 'teamOnDuty' : 'teamOffDuty')),
    );
    return tr;
  }

  // The moves --------------------------------------------------------------------------------------

  /** Takes it over (a colleague's after a question): it becomes mine and opens. */
  private async takeOver(row: Row): Promise<void> {
    const { item } = row;
    if (item.counsellor && !(await this.ask(t('teamTakeoverTitle', { reference: item.reference }), t('teamTakeoverText', { name: item.counsellor }), 'teamTakeover'))) return;
    await this.move(row, 'takeover', undefined, t('teamTookOver', { reference: item.reference }));
  }

  private async returnToList(row: Row): Promise<void> {
    const { item } = row;
    if (!(await this.ask(t('teamReturnTitle', { reference: item.reference }), t('teamReturnText', { name: item.counsellor ?? '—' }), 'teamReturn'))) return;
    await this.move(row, 'return', undefined, t('teamReturned', { reference: item.reference }));
  }

  /** Gives it to a counsellor on duty with room (chosen in a dialog). */
  private askReassign(row: Row): void {
    const { item } = row;
    const choices = (this.view?.counsellors ?? []).filter((c) => c.onDuty && c.open < c.max && c.username !== item.counsellor);
    const select = el('select');
    select.id = 'teamReassignTo';
    for (const counsellor of choices) {
      const option = el('option', '', `${counsellor.username} (${(counsellor.languages ?? []).map(languageName).join(', ') || '—'}) · ${counsellor.open}/${counsellor.max}`);
      option.value = counsellor.username;
      select.append(option);
    }
    const label = tr('label', '', 'teamReassignTo');
    label.htmlFor = select.id;
    const parts: HTMLElement[] = choices.length ? [label, select] : [tr('p', 'warning', 'teamNoRoom')];
    void this.ask(t('teamReassignTitle', { reference: item.reference }), '', 'teamReassignConfirm', parts, !choices.length).then((yes) => {
      if (yes && select.value) void this.move(row, 'reassign', { to: select.value }, t('teamReassigned', { reference: item.reference, name: select.value }));
    });
  }

  private async move(row: Row, action: 'takeover' | 'reassign' | 'return', body: { to: string } | undefined, done: string): Promise<void> {
    const { item } = row;
    const mine = action === 'takeover' || body?.to === this.hooks.me();
    if (mine) this.hooks.taking(item.conversationId);
    for (const each of [row.takeover, row.reassign, row.back]) each.disabled = true;
    try {
      const answer = await api<SessionItem | { ok: true }>('POST', conversationPath(item.conversationId, `/${action}`), body);
      say(this.status, done);
      delete this.status.dataset.from;
      if (mine && answer && 'conversationId' in answer) this.hooks.took(answer);
    } catch (error) {
      say(this.status, teamError(error), 'error');
      delete this.status.dataset.from;
    } finally {
      for (const each of [row.takeover, row.reassign, row.back]) each.disabled = false;
      void this.load();
    }
  }

  /** A modal question; true when confirmed. The focus goes back where it was. */
  private ask(title: string, text: string, confirmKey: Key, parts: HTMLElement[] = [], confirmDisabled = false): Promise<boolean> {
    const back = document.activeElement as HTMLElement | null;
    const dialog = this.dialog;
    dialog.textContent = '';
    const heading = el('h2', '', title);
    heading.id = 'teamDialogTitle';
    dialog.append(heading);
    if (text) dialog.append(el('p', '', text));
    dialog.append(...parts);
    return new Promise((resolve) => {
      let answer = false;
      const confirm = button('primary', confirmKey, () => {
        answer = true;
        dialog.close();
      });
      confirm.dataset.action = 'team-confirm';
      confirm.disabled = confirmDisabled;
      const cancel = button('secondary', 'cancel', () => dialog.close());
      const buttons = el('div', 'dialogButtons');
      buttons.append(confirm, cancel);
      dialog.append(buttons);
      dialog.addEventListener(
        'close',
        () => {
          back?.focus();
          resolve(answer);
        },
        { once: true },
      );
      dialog.showModal();
      (parts.find((part) => part.tagName === 'SELECT') ?? (confirmDisabled ? cancel : confirm)).focus();
    });
  }
}

/**
 * The conversation on the page: renders what arrives (each activity once), sends what the young
 * person writes or taps (in order, never losing a message), and shows the connection and handoff
 * status in their language. When the young person deleted the conversation, the page forgets it too.
 */
import { DELETED_EVENT, LANGUAGE_EVENT, type ChatCommand } from '../../contracts/ChatCommand.js';
import { isLanguage, type Language } from '../../contracts/languages.js';
import { DirectLine, tooFast, type Activity, type CardAction, type ConnectionState, type OutgoingActivity } from './directline.js';
import { currentLanguage, fill, langTag, t, tCount, type StringKey } from './i18n.js';
import { actionButtons, bubble, choiceOf, commandOf, el, translated } from './render.js';
import { clearStorage, saveSession, type QueuedActivity, type Session } from './storage.js';

/** The elements the chat draws into. */
export interface ChatView {
  /** The scrolling area (log, typing indicator, buttons). */
  scroll: HTMLElement;
  /** role=log list of messages. */
  log: HTMLElement;
  typing: HTMLElement;
  actions: HTMLElement;
  /** Connection status line. */
  conn: HTMLElement;
  /** Handoff status: its text line and the "stop waiting" button. */
  handoff: HTMLElement;
  handoffText: HTMLElement;
  stopWaiting: HTMLButtonElement;
  composer: HTMLElement;
}

/** How the chat starts. */
export interface ChatOptions {
  /**
   * After a reload, keep the messages the page had already shown out of view until the young person
   * taps "Show earlier messages" (web/src/look.ts); new ones show as usual.
   */
  hideEarlier?: boolean;
}

/** The stream position of an activity id or watermark (`…|<ms>-<seq>`, `<ms>-<seq>`), if it has one. */
function position(id: string | undefined): [number, number] | undefined {
  const match = /(\d+)-(\d+)$/.exec(id || '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** What the chat tells the page. */
export interface ChatHooks {
  /** The bot switched the language. */
  language(language: Language): void;
  /** "Start again" after the conversation ended. */
  restart(): void;
  /** "Start a new chat" after the conversation was deleted: back to the language picker. */
  newChat(): void;
}

type ItemState = 'queued' | 'sending' | 'failed' | 'sent';

interface Item extends QueuedActivity {
  state: ItemState;
  id?: string;
  el?: HTMLElement;
}

function randomId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');
}

/** The bot's own "stop waiting" buttons: a choice of its question, or a command button. */
const STOP_WAITING_ACTIONS = '[data-choice="cancel_waiting"], [data-command="cancel_handoff"]';

/** Where the young person is in the handoff to a person, as the status line shows it. */
interface HandoffState {
  state: 'waiting' | 'accepted';
  position?: number;
  minutes?: number;
  /** The young person asked to stop waiting: no "stop waiting" button until the answer. */
  stopping?: boolean;
}

/** A number from an event value (place in line, minutes), if it is a sensible one. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

/** Shows the message box, or hides and disables it. */
export function showComposer(composer: HTMLElement, on: boolean): void {
  composer.hidden = !on;
  for (const control of composer.querySelectorAll<HTMLTextAreaElement | HTMLButtonElement>('textarea, button')) control.disabled = !on;
}

/** Who wrote a message from the other side: a counsellor or an interpreter (people), or the bot. */
function authorOf(activity: Activity): 'person' | 'interpreter' | 'bot' {
  const sender = activity.channelData?.lantern?.sender;
  return sender === 'counsellor' ? 'person' : sender === 'interpreter' ? 'interpreter' : 'bot';
}

/** One conversation shown on the page. */
export class Chat {
  private readonly dl: DirectLine;
  /** Ids of activities already handled. */
  private readonly seen = new Set<string>();
  /** Everything this page sent or will send, by client id and by server id. */
  private readonly items = new Map<string, Item>();
  private readonly byId = new Map<string, Item>();
  private outbox: Item[] = [];
  private flushing = false;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private ended = false;
  /** The conversation was erased on the server: nothing more is stored or sent. */
  private deleted = false;
  /** The bot's (or counsellor's) last message. */
  private last: HTMLElement | undefined;
  /** The young person's last message, or the bot's first message after it: kept in view. */
  private anchor: HTMLElement | undefined;
  /** Where the chat last scrolled to by itself. */
  private autoTop = -1;
  /** Handoff state shown in the status line. */
  private handoff: HandoffState | undefined;
  /** The first batch after a reload replays the conversation. */
  private replaying: boolean;
  /** How the connection is doing (shown in the status line). */
  private connection: ConnectionState = 'connecting';
  /**
   * The server asked the page to wait (429: sending too fast) until this time (epoch ms): nothing
   * is sent before, the messages wait in the outbox (and in sessionStorage), the status line says
   * so, and they are sent by themselves afterwards.
   */
  private holdUntil = 0;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  /** "You are sending very fast" is shown (until a message goes through). */
  private slow = false;
  /** Messages up to this watermark were shown before the reload: they wait, hidden, in `earlier`. */
  private readonly earlierMark: string | undefined;
  private earlier: HTMLElement | undefined;

  constructor(
    private readonly view: ChatView,
    private readonly session: Session,
    private readonly hooks: ChatHooks,
    options: ChatOptions = {},
  ) {
    this.replaying = !!session.conversation;
    this.earlierMark = options.hideEarlier && session.conversation ? session.conversation.watermark : undefined;
    for (const queued of session.outbox || []) this.enqueue({ ...queued, state: 'queued' });
    // After a reload the whole conversation is replayed (dedupe by id), so the page shows it again.
    const resume = session.conversation ? { ...session.conversation, watermark: undefined } : undefined;
    this.dl = new DirectLine(
      {
        activities: (list) => this.receive(list),
        state: (state) => this.showState(state),
        save: (conversation) => {
          this.session.conversation = conversation;
          this.persist();
        },
        locale: () => langTag(currentLanguage()),
        started: () => {
          const lang = currentLanguage();
          this.enqueue({ cid: randomId(), state: 'queued', activity: { type: 'event', name: LANGUAGE_EVENT, value: lang } }, true);
          void this.flush();
        },
        connected: () => void this.flush(),
        gone: () => this.end(),
      },
      resume,
    );
    view.stopWaiting.onclick = () => {
      // Once: the bot answers with handoff.status "failed", which clears the line.
      this.stopRequested();
      this.command('cancel_handoff', t('stopWaiting'));
    };
    this.showHandoff();
  }

  /** The conversation id, once there is one. */
  get conversationId(): string | undefined {
    return this.dl.conversation?.conversationId;
  }

  /** Connects. */
  start(): void {
    this.dl.start();
  }

  /** Stops without telling the server. */
  stop(): void {
    this.dl.stop();
    clearTimeout(this.typingTimer);
    clearTimeout(this.holdTimer);
  }

  /** Ends the conversation on the server without waiting (quick exit). */
  leave(): void {
    if (!this.deleted) this.dl.endAndForget(currentLanguage());
  }

  /** Sends typed text. */
  sendText(text: string): void {
    this.send({ type: 'message', text }, text);
  }

  /** Sends one of the always-visible commands; `label` is the button's text in the current language. */
  command(command: ChatCommand, label: string): void {
    this.send({ type: 'message', text: label, value: { command } }, label);
  }

  /** Sends a message or event; `display` is shown as the young person's bubble. */
  send(activity: OutgoingActivity, display?: string): void {
    if (this.ended) return;
    const item: Item = { cid: randomId(), activity, display, state: 'queued' };
    this.anchor = undefined;
    this.enqueue(item);
    // The answer is read below what the young person said or tapped.
    this.anchor = item.el;
    this.setActions(undefined);
    this.persist();
    void this.flush();
  }

  private enqueue(item: Item, first = false): void {
    this.items.set(item.cid, item);
    if (first) this.outbox.unshift(item);
    else this.outbox.push(item);
    if (item.display) {
      item.el = bubble('user', item.display);
      this.mark(item, item.state);
      this.view.log.append(item.el);
      this.keepInView();
    }
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.ended || !this.dl.conversation || Date.now() < this.holdUntil) return;
    this.flushing = true;
    for (const item of this.outbox) if (item.state === 'failed') this.mark(item, 'queued');
    while (this.outbox.length) {
      const item = this.outbox[0]!;
      if (item.state !== 'sent') {
        this.mark(item, 'sending');
        try {
          const id = await this.dl.post({
            ...item.activity,
            locale: currentLanguage(),
            from: { id: 'user' },
            channelData: { ...item.activity.channelData, clientActivityID: item.cid },
          });
          if (id) {
            item.id = id;
            this.byId.set(id, item);
          }
          this.mark(item, 'sent');
          this.slowDown(0);
        } catch (error) {
          // The echo may have arrived while the answer got lost: then it was sent after all.
          if ((item.state as ItemState) !== 'sent') {
            const wait = tooFast(error);
            if (wait) {
              // Not a failure: the young person sent very fast. Keep everything, say so, send later.
              this.mark(item, 'queued');
              this.slowDown(wait.waitMs);
            } else {
              for (const waiting of this.outbox) this.mark(waiting, 'failed');
            }
            break;
          }
        }
      }
      this.outbox.shift();
      this.persist();
    }
    this.flushing = false;
    this.persist();
  }

  private retry(): void {
    void this.flush();
  }

  /**
   * Holds sending for `ms` (the server's Retry-After, plus a little) and shows "you are sending
   * very fast"; then sends what waits. `slowDown(0)` ends a hold once a message went through.
   */
  private slowDown(ms: number): void {
    if (ms <= 0) {
      if (!this.slow) return;
      this.slow = false;
      this.showStatus();
      return;
    }
    clearTimeout(this.holdTimer);
    // A little later than asked, so the page does not knock at the very moment the window turns.
    const wait = ms + 250 + Math.floor(Math.random() * 500);
    this.holdUntil = Date.now() + wait;
    this.slow = true;
    this.showStatus();
    this.holdTimer = setTimeout(() => {
      this.holdUntil = 0;
      // The line stays until a message is accepted (or a new wait starts).
      void this.flush();
    }, wait);
  }

  private mark(item: Item, state: ItemState): void {
    if (item.state === 'sent') return;
    item.state = state;
    const node = item.el;
    if (!node) return;
    node.classList.toggle('pending', state === 'queued' || state === 'sending');
    node.classList.toggle('failed', state === 'failed');
    let retry = node.querySelector('.retry');
    if (state === 'failed' && !retry) {
      const button = translated('button', 'retry', 'notSent');
      button.type = 'button';
      button.addEventListener('click', () => this.retry());
      node.append(button);
    } else if (state !== 'failed' && retry) {
      retry.remove();
      retry = null;
    }
  }

  private persist(): void {
    if (this.deleted) return;
    this.session.outbox = this.outbox
      .filter((item) => item.state !== 'sent')
      .map(({ cid, activity, display }) => ({ cid, activity, display }));
    saveSession(this.session);
  }

  /** The young person's own activity this page sent, if `activity` is its echo. */
  private ownItem(activity: Activity): Item | undefined {
    const byId = activity.id ? this.byId.get(activity.id) : undefined;
    if (byId) return byId;
    const cid = activity.channelData && activity.channelData.clientActivityID;
    if (cid) return this.items.get(cid);
    // The server may drop channelData: match a message still on its way by its text.
    if (!this.isOwn(activity)) return undefined;
    return this.outbox.find((item) => item.state !== 'sent' && item.activity.type === activity.type && (item.activity.text || '') === (activity.text || ''));
  }

  private isOwn(activity: Activity): boolean {
    const from = activity.from || {};
    if (from.role === 'bot') return false;
    if (from.role === 'user') return true;
    return !!from.id && (from.id === this.session.userId || from.id === 'user');
  }

  private receive(list: Activity[]): void {
    const follow = this.following();
    let actions: CardAction[] | undefined;
    let actionsChanged = false;
    for (let index = 0; index < list.length && !this.ended; index++) {
      const activity = list[index]!;
      if (activity.id) {
        if (this.seen.has(activity.id)) continue;
        this.seen.add(activity.id);
      }
      const item = this.ownItem(activity);
      if (item) {
        if (activity.from && activity.from.id && this.session.userId !== activity.from.id) {
          this.session.userId = activity.from.id;
          this.persist();
        }
        if (activity.id && !item.id) {
          item.id = activity.id;
          this.byId.set(activity.id, item);
        }
        this.mark(item, 'sent');
        if (activity.type === 'message') {
          actions = undefined;
          actionsChanged = true;
        }
        continue;
      }
      const earlier = this.isEarlier(activity);
      if (this.isOwn(activity)) {
        if (activity.type !== 'message') continue;
        const data = activity.channelData || {};
        const display = data.postBack ? '' : (data.messageBack && data.messageBack.displayText) || activity.text;
        if (display) this.addBeforePending(bubble('user', display), earlier);
        actions = undefined;
        actionsChanged = true;
        continue;
      }
      switch (activity.type) {
        case 'message':
          this.hideTyping();
          if (activity.text) {
            const node = bubble(authorOf(activity), activity.text, activity.channelData?.lantern?.discreet === true);
            this.addBeforePending(node, earlier);
            this.last = node;
            if (!this.anchor && !earlier) this.anchor = node;
          }
          actions = activity.suggestedActions && activity.suggestedActions.actions;
          actionsChanged = true;
          break;
        case 'typing':
          // In a replayed batch only the last one still means something.
          if (index === list.length - 1) this.showTyping();
          break;
        case 'event':
          this.event(activity);
          break;
        case 'endOfConversation':
          this.end();
          break;
        default:
          break;
      }
    }
    if (actionsChanged && !this.ended) this.setActions(actions, false);
    const replay = this.replaying;
    this.replaying = false;
    if (replay) this.anchor = undefined;
    if (follow) this.keepInView();
  }

  private event(activity: Activity): void {
    const value = activity.value;
    if (activity.name === LANGUAGE_EVENT) {
      if (isLanguage(value) && value !== currentLanguage()) {
        this.hooks.language(value);
        this.showHandoff();
      }
    } else if (activity.name === 'handoff.initiate') {
      // Asked for a person; the place in line follows in handoff.status.
      if (!this.handoff || this.handoff.state !== 'waiting') this.handoff = { state: 'waiting' };
      this.showHandoff();
    } else if (activity.name === 'handoff.status') {
      const data = value && typeof value === 'object' ? (value as { state?: unknown; position?: unknown; estimatedWaitMinutes?: unknown }) : {};
      const state = typeof value === 'string' ? value : data.state;
      // A place in line only counts while a request is open: one that arrives after "failed" or
      // "completed" is stale (sent by the server's wait tick while the young person stopped waiting).
      if (state === 'waiting' && this.handoff) {
        this.handoff = { state, position: count(data.position), minutes: count(data.estimatedWaitMinutes), stopping: this.handoff.stopping };
      }
      else if (state === 'accepted') this.handoff = { state };
      // completed, failed (also "stopped waiting"): the bot says what happened; the line is cleared.
      else if (state === 'completed' || state === 'failed') this.handoff = undefined;
      this.showHandoff();
    } else if (activity.name === DELETED_EVENT) {
      this.erased();
    }
  }

  /**
   * The conversation was erased on the server (it answers 404 from now on): forget it here too.
   * Only the bot's last words ("deleted", with help numbers) stay on the screen.
   */
  private erased(): void {
    if (this.ended) return;
    this.deleted = true;
    this.outbox = [];
    clearStorage();
    const last = this.last;
    this.view.log.textContent = '';
    if (last) this.view.log.append(last);
    this.anchor = last;
    this.end('deleted', 'newChat', () => this.hooks.newChat());
  }

  /** The handoff status line in the current language: place in line and estimate, or "talking with a person". */
  private showHandoff(): void {
    const handoff = this.handoff;
    const line = this.view.handoff;
    line.hidden = !handoff || this.ended;
    this.showStopWaiting();
    if (!handoff) {
      this.view.handoffText.textContent = '';
      return;
    }
    let text: string;
    if (handoff.state === 'accepted') text = t('handoffAccepted');
    else if (handoff.position === undefined) text = t('handoffWaiting');
    else {
      text = fill(tCount('handoffPlace', handoff.position), { position: handoff.position });
      // "About 0 min." reads oddly: a wait that is nearly over is "about 1 min".
      if (handoff.minutes !== undefined) {
        const minutes = Math.max(1, handoff.minutes);
        text += ` ${fill(tCount('handoffEstimate', minutes), { minutes })}`;
      }
    }
    this.view.handoffText.textContent = text;
  }

  /**
   * "Stop waiting" is on screen once: while waiting for a person, in the status line (always in the
   * same place, above the message box, also after the bot's buttons have gone), and the bot's own
   * "stop waiting" button is hidden; otherwise the bot's button, if it offers one. After a tap,
   * neither until the answer.
   */
  private showStopWaiting(): void {
    const handoff = this.handoff;
    const waiting = !!handoff && handoff.state === 'waiting' && !this.ended;
    this.view.stopWaiting.hidden = !waiting || !!handoff.stopping;
    for (const button of this.view.actions.querySelectorAll<HTMLElement>(STOP_WAITING_ACTIONS)) button.hidden = waiting;
  }

  /** The young person asked to stop waiting (the status line's button or the bot's). */
  private stopRequested(): void {
    if (this.handoff) this.handoff.stopping = true;
    this.showStopWaiting();
  }

  private setLine(line: HTMLElement, key: StringKey | undefined): void {
    if (key) {
      line.dataset.t = key;
      line.textContent = t(key);
    } else {
      delete line.dataset.t;
      line.textContent = '';
    }
    line.hidden = !key;
  }

  private showState(state: ConnectionState): void {
    this.connection = state;
    this.showStatus();
    this.view.scroll.setAttribute('aria-busy', String(state === 'connecting'));
  }

  /** The status line: the connection when it is not online, else "sending very fast" while held. */
  private showStatus(): void {
    if (this.ended) return;
    const key: StringKey | undefined = this.connection !== 'online' ? this.connection : this.slow ? 'tooFast' : undefined;
    if (this.view.conn.dataset.t !== key) this.setLine(this.view.conn, key);
  }

  private setActions(actions: CardAction[] | undefined, scroll = true): void {
    const box = this.view.actions;
    const near = this.following();
    box.textContent = '';
    if (actions && actions.length) box.append(...actionButtons(actions, (action) => this.pick(action)));
    box.hidden = !box.firstChild;
    this.showStopWaiting();
    if (near && scroll) this.keepInView();
  }

  /** A suggested action was tapped. */
  private pick(action: CardAction): void {
    const value = action.value;
    if (choiceOf(action) === 'cancel_waiting' || commandOf(action) === 'cancel_handoff') this.stopRequested();
    switch (action.type) {
      case 'messageBack':
        this.send(
          { type: 'message', text: action.text, value, channelData: { messageBack: { displayText: action.displayText } } },
          action.displayText || action.text || action.title,
        );
        break;
      case 'postBack':
        this.send({
          type: 'message',
          text: typeof value === 'string' ? value : undefined,
          value: value && typeof value === 'object' ? value : undefined,
          channelData: { postBack: true },
        });
        break;
      case 'openUrl':
        if (typeof value === 'string' && /^https:\/\//.test(value)) open(value, '_blank', 'noopener,noreferrer');
        return;
      case 'call':
        if (typeof value === 'string') location.href = /^tel:/.test(value) ? value : `tel:${value.replace(/[^\d+]/g, '')}`;
        return;
      default: {
        // imBack and anything unknown: the value (or title) as text.
        const text = typeof value === 'string' ? value : action.title || '';
        if (text) this.send({ type: 'message', text }, text);
      }
    }
    // The buttons are gone: keep keyboard focus in the conversation, without opening the keyboard.
    this.view.scroll.focus({ preventScroll: true });
  }

  private showTyping(): void {
    clearTimeout(this.typingTimer);
    const near = this.following();
    this.view.typing.hidden = false;
    if (near) this.keepInView();
    this.typingTimer = setTimeout(() => this.hideTyping(), 8_000);
  }

  private hideTyping(): void {
    clearTimeout(this.typingTimer);
    this.view.typing.hidden = true;
  }

  /** Shows "conversation ended" (or another line) with a way to start again. */
  private end(line: StringKey = 'ended', button: StringKey = 'startAgain', again = () => this.hooks.restart()): void {
    if (this.ended) return;
    this.ended = true;
    this.dl.stop();
    this.hideTyping();
    this.setActions(undefined);
    this.setLine(this.view.conn, undefined);
    this.handoff = undefined;
    this.showHandoff();
    showComposer(this.view.composer, false);
    this.session.conversation = undefined;
    this.persist();
    const panel = el('div', 'ended');
    const restart = translated('button', 'again', button);
    restart.type = 'button';
    restart.addEventListener('click', again);
    panel.append(translated('p', '', line), restart);
    this.view.log.append(panel);
    this.keepInView();
  }

  /** Whether new content should be scrolled into view: the young person did not scroll away to read. */
  private following(): boolean {
    const s = this.view.scroll;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 120 || Math.abs(s.scrollTop - this.autoTop) < 4;
  }

  /**
   * Scrolls to the end, but never past the bot's first new message: an answer is read from its
   * start down to the buttons. After a reload (no anchor) to the end.
   */
  private keepInView(): void {
    const scroll = this.view.scroll;
    const bottom = scroll.scrollHeight - scroll.clientHeight;
    scroll.scrollTop = this.anchor ? Math.min(this.anchor.offsetTop - 8, bottom) : bottom;
    this.autoTop = scroll.scrollTop;
  }

  /** Whether `activity` was shown before the reload and is to wait out of view (ChatOptions.hideEarlier). */
  private isEarlier(activity: Activity): boolean {
    const mark = this.earlierMark;
    if (mark === undefined) return false;
    const at = position(activity.id);
    const end = position(mark);
    // An id without a stream position: the first batch after the reload is the replay.
    if (!at || !end) return this.replaying;
    return at[0] < end[0] || (at[0] === end[0] && at[1] <= end[1]);
  }

  /** The hidden box of earlier messages, with its "Show earlier messages" button above it, at the top of the log. */
  private earlierBox(): HTMLElement {
    if (this.earlier) return this.earlier;
    const box = el('div', 'earlier');
    box.hidden = true;
    const show = translated('button', 'again more', 'showEarlier');
    show.type = 'button';
    show.addEventListener('click', () => {
      box.hidden = false;
      show.remove();
      this.view.scroll.focus({ preventScroll: true });
    });
    this.view.log.prepend(show, box);
    this.earlier = box;
    return box;
  }

  /** Adds a message before the young person's messages that have not reached the server yet (or, `earlier`, out of view). */
  private addBeforePending(node: HTMLElement, earlier = false): void {
    if (earlier) {
      this.earlierBox().append(node);
      return;
    }
    const firstPending = this.outbox.find((item) => item.el && item.state !== 'sent');
    const anchor = firstPending && firstPending.el && firstPending.el.parentNode === this.view.log ? firstPending.el : null;
    this.view.log.insertBefore(node, anchor);
  }
}

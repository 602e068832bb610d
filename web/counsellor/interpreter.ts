/**
 * The interpreter box of a chat panel: invite an interpreter by a one-time link
 * (POST …/interpreter answers {url, expiresAt}; the link is shown once, on this page only, with a
 * copy button), see when they joined (SessionItem.interpreter.joinedAt), remove them
 * (DELETE …/interpreter), and the telephone interpreting service (GET /api/staff/interpreting).
 * Without those routes on the server (404) it says so and stays out of the way.
 */
import { api, ApiError, conversationPath, type InterpreterLink, type InterpretingService, type SessionItem } from './api.js';
import { button, el, say, tr } from './dom.js';
import { reason } from './handoverForms.js';
import { clock, languageName, t, uiLanguage } from './i18n.js';

/** What the box needs from its chat panel. */
export interface InterpreterHost {
  readonly conversationId: string;
  /** The conversation as the server said last. */
  info(): SessionItem;
  /** The interpreter's link changed here (invited, removed): the panel shows it at once. */
  changed(interpreter: SessionItem['interpreter']): void;
  /** open; left: the young person left; gone: not this counsellor's any more. */
  state(): 'open' | 'left' | 'gone';
}

let serviceCache: Promise<InterpretingService | undefined> | undefined;

/** The telephone interpreting service (asked once; nothing when the server has none). */
function interpretingService(): Promise<InterpretingService | undefined> {
  serviceCache ??= api<InterpretingService>('GET', '/api/staff/interpreting').catch(() => {
    serviceCache = undefined;
    return undefined;
  });
  return serviceCache;
}

/** A route the server does not have (yet): answered 404 without an error code of ours. */
function missingRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code.startsWith('HTTP');
}

/** The interpreter box of one chat panel. */
export class InterpreterBox {
  readonly root = el('section', 'box interpreterBox');
  private readonly state = el('p', 'interpreterState');
  private readonly linkBox = el('div', 'linkBox');
  private readonly linkInput = el('input', 'linkInput');
  private readonly linkHint = el('p', 'hint');
  private readonly invite: HTMLButtonElement;
  private readonly remove: HTMLButtonElement;
  private readonly status = el('p', 'formStatus');
  private readonly phone = el('div', 'phoneService');
  /** The link made on this page (shown until it is used, withdrawn or replaced). */
  private link: InterpreterLink | undefined;
  private service: InterpretingService | undefined;
  private busy = false;

  constructor(
    private readonly host: InterpreterHost,
    idPrefix: string,
  ) {
    const title = tr('h3', 'boxTitle', 'interpreterTitle');
    title.id = `${idPrefix}-interpreter-title`;
    this.root.setAttribute('aria-labelledby', title.id);
    this.state.setAttribute('role', 'status');
    const label = tr('label', '', 'interpreterLinkLabel');
    this.linkInput.id = label.htmlFor = `${idPrefix}-interpreter-link`;
    this.linkInput.readOnly = true;
    this.linkInput.dir = 'ltr';
    this.linkInput.spellcheck = false;
    this.linkInput.addEventListener('focus', () => this.linkInput.select());
    const copy = button('primary small', 'interpreterCopy', () => void this.copy(copy));
    copy.dataset.action = 'interpreter-copy';
    const row = el('div', 'composeRow');
    row.append(this.linkInput, copy);
    this.linkBox.append(label, row, this.linkHint);
    this.linkBox.hidden = true;
    this.invite = button('secondary small', undefined, () => void this.inviteNow());
    this.invite.dataset.action = 'interpreter-invite';
    this.remove = button('secondary small', 'interpreterRemove', () => void this.removeNow());
    this.remove.dataset.action = 'interpreter-remove';
    const actions = el('div', 'drawerActions');
    actions.append(this.invite, this.remove);
    this.status.hidden = true;
    this.status.setAttribute('role', 'alert');
    this.phone.hidden = true;
    this.root.append(title, this.state, this.linkBox, actions, this.status, this.phone);
    void interpretingService().then((service) => {
      this.service = service;
      this.render();
    });
    this.render();
  }

  /** Invites an interpreter (a new link; an earlier one stops working). The focus goes to the copy button. */
  async inviteNow(): Promise<void> {
    if (this.busy || this.host.state() === 'gone') return;
    this.busy = true;
    say(this.status, '');
    try {
      const link = await api<InterpreterLink>('POST', conversationPath(this.host.conversationId, '/interpreter'));
      this.link = link;
      this.host.changed({ expiresAt: link.expiresAt });
      this.linkBox.querySelector<HTMLButtonElement>('button')?.focus();
    } catch (error) {
      say(this.status, missingRoute(error) ? t('interpreterUnavailable') : reason(error), 'error');
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private async removeNow(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    say(this.status, '');
    try {
      await api('DELETE', conversationPath(this.host.conversationId, '/interpreter'));
      this.done();
    } catch (error) {
      if (missingRoute(error)) say(this.status, t('interpreterUnavailable'), 'error');
      // 404 with our code: there was no link (any more); anything else says why.
      else if (error instanceof ApiError && error.status === 404) this.done();
      else say(this.status, reason(error), 'error');
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private done(): void {
    this.link = undefined;
    this.host.changed(undefined);
    say(this.status, t('interpreterRemoved'));
    this.invite.focus();
  }

  private async copy(copyButton: HTMLButtonElement): Promise<void> {
    const text = this.linkInput.value;
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      this.linkInput.focus();
      this.linkInput.select();
      copied = document.execCommand('copy');
    }
    copyButton.textContent = t(copied ? 'interpreterCopied' : 'interpreterCopy');
    copyButton.dataset.t = copied ? 'interpreterCopied' : 'interpreterCopy';
  }

  /** Shows the interpreter's state as the panel knows it (after every change and language switch). */
  render(): void {
    const info = this.host.info();
    const current = info.interpreter;
    // A link is good until it is opened, withdrawn or replaced: only then worth showing here.
    if (this.link && (!current || current.joinedAt || current.expiresAt !== this.link.expiresAt)) this.link = undefined;
    const language = languageName(info.language);
    const state = current?.joinedAt
      ? t('interpreterJoined', { time: clock(current.joinedAt) })
      : current
        ? t('interpreterInvited', { time: clock(current.expiresAt) })
        : info.interpreterNeeded
          ? t('interpreterNeededText', { language })
          : t('interpreterNone');
    // A status region: only a real change is said again.
    if (this.state.textContent !== state) this.state.textContent = state;
    this.state.classList.toggle('present', Boolean(current?.joinedAt));
    this.linkBox.hidden = !this.link;
    if (this.link) {
      this.linkInput.value = new URL(this.link.url, location.origin).href;
      this.linkHint.textContent = t('interpreterLinkHint', { time: clock(this.link.expiresAt) });
    }
    // Inviting again replaces the link; once the interpreter is there, only removing is offered.
    this.invite.hidden = Boolean(current?.joinedAt);
    this.invite.textContent = t(current ? 'interpreterNewLink' : 'interpreterInvite');
    this.invite.disabled = this.host.state() !== 'open';
    this.remove.hidden = !current;
    this.remove.disabled = this.host.state() === 'gone';
    this.renderPhone();
  }

  private renderPhone(): void {
    const service = this.service;
    this.phone.hidden = !service;
    if (!service) return;
    const call = el('a', 'phone', service.phone);
    call.href = `tel:${service.phone.replace(/[^\d+]/g, '')}`;
    const parts: Node[] = [tr('strong', '', 'interpreterPhone'), el('br'), document.createTextNode(`${service.name}: `), call, el('br'), el('span', 'muted', service.hours[uiLanguage()] || service.hours.nl)];
    if (service.url && /^https:\/\//.test(service.url)) {
      const site = el('a', '', t('interpreterSite'));
      site.href = service.url;
      site.target = '_blank';
      site.rel = 'noopener noreferrer';
      parts.push(el('br'), site);
    }
    const text = el('p', 'hint');
    text.append(...parts);
    this.phone.replaceChildren(text);
  }
}

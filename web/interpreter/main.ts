/**
 * The interpreter's page (/interpreter#<token>): joins the one chat its one-time link is for,
 * shows what the young person and the counsellor write from then on, and sends the interpreter's
 * translations. The token leaves the address bar at once; the session is an HttpOnly cookie. The
 * page polls (every 2 seconds) and stops when the conversation ends or the link is withdrawn.
 */
import type { InterpreterView, TranscriptLine } from '../../contracts/counsellorApi.js';
import { readJson, sendRequest, type ApiError } from '../shared/api.js';
import { byId, el, say } from '../shared/dom.js';
import { createStaffI18n } from '../shared/i18n.js';

const i18n = createStaffI18n(__INTERPRETER_STRINGS__, 'interpreter', 'lantern-interpreter-language', 'title');
type Key = keyof (typeof __INTERPRETER_STRINGS__)['nl']['interpreter'];
const t = (key: Key, values?: Record<string, string | number>) => i18n.t(key, values);

const POLL_MS = 2000;
const status = byId('status');
const chat = byId('chat');
const lines = byId<HTMLOListElement>('lines');
const composer = byId<HTMLFormElement>('composer');
const message = byId<HTMLTextAreaElement>('message');
const send = byId<HTMLButtonElement>('send');
const sendStatus = byId('sendStatus');
const leave = byId<HTMLButtonElement>('leave');
const langToggle = byId<HTMLButtonElement>('langToggle');

let view: InterpreterView | undefined;
let watermark: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let stopped = false;
const shown = new Set<string>();
/** Every line shown, in order (to show them again in the other language). */
const seenLines: TranscriptLine[] = [];

/** Calls the interpreter API; resolves with the JSON answer, or throws an ApiError. */
async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  return readJson<T>(await sendRequest(method, path, body, undefined));
}

function stop(key: Key): void {
  stopped = true;
  if (timer) clearTimeout(timer);
  chat.hidden = true;
  leave.hidden = true;
  say(status, t(key), key === 'left' ? 'info' : 'error');
}

function who(line: TranscriptLine): string {
  return line.sender === 'young_person' ? t('youngPerson') : line.sender === 'interpreter' ? t('you') : t('counsellor');
}

function renderHeader(): void {
  if (!view) return;
  byId('conversation').textContent = t('conversation', { reference: view.reference });
  byId('language').textContent = t('language', { language: i18n.languageName(view.language) });
  byId('validUntil').textContent = t('validUntil', { time: i18n.clock(view.expiresAt) });
}

function addLines(incoming: TranscriptLine[]): void {
  const atBottom = lines.scrollHeight - lines.scrollTop - lines.clientHeight < 40;
  for (const line of incoming) {
    if (shown.has(line.id)) continue;
    shown.add(line.id);
    seenLines.push(line);
    lines.querySelector('.empty')?.remove();
    const item = el('li', line.sender);
    item.append(el('span', 'who', `${who(line)} · ${i18n.clock(line.at)}`));
    const text = el('p', 'text', line.text ?? '');
    text.dir = 'auto';
    item.append(text);
    lines.append(item);
  }
  if (shown.size === 0 && !lines.querySelector('.empty')) lines.append(el('li', 'empty', t('empty')));
  if (atBottom) lines.scrollTop = lines.scrollHeight;
}

function apply(next: InterpreterView): void {
  if (next.ended) return stop('ended');
  view = next;
  if (next.watermark) watermark = next.watermark;
  say(status, '');
  chat.hidden = false;
  leave.hidden = false;
  renderHeader();
  addLines(next.lines);
}

async function poll(): Promise<void> {
  if (stopped) return;
  try {
    apply(await call<InterpreterView>('GET', `/api/interpreter/conversation${watermark ? `?after=${encodeURIComponent(watermark)}` : ''}`));
  } catch (error) {
    if ((error as ApiError).status === 0) say(status, t('offline'), 'error');
  }
  if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
}

async function join(): Promise<void> {
  const token = location.hash.slice(1);
  // The token is used once: out of the address bar (and the history) at once.
  if (token) history.replaceState(null, '', location.pathname);
  try {
    if (token) apply(await call<InterpreterView>('POST', '/api/interpreter/session', { token }));
    else {
      const current = await call<InterpreterView>('GET', '/api/interpreter/conversation');
      if (current.ended) return stop(token ? 'invalid' : 'noLink');
      apply(current);
    }
  } catch (error) {
    const failure = error as ApiError;
    return stop(failure.status === 0 ? 'offline' : 'invalid');
  }
  if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
}

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = message.value.trim();
  if (!text) {
    say(sendStatus, t('emptyMessage'), 'error');
    return;
  }
  send.disabled = true;
  say(sendStatus, t('sending'));
  call<{ id: string }>('POST', '/api/interpreter/messages', { text })
    .then(() => {
      message.value = '';
      say(sendStatus, '');
      return poll();
    })
    .catch((error: ApiError) => {
      if (error.status === 401) stop('ended');
      else say(sendStatus, t('sendFailed'), 'error');
    })
    .finally(() => {
      send.disabled = false;
      message.focus();
    });
});

message.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    composer.requestSubmit();
  }
});

leave.addEventListener('click', () => {
  void call('POST', '/api/interpreter/leave').finally(() => stop('left'));
});

langToggle.addEventListener('click', () => i18n.setUiLanguage(i18n.uiLanguage() === 'nl' ? 'en' : 'nl'));
i18n.onLanguageChange(() => {
  renderHeader();
  lines.replaceChildren();
  shown.clear();
  addLines(seenLines.splice(0));
});
i18n.translate();
void join();

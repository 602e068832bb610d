/**
 * Lantern's counsellor console (/counsellor) and first-admin setup page (/counsellor/setup):
 * log in, see the waiting list, take conversations, talk with several young people at once,
 * transfer and end them. Hand-written, no framework; Dutch with an English toggle.
 */
import { setupAccount } from '../shared/account.js';
import { audioReady, flashTitle, onAudioChange, playChime, playDangerSound, setBaseTitle, unlockAudio } from './alert.js';
import { api, ApiError, onSignedOut, setCsrfToken, type Me, type QueueItem, type SessionItem, type Triage } from './api.js';
import { ChatPanel, reason } from './chatPanel.js';
import { button, byId, el, say, staffShell } from './dom.js';
import { codeName, duration, languageName, onLanguageChange, priorityName, setUiLanguage, t, translate, uiLanguage, type Key } from './i18n.js';
import { LiveConnection, type LiveState } from './live.js';
import { noteList } from './notes.js';
import { TeamPanel } from './team.js';

const { auth, loginForm, loginNotice, loginStatus, loginUser, loginPassword, meBadge, logoutButton, langToggle } = staffShell();
/** My account (own password, two-step login) and the login's code field. */
const account = setupAccount({ strings: __CONSOLE_STRINGS__, language: uiLanguage, onLanguageChange });
const setupForm = byId<HTMLFormElement>('setupForm');
const setupStatus = byId('setupStatus');
const consoleView = byId('console');
const liveBadge = byId('live');
const soundButton = byId<HTMLButtonElement>('sound');
const queueBody = byId('queue');
const queueEmpty = byId('queueEmpty');
const queueCount = byId('queueCount');
const queueStatus = byId('queueStatus');
const tabs = byId('tabs');
const panelsBox = byId('panels');
const noChats = byId('noChats');
const noChatOpen = byId('noChatOpen');
const views = byId('views');
const viewChats = byId<HTMLButtonElement>('viewChats');
const viewTeam = byId<HTMLButtonElement>('viewTeam');
const work = byId('work');
const toast = el('p', 'toast');
toast.setAttribute('role', 'status');
toast.hidden = true;
// Danger read in one of my conversations: said at once (role alert); it stays until "seen".
const urgent = el('div', 'urgentAlert');
const urgentText = el('p');
urgentText.setAttribute('role', 'alert');
const urgentSeen = button('secondary small', 'alertSeen', () => {
  urgent.hidden = true;
  say(urgentText, '');
  active?.focusMessage();
});
urgent.append(urgentText, urgentSeen);
urgent.hidden = true;
panelsBox.prepend(urgent, toast);

let me: Me | undefined;
let inConsole = false;
let liveState: LiveState = 'connecting';
const panels = new Map<string, ChatPanel>();
let active: ChatPanel | undefined;
let queue: QueueItem[] = [];
let queueAt = Date.now();
/** Danger conversations announced since the console opened (highlighted in the list). */
const alerted = new Set<string>();
/** Conversations this page claimed (not "transferred to you" when they show up in the sessions). */
const claimedHere = new Set<string>();
/** Waiting-list rows whose notes are open (kept open when the list is shown again). */
const openNotes = new Set<string>();
let toastTimer: ReturnType<typeof setTimeout> | undefined;

// The sound may only start after a click or key press; the first one prepares it. Until then (e.g.
// after a reload) a button in the top bar says that alerts would be silent.
for (const type of ['pointerdown', 'keydown'] as const) document.addEventListener(type, unlockAudio, { once: true, capture: true });
soundButton.addEventListener('click', unlockAudio);
const showSound = (): void => {
  soundButton.hidden = !inConsole || audioReady();
};
onAudioChange(showSound);

function showToast(text: string, ms = 6000): void {
  clearTimeout(toastTimer);
  say(toast, text);
  toastTimer = setTimeout(() => say(toast, ''), ms);
}

function updateTitle(): void {
  const waiting = queue.length;
  setBaseTitle(`${waiting ? `(${waiting}) ` : ''}${t('title')}`);
}

// Authentication -------------------------------------------------------------------------------

/** Shows the console (signed in) or the login and setup screen, with the top bar's parts that go with it. */
function showConsole(shown: boolean): void {
  inConsole = shown;
  consoleView.hidden = !shown;
  auth.hidden = shown;
  for (const part of [logoutButton, meBadge, liveBadge]) part.hidden = !shown;
  showSound();
}

function showLogin(notice?: Key, username?: string): void {
  showConsole(false);
  setupForm.hidden = true;
  loginForm.hidden = false;
  say(loginStatus, '');
  if (notice) {
    say(loginNotice, t(notice));
    loginNotice.dataset.t = notice;
  } else {
    say(loginNotice, '');
    delete loginNotice.dataset.t;
  }
  if (username) loginUser.value = username;
  (loginUser.value ? loginPassword : loginUser).focus();
  updateTitle();
}

loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  unlockAudio();
  const username = loginUser.value.trim();
  if (!username || !loginPassword.value) {
    say(loginStatus, t('loginFailed'), 'error');
    return;
  }
  const submit = loginForm.querySelector<HTMLButtonElement>('button[type=submit]')!;
  submit.disabled = true;
  try {
    const answer = await api<Me>('POST', '/api/staff/login', account.loginBody(username, loginPassword.value));
    loginPassword.value = '';
    account.resetLogin();
    await signedIn(answer);
  } catch (error) {
    account.loginFailed(error, { locked: (minutes) => t('loginLocked', { minutes }), failed: t('loginFailed'), other: reason });
  } finally {
    submit.disabled = false;
  }
});

async function signedIn(who: Me): Promise<void> {
  setCsrfToken(who.csrfToken);
  if (who.role !== 'counsellor' && who.role !== 'teamlead' && who.role !== 'admin') {
    await api('POST', '/api/staff/logout').catch(() => undefined);
    setCsrfToken(undefined);
    showLogin('notCounsellor');
    return;
  }
  me = who;
  enterConsole();
}

function showSetup(token: string): void {
  auth.hidden = false;
  consoleView.hidden = true;
  loginForm.hidden = true;
  setupForm.hidden = false;
  const submit = setupForm.querySelector<HTMLButtonElement>('button[type=submit]')!;
  if (!token) {
    say(setupStatus, t('setupNoToken'), 'error');
    submit.disabled = true;
  }
  byId('setupUser').focus();
  setupForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = byId<HTMLInputElement>('setupUser').value.trim();
    const password = byId<HTMLInputElement>('setupPassword').value;
    const repeat = byId<HTMLInputElement>('setupRepeat').value;
    if ([...password].length < 12) return say(setupStatus, t('setupPasswordShort'), 'error');
    if (password !== repeat) return say(setupStatus, t('setupPasswordMismatch'), 'error');
    submit.disabled = true;
    let tokenDead = false;
    try {
      await api('POST', '/api/staff/setup', { token, username, password });
      history.replaceState(null, '', '/counsellor');
      setupForm.reset();
      showLogin('setupDone', username);
    } catch (error) {
      const code = error instanceof ApiError ? error.code : '';
      if (code === 'SetupClosed') {
        history.replaceState(null, '', '/counsellor');
        showLogin('setupClosed');
        return;
      }
      tokenDead = code === 'SetupTokenInvalid';
      say(setupStatus, tokenDead ? t('setupTokenInvalid') : code === 'BadArgument' ? t('setupBadInput') : reason(error), 'error');
    } finally {
      submit.disabled = tokenDead;
    }
  });
}

async function logout(): Promise<void> {
  try {
    await api('POST', '/api/staff/logout');
  } catch {
    // the session ends on the server anyway after a while; leave here at once
  }
  leaveConsole('loggedOut');
}

/**
 * Logging out with open conversations asks first: return them to the list (the server does that
 * anyway for whatever is still open), pass one on, or end them.
 */
const logoutDialog = el('dialog', 'logoutDialog');
logoutDialog.setAttribute('aria-labelledby', 'logoutDialogTitle');
document.body.append(logoutDialog);

function askBeforeLogout(open: ChatPanel[]): void {
  logoutDialog.textContent = '';
  const title = el('h2', '', t('logoutOpenTitle', { count: open.length }));
  title.id = 'logoutDialogTitle';
  const text = el('p', '', t('logoutOpenText'));
  const first = open.find((panel) => panel === active) ?? open[0]!;
  const returnAll = button('primary', 'logoutReturn', async () => {
    returnAll.disabled = true;
    for (const panel of open) {
      await api('POST', `/api/staff/conversations/${encodeURIComponent(panel.conversationId)}/transfer`, { to: 'queue' }).catch(() => undefined);
    }
    logoutDialog.close();
    await logout();
  });
  returnAll.dataset.action = 'logout-return';
  const handOver = button('secondary', 'logoutHandOver', () => {
    logoutDialog.close();
    select(first, true);
    first.askTransfer();
  });
  const end = button('secondary', 'logoutEnd', () => {
    logoutDialog.close();
    select(first, true);
    first.askEnd();
  });
  const cancel = button('secondary', 'logoutCancel', () => logoutDialog.close());
  const row = el('div', 'dialogButtons');
  row.append(returnAll, handOver, end, cancel);
  logoutDialog.append(title, text, row);
  logoutDialog.showModal();
  returnAll.focus();
}

logoutButton.addEventListener('click', () => {
  const open = [...panels.values()].filter((panel) => panel.needsHandover);
  if (open.length) askBeforeLogout(open);
  else void logout();
});

onSignedOut(() => {
  if (inConsole) leaveConsole('sessionExpired');
});

// The console ----------------------------------------------------------------------------------

const live = new LiveConnection({
  queue: (items) => {
    renderQueue(items);
    team.refresh();
  },
  sessions: (items) => {
    syncSessions(items);
    team.refresh();
  },
  activities: (message) => {
    const panel = panels.get(message.conversationId);
    if (!panel) return;
    panel.addLines(message.lines);
    if (message.ended) panel.youngPersonLeft();
  },
  alert: (kind, conversationId) => {
    const panel = panels.get(conversationId);
    if (panel && (kind === 'danger' || kind === 'flagged')) {
      // Read in one of my conversations (the `flagged` message marks the line and says what).
      if (kind === 'danger') playDangerSound();
      flashTitle(t('flaggedTitle'));
      return;
    }
    if (kind === 'watched') {
      // The safe word in one of my chats: the panel shows it (the sessions follow), with a sound.
      playDangerSound();
      flashTitle(t('watchedAlert'));
      showToast(t('watchedAlert'));
      return;
    }
    if (kind === 'returned') {
      // A colleague left: their conversation is back in the list, near the front.
      playDangerSound();
      showToast(t('returnedAlert'));
      return;
    }
    if (kind === 'preferred') {
      // A young person who talked with me before asks for a person again: offered to me first (marked in the list).
      playChime();
      flashTitle(t('preferredTitle'));
      showToast(t('preferredAlert'), 15_000);
      return;
    }
    if (kind !== 'danger') return;
    // Again every minute while it waits (the server decides), until someone takes it.
    alerted.add(conversationId);
    playDangerSound();
    flashTitle(t('dangerTitle'));
    renderQueue(queue, false);
  },
  flagged: (conversationId, activityId, screening) => {
    const panel = panels.get(conversationId);
    if (!panel) return;
    panel.flag(activityId, screening);
    const text = t('flaggedAlert', { label: screening[uiLanguage()] || screening.nl, chat: chatName(panel) });
    if (screening.level === 'urgent') {
      say(urgentText, text);
      urgent.hidden = false;
    } else showToast(text, 15_000);
  },
  reassigned: (conversationId, by, to) => {
    const panel = panels.get(conversationId);
    const what = to === 'queue' ? t('reassignedQueue', { name: by }) : to === by ? t('reassignedTaken', { name: by }) : t('reassignedTo', { name: by, to });
    const text = panel ? `${chatName(panel)}: ${what}` : what;
    if (panel) removePanel(panel);
    showToast(text, 20_000);
  },
  interpreter: (conversationId, joined) => {
    const panel = panels.get(conversationId);
    if (!panel) return;
    panel.interpreterChanged(joined);
    showToast(`${chatName(panel)}: ${t(joined ? 'interpreterJoinedToast' : 'interpreterLeftToast')}`);
  },
  closed: (conversationId) => panels.get(conversationId)?.gone('closedByServer'),
  refused: (conversationId) => panels.get(conversationId)?.gone(),
  state: (state) => {
    liveState = state;
    showLive();
  },
  signedOut: () => {
    if (inConsole) leaveConsole('sessionExpired');
  },
});

/** "Tigrinya (kenmerk K7M2)": how a conversation is named in notices. */
function chatName(panel: ChatPanel): string {
  const language = languageName(panel.language);
  return panel.ref ? `${language} (${t('reference', { reference: panel.ref })})` : language;
}

// The team lead's view (team leads and admins) ---------------------------------------------------

const team = new TeamPanel({
  me: () => me?.username ?? '',
  taking: (conversationId) => claimedHere.add(conversationId),
  took: (item) => {
    showView('chats');
    openPanel(item, true).focusMessage();
  },
});

/** Shows the conversations or the team view. */
function showView(which: 'chats' | 'team'): void {
  const teamShown = which === 'team' && !views.hidden;
  work.hidden = teamShown;
  team.show(teamShown);
  for (const [tab, shown] of [[viewChats, !teamShown], [viewTeam, teamShown]] as const) {
    tab.setAttribute('aria-selected', String(shown));
    tab.tabIndex = shown ? 0 : -1;
  }
}

viewChats.addEventListener('click', () => showView('chats'));
viewTeam.addEventListener('click', () => showView('team'));
views.addEventListener('keydown', (event) => {
  if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
  event.preventDefault();
  const next = viewTeam.getAttribute('aria-selected') === 'true' ? viewChats : viewTeam;
  showView(next === viewTeam ? 'team' : 'chats');
  next.focus();
});

function showLive(): void {
  liveBadge.textContent = t(liveState === 'online' ? 'live' : liveState);
  liveBadge.classList.toggle('online', liveState === 'online');
}

function showMe(): void {
  if (!me) return;
  meBadge.textContent = t('signedInAs', { name: me.username, languages: me.languages.map(languageName).join(', ') || '—' });
}

function enterConsole(): void {
  showConsole(true);
  showMe();
  views.hidden = me?.role !== 'teamlead' && me?.role !== 'admin';
  showView('chats');
  live.start();
  void api<QueueItem[]>('GET', '/api/staff/queue').then((items) => renderQueue(items), () => undefined);
  void api<SessionItem[]>('GET', '/api/staff/conversations').then(
    (items) => {
      for (const item of items) openPanel(item, false);
      if (!active && items[0]) select(panels.get(items[0].conversationId));
    },
    () => undefined,
  );
  renderTabs();
}

function leaveConsole(notice: Key): void {
  live.stop();
  team.reset();
  urgent.hidden = true;
  for (const panel of panels.values()) {
    panel.tab.remove();
    panel.root.remove();
  }
  panels.clear();
  active = undefined;
  alerted.clear();
  queue = [];
  queueBody.textContent = '';
  me = undefined;
  setCsrfToken(undefined);
  showLogin(notice);
}

function renderQueue(items: QueueItem[], fresh = true): void {
  if (fresh) {
    queue = items;
    queueAt = Date.now();
  }
  queueBody.textContent = '';
  for (const item of queue) {
    const row = el('li', item.danger ? 'item danger' : 'item');
    if (alerted.has(item.conversationId)) row.classList.add('alerting');
    if (item.preferredForYou) row.classList.add('preferred');
    row.dataset.conversation = item.conversationId;
    const main = el('div', 'itemMain');
    main.append(el('span', `badge priority-${item.priority}`, priorityName(item.priority)), el('span', 'languageName', languageName(item.language)));
    if (item.interpreterNeeded) main.append(el('span', 'badge interpreter', t('interpreterNeeded')));
    if (item.returned) main.append(el('span', 'badge returned', t('returnedBadge')));
    // The safe word: someone may be reading along (answer neutrally, yes/no questions).
    if (item.mayBeWatched) main.append(el('span', 'badge watched', t('mayBeWatched')));
    // Came back with a return code (maybe from another phone): the earlier summary and notes apply.
    if (item.cameBackWithCode) {
      const badge = el('span', 'badge cameback', t('cameBackWithCode'));
      badge.title = t('cameBackWithCodeTitle');
      main.append(badge);
    }
    // Offered to me first: I had this conversation last (anyone may still take it). A team lead sees to whom.
    if (item.preferredForYou) {
      const badge = el('span', 'badge preferred', t('withYouBefore'));
      badge.title = t('withYouBeforeTitle');
      main.append(badge);
    } else if (item.preferredCounsellor) {
      main.append(el('span', 'badge preferred', t('preferredFor', { name: item.preferredCounsellor })));
    }
    const meta = el('div', 'itemMeta');
    const wait = el('span', 'wait');
    wait.dataset.seconds = String(item.waitingSeconds);
    meta.append(`${t('colPosition')} `, el('span', 'position', String(item.position)), ` · ${t('colWaiting')} `, wait);
    // So nobody claims an empty chat unawares: is the young person's page still there?
    if (item.lastSeenSeconds !== null && item.lastSeenSeconds !== undefined) {
      const seen = el('span', item.lastSeenSeconds > 60 ? 'lastSeen away' : 'lastSeen', item.lastSeenSeconds <= 60 ? t('onPage') : t('lastSeen', { time: duration(item.lastSeenSeconds) }));
      meta.append(' · ', seen);
    }
    if (item.preferredSecondsLeft && (item.preferredForYou || item.preferredCounsellor)) {
      const left = el('span', 'preferredLeft');
      left.dataset.seconds = String(item.preferredSecondsLeft);
      meta.append(' · ', left);
    }
    const claim = button('primary small', 'claim', () => void claimOne(item));
    claim.dataset.action = 'claim';
    row.append(main, meta, claim);
    // Why it is here (older entries may have no triage), and the notes written so far.
    const why = triageText(item.triage);
    if (why.length) {
      const line = el('p', 'why');
      line.append(el('span', 'whyLabel', t('triageWhy')), ' ', why.join(' · '));
      row.append(line);
    }
    const notes = Array.isArray(item.notes) ? item.notes : [];
    if (notes.length) {
      const box = el('details', 'rowNotes');
      box.open = openNotes.has(item.conversationId);
      box.addEventListener('toggle', () => (box.open ? openNotes.add(item.conversationId) : openNotes.delete(item.conversationId)));
      box.append(el('summary', '', t('notesTitle', { count: notes.length })), noteList(notes));
      row.append(box);
    }
    queueBody.append(row);
  }
  for (const id of [...alerted]) if (!queue.some((item) => item.conversationId === id)) alerted.delete(id);
  for (const id of [...openNotes]) if (!queue.some((item) => item.conversationId === id)) openNotes.delete(id);
  queueBody.hidden = queue.length === 0;
  queueEmpty.hidden = queue.length > 0;
  queueCount.textContent = queue.length ? t('waitingCount', { count: queue.length }) : '';
  tickWaiting();
  updateTitle();
}

/** Intents of the free-text screening that say nothing about why someone waits. */
const QUIET_INTENTS = new Set(['talk_to_human', 'greeting', 'other']);

/** Why a conversation is in the list, in the console's language: how they asked, the danger answer, signals, what the screening read. */
function triageText(triage: Triage | undefined): string[] {
  if (!triage || typeof triage !== 'object') return [];
  const parts: string[] = [];
  if (triage.reason) parts.push(codeName('reason', triage.reason));
  // "Said: in danger now" already says "yes".
  if (triage.dangerNow && !(triage.reason === 'danger_now' && triage.dangerNow === 'yes')) parts.push(t('triageDangerNow', { answer: codeName('answers', triage.dangerNow) }));
  const signals = triage.signals ?? [];
  if (signals.length) parts.push(t('triageSignals', { signals: signals.map((code) => codeName('signals', code)).join(', ') }));
  const categories = triage.categories ?? [];
  // A danger category says more than the intent "danger now".
  const intents = (triage.intents ?? []).filter((code) => !QUIET_INTENTS.has(code) && !(code === 'danger_now' && categories.length));
  const read = [...categories.map((code) => codeName('dangerCategories', code)), ...intents.map((code) => codeName('intents', code))];
  if (read.length) parts.push(t('triageRead', { codes: [...new Set(read)].join(', ') }));
  return parts;
}

/** Waiting times count up between updates from the server. */
function tickWaiting(): void {
  const extra = (Date.now() - queueAt) / 1000;
  for (const cell of queueBody.querySelectorAll<HTMLElement>('.wait')) cell.textContent = duration(Number(cell.dataset.seconds) + extra);
  // The offer to one counsellor counts down; at the end the list from the server shows an ordinary row.
  for (const cell of queueBody.querySelectorAll<HTMLElement>('.preferredLeft')) {
    const left = Math.max(0, Number(cell.dataset.seconds) - extra);
    cell.textContent = t('preferredLeft', { time: duration(left) });
  }
}
setInterval(tickWaiting, 1000);

async function claimOne(item: QueueItem): Promise<void> {
  say(queueStatus, '');
  claimedHere.add(item.conversationId);
  try {
    const answer = await api<SessionItem>('POST', `/api/staff/conversations/${encodeURIComponent(item.conversationId)}/claim`);
    openPanel({ ...item, claimedAt: new Date().toISOString(), ...answer }, true);
  } catch (error) {
    claimedHere.delete(item.conversationId);
    say(queueStatus, error instanceof ApiError && error.code === 'AtCapacity' ? t('atCapacity') : error instanceof ApiError && error.status === 409 ? t('claimTaken') : reason(error), 'error');
  }
}

byId('claimNext').addEventListener('click', async () => {
  say(queueStatus, '');
  try {
    const answer = await api<SessionItem | undefined>('POST', '/api/staff/queue/next');
    if (!answer) {
      say(queueStatus, t('claimNextNone'));
      return;
    }
    claimedHere.add(answer.conversationId);
    const known = queue.find((item) => item.conversationId === answer.conversationId);
    openPanel(known ? { ...known, ...answer } : answer, true);
  } catch (error) {
    say(queueStatus, error instanceof ApiError && error.code === 'AtCapacity' ? t('atCapacity') : reason(error), 'error');
  }
});

function openPanel(info: SessionItem, focus: boolean): ChatPanel {
  let panel = panels.get(info.conversationId);
  if (!panel) {
    panel = new ChatPanel(info.conversationId, info, {
      subscribe: (conversationId, watermark) => live.subscribe(conversationId, watermark),
      remove: (done, message) => removePanel(done, message),
      select: (chosen) => select(chosen, true),
    });
    panels.set(info.conversationId, panel);
    tabs.append(panel.tab);
    panelsBox.append(panel.root);
    void panel.load();
  }
  if (focus || !active) select(panel);
  renderTabs();
  return panel;
}

function removePanel(panel: ChatPanel, message?: string): void {
  live.unsubscribe(panel.conversationId);
  panels.delete(panel.conversationId);
  panel.tab.remove();
  panel.root.remove();
  if (active === panel) {
    active = undefined;
    const next = panels.values().next();
    if (!next.done) select(next.value);
  }
  if (message) showToast(message);
  renderTabs();
}

function select(panel: ChatPanel | undefined, focusTab = false): void {
  active = panel;
  for (const each of panels.values()) each.setActive(each === panel);
  if (panel && focusTab) panel.tab.focus();
  renderTabs();
}

function renderTabs(): void {
  noChats.hidden = panels.size > 0;
  noChatOpen.hidden = !!active;
}

/** Arrow keys move between the conversation tabs. */
tabs.addEventListener('keydown', (event) => {
  const list = [...panels.values()];
  const index = active ? list.indexOf(active) : -1;
  const step = event.key === 'ArrowDown' || event.key === 'ArrowRight' ? 1 : event.key === 'ArrowUp' || event.key === 'ArrowLeft' ? -1 : 0;
  if (!step || !list.length) return;
  event.preventDefault();
  select(list[(index + step + list.length) % list.length], true);
});

/** My conversations as the server sees them: new ones were transferred to me, missing ones left me. */
function syncSessions(items: SessionItem[]): void {
  const ids = new Set(items.map((item) => item.conversationId));
  for (const item of items) {
    const known = panels.get(item.conversationId);
    if (known) {
      known.update(item);
      continue;
    }
    const panel = openPanel(item, false);
    if (!claimedHere.has(item.conversationId)) panel.transferredIn();
  }
  for (const panel of panels.values()) {
    if (ids.has(panel.conversationId) || !panel.open) continue;
    // The list may be older than a claim made a moment ago: ask before giving up on it.
    void api('GET', `/api/staff/conversations/${encodeURIComponent(panel.conversationId)}`).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) panel.gone();
    });
  }
}

// Language toggle ------------------------------------------------------------------------------

langToggle.addEventListener('click', () => setUiLanguage(uiLanguage() === 'nl' ? 'en' : 'nl'));
onLanguageChange(() => {
  showLive();
  showMe();
  renderQueue(queue, false);
  team.relabel();
  for (const panel of panels.values()) panel.relabel();
  const notice = loginNotice.dataset.t as Key | undefined;
  if (notice && !loginNotice.hidden) loginNotice.textContent = t(notice);
});

// Start ----------------------------------------------------------------------------------------

document.documentElement.lang = uiLanguage();
translate();
updateTitle();

if (/^\/counsellor\/setup\/?$/.test(location.pathname)) {
  // The one-time token is in the fragment (never sent to a server); take it out of the address bar and history.
  const token = decodeURIComponent(location.hash.replace(/^#/, ''));
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  showSetup(token);
} else {
  api<Me>('GET', '/api/staff/me').then(
    (who) => signedIn(who),
    () => showLogin(),
  );
}

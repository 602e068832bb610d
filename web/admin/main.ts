/**
 * Lantern's admin page (/admin): log in as an admin (with two-step login when it is on or
 * required), manage staff accounts (create with a one-time password link, change role, languages
 * and capacity, disable and enable, unlock, a new password link, turn two-step login off, remove)
 * and read the audit trail (filters, newest first, more on request, CSV). `/admin/reset#<token>` is
 * the page where a staff member chooses a password with such a link. Hand-written, no framework;
 * Dutch with an English toggle. Links are shown once and never stored.
 */
import { setupAccount } from '../shared/account.js';
import { byId, el, say, staffShell } from '../shared/dom.js';
import { api, ApiError, fetchAuditCsv, setCsrfToken, userPath, type AuditEntry, type Me, type PasswordLink, type User } from './api.js';
import { actionCodes, actionName, languageName, locale, onLanguageChange, roleName, setUiLanguage, t, translate, uiLanguage, type Key } from './i18n.js';

const ROLES = ['counsellor', 'teamlead', 'coordinator', 'admin'] as const;
const CHAT_ROLES: readonly string[] = ['counsellor', 'teamlead'];
const LANGUAGES = ['ar', 'ti', 'prs', 'en', 'nl'] as const;

const { auth, loginForm, loginNotice, loginStatus, loginUser, loginPassword, meBadge, logoutButton, langToggle } = staffShell();
const account = setupAccount({
  strings: __ADMIN_STRINGS__,
  language: uiLanguage,
  onLanguageChange,
  onTotpChange: (on) => {
    if (on && me && !enrolBox.hidden) showAdmin({ ...me, totpRequired: false });
  },
});
const resetForm = byId<HTMLFormElement>('resetForm');
const resetStatus = byId('resetStatus');
const resetGo = byId<HTMLAnchorElement>('resetGo');
const enrolBox = byId('enrol');
const adminView = byId('admin');
const tabAccounts = byId<HTMLButtonElement>('tabAccounts');
const tabAudit = byId<HTMLButtonElement>('tabAudit');
const accountsPanel = byId('accounts');
const auditPanel = byId('audit');
const createForm = byId<HTMLFormElement>('createForm');
const newUser = byId<HTMLInputElement>('newUser');
const newRole = byId<HTMLSelectElement>('newRole');
const newCapacity = byId<HTMLInputElement>('newCapacity');
const newLanguages = byId('newLanguages');
const createStatus = byId('createStatus');
const linkBox = byId('linkBox');
const linkText = byId<HTMLInputElement>('linkText');
const linkCopy = byId<HTMLButtonElement>('linkCopy');
const accountsStatus = byId('accountsStatus');
const usersBody = byId('users').querySelector('tbody')!;
const auditFilters = byId<HTMLFormElement>('auditFilters');
const auditFrom = byId<HTMLInputElement>('auditFrom');
const auditTo = byId<HTMLInputElement>('auditTo');
const auditBy = byId<HTMLInputElement>('auditBy');
const auditAction = byId<HTMLSelectElement>('auditAction');
const auditConversation = byId<HTMLInputElement>('auditConversation');
const auditStatus = byId('auditStatus');
const auditBody = byId('auditTable').querySelector('tbody')!;
const auditMore = byId<HTMLButtonElement>('auditMore');
const auditCsvButton = byId<HTMLButtonElement>('auditCsv');

let me: Me | undefined;
let users: User[] = [];
let editing: string | undefined;
/** A button clicked once that needs a second click ("Sure?"). */
let arming: string | undefined;
let entries: AuditEntry[] = [];
let auditNext: string | null = null;
/** The link shown (memory only, gone with the page). */
let shownLink: { username: string; link: PasswordLink } | undefined;

// Helpers ---------------------------------------------------------------------------------------

/** A text of the "account" section (shared with My account). */
function accountText(key: string): string {
  return __ADMIN_STRINGS__[uiLanguage()].account[key] ?? key;
}

function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error', { code: 'Error' });
  const own = (__ADMIN_STRINGS__[uiLanguage()].admin as Record<string, string>)[`err_${error.code}`];
  return own ? own.replace('{{message}}', error.message) : t('error', { code: error.code });
}

/** Handles an answer that means the session is gone or not allowed here; true when it did. */
function handleAuthError(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 401) {
    showLogin('sessionExpired');
    return true;
  }
  if (error.status === 403 && error.code === 'TotpEnrolmentRequired') {
    showEnrol();
    return true;
  }
  if (error.status === 403 && error.code === 'Forbidden') {
    showLogin('notAdmin');
    return true;
  }
  return false;
}

function button(key: Key, className: string, action: string, username: string): HTMLButtonElement {
  const node = el('button', className, t(key));
  node.type = 'button';
  node.dataset.action = action;
  node.dataset.user = username;
  return node;
}

function languageBoxes(box: HTMLElement, name: string, chosen: readonly string[]): void {
  box.querySelectorAll('label.check').forEach((node) => node.remove());
  for (const code of LANGUAGES) {
    const label = el('label', 'check');
    const input = el('input');
    input.type = 'checkbox';
    input.name = name;
    input.value = code;
    input.checked = chosen.includes(code);
    label.append(input, ` ${languageName(code)}`);
    box.append(label);
  }
}

function checkedLanguages(box: HTMLElement): string[] {
  return [...box.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((input) => input.value);
}

function roleOptions(select: HTMLSelectElement, chosen: string): void {
  select.replaceChildren(...ROLES.map((role) => Object.assign(el('option', '', roleName(role)), { value: role, selected: role === chosen })));
}

function when(iso: string): string {
  const date = new Date(iso);
  return isNaN(date.getTime()) ? '' : date.toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'medium' });
}

// Screens ---------------------------------------------------------------------------------------

function hideAll(): void {
  for (const part of [resetForm, loginForm, enrolBox]) part.hidden = true;
  adminView.hidden = true;
  auth.hidden = false;
}

function forget(): void {
  me = undefined;
  users = [];
  entries = [];
  auditNext = null;
  shownLink = undefined;
  editing = undefined;
  setCsrfToken(undefined);
  usersBody.replaceChildren();
  auditBody.replaceChildren();
  linkBox.hidden = true;
  linkText.value = '';
}

function showLogin(notice?: Key): void {
  forget();
  hideAll();
  loginForm.hidden = false;
  logoutButton.hidden = true;
  meBadge.hidden = true;
  account.resetLogin();
  say(loginNotice, notice ? t(notice) : '', notice === 'notAdmin' ? 'error' : 'info');
  loginNotice.dataset.key = notice ?? '';
  say(loginStatus, '');
  loginPassword.value = '';
  (loginUser.value ? loginPassword : loginUser).focus();
}

function signedIn(who: Me): void {
  me = who;
  setCsrfToken(who.csrfToken);
  logoutButton.hidden = false;
  meBadge.hidden = false;
  meBadge.textContent = `${who.username} · ${t('roleAdmin')}`;
  if (who.totpRequired) showEnrol();
  else showAdmin(who);
}

function showEnrol(): void {
  hideAll();
  enrolBox.hidden = false;
  account.open();
}

function showAdmin(who: Me): void {
  me = who;
  hideAll();
  auth.hidden = true;
  adminView.hidden = false;
  showTab(auditPanel.hidden ? 'accounts' : 'audit');
  void loadUsers();
}

function showTab(which: 'accounts' | 'audit'): void {
  const audit = which === 'audit';
  accountsPanel.hidden = audit;
  auditPanel.hidden = !audit;
  tabAccounts.setAttribute('aria-selected', String(!audit));
  tabAudit.setAttribute('aria-selected', String(audit));
  tabAccounts.tabIndex = audit ? -1 : 0;
  tabAudit.tabIndex = audit ? 0 : -1;
  if (audit && entries.length === 0) void loadAudit(false);
}

// Accounts --------------------------------------------------------------------------------------

async function loadUsers(): Promise<void> {
  try {
    users = (await api<{ users: User[] }>('GET', '/api/staff/users')).users;
    renderUsers();
  } catch (error) {
    if (!handleAuthError(error)) say(accountsStatus, errorText(error), 'error');
  }
}

function statusCell(user: User): HTMLElement {
  const cell = el('td', 'status');
  cell.append(el('span', user.disabled ? 'badge off' : 'badge on', user.disabled ? t('statusDisabled') : t('statusActive')));
  if (user.lockedUntil) cell.append(' ', el('span', 'badge warn', t('statusLocked', { time: when(user.lockedUntil) })));
  if (user.totp) cell.append(' ', el('span', 'badge', t('statusTotp')));
  return cell;
}

function actionsCell(user: User): HTMLElement {
  const td = el('td');
  const cell = el('div', 'rowActions');
  td.append(cell);
  const self = user.username === me?.username;
  const armed = (action: string) => arming === `${action}:${user.username}`;
  cell.append(button('edit', 'secondary small', 'edit', user.username));
  if (!self) {
    if (user.disabled) cell.append(button('enable', 'secondary small', 'enable', user.username));
    else cell.append(button(armed('disable') ? 'confirm' : 'disable', 'secondary small', 'disable', user.username));
  }
  if (user.lockedUntil || user.failedLogins > 0) cell.append(button('unlock', 'secondary small', 'unlock', user.username));
  cell.append(button('resetLink', 'secondary small', 'link', user.username));
  if (user.totp) cell.append(button('totpOff', 'secondary small', 'totp', user.username));
  if (!self) cell.append(button(armed('remove') ? 'confirm' : 'remove', 'destructive small', 'remove', user.username));
  return td;
}

function editRow(user: User): HTMLTableRowElement {
  const row = el('tr', 'editRow');
  const cell = el('td');
  cell.colSpan = 6;
  const form = el('form', 'editForm');
  form.noValidate = true;
  form.dataset.user = user.username;
  form.append(el('h3', '', t('editTitle', { username: user.username })));
  const grid = el('div', 'grid');
  const roleLabel = el('label', '', t('role'));
  const role = el('select');
  role.id = roleLabel.htmlFor = 'editRole';
  role.name = 'role';
  roleOptions(role, user.role);
  role.disabled = user.username === me?.username;
  const capLabel = el('label', '', t('capacity'));
  const capacity = el('input');
  capacity.id = capLabel.htmlFor = 'editCapacity';
  capacity.name = 'capacity';
  capacity.type = 'number';
  capacity.min = '1';
  capacity.max = '20';
  capacity.value = user.maxConversations ? String(user.maxConversations) : '';
  const roleBox = el('div');
  roleBox.append(roleLabel, role);
  const capBox = el('div');
  capBox.append(capLabel, capacity, el('p', 'hint', t('capacityHint')));
  grid.append(roleBox, capBox);
  const langs = el('fieldset', 'langs');
  langs.append(el('legend', '', t('languagesLabel')));
  languageBoxes(langs, 'editLanguages', user.languages);
  const status = el('p', 'formStatus');
  status.setAttribute('role', 'status');
  status.hidden = true;
  const save = el('button', 'primary small', t('save'));
  save.type = 'submit';
  const cancel = el('button', 'secondary small', t('cancel'));
  cancel.type = 'button';
  cancel.addEventListener('click', () => {
    editing = undefined;
    renderUsers();
  });
  const actions = el('div', 'actions');
  actions.append(save, cancel);
  form.append(grid, langs, status, actions);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const changes: Record<string, unknown> = { languages: CHAT_ROLES.includes(role.value) ? checkedLanguages(langs) : [] };
    if (role.value !== user.role) changes.role = role.value;
    changes.maxConversations = capacity.value.trim() === '' ? null : Number(capacity.value);
    save.disabled = true;
    void api<{ user: User }>('PATCH', userPath(user.username), changes)
      .then(() => {
        editing = undefined;
        say(accountsStatus, t('saved'));
        return loadUsers();
      })
      .catch((error: unknown) => {
        if (!handleAuthError(error)) say(status, errorText(error), 'error');
      })
      .finally(() => (save.disabled = false));
  });
  cell.append(form);
  row.append(cell);
  return row;
}

function renderUsers(): void {
  const rows: HTMLTableRowElement[] = [];
  for (const user of users) {
    const row = el('tr');
    row.dataset.user = user.username;
    const name = el('th', '', user.username);
    name.scope = 'row';
    if (user.username === me?.username) name.append(' ', el('span', 'muted', t('you')));
    const chats = CHAT_ROLES.includes(user.role);
    row.append(
      name,
      el('td', '', roleName(user.role)),
      el('td', '', user.languages.map(languageName).join(', ') || '—'),
      el('td', 'num', chats ? (user.maxConversations ? String(user.maxConversations) : t('capacityDefault')) : '—'),
      statusCell(user),
      actionsCell(user),
    );
    rows.push(row);
    if (editing === user.username) rows.push(editRow(user));
  }
  if (rows.length === 0) {
    const row = el('tr');
    const cell = el('td', 'muted', t('noAccounts'));
    cell.colSpan = 6;
    row.append(cell);
    rows.push(row);
  }
  usersBody.replaceChildren(...rows);
}

function showLink(username: string, link: PasswordLink): void {
  shownLink = { username, link };
  linkText.value = new URL(link.link, location.origin).href;
  renderLink();
  linkBox.hidden = false;
  linkText.focus();
  linkText.select();
}

function renderLink(): void {
  if (!shownLink) return;
  byId('linkTitle').textContent = t('linkFor', { username: shownLink.username });
  byId('linkOnce').textContent = t('linkOnce', { hours: Math.round(shownLink.link.expiresInSeconds / 3600) });
  linkCopy.textContent = accountText('copy');
}

async function userAction(action: string, username: string): Promise<void> {
  const confirmFirst = action === 'disable' || action === 'remove';
  if (confirmFirst && arming !== `${action}:${username}`) {
    arming = `${action}:${username}`;
    renderUsers();
    usersBody.querySelector<HTMLButtonElement>(`tr[data-user="${CSS.escape(username)}"] [data-action="${action}"]`)?.focus();
    return;
  }
  arming = undefined;
  if (action === 'edit') {
    editing = editing === username ? undefined : username;
    renderUsers();
    usersBody.querySelector<HTMLSelectElement>('.editRow select, .editRow input')?.focus();
    return;
  }
  say(accountsStatus, '');
  try {
    if (action === 'disable') {
      await api('POST', userPath(username, '/disable'));
      say(accountsStatus, t('disabledDone', { username }));
    } else if (action === 'enable') {
      await api('POST', userPath(username, '/enable'));
      say(accountsStatus, t('enabledDone', { username }));
    } else if (action === 'unlock') {
      await api('POST', userPath(username, '/unlock'));
      say(accountsStatus, t('unlockedDone', { username }));
    } else if (action === 'totp') {
      await api('POST', userPath(username, '/totp/disable'));
      say(accountsStatus, t('totpOffDone', { username }));
    } else if (action === 'link') {
      showLink(username, await api<PasswordLink>('POST', userPath(username, '/password-link')));
    } else if (action === 'remove') {
      await api('DELETE', userPath(username));
      say(accountsStatus, t('removedDone', { username }));
    }
  } catch (error) {
    if (!handleAuthError(error)) say(accountsStatus, errorText(error), 'error');
  }
  await loadUsers();
}

usersBody.addEventListener('click', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
  if (target?.dataset.action && target.dataset.user) void userAction(target.dataset.action, target.dataset.user);
});

function showNewLanguages(): void {
  newLanguages.hidden = !CHAT_ROLES.includes(newRole.value);
}

createForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const username = newUser.value.trim().toLowerCase();
  const body: Record<string, unknown> = { username, role: newRole.value, languages: CHAT_ROLES.includes(newRole.value) ? checkedLanguages(newLanguages) : [] };
  if (newCapacity.value.trim() !== '') body.maxConversations = Number(newCapacity.value);
  const submit = createForm.querySelector<HTMLButtonElement>('button[type=submit]')!;
  submit.disabled = true;
  say(createStatus, '');
  void api<PasswordLink & { username: string }>('POST', '/api/staff/users', body)
    .then(async (created) => {
      createForm.reset();
      roleOptions(newRole, 'counsellor');
      showNewLanguages();
      say(createStatus, t('created', { username: created.username }));
      showLink(created.username, created);
      await loadUsers();
    })
    .catch((error: unknown) => {
      if (!handleAuthError(error)) say(createStatus, errorText(error), 'error');
    })
    .finally(() => (submit.disabled = false));
});
newRole.addEventListener('change', showNewLanguages);

linkCopy.addEventListener('click', () => {
  linkText.select();
  const done = (): void => {
    linkCopy.textContent = accountText('copied');
  };
  if (navigator.clipboard) void navigator.clipboard.writeText(linkText.value).then(done, () => document.execCommand('copy') && done());
  else if (document.execCommand('copy')) done();
});
byId('linkHide').addEventListener('click', () => {
  shownLink = undefined;
  linkText.value = '';
  linkBox.hidden = true;
});

// Audit trail -----------------------------------------------------------------------------------

/** The filters as a query string; undefined (and a message) when they cannot be right. */
function auditSearch(): string | undefined {
  const params = new URLSearchParams();
  // Dates are days in this browser's time zone: from its midnight, up to the midnight after `to`.
  if (auditFrom.value) params.set('from', new Date(`${auditFrom.value}T00:00:00`).toISOString());
  if (auditTo.value) {
    const end = new Date(`${auditTo.value}T00:00:00`);
    end.setDate(end.getDate() + 1);
    params.set('to', end.toISOString());
  }
  if (auditBy.value.trim()) params.set('by', auditBy.value.trim().toLowerCase());
  if (auditAction.value) params.set('action', auditAction.value);
  if (auditConversation.value.trim()) params.set('conversation', auditConversation.value.trim());
  return params.toString();
}

function auditRow(entry: AuditEntry): HTMLTableRowElement {
  const row = el('tr');
  row.dataset.action = entry.action;
  const time = el('td', 'time');
  const stamp = el('time', '', when(entry.at));
  stamp.dateTime = entry.at;
  time.append(stamp);
  row.append(time, el('td', '', entry.by), el('td', '', actionName(entry.action)), el('td', 'code', entry.conversation ?? ''), el('td', '', entry.target ?? ''), el('td', 'code', entry.detail ?? ''));
  return row;
}

function renderAudit(): void {
  if (entries.length === 0) {
    const row = el('tr');
    const cell = el('td', 'muted', t('noEntries'));
    cell.colSpan = 6;
    row.append(cell);
    auditBody.replaceChildren(row);
  } else auditBody.replaceChildren(...entries.map(auditRow));
  auditMore.hidden = !auditNext;
}

let auditRequest = 0;

async function loadAudit(more: boolean): Promise<void> {
  const search = auditSearch();
  if (search === undefined) return;
  const number = ++auditRequest;
  say(auditStatus, t('loading'));
  auditBody.parentElement?.setAttribute('aria-busy', 'true');
  try {
    const page = await api<{ entries: AuditEntry[]; next: string | null }>('GET', `/api/staff/audit?${search}${search ? '&' : ''}limit=100${more && auditNext ? `&before=${auditNext}` : ''}`);
    if (number !== auditRequest) return;
    entries = more ? [...entries, ...page.entries] : page.entries;
    auditNext = page.next;
    renderAudit();
    say(auditStatus, '');
  } catch (error) {
    if (number !== auditRequest || handleAuthError(error)) return;
    say(auditStatus, error instanceof ApiError && error.status === 400 ? t('badFilter', { message: error.message }) : errorText(error), 'error');
  } finally {
    if (number === auditRequest) auditBody.parentElement?.removeAttribute('aria-busy');
  }
}

auditFilters.addEventListener('submit', (event) => {
  event.preventDefault();
  void loadAudit(false);
});
auditMore.addEventListener('click', () => void loadAudit(true));
auditCsvButton.addEventListener('click', () => {
  const search = auditSearch();
  if (search === undefined) return;
  auditCsvButton.disabled = true;
  void fetchAuditCsv(search)
    .then((blob) => {
      const url = URL.createObjectURL(blob);
      const link = el('a');
      link.href = url;
      link.download = `lantern-audit_${new Date().toISOString().slice(0, 10)}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    })
    .catch((error: unknown) => {
      if (!handleAuthError(error)) say(auditStatus, errorText(error), 'error');
    })
    .finally(() => (auditCsvButton.disabled = false));
});

function fillActions(): void {
  const chosen = auditAction.value;
  auditAction.replaceChildren(Object.assign(el('option', '', t('allActions')), { value: '' }), ...actionCodes().map((code) => Object.assign(el('option', '', actionName(code)), { value: code })));
  auditAction.value = chosen;
}

// Tabs, login, reset link, language ---------------------------------------------------------------

tabAccounts.addEventListener('click', () => showTab('accounts'));
tabAudit.addEventListener('click', () => showTab('audit'));
for (const tab of [tabAccounts, tabAudit]) {
  tab.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const other = tab === tabAccounts ? tabAudit : tabAccounts;
    showTab(other === tabAudit ? 'audit' : 'accounts');
    other.focus();
  });
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const username = loginUser.value.trim();
  const password = loginPassword.value;
  if (!username || !password) return say(loginStatus, t('loginFailed'), 'error');
  const submit = loginForm.querySelector<HTMLButtonElement>('button[type=submit]');
  if (submit) submit.disabled = true;
  void api<Me>('POST', '/api/staff/login', account.loginBody(username, password))
    .then(async (who) => {
      loginPassword.value = '';
      account.resetLogin();
      if (who.role === 'admin') return signedIn(who);
      // Not for this account: end the session this login just made.
      setCsrfToken(who.csrfToken);
      await api('POST', '/api/staff/logout').catch(() => undefined);
      showLogin('notAdmin');
    })
    .catch((error: unknown) => account.loginFailed(error, { locked: (minutes) => t('loginLocked', { minutes }), failed: t('loginFailed'), other: errorText }))
    .finally(() => {
      if (submit) submit.disabled = false;
    });
});

logoutButton.addEventListener('click', () => {
  void api('POST', '/api/staff/logout')
    .catch(() => undefined)
    .finally(() => showLogin('loggedOut'));
});

byId('enrolOpen').addEventListener('click', () => account.open());

/** The page for a password link: the token is taken from the fragment and kept in memory only. */
function showReset(token: string): void {
  hideAll();
  resetForm.hidden = false;
  history.replaceState(null, '', location.pathname);
  const password = byId<HTMLInputElement>('resetPassword');
  const repeat = byId<HTMLInputElement>('resetRepeat');
  const submit = byId<HTMLButtonElement>('resetSubmit');
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) {
    say(resetStatus, t('resetMissing'), 'error');
    submit.disabled = true;
  }
  password.focus();
  resetForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if ([...password.value].length < 12) return say(resetStatus, accountText('passwordTooShort'), 'error');
    if (password.value !== repeat.value) return say(resetStatus, accountText('passwordMismatch'), 'error');
    submit.disabled = true;
    void api<{ username: string; role: Me['role'] }>('POST', '/api/staff/password-link', { token, password: password.value })
      .then((answer) => {
        password.value = repeat.value = '';
        say(resetStatus, t('resetDone'));
        resetGo.href = answer.role === 'admin' ? '/admin' : answer.role === 'coordinator' ? '/coordinator' : '/counsellor';
        resetGo.hidden = false;
        submit.hidden = true;
      })
      .catch((error: unknown) => {
        submit.disabled = false;
        say(resetStatus, error instanceof ApiError && error.code === 'PasswordLinkInvalid' ? t('resetInvalid') : errorText(error), 'error');
      });
  });
}

langToggle.addEventListener('click', () => {
  setUiLanguage(uiLanguage() === 'nl' ? 'en' : 'nl');
  langToggle.lang = uiLanguage() === 'nl' ? 'en' : 'nl';
  roleOptions(newRole, newRole.value);
  languageBoxes(newLanguages, 'newLanguages', checkedLanguages(newLanguages));
  fillActions();
  if (me) meBadge.textContent = `${me.username} · ${t('roleAdmin')}`;
  const notice = loginNotice.dataset.key;
  if (notice && !loginNotice.hidden) loginNotice.textContent = t(notice as Key);
  renderLink();
  if (me) {
    renderUsers();
    if (entries.length || !auditPanel.hidden) renderAudit();
  }
});

// Start -----------------------------------------------------------------------------------------

document.documentElement.lang = uiLanguage();
langToggle.lang = uiLanguage() === 'nl' ? 'en' : 'nl';
translate();
roleOptions(newRole, 'counsellor');
languageBoxes(newLanguages, 'newLanguages', []);
fillActions();
if (location.pathname === '/admin/reset') showReset(location.hash.slice(1));
else
  void api<Me & { totp: boolean; totpRequired: boolean }>('GET', '/api/staff/me')
    .then((who) => (who.role === 'admin' ? signedIn(who) : showLogin('notAdmin')))
    .catch(() => showLogin());

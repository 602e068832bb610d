/**
 * "My account", on every staff page (console, dashboard, admin): change one's own password
 * (POST /api/staff/me/password) and turn two-step login on or off (POST /api/staff/me/totp,
 * …/confirm, …/disable), in a dialog opened from a button the module puts in the top bar, shown
 * while the page's logout button is. It also adds the login form's code field, shown when a login
 * answers `TotpRequired`. Texts: the "account" section of locales/staff/{nl,en}.json. The CSRF
 * token comes fresh from GET /api/staff/me each time the dialog opens (kept in memory only).
 */
import { ApiError, readJson, sendRequest } from './api.js';
import { byId, el, say } from './dom.js';
import { fill, type UiLanguage } from './i18n.js';

/** What the page gives the module. */
export interface AccountOptions {
  /** The page's built-in strings, with the "account" section. */
  strings: Record<UiLanguage, { account: Record<string, string> }>;
  /** The language the page is shown in. */
  language: () => UiLanguage;
  onLanguageChange: (listener: () => void) => void;
  /** Called after two-step login was turned on or off here. */
  onTotpChange?: (on: boolean) => void;
}

/** What the page uses. */
export interface AccountUi {
  /** The body of POST /api/staff/login, with the code once the code field shows. */
  loginBody(username: string, password: string): { username: string; password: string; code?: string };
  /** For a failed login: true when the account needs its code (the field is shown and asks for it). */
  loginNeedsCode(error: unknown): boolean;
  /**
   * Says why a login failed in the login form's status: asks for the code when the account needs
   * it, else "locked for N minutes", "wrong username or password", or the page's text for anything else.
   */
  loginFailed(error: unknown, texts: LoginFailureTexts): void;
  /** Hides and empties the code field (after a login or a logout). */
  resetLogin(): void;
  /** Opens the dialog. */
  open(): void;
  /** The top bar's button. */
  button: HTMLButtonElement;
}

/** The page's own words for a failed login. */
export interface LoginFailureTexts {
  locked(minutes: number): string;
  failed: string;
  other(error: unknown): string;
}

interface MeAnswer {
  csrfToken: string;
  totp: boolean;
  totpRequired: boolean;
}

/** Calls a JSON route; resolves with the answer (undefined for 204). */
async function call<T>(method: 'GET' | 'POST', path: string, body: unknown, csrf: string | undefined): Promise<T> {
  return readJson<T>(await sendRequest(method, path, body, csrf));
}

/** Sets up "My account" on this page (see the module comment). */
export function setupAccount(options: AccountOptions): AccountUi {
  const t = (key: string, values: Record<string, string | number> = {}): string => fill(options.strings[options.language()].account[key] ?? key, values);
  const texts: Array<[HTMLElement, string, 'text' | 'label']> = [];
  const tr = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, key: string): HTMLElementTagNameMap[K] => {
    const node = el(tag, className, t(key));
    texts.push([node, key, 'text']);
    return node;
  };
  let id = 0;
  const field = (key: string, type: string, autocomplete: string): [HTMLLabelElement, HTMLInputElement] => {
    const input = el('input');
    input.id = `account${++id}`;
    input.type = type;
    input.autocomplete = autocomplete as AutoFill;
    const label = tr('label', '', key);
    label.htmlFor = input.id;
    return [label, input];
  };

  // The top bar's button, shown while the page's logout button is.
  const logout = byId<HTMLButtonElement>('logout');
  const button = tr('button', 'secondary small', 'myAccount');
  button.type = 'button';
  button.id = 'myAccount';
  button.hidden = logout.hidden;
  logout.before(button);
  new MutationObserver(() => (button.hidden = logout.hidden)).observe(logout, { attributes: true, attributeFilter: ['hidden'] });

  // The login form's code field.
  const loginStatus = byId('loginStatus');
  const codeBox = el('div', 'loginCode');
  const [codeLabel, codeInput] = field('loginCode', 'text', 'one-time-code');
  codeInput.id = 'loginCode';
  codeLabel.htmlFor = 'loginCode';
  codeInput.inputMode = 'numeric';
  codeInput.maxLength = 8;
  codeBox.append(codeLabel, codeInput);
  codeBox.hidden = true;
  loginStatus.before(codeBox);

  // The dialog.
  const dialog = el('dialog', 'accountDialog');
  dialog.id = 'accountDialog';
  dialog.setAttribute('aria-labelledby', 'accountTitle');
  const head = el('div', 'accountHead');
  const title = tr('h2', '', 'myAccount');
  title.id = 'accountTitle';
  const close = tr('button', 'secondary small', 'close');
  close.type = 'button';
  close.addEventListener('click', () => dialog.close());
  head.append(title, close);

  const passwordForm = el('form', 'accountForm');
  passwordForm.id = 'passwordForm';
  passwordForm.noValidate = true;
  const [currentLabel, current] = field('currentPassword', 'password', 'current-password');
  const [nextLabel, next] = field('newPassword', 'password', 'new-password');
  const [repeatLabel, repeat] = field('repeatPassword', 'password', 'new-password');
  const passwordStatus = el('p', 'formStatus');
  passwordStatus.setAttribute('role', 'status');
  passwordStatus.hidden = true;
  const passwordSubmit = tr('button', 'primary', 'changePassword');
  passwordSubmit.type = 'submit';
  passwordForm.append(tr('h3', '', 'passwordTitle'), currentLabel, current, nextLabel, next, tr('p', 'hint', 'passwordHint'), repeatLabel, repeat, passwordStatus, passwordSubmit);

  const totpBox = el('section', 'accountForm');
  totpBox.id = 'totpBox';
  const totpState = el('p', 'hint');
  const totpStatus = el('p', 'formStatus');
  totpStatus.setAttribute('role', 'status');
  totpStatus.hidden = true;
  const totpStart = tr('button', 'secondary', 'totpStart');
  totpStart.type = 'button';
  totpStart.id = 'totpStart';
  // Enrolling: the key (once) and the first code.
  const enrol = el('form', 'totpEnrol');
  enrol.noValidate = true;
  enrol.hidden = true;
  const secretText = el('code', 'totpSecret');
  secretText.id = 'totpSecret';
  const secretLink = tr('a', '', 'totpLink');
  const [enrolLabel, enrolCode] = field('totpCode', 'text', 'one-time-code');
  enrolCode.inputMode = 'numeric';
  enrolCode.maxLength = 8;
  const enrolSubmit = tr('button', 'primary', 'totpConfirm');
  enrolSubmit.type = 'submit';
  enrol.append(tr('p', 'hint', 'totpSecretIntro'), tr('span', 'muted', 'totpSecret'), ' ', secretText, ' ', secretLink, enrolLabel, enrolCode, enrolSubmit);
  // Turning it off: the password.
  const off = el('form', 'totpOff');
  off.noValidate = true;
  off.hidden = true;
  const [offLabel, offPassword] = field('totpDisablePassword', 'password', 'current-password');
  const offSubmit = tr('button', 'secondary', 'totpDisable');
  offSubmit.type = 'submit';
  off.append(offLabel, offPassword, offSubmit);
  totpBox.append(tr('h3', '', 'totpTitle'), totpState, totpStart, enrol, off, totpStatus);

  dialog.append(head, passwordForm, totpBox);
  document.body.append(dialog);

  let csrf: string | undefined;
  let state: MeAnswer | undefined;
  const errorText = (error: unknown): string => {
    if (error instanceof ApiError && error.code === 'WrongPassword') return t('wrongPassword');
    if (error instanceof ApiError && error.code === 'TotpInvalid') return t('totpInvalid');
    return t('error', { code: error instanceof ApiError ? error.code : 'Error' });
  };

  const showTotp = (): void => {
    const on = Boolean(state?.totp);
    totpState.textContent = state?.totpRequired ? t('totpRequiredHere') : on ? t('totpOn') : t('totpOff');
    totpState.classList.toggle('notice', Boolean(state?.totpRequired));
    totpStart.hidden = on || !enrol.hidden;
    off.hidden = !on;
  };

  const open = (): void => {
    for (const input of [current, next, repeat, offPassword, enrolCode]) input.value = '';
    say(passwordStatus, '');
    say(totpStatus, '');
    enrol.hidden = true;
    if (!dialog.open) dialog.showModal();
    void call<MeAnswer>('GET', '/api/staff/me', undefined, undefined)
      .then((me) => {
        state = me;
        csrf = me.csrfToken;
        showTotp();
      })
      .catch((error: unknown) => say(totpStatus, errorText(error), 'error'));
  };
  button.addEventListener('click', open);

  passwordForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if ([...next.value].length < 12) return say(passwordStatus, t('passwordTooShort'), 'error');
    if (next.value !== repeat.value) return say(passwordStatus, t('passwordMismatch'), 'error');
    passwordSubmit.disabled = true;
    void call('POST', '/api/staff/me/password', { current: current.value, next: next.value }, csrf)
      .then(() => {
        for (const input of [current, next, repeat]) input.value = '';
        say(passwordStatus, t('passwordChanged'));
      })
      .catch((error: unknown) => say(passwordStatus, errorText(error), 'error'))
      .finally(() => (passwordSubmit.disabled = false));
  });

  totpStart.addEventListener('click', () => {
    totpStart.disabled = true;
    void call<{ secret: string; uri: string }>('POST', '/api/staff/me/totp', undefined, csrf)
      .then((answer) => {
        secretText.textContent = answer.secret.replace(/(.{4})(?=.)/g, '$1 ');
        secretLink.href = answer.uri;
        enrol.hidden = false;
        say(totpStatus, '');
        showTotp();
        enrolCode.focus();
      })
      .catch((error: unknown) => say(totpStatus, errorText(error), 'error'))
      .finally(() => (totpStart.disabled = false));
  });

  enrol.addEventListener('submit', (event) => {
    event.preventDefault();
    enrolSubmit.disabled = true;
    void call('POST', '/api/staff/me/totp/confirm', { code: enrolCode.value }, csrf)
      .then(() => {
        enrol.hidden = true;
        secretText.textContent = '';
        secretLink.removeAttribute('href');
        if (state) state = { ...state, totp: true, totpRequired: false };
        showTotp();
        say(totpStatus, t('totpEnabled'));
        options.onTotpChange?.(true);
      })
      .catch((error: unknown) => say(totpStatus, errorText(error), 'error'))
      .finally(() => (enrolSubmit.disabled = false));
  });

  off.addEventListener('submit', (event) => {
    event.preventDefault();
    offSubmit.disabled = true;
    void call('POST', '/api/staff/me/totp/disable', { password: offPassword.value }, csrf)
      .then(() => {
        offPassword.value = '';
        if (state) state = { ...state, totp: false };
        showTotp();
        say(totpStatus, t('totpDisabled'));
        options.onTotpChange?.(false);
      })
      .catch((error: unknown) => say(totpStatus, error instanceof ApiError && error.code === 'TotpState' ? t('totpCannotDisable') : errorText(error), 'error'))
      .finally(() => (offSubmit.disabled = false));
  });

  options.onLanguageChange(() => {
    for (const [node, key] of texts) node.textContent = t(key);
    if (state) showTotp();
    if (!codeBox.hidden && loginStatus.dataset.account === 'code') loginStatus.textContent = t('loginCodeNeeded');
  });

  return {
    button,
    open,
    loginBody: (username, password) => ({ username, password, ...(codeBox.hidden || !codeInput.value.trim() ? {} : { code: codeInput.value.replace(/\s+/g, '') }) }),
    loginNeedsCode: (error) => {
      if (!(error instanceof ApiError && error.code === 'TotpRequired')) {
        delete loginStatus.dataset.account;
        if (!codeBox.hidden) codeInput.value = '';
        return false;
      }
      codeBox.hidden = false;
      say(loginStatus, t('loginCodeNeeded'));
      loginStatus.dataset.account = 'code';
      codeInput.focus();
      return true;
    },
    loginFailed(error, texts) {
      if (this.loginNeedsCode(error)) return;
      const locked = error instanceof ApiError ? error.retryAfter : undefined;
      const failed = error instanceof ApiError && error.status === 401;
      say(loginStatus, locked ? texts.locked(Math.ceil(locked / 60)) : failed ? texts.failed : texts.other(error), 'error');
    },
    resetLogin: () => {
      codeBox.hidden = true;
      codeInput.value = '';
      delete loginStatus.dataset.account;
    },
  };
}

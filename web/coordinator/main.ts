/**
 * Lantern's coordinators' dashboard (/coordinator): log in (role coordinator or admin), choose a
 * period and a language, and read anonymised counts from GET /api/metrics; download the same
 * figures as CSV; and which phrasebook phrases are not reviewed yet (phraseReview.ts). Hand-written,
 * no framework; uPlot for the charts; Dutch with an English toggle.
 * It never shows or asks for anything about a single conversation.
 */
import type { PhraseReviewAnswer } from '../../contracts/counsellorApi.js';
import { api, ApiError, fetchMetrics, fetchMetricsCsv, setCsrfToken, type Me, type Metrics, type MetricsQuery } from './api.js';
import { byId, el, say, staffShell } from './dom.js';
import { setupAccount } from '../shared/account.js';
import { languageName, onLanguageChange, setUiLanguage, t, translate, uiLanguage, type Key } from './i18n.js';
import { fetchPhraseReview, phraseReviewPanel } from './phraseReview.js';
import { clearCharts, LANGUAGE_CODES, periodText, render } from './render.js';

const { auth, loginForm, loginNotice, loginStatus, loginUser, loginPassword, meBadge, logoutButton, langToggle } = staffShell();
/** My account (own password, two-step login) and the login's code field. */
const account = setupAccount({ strings: __DASHBOARD_STRINGS__, language: uiLanguage, onLanguageChange });
const dashboard = byId('dashboard');
const filters = byId<HTMLFormElement>('filters');
const fromInput = byId<HTMLInputElement>('from');
const toInput = byId<HTMLInputElement>('to');
const languageSelect = byId<HTMLSelectElement>('language');
const csvButton = byId<HTMLButtonElement>('csv');
const statusLine = byId('status');
const period = byId('period');
const figures = byId('figures');
const openReport = byId<HTMLButtonElement>('openReport');
const printReport = byId<HTMLButtonElement>('printReport');
const closeReport = byId<HTMLButtonElement>('closeReport');
const REPORT = /^(\d{4})-(0[1-9]|1[0-2])$/;

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_DAYS = 366;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

let me: Me | undefined;
let shown: Metrics | undefined;
let requestNumber = 0;
/** The phrasebook's unreviewed phrases (not tied to the period), or why they could not be had. */
let phrases: PhraseReviewAnswer | undefined;
let phrasesError: string | undefined;
const phraseBox = el('div', 'phraseReviewRoot');
dashboard.append(phraseBox);

// Dates -----------------------------------------------------------------------------------------

/** Today in Europe/Amsterdam (the API's calendar), as YYYY-MM-DD. */
function today(): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function toUtc(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function addDays(date: string, days: number): string {
  return new Date(toUtc(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The last `days` days up to today. */
function lastDays(days: number): { from: string; to: string } {
  const to = today();
  return { from: addDays(to, -(days - 1)), to };
}

/** The first and last day of a calendar month "YYYY-MM". */
function monthRange(month: string): { from: string; to: string } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** The previous whole quarter or year (Amsterdam calendar): longer windows lift small numbers above 5. */
function previousPeriod(kind: 'quarter' | 'year'): { from: string; to: string } {
  const [year, month] = today().split('-').map(Number) as [number, number];
  if (kind === 'year') return { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` };
  const quarter = Math.floor((month - 1) / 3); // 0..3, this quarter
  const start = quarter === 0 ? { y: year - 1, m: 10 } : { y: year, m: quarter * 3 - 2 };
  const first = monthRange(`${start.y}-${String(start.m).padStart(2, '0')}`);
  const last = monthRange(`${start.y}-${String(start.m + 2).padStart(2, '0')}`);
  return { from: first.from, to: last.to };
}

/** The month before this one, "YYYY-MM". */
function previousMonth(): string {
  const [year, month] = today().split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** The monthly report's month from the address (?report=YYYY-MM), else undefined. */
function reportMonth(): string | undefined {
  const month = new URLSearchParams(location.search).get('report') ?? '';
  return REPORT.test(month) ? month : undefined;
}

function validRange(from: string, to: string): boolean {
  if (!DATE.test(from) || !DATE.test(to) || isNaN(toUtc(from)) || isNaN(toUtc(to))) return false;
  const days = (toUtc(to) - toUtc(from)) / DAY_MS + 1;
  return days >= 1 && days <= MAX_DAYS;
}

// Filters ---------------------------------------------------------------------------------------

function fillLanguageOptions(): void {
  const selected = languageSelect.value;
  languageSelect.replaceChildren();
  const all = el('option', '', t('allLanguages'));
  all.value = '';
  languageSelect.append(all);
  for (const code of LANGUAGE_CODES) {
    const option = el('option', '', languageName(code));
    option.value = code;
    languageSelect.append(option);
  }
  languageSelect.value = selected;
}

/** The filters from the address (?from=&to=&language=), else the last 30 days, all languages. */
function initialFilters(): void {
  const params = new URLSearchParams(location.search);
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const language = params.get('language') ?? '';
  const month = reportMonth();
  document.body.classList.toggle('report', month !== undefined);
  const range = month ? monthRange(month) : validRange(from, to) ? { from, to } : lastDays(30);
  fromInput.value = range.from;
  toInput.value = range.to;
  languageSelect.value = (LANGUAGE_CODES as readonly string[]).includes(language) ? language : '';
  fromInput.max = today();
  toInput.max = today();
}

/** The filters as chosen, or undefined (and a message) when the dates do not make a range. */
function query(): MetricsQuery | undefined {
  const q = { from: fromInput.value, to: toInput.value, language: languageSelect.value };
  const ok = validRange(q.from, q.to);
  fromInput.setAttribute('aria-invalid', String(!ok));
  toInput.setAttribute('aria-invalid', String(!ok));
  if (!ok) {
    say(statusLine, t('badRange'), 'error');
    return undefined;
  }
  return q;
}

// Loading ---------------------------------------------------------------------------------------

function errorText(error: unknown): string {
  return t('error', { code: error instanceof ApiError ? error.code : 'Error' });
}

/** Handles an answer that means the session is gone or not allowed here; true when it did. */
function handleAuthError(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 401) {
    showLogin('sessionExpired');
    return true;
  }
  if (error.status === 403 && error.code === 'Forbidden') {
    showLogin('notCoordinator');
    return true;
  }
  return false;
}

async function load(): Promise<void> {
  const q = query();
  if (!q) return;
  const number = ++requestNumber;
  say(statusLine, t('loading'));
  figures.setAttribute('aria-busy', 'true');
  const month = reportMonth();
  if (!month) history.replaceState(null, '', `${location.pathname}?${new URLSearchParams({ from: q.from, to: q.to, ...(q.language ? { language: q.language } : {}) }).toString()}`);
  try {
    const metrics = await fetchMetrics(q);
    if (number !== requestNumber || !me) return;
    shown = metrics;
    showMetrics();
    say(statusLine, '');
  } catch (error) {
    if (number !== requestNumber) return;
    if (handleAuthError(error)) return;
    if (error instanceof ApiError && error.status === 400) say(statusLine, t('badRange'), 'error');
    else say(statusLine, errorText(error), 'error');
  } finally {
    if (number === requestNumber) figures.removeAttribute('aria-busy');
  }
}

function showMetrics(): void {
  showPhraseReview();
  if (!shown) return;
  period.textContent = periodText(shown);
  render(figures, shown);
}

function showPhraseReview(): void {
  phraseBox.replaceChildren(me ? phraseReviewPanel(phrases, languageSelect.value, phrasesError) : '');
}

async function loadPhraseReview(): Promise<void> {
  try {
    phrases = await fetchPhraseReview();
    phrasesError = undefined;
  } catch (error) {
    if (handleAuthError(error)) return;
    phrasesError = errorText(error);
  }
  showPhraseReview();
}

async function downloadCsv(): Promise<void> {
  const q = query();
  if (!q) return;
  csvButton.disabled = true;
  try {
    const blob = await fetchMetricsCsv(q);
    const url = URL.createObjectURL(blob);
    const link = el('a');
    link.href = url;
    link.download = `lantern-metrics_${q.from}_${q.to}${q.language ? `_${q.language}` : ''}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    if (!handleAuthError(error)) say(statusLine, t('exportFailed', { code: error instanceof ApiError ? error.code : 'Error' }), 'error');
  } finally {
    csvButton.disabled = false;
  }
}

// Authentication --------------------------------------------------------------------------------

function forget(): void {
  me = undefined;
  shown = undefined;
  setCsrfToken(undefined);
  requestNumber++;
  clearCharts();
  figures.replaceChildren();
  period.textContent = '';
  phrases = undefined;
  phrasesError = undefined;
  phraseBox.replaceChildren();
}

function showLogin(notice?: Key): void {
  forget();
  dashboard.hidden = true;
  auth.hidden = false;
  logoutButton.hidden = true;
  meBadge.hidden = true;
  say(loginNotice, notice ? t(notice) : '', notice === 'notCoordinator' ? 'error' : 'info');
  loginNotice.dataset.key = notice ?? '';
  say(loginStatus, '');
  loginPassword.value = '';
  loginUser.focus();
}

function roleName(role: Me['role']): string {
  return role === 'admin' ? t('roleAdmin') : t('roleCoordinator');
}

function showDashboard(who: Me): void {
  me = who;
  setCsrfToken(who.csrfToken);
  auth.hidden = true;
  dashboard.hidden = false;
  logoutButton.hidden = false;
  meBadge.hidden = false;
  meBadge.textContent = `${who.username} · ${roleName(who.role)}`;
  void load();
  void loadPhraseReview();
}

function allowed(who: Me): boolean {
  return who.role === 'coordinator' || who.role === 'admin';
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const username = loginUser.value.trim();
  const password = loginPassword.value;
  if (!username || !password) {
    say(loginStatus, t('loginFailed'), 'error');
    return;
  }
  const submit = loginForm.querySelector<HTMLButtonElement>('button[type=submit]');
  if (submit) submit.disabled = true;
  void api<Me>('POST', '/api/staff/login', account.loginBody(username, password))
    .then(async (who) => {
      loginPassword.value = '';
      account.resetLogin();
      if (allowed(who)) {
        showDashboard(who);
        return;
      }
      // Not for this account: end the session this login just made.
      setCsrfToken(who.csrfToken);
      await api('POST', '/api/staff/logout').catch(() => undefined);
      showLogin('notCoordinator');
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

// Filters and language --------------------------------------------------------------------------

filters.addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
for (const input of [fromInput, toInput, languageSelect]) input.addEventListener('change', () => void load());
for (const preset of filters.querySelectorAll<HTMLButtonElement>('[data-days]')) {
  preset.addEventListener('click', () => {
    const range = lastDays(Number(preset.dataset.days));
    fromInput.value = range.from;
    toInput.value = range.to;
    void load();
  });
}
for (const preset of filters.querySelectorAll<HTMLButtonElement>('[data-period]')) {
  preset.addEventListener('click', () => {
    const range = previousPeriod(preset.dataset.period === 'year' ? 'year' : 'quarter');
    fromInput.value = range.from;
    toInput.value = range.to;
    void load();
  });
}
csvButton.addEventListener('click', () => void downloadCsv());
// The monthly report: the previous month's figures on a page made for print (and PDF through the browser's print).
openReport.addEventListener('click', () => location.assign(`${location.pathname}?report=${previousMonth()}${languageSelect.value ? `&language=${languageSelect.value}` : ''}`));
printReport.addEventListener('click', () => window.print());
closeReport.addEventListener('click', () => location.assign(location.pathname));

langToggle.addEventListener('click', () => {
  setUiLanguage(uiLanguage() === 'nl' ? 'en' : 'nl');
  langToggle.lang = uiLanguage() === 'nl' ? 'en' : 'nl';
  fillLanguageOptions();
  meBadge.textContent = me ? `${me.username} · ${roleName(me.role)}` : '';
  const notice = loginNotice.dataset.key;
  if (notice && !loginNotice.hidden) loginNotice.textContent = t(notice as Key);
  if (statusLine.classList.contains('error') && !statusLine.hidden) say(statusLine, '');
  showMetrics();
});

// Start -----------------------------------------------------------------------------------------

document.documentElement.lang = uiLanguage();
langToggle.lang = uiLanguage() === 'nl' ? 'en' : 'nl';
translate();
fillLanguageOptions();
initialFilters();
void api<Me>('GET', '/api/staff/me')
  .then((who) => (allowed(who) ? showDashboard(who) : showLogin('notCoordinator')))
  .catch(() => showLogin());

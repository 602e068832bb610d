/**
 * The figures that answer a helpline's first questions: how long young people waited by priority
 * (danger first), what went wrong (counted), and demand against staffing by hour of the week as a
 * heat map that is itself a table (with the hour-by-hour list behind a disclosure). Counts stay as
 * the API gives them ("<5" stays "<5"); a section whose counts are all "<5" or 0 says plainly that
 * the range is too small instead of showing a wall of "<5".
 */
import type { Count, Metrics, PriorityFigures } from './api.js';
import { el, panel } from './dom.js';
import { count, isSuppressed, known, percent } from './format.js';
import { categoryName, languageName, locale, t, type Key } from './i18n.js';

/** The reasons a young person was not reached that have a name (`dashboard.unreached_*`). */
const UNREACHED = new Set(['cancelled', 'left', 'gone', 'closed', 'closing']);

/** The priorities, most urgent first (the API's `handoff.byPriority`). */
export const PRIORITY_CODES = ['danger', 'raised', 'normal'] as const;

/** True when every count is "<5" or 0 and at least one is "<5": the range is too small to say anything. */
export function tooSmall(values: ReadonlyArray<Count | undefined>): boolean {
  return values.some((value) => isSuppressed(value)) && values.every((value) => isSuppressed(value) || value === 0 || value === undefined);
}

/** The plain message of a range too small for a section's figures. */
export function tooSmallNotice(): HTMLElement {
  return el('p', 'notice tooSmall', t('rangeTooSmall'));
}

function cell(value: Count | undefined, tag: 'td' | 'dd' = 'td'): HTMLElement {
  const node = el(tag, 'num', count(value));
  if (isSuppressed(value)) {
    node.classList.add('suppressed');
    node.title = t('suppressedLabel');
  }
  return node;
}

function th(text: string, scope: 'col' | 'row', className = ''): HTMLTableCellElement {
  const node = el('th', className, text);
  node.scope = scope;
  return node;
}

function minutesText(value: number | null | undefined): string {
  if (typeof value !== 'number') return t('none');
  return value >= 60 ? t('minutesMoreThan', { count: 60 }) : t('minutesAtMost', { count: value });
}

function priorityName(code: string): string {
  return t(`priority_${code}` as Key);
}

// Waits by priority -----------------------------------------------------------------------------

/** Waits and reach per priority: one table, danger first, with "answered within 5 minutes" as a bar and its value. */
export function waitsByPriority(m: Metrics): HTMLElement {
  const { box, body } = panel('priority', 'byPriority', 'byPriorityHint');
  const byPriority = m.handoff?.byPriority;
  if (!byPriority) {
    body.append(el('p', 'muted', t('noData')));
    return box;
  }
  const all = PRIORITY_CODES.flatMap((code) => {
    const p = byPriority[code];
    return p ? [p.requested, p.claimed, p.notReached] : [];
  });
  if (tooSmall(all)) {
    body.append(tooSmallNotice());
    return box;
  }
  const node = el('table', 'data byPriority');
  node.append(el('caption', 'sr', t('byPriority')));
  const head = el('thead');
  const headRow = el('tr');
  headRow.append(th(t('priority'), 'col'));
  for (const key of ['requested', 'claimed', 'notReached', 'waitMedian', 'waitP90', 'within5Min'] as const) headRow.append(th(t(key), 'col', 'num'));
  head.append(headRow);
  const tbody = el('tbody');
  for (const code of PRIORITY_CODES) {
    const p: PriorityFigures | undefined = byPriority[code];
    if (!p) continue;
    const tr = el('tr');
    tr.dataset.priority = code;
    tr.append(th(priorityName(code), 'row', code === 'danger' ? 'label danger' : 'label'));
    tr.append(cell(p.requested), cell(p.claimed), cell(p.notReached));
    tr.append(el('td', 'num', minutesText(p.waitMedianMinutes)), el('td', 'num', minutesText(p.waitP90Minutes)));
    const rate = el('td', 'num rateCell');
    const band = p.within5MinBand;
    if (band) {
      // A band from the shown counts (honest about their rounding): the solid part is sure, the light part may be.
      const track = el('span', 'bar split');
      track.setAttribute('aria-hidden', 'true');
      const sure = el('span', 'fill');
      sure.style.width = `${Math.round(100 * band[0])}%`;
      const maybe = el('span', 'fill maybe');
      maybe.style.width = `${Math.round(100 * (band[1] - band[0]))}%`;
      track.append(sure, maybe);
      const text = band[0] === band[1] ? percent(band[0]) : t('band', { low: percent(band[0]), high: percent(band[1]) });
      rate.append(track, el('span', 'bandText', text));
    } else {
      rate.textContent = t('none');
      rate.title = t('notShown');
    }
    tr.append(rate);
    tbody.append(tr);
  }
  node.append(head, tbody);
  body.append(node, el('p', 'hint', t('bandHint')));
  // The wait buckets of each priority, as a table (the same figures the CSV has).
  const buckets = byPriority.danger?.waitBuckets ?? [];
  if (buckets.length) {
    const waits = el('table', 'data waitsByPriority');
    waits.append(el('caption', '', t('waitBucketsByPriority')));
    const wHead = el('thead');
    const wRow = el('tr');
    wRow.append(th(t('bucket'), 'col'));
    for (const code of PRIORITY_CODES) wRow.append(th(priorityName(code), 'col', 'num'));
    wHead.append(wRow);
    const wBody = el('tbody');
    buckets.forEach((bucket, index) => {
      const tr = el('tr');
      tr.append(th(bucket.bucket, 'row'));
      for (const code of PRIORITY_CODES) tr.append(cell(byPriority[code]?.waitBuckets?.[index]?.count));
      wBody.append(tr);
    });
    waits.append(wHead, wBody);
    body.append(waits);
  }
  return box;
}

// What went wrong -------------------------------------------------------------------------------

function countRows(caption: Key, label: Key, rows: Array<{ label: string; value: Count }>): HTMLElement {
  if (!rows.length) return el('p', 'muted', t('noData'));
  const node = el('table', 'data');
  node.append(el('caption', '', t(caption)));
  const head = el('thead');
  const headRow = el('tr');
  headRow.append(th(t(label), 'col'), th(t('count'), 'col', 'num'));
  head.append(headRow);
  const tbody = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    tr.append(th(row.label, 'row'), cell(row.value));
    tbody.append(tr);
  }
  node.append(head, tbody);
  return node;
}

/** What went wrong, counted: nobody reached, back to the list, refused for capacity, interpreters, flags. */
export function problems(m: Metrics): HTMLElement {
  const { box, body } = panel('problems', 'problems', 'problemsHint');
  const p = m.problems;
  if (!p) {
    body.append(el('p', 'muted', t('noData')));
    return box;
  }
  const numbers: Array<{ label: Key; value: Count; id: string }> = [
    { label: 'dangerNotReached', value: p.dangerNotReached, id: 'dangerNotReached' },
    { label: 'returnedAfterCounsellorLeft', value: p.returnedAfterCounsellorLeft, id: 'returnedAfterCounsellorLeft' },
    { label: 'claimsRefusedForCapacity', value: p.claimsRefusedForCapacity, id: 'claimsRefusedForCapacity' },
    { label: 'dangerRealerts', value: p.dangerRealerts ?? 0, id: 'dangerRealerts' },
    { label: 'leftWhileWaiting', value: p.leftWhileWaiting, id: 'problemsLeftWhileWaiting' },
  ];
  const groups = [...p.notReachedByReason, ...p.interpreterNeededByLanguage, ...p.chatFlagsByCategory].map((row) => row.count);
  if (tooSmall([...numbers.map((n) => n.value), ...groups])) {
    body.append(tooSmallNotice());
    return box;
  }
  const list = el('dl', 'numbers');
  for (const row of numbers) {
    const item = el('div', 'numberRow');
    item.dataset.figure = row.id;
    item.append(el('dt', '', t(row.label)), cell(row.value, 'dd'));
    list.append(item);
  }
  body.append(list);
  body.append(
    countRows(
      'notReachedByReason',
      'reason',
      p.notReachedByReason.map((r) => ({ label: UNREACHED.has(r.reason) ? t(`unreached_${r.reason}` as Key) : r.reason, value: r.count })),
    ),
    countRows(
      'interpreterNeeded',
      'language',
      p.interpreterNeededByLanguage.map((r) => ({ label: languageName(r.language), value: r.count })),
    ),
    countRows(
      'chatFlags',
      'category',
      p.chatFlagsByCategory.map((r) => ({ label: categoryName(r.category), value: r.count })),
    ),
  );
  return box;
}

// Staffing heat map -----------------------------------------------------------------------------

/** Monday to Sunday in the dashboard's language (hour of week 0 is Monday 00:00, Europe/Amsterdam). */
function weekdayNames(): string[] {
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i, 12)).toLocaleDateString(locale(), { weekday: 'short', timeZone: 'UTC' }));
}

/**
 * Demand against staffing per hour of the week: a 7 × 24 table whose cells are shaded by requests,
 * marked where requests came while nobody was on duty on average, and the same figures hour by hour
 * in a list behind a disclosure.
 */
export function staffing(m: Metrics): HTMLElement {
  const { box, body } = panel('staffing', 'staffing', 'staffingHint');
  const hours = Array.isArray(m.staffing) ? m.staffing : [];
  if (!hours.length) {
    body.append(el('p', 'muted', t('noData')));
    return box;
  }
  // Per hour of the week counts stay small for long: the notice, and still the map (where there
  // were requests, and where nobody was on duty, is what planning needs).
  if (tooSmall(hours.map((h) => h.requests))) body.append(tooSmallNotice());
  const max = Math.max(5, ...hours.map((h) => known(h.requests) ?? 0));
  const names = weekdayNames();
  const grid = el('table', 'heatmap');
  grid.append(el('caption', 'sr', t('staffing')));
  const head = el('thead');
  const headRow = el('tr');
  headRow.append(th('', 'col'));
  for (let hour = 0; hour < 24; hour += 1) headRow.append(th(String(hour).padStart(2, '0'), 'col', 'hour'));
  head.append(headRow);
  const tbody = el('tbody');
  for (let dayIndex = 0; dayIndex < 7; dayIndex += 1) {
    const tr = el('tr');
    tr.append(th(names[dayIndex] ?? '', 'row'));
    for (let hour = 0; hour < 24; hour += 1) {
      const h = hours[dayIndex * 24 + hour];
      const td = el('td', 'heat', h ? count(h.requests) : '');
      if (h) {
        const requests = known(h.requests);
        const level = requests !== undefined ? Math.min(4, Math.ceil((4 * requests) / max)) : isSuppressed(h.requests) ? 1 : 0;
        td.dataset.level = String(level);
        td.dataset.hourOfWeek = String(h.hourOfWeek);
        const nobody = h.counsellorsOnDutyAvg === null || h.counsellorsOnDutyAvg === 0;
        if (nobody && h.requests !== 0) td.classList.add('short');
        if (!nobody) td.classList.add('staffed');
        if (isSuppressed(h.requests)) td.classList.add('suppressed');
        td.title = t('heatCell', {
          day: names[dayIndex] ?? '',
          hour: String(hour).padStart(2, '0'),
          requests: count(h.requests),
          danger: count(h.dangerRequests),
          onDuty: h.counsellorsOnDutyAvg === null ? t('none') : h.counsellorsOnDutyAvg.toLocaleString(locale()),
        });
      }
      tr.append(td);
    }
    tbody.append(tr);
  }
  grid.append(head, tbody);
  const legend = el('p', 'legend heatLegend');
  legend.append(
    el('span', 'swatch heat0'),
    el('span', '', '0'),
    el('span', 'swatch heat2'),
    el('span', '', t('heatMore', { max: max.toLocaleString(locale()) })),
    el('span', 'swatch short'),
    el('span', '', t('heatShort')),
    el('span', 'swatch staffed'),
    el('span', '', t('heatStaffed')),
  );
  const wrap = el('div', 'heatWrap');
  wrap.append(grid);
  body.append(legend, wrap);
  // Hour by hour: only hours with requests or someone on duty (the rest are all 0 and "—").
  const rows = hours.filter((h) => h.requests !== 0 || (h.counsellorsOnDutyAvg ?? 0) > 0);
  const list = el('table', 'data staffingTable');
  list.append(el('caption', 'sr', t('staffing')));
  const lHead = el('thead');
  const lRow = el('tr');
  for (const [key, numeric] of [['hourOfWeek', false], ['requested', true], ['dangerRequests', true], ['onDutyAvg', true]] as const) lRow.append(th(t(key), 'col', numeric ? 'num' : ''));
  lHead.append(lRow);
  const lBody = el('tbody');
  for (const h of rows) {
    const tr = el('tr');
    tr.append(th(`${names[Math.floor(h.hourOfWeek / 24)] ?? ''} ${String(h.hourOfWeek % 24).padStart(2, '0')}:00`, 'row'));
    tr.append(cell(h.requests), cell(h.dangerRequests), el('td', 'num', h.counsellorsOnDutyAvg === null ? t('none') : h.counsellorsOnDutyAvg.toLocaleString(locale())));
    lBody.append(tr);
  }
  list.append(lHead, lBody);
  const details = el('details', 'asTable');
  details.append(el('summary', '', t('showTable')), rows.length ? list : el('p', 'muted', t('noData')));
  body.append(details);
  return box;
}

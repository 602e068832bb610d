/**
 * Renders the figures of GET /api/metrics into the page: key figures, conversations per day (chart
 * and table), the dialog tree as a funnel, the handoff with the wait chart, danger flags, outcomes
 * and translation coverage. Every count is shown as the API gives it ("<5" stays "<5"); bars of a
 * suppressed count are hatched over the whole range it stands for; derived figures (rates, medians)
 * that the API withholds show "—" with the reason. Tables carry every figure of the charts.
 */
import type { Count, DayRow, Metrics } from './api.js';
import { barChart, dayChart, LANGUAGE_COLOURS, type Chart } from './charts.js';
import { LANGUAGES } from '../../contracts/languages.js';
import { el, panel } from './dom.js';
import { count, day, isSuppressed, known, longDay, percent, share, suppressedRange } from './format.js';
import { categoryName, languageName, nodeName, outcomeName, t, treeOrder, type Key } from './i18n.js';
import { problems, staffing, tooSmall, tooSmallNotice, waitsByPriority } from './needs.js';

/** The young people's languages, in the order the API lists them (the one list, contracts/languages.ts). */
export const LANGUAGE_CODES = LANGUAGES;

let charts: Chart[] = [];

/** Removes the charts (before rendering again or when logging out). */
export function clearCharts(): void {
  for (const chart of charts) chart.destroy();
  charts = [];
}

/** A cell with a count: "<5" gets a title and a class (and is read out as "<5, from 1 to 4"). */
function countCell(value: Count | undefined, tag: 'td' | 'dd' | 'span' = 'td'): HTMLElement {
  const cell = el(tag, 'num', count(value));
  if (isSuppressed(value)) {
    cell.classList.add('suppressed');
    if (suppressedRange(value)) cell.title = t('suppressedLabel');
  }
  return cell;
}

function headerRow(keys: Array<Key | ''>, numericFrom = 1): HTMLTableSectionElement {
  const head = el('thead');
  const row = el('tr');
  keys.forEach((key, index) => {
    const th = el('th', index >= numericFrom ? 'num' : '', key ? t(key) : '');
    th.scope = 'col';
    row.append(th);
  });
  head.append(row);
  return head;
}

function table(caption: string, hideCaption = true): HTMLTableElement {
  const node = el('table', 'data');
  const cap = el('caption', hideCaption ? 'sr' : '', caption);
  node.append(cap);
  return node;
}

/** A table of figures (classes `data` and `kind`): label | bar | numbers, with its hidden caption and header row. */
function figureTable(caption: string, kind: string, columns: Array<Key | ''>): HTMLTableElement {
  const node = table(caption);
  node.classList.add(kind);
  node.append(headerRow(columns, 2));
  return node;
}

/** "No data" for a section or table with nothing to show. */
function noData(): HTMLElement {
  return el('p', 'muted', t('noData'));
}

/** The largest real number of a list, at least `floor` (so a "<5" range always fits). */
function scaleMax(values: Array<Count | undefined>, floor: number): number {
  return Math.max(floor, ...values.map((value) => known(value) ?? 0));
}

/** A horizontal bar for a count (hatched over its range when suppressed); decorative, the number is next to it. */
function bar(value: Count | undefined, max: number, colour?: string): HTMLElement {
  const track = el('span', 'bar');
  track.setAttribute('aria-hidden', 'true');
  const fill = el('span', 'fill');
  const number = known(value);
  const range = suppressedRange(value);
  if (number !== undefined) fill.style.width = `${(100 * number) / max}%`;
  else if (range) {
    fill.classList.add('range');
    fill.style.width = `${(100 * range[1]) / max}%`;
  } else fill.style.width = '0';
  if (colour) fill.style.backgroundColor = colour;
  track.append(fill);
  return track;
}

/** A table of labelled counts with bars: label | bar | count. */
function barTable(caption: string, labelKey: Key, rows: Array<{ label: string; value: Count | undefined; colour?: string }>): HTMLElement {
  if (!rows.length) return noData();
  const node = figureTable(caption, 'bars', [labelKey, '', 'count']);
  const body = el('tbody');
  const max = scaleMax(
    rows.map((row) => row.value),
    5,
  );
  for (const row of rows) {
    const tr = el('tr');
    const th = el('th', 'label', row.label);
    th.scope = 'row';
    const barCell = el('td', 'barCell');
    barCell.append(bar(row.value, max, row.colour));
    tr.append(th, barCell, countCell(row.value));
    body.append(tr);
  }
  node.append(body);
  return node;
}

// Key figures -----------------------------------------------------------------------------------

function figure(label: Key, value: string, options: { hint?: string; suppressed?: boolean; id: string }): HTMLElement {
  const card = el('div', 'figure');
  card.dataset.figure = options.id;
  const term = el('dt', 'figureLabel', t(label));
  const data = el('dd', 'figureValue', value);
  if (options.suppressed) {
    data.classList.add('suppressed');
    data.title = t('suppressedLabel');
  }
  card.append(term, data);
  if (options.hint) card.append(el('dd', 'figureHint', options.hint));
  return card;
}

function countFigure(label: Key, value: Count | undefined, id: string, hint?: Key): HTMLElement {
  return figure(label, count(value), { id, suppressed: isSuppressed(value), hint: hint ? t(hint) : undefined });
}

function keyFigures(m: Metrics): HTMLElement {
  const { box, body } = panel('key', 'keyFigures');
  const list = el('dl', 'figures');
  const h = m.handoff;
  // The median and p90 are the upper bounds of wait buckets; past the open last bucket ("60+") that
  // bound says nothing more than "more than 60".
  const openBucket = /^(\d+)\+$/.exec(h?.waitBuckets?.[h.waitBuckets.length - 1]?.bucket ?? '');
  const openFrom = openBucket ? Number(openBucket[1]) : Infinity;
  const minutes = (value: number | null | undefined, id: string, label: Key): HTMLElement => {
    if (typeof value !== 'number') return figure(label, t('none'), { id, hint: t('notShown') });
    const text = value > openFrom ? t('minutesMoreThan', { count: openFrom }) : t('minutesAtMost', { count: value });
    return figure(label, text, { id, hint: t('waitHint') });
  };
  list.append(
    countFigure('conversations', m.conversations?.total, 'conversations'),
    figure('handoffRate', percent(h?.handoffRate), { id: 'handoffRate', hint: typeof h?.handoffRate === 'number' ? t('handoffRateHint') : t('notShown') }),
    minutes(h?.waitMedianMinutes, 'waitMedian', 'waitMedian'),
    minutes(h?.waitP90Minutes, 'waitP90', 'waitP90'),
    countFigure('abandoned', h?.abandoned, 'abandoned'),
    countFigure('dangerFlags', m.danger?.flags, 'dangerFlags'),
    countFigure('quickExits', m.quickExits, 'quickExits'),
    countFigure('outOfHours', m.outOfHoursDemand, 'outOfHours', 'outOfHoursHint'),
    countFigure('languageSwitches', m.languageSwitches, 'languageSwitches'),
    countFigure('mayBeWatched', m.watchedPhone?.mayBeWatched, 'mayBeWatched', 'mayBeWatchedHint'),
    countFigure('returnCodesGiven', m.watchedPhone?.returnCodesGiven, 'returnCodesGiven'),
    m.watchedPhone?.returnCodesUsed === null
      ? figure('returnCodesUsed', t('none'), { id: 'returnCodesUsed', hint: t('returnCodesUsedNoLanguage') })
      : countFigure('returnCodesUsed', m.watchedPhone?.returnCodesUsed, 'returnCodesUsed'),
  );
  body.append(list);
  return box;
}

// Conversations per day -------------------------------------------------------------------------

function dayTable(rows: DayRow[], languages: string[], showTotal: boolean): HTMLElement {
  const node = table(t('perDay'));
  const head = el('thead');
  const headRow = el('tr');
  const columns = [...languages.map((code) => ({ key: code, label: languageName(code) })), ...(showTotal ? [{ key: 'total', label: t('total') }] : [])];
  const dateTh = el('th', '', t('date'));
  dateTh.scope = 'col';
  headRow.append(dateTh);
  for (const column of columns) {
    const th = el('th', 'num', column.label);
    th.scope = 'col';
    headRow.append(th);
  }
  head.append(headRow);
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    const th = el('th', '', day(row.date));
    th.scope = 'row';
    tr.append(th);
    for (const column of columns) tr.append(countCell(row[column.key]));
    body.append(tr);
  }
  node.append(head, body);
  return node;
}

/** A legend that always shows its values (not only while the pointer is over the chart). */
function valueLegend(items: Array<{ label: string; value: Count | undefined; colour?: string }>): HTMLElement {
  const list = el('ul', 'legend valueLegend');
  for (const item of items) {
    const entry = el('li', '');
    const swatch = el('span', 'swatch');
    swatch.setAttribute('aria-hidden', 'true');
    if (item.colour) swatch.style.backgroundColor = item.colour;
    entry.append(swatch, el('span', '', `${item.label}: `), countCell(item.value, 'span'));
    list.append(entry);
  }
  return list;
}

/** A chart with its explanation and, behind a disclosure, the same figures as a table. */
function chartFigure(description: Key, chartBox: HTMLElement, tableNode: HTMLElement, note?: Key): HTMLElement {
  const fig = el('figure', 'chart');
  chartBox.classList.add('chartBox');
  chartBox.setAttribute('role', 'img');
  chartBox.setAttribute('aria-label', t(description));
  fig.append(chartBox);
  if (note) fig.append(el('figcaption', 'hint', t(note)));
  // Open from the start: the table is beside the chart for everyone (screen readers included); it can be folded away.
  const details = el('details', 'asTable');
  details.open = true;
  const scroll = el('div', 'tableScroll');
  scroll.tabIndex = 0;
  scroll.append(tableNode);
  details.append(el('summary', '', t('showTable')), scroll);
  fig.append(details);
  return fig;
}

function perDay(m: Metrics, languages: string[], after: Array<() => void>): HTMLElement {
  const { box, body } = panel('perDay', 'perDay');
  const rows = Array.isArray(m.conversationsPerDay) ? m.conversationsPerDay : [];
  const showTotal = languages.length > 1;
  const layout = el('div', 'perDayLayout');
  const chartBox = el('div');
  chartBox.id = 'chartPerDay';
  const perDayFigure = chartFigure('perDayChart', chartBox, dayTable(rows, languages, showTotal), 'suppressedMark');
  perDayFigure.prepend(
    valueLegend([
      ...languages.map((code) => ({ label: languageName(code), value: m.conversations?.byLanguage?.[code], colour: LANGUAGE_COLOURS[code] })),
      ...(showTotal ? [{ label: t('total'), value: m.conversations?.total }] : []),
    ]),
  );
  layout.append(perDayFigure);
  const byLanguage = el('div', 'byLanguage');
  byLanguage.append(el('h3', '', t('byLanguage')));
  byLanguage.append(
    barTable(
      t('byLanguage'),
      'language',
      languages.map((code) => ({ label: languageName(code), value: m.conversations?.byLanguage?.[code], colour: LANGUAGE_COLOURS[code] })),
    ),
  );
  layout.append(byLanguage);
  body.append(layout);
  after.push(() => charts.push(dayChart(chartBox, rows, languages, showTotal)));
  return box;
}

// Funnel ----------------------------------------------------------------------------------------

function funnel(m: Metrics): HTMLElement {
  const { box, body } = panel('funnel', 'funnel', 'funnelHint');
  // In the order of the tree (the API lists the busiest first); unknown nodes at the end.
  const order = treeOrder();
  const rank = (code: string): number => (order.includes(code) ? order.indexOf(code) : order.length);
  const nodes = (Array.isArray(m.funnel) ? [...m.funnel] : []).sort((a, b) => rank(a.node) - rank(b.node));
  if (!nodes.length) {
    body.append(noData());
    return box;
  }
  if (tooSmall(nodes.map((n) => n.entered))) {
    body.append(tooSmallNotice());
    return box;
  }
  const node = figureTable(t('funnel'), 'funnel', ['node', '', 'entered', 'continued', 'dropOff', 'dropOffRate']);
  const tbody = el('tbody');
  const max = scaleMax(
    nodes.map((n) => n.entered),
    5,
  );
  const codes = nodes.map((n) => n.node);
  for (const n of nodes) {
    const tr = el('tr');
    tr.dataset.node = n.node;
    // A section of a topic (rights_guardian under rights) is indented.
    const parent = codes.find((code) => code !== n.node && n.node.startsWith(`${code}_`));
    const th = el('th', parent ? 'label sub' : 'label', nodeName(n.node));
    th.scope = 'row';
    const barCell = el('td', 'barCell');
    const entered = known(n.entered);
    const continued = known(n.continued);
    const dropOff = known(n.dropOff);
    if (entered !== undefined && continued !== undefined && dropOff !== undefined) {
      // Went on (solid) and dropped off (light), side by side.
      const track = el('span', 'bar split');
      track.setAttribute('aria-hidden', 'true');
      const on = el('span', 'fill');
      on.style.width = `${(100 * continued) / max}%`;
      const off = el('span', 'fill drop');
      off.style.width = `${(100 * dropOff) / max}%`;
      track.append(on, off);
      barCell.append(track);
    } else {
      barCell.append(bar(n.entered, max, '#8b95a1'));
    }
    const rate = share(n.dropOff, n.entered, m.suppressedBelow || 5);
    const rateCell = el('td', 'num', rate === undefined ? t('none') : percent(rate));
    if (rate === undefined) rateCell.title = t('notShown');
    tr.append(th, barCell, countCell(n.entered), countCell(n.continued), countCell(n.dropOff), rateCell);
    tbody.append(tr);
  }
  node.append(tbody);
  const legend = el('p', 'legend');
  legend.setAttribute('aria-hidden', 'true');
  legend.append(el('span', 'swatch on'), el('span', '', t('continued')), el('span', 'swatch drop'), el('span', '', t('dropOff')), el('span', 'swatch range'), el('span', '', `<${m.suppressedBelow || 5}`));
  // One sentence on how the rate is made, so it can never contradict the counts beside it.
  body.append(el('p', 'hint funnelRule', t('funnelRule')));
  body.append(legend, node);
  return box;
}

// Handoff and danger ----------------------------------------------------------------------------

function numberList(rows: Array<{ label: Key; value: Count | undefined; id: string }>): HTMLElement {
  const list = el('dl', 'numbers');
  for (const row of rows) {
    const item = el('div', 'numberRow');
    item.dataset.figure = row.id;
    item.append(el('dt', '', t(row.label)), countCell(row.value, 'dd'));
    list.append(item);
  }
  return list;
}

function handoff(m: Metrics, after: Array<() => void>): HTMLElement {
  const { box, body } = panel('handoff', 'handoff');
  const h = m.handoff;
  body.append(
    numberList([
      { label: 'requested', value: h?.requested, id: 'requested' },
      { label: 'claimed', value: h?.claimed, id: 'claimed' },
      { label: 'cancelled', value: h?.cancelled, id: 'cancelled' },
      { label: 'timedOut', value: h?.timedOut, id: 'timedOut' },
      { label: 'leftWhileWaiting', value: h?.leftWhileWaiting, id: 'leftWhileWaiting' },
      { label: 'abandoned', value: h?.abandoned, id: 'abandonedWaiting' },
    ]),
  );
  const buckets = Array.isArray(h?.waitBuckets) ? h.waitBuckets : [];
  body.append(el('h3', '', t('waitBuckets')));
  if (!buckets.length) {
    body.append(noData());
    return box;
  }
  const labels = buckets.map((b) => b.bucket);
  const values = buckets.map((b) => b.count);
  const tableNode = table(t('waitBuckets'));
  tableNode.append(headerRow(['bucket', 'count']));
  const tbody = el('tbody');
  buckets.forEach((b) => {
    const tr = el('tr');
    const th = el('th', '', b.bucket);
    th.scope = 'row';
    tr.append(th, countCell(b.count));
    tbody.append(tr);
  });
  tableNode.append(tbody);
  const chartBox = el('div');
  chartBox.id = 'chartWait';
  const waitFigure = chartFigure('waitBucketsChart', chartBox, tableNode);
  waitFigure.prepend(valueLegend(buckets.map((b) => ({ label: `${b.bucket} min`, value: b.count }))));
  body.append(waitFigure);
  after.push(() => charts.push(barChart(chartBox, labels, values, t('count'))));
  return box;
}

function danger(m: Metrics): HTMLElement {
  const { box, body } = panel('danger', 'danger');
  body.append(
    numberList([
      { label: 'dangerFlags', value: m.danger?.flags, id: 'flags' },
      { label: 'dangerNowYes', value: m.danger?.dangerNowYes, id: 'dangerNowYes' },
    ]),
  );
  body.append(el('h3', '', t('byCategory')));
  const categories = Array.isArray(m.danger?.byCategory) ? m.danger.byCategory : [];
  body.append(barTable(t('byCategory'), 'category', categories.map((c) => ({ label: categoryName(c.category), value: c.count, colour: '#b3261e' }))));
  return box;
}

function outcomes(m: Metrics): HTMLElement {
  const { box, body } = panel('outcomes', 'outcomes');
  const list = Array.isArray(m.outcomes) ? m.outcomes : [];
  body.append(barTable(t('outcomes'), 'outcome', list.map((o) => ({ label: outcomeName(o.code), value: o.count }))));
  return box;
}

function coverage(m: Metrics): HTMLElement {
  const { box, body } = panel('coverage', 'coverage', 'coverageHint');
  // With a language filter, only that language.
  const list = (Array.isArray(m.translationCoverage) ? m.translationCoverage : []).filter((row) => !m.language || row.language === m.language);
  if (!list.length) {
    body.append(noData());
    return box;
  }
  const node = figureTable(t('coverage'), 'coverage', ['language', '', 'texts', 'reviewed', 'unreviewed', 'reviewedShare']);
  const tbody = el('tbody');
  for (const row of list) {
    const tr = el('tr');
    tr.dataset.language = row.language;
    const th = el('th', 'label', languageName(row.language));
    th.scope = 'row';
    const ratio = typeof row.texts === 'number' && row.texts > 0 && typeof row.reviewed === 'number' ? row.reviewed / row.texts : undefined;
    const barCell = el('td', 'barCell');
    const track = el('span', 'bar split');
    track.setAttribute('aria-hidden', 'true');
    const done = el('span', 'fill');
    done.style.width = `${100 * (ratio ?? 0)}%`;
    const todo = el('span', 'fill todo');
    todo.style.width = `${ratio === undefined ? 0 : 100 * (1 - ratio)}%`;
    track.append(done, todo);
    barCell.append(track);
    tr.append(th, barCell, countCell(row.texts), countCell(row.reviewed), countCell(row.unreviewed), el('td', 'num', ratio === undefined ? t('none') : percent(ratio)));
    tbody.append(tr);
  }
  node.append(tbody);
  body.append(node);
  return box;
}

/** The heading: period and language. */
export function periodText(m: Pick<Metrics, 'from' | 'to' | 'language'>): string {
  const from = longDay(m.from);
  const to = longDay(m.to);
  return m.language ? t('periodLanguage', { from, to, language: languageName(m.language) }) : t('period', { from, to });
}

/** Renders everything into `root` (emptied first). */
export function render(root: HTMLElement, m: Metrics): void {
  clearCharts();
  root.replaceChildren();
  const languages = m.language ? [m.language] : LANGUAGE_CODES.filter((code) => m.conversationsPerDay?.some((row) => code in row) ?? true);
  const after: Array<() => void> = [];
  if (known(m.conversations?.total) === 0) root.append(el('p', 'notice', t('noData')));
  const pair = (a: HTMLElement, b: HTMLElement): HTMLElement => {
    const row = el('div', 'pair');
    row.append(a, b);
    return row;
  };
  root.append(
    keyFigures(m),
    waitsByPriority(m),
    problems(m),
    staffing(m),
    perDay(m, languages.length ? languages : [...LANGUAGE_CODES], after),
    funnel(m),
    pair(handoff(m, after), danger(m)),
    pair(outcomes(m), coverage(m)),
  );
  // uPlot measures its box: draw the charts once they are in the document.
  for (const draw of after) draw();
}

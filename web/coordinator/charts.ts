/**
 * The two uPlot charts: conversations per day (one line per language, plus the total) and the wait
 * until a counsellor took a conversation (bars per bucket). Suppressed counts ("<5") are never
 * drawn as a number: they leave a gap in the line or bar and get a hatched stroke over the whole
 * range they stand for (1 to 4), and the legend shows "<5". Every chart has a table with the same
 * figures next to it (render.ts).
 */
import uPlot from 'uplot';
import type { Count, DayRow } from './api.js';
import { count, day, known, suppressedRange } from './format.js';
import { languageName, t } from './i18n.js';

/** Colours per young person's language (Okabe–Ito: tell-apart for colour-blind eyes too). */
export const LANGUAGE_COLOURS: Record<string, string> = {
  ar: '#0072b2',
  ti: '#d55e00',
  prs: '#009e73',
  en: '#cc79a7',
  nl: '#8a6d00',
};
const TOTAL_COLOUR = '#1c1f23';
const BAR_COLOUR = '#1d5bb8';
const AXIS = { stroke: '#3d4650', grid: { stroke: '#e3e6ea', width: 1 }, ticks: { stroke: '#cfd4db', width: 1 }, font: '12px system-ui, sans-serif' };

/** A chart that follows its box's width. */
export interface Chart {
  destroy(): void;
}

function observeWidth(box: HTMLElement, plot: uPlot, height: number): Chart {
  let width = box.clientWidth;
  const observer = new ResizeObserver(() => {
    const now = box.clientWidth;
    if (now > 0 && Math.abs(now - width) > 1) {
      width = now;
      plot.setSize({ width: now, height });
    }
  });
  observer.observe(box);
  return {
    destroy() {
      observer.disconnect();
      plot.destroy();
    },
  };
}

/** Strokes the range a suppressed count stands for, at x (canvas pixels), in the series colour. */
function strokeRange(u: uPlot, x: number, range: [number, number], colour: string, halfWidth: number): void {
  const ctx = u.ctx;
  const ratio = uPlot.pxRatio;
  const top = u.valToPos(range[1], 'y', true);
  const bottom = u.valToPos(range[0], 'y', true);
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  if (halfWidth > 0) {
    // A hatched box from 1 to 4.
    const left = x - halfWidth;
    const width = halfWidth * 2;
    ctx.globalAlpha = 0.18;
    ctx.fillRect(left, top, width, bottom - top);
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1.5 * ratio;
    ctx.setLineDash([4 * ratio, 3 * ratio]);
    ctx.strokeRect(left, top, width, bottom - top);
  } else {
    // A stroke with caps from 1 to 4.
    ctx.lineWidth = 2.5 * ratio;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.lineWidth = 1.5 * ratio;
    ctx.beginPath();
    ctx.moveTo(x - 2.5 * ratio, top);
    ctx.lineTo(x + 2.5 * ratio, top);
    ctx.moveTo(x - 2.5 * ratio, bottom);
    ctx.lineTo(x + 2.5 * ratio, bottom);
    ctx.stroke();
  }
  ctx.restore();
}

/** The y range: from 0, at least up to 5 so the "<5" range is visible, with a little headroom. */
function yRange(_u: uPlot, _min: number | null, max: number | null): uPlot.Range.MinMax {
  const top = Math.max(5, max ?? 0);
  return [0, Math.ceil(top * 1.1)];
}

/**
 * Conversations per day: x is the index of the day, one series per language (or only the filtered
 * one) and the total.
 */
export function dayChart(box: HTMLElement, rows: DayRow[], languages: string[], showTotal: boolean): Chart {
  const dates = rows.map((row) => row.date);
  const columns: Array<{ key: string; label: string; colour: string; width: number }> = languages.map((code) => ({
    key: code,
    label: languageName(code),
    colour: LANGUAGE_COLOURS[code] ?? '#56606b',
    width: 2,
  }));
  if (showTotal) columns.push({ key: 'total', label: t('total'), colour: TOTAL_COLOUR, width: 2.5 });
  const raw: Array<Array<Count | undefined>> = columns.map((column) => rows.map((row) => row[column.key]));
  const data: uPlot.AlignedData = [dates.map((_date, index) => index), ...raw.map((values) => values.map((value) => known(value) ?? null))];
  const sparse = dates.length <= 62;
  const height = 300;

  const options: uPlot.Options = {
    width: Math.max(280, box.clientWidth),
    height,
    scales: {
      x: { time: false, range: () => [-0.5, Math.max(0.5, dates.length - 0.5)] },
      y: { range: yRange },
    },
    axes: [
      {
        ...AXIS,
        space: 56,
        incrs: [1, 2, 7, 14, 28, 56, 91, 182],
        values: (_u, splits) => splits.map((split) => (Number.isInteger(split) && dates[split] ? day(dates[split]!, false) : '')),
      },
      { ...AXIS, size: 44, incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000], values: (_u, splits) => splits.map((s) => count(s)) },
    ],
    series: [
      { label: t('date'), value: (_u, index) => (index === null || !dates[index] ? '' : day(dates[index]!)) },
      ...columns.map((column, c) => ({
        label: column.label,
        stroke: column.colour,
        width: column.width,
        spanGaps: false,
        points: { show: sparse, size: 5, stroke: column.colour, fill: '#fff', width: 1.5 },
        value: (_u: uPlot, _value: number | null, _series: number, index: number | null) => (index === null ? '' : count(raw[c]![index])),
      })),
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    hooks: {
      draw: [
        (u) => {
          // Side by side when several languages are "<5" on the same day (canvas pixels).
          const step = columns.length > 1 ? Math.min(7 * uPlot.pxRatio, u.bbox.width / Math.max(1, dates.length) / (columns.length + 1)) : 0;
          columns.forEach((column, c) => {
            if (!u.series[c + 1]?.show) return;
            raw[c]!.forEach((value, index) => {
              const range = suppressedRange(value);
              if (!range) return;
              const x = u.valToPos(index, 'x', true) + (c - (columns.length - 1) / 2) * step;
              strokeRange(u, x, range, column.colour, 0);
            });
          });
        },
      ],
    },
  };
  const plot = new uPlot(options, data, box);
  return observeWidth(box, plot, height);
}

/** Bars of counts per category (the wait buckets), with their labels under the bars. */
export function barChart(box: HTMLElement, labels: string[], values: Array<Count | undefined>, seriesLabel: string): Chart {
  const data: uPlot.AlignedData = [labels.map((_label, index) => index), values.map((value) => known(value) ?? null)];
  const height = 220;
  const bars = uPlot.paths.bars!({ size: [0.6, 64], align: 0 });
  const options: uPlot.Options = {
    width: Math.max(240, box.clientWidth),
    height,
    scales: { x: { time: false, range: () => [-0.5, labels.length - 0.5] }, y: { range: yRange } },
    axes: [
      { ...AXIS, splits: () => labels.map((_label, index) => index), values: (_u, splits) => splits.map((split) => labels[split] ?? '') },
      { ...AXIS, size: 44, incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000], values: (_u, splits) => splits.map((s) => count(s)) },
    ],
    series: [
      { label: t('bucket'), value: (_u, index) => (index === null ? '' : (labels[index] ?? '')) },
      {
        label: seriesLabel,
        stroke: BAR_COLOUR,
        fill: 'rgba(29, 91, 184, 0.75)',
        width: 1,
        paths: bars,
        points: { show: false },
        value: (_u, _value, _series, index) => (index === null ? '' : count(values[index])),
      },
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    hooks: {
      draw: [
        (u) => {
          // Half the width of a bar (canvas pixels), as the bars path draws them.
          const half = Math.min(32 * uPlot.pxRatio, (u.bbox.width / Math.max(1, labels.length)) * 0.3);
          values.forEach((value, index) => {
            const range = suppressedRange(value);
            if (range) strokeRange(u, u.valToPos(index, 'x', true), range, BAR_COLOUR, half);
          });
        },
      ],
    },
  };
  const plot = new uPlot(options, data, box);
  return observeWidth(box, plot, height);
}

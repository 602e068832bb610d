/**
 * A scenario's summary as Markdown: the medians per target, then the per-round ratios.
 */
import type { ScenarioPlan } from '../plans/ScenarioPlan.js';
import type { ScenarioRun } from '../BenchSession.js';
import type { Ratios, ScenarioSummary } from './summary.js';

/** A number with `digits` decimals and thousands separators; '–' when there is none. */
export function formatNumber(value: number | undefined, digits: number): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatRatios(ratios: Ratios): string {
  if (ratios.perRound.every((value) => !Number.isFinite(value))) return '–';
  const rounds = ratios.perRound.map((value) => formatNumber(value, 2)).join(' · ');
  return ratios.perRound.length > 1 ? `${rounds} → **${formatNumber(ratios.median, 2)}**` : rounds;
}

/** The Markdown of one scenario. */
export function scenarioMarkdown(plan: ScenarioPlan, run: ScenarioRun, summary: ScenarioSummary): string {
  const figures = plan.metrics(run.params);
  const lines = [
    `### ${plan.name}: ${plan.summary}`,
    '',
    `${run.rounds === 1 ? 'One round' : `Median of ${run.rounds} rounds`}; targets interleaved (round 1: ${run.targets.join(', ')}, then rotated).`,
    '',
    `| figure | ${run.targets.join(' | ')} |`,
    `|---|${run.targets.map(() => '---:').join('|')}|`,
    ...figures.map((figure) => `| ${figure.label} | ${run.targets.map((target) => formatNumber(summary.medians[figure.label]?.[target], figure.digits)).join(' | ')} |`),
  ];
  const compared = figures.filter((figure) => summary.ratios[figure.label]);
  if (compared.length > 0) {
    lines.push('', `Per-round ratios (round 1 · round 2 · … → median):`, '', '| figure | full / echo | echo / floor |', '|---|---|---|');
    for (const figure of compared) {
      const ratios = summary.ratios[figure.label]!;
      lines.push(`| ${figure.label} | ${formatRatios(ratios.fullToEcho)} | ${formatRatios(ratios.echoToFloor)} |`);
    }
  }
  const failed = run.runs.filter((r) => r.error);
  if (failed.length > 0) lines.push('', ...failed.map((r) => `Round ${r.round}, ${r.target}: failed (${r.error}).`));
  return lines.join('\n');
}

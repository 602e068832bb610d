/**
 * What a counsellor reads about a conversation before and while taking it: in Dutch (and English),
 * whatever language the young person used, built only from codes (language, priority, topics,
 * screening answers, danger flag, time waiting). The young person's own words are in the transcript.
 */
import type { HandoffJobData } from './HandoffQueue.js';
import { staffText, type StaffLanguage } from './staffTexts.js';

/** One line of the summary. */
export interface SummaryLine {
  label: string;
  value: string;
  /** A line the console keeps current from the live conversation (contracts/counsellorApi.ts). */
  field?: 'priority';
  /** What the line says once the conversation is in danger (the console shows it when the priority is raised to danger). */
  dangerValue?: string;
}

/** A summary in both staff languages. */
export type BilingualSummary = Record<StaffLanguage, SummaryLine[]>;

/** What the summary adds to the job's codes. */
export interface SummaryOptions {
  waitedMs?: number;
  interpreterNeeded?: boolean;
  /** Messages the young person typed while waiting (their text is in the transcript and below the summary). */
  whileWaiting?: number;
}

/** Builds the summary lines in one staff language. */
export function summaryLines(
  language: StaffLanguage,
  job: HandoffJobData,
  options: SummaryOptions = {},
): SummaryLine[] {
  const t = (key: string, variables?: Record<string, string | number>) => staffText(language, key, variables);
  const none = t('summary.none');
  const lines: SummaryLine[] = [
    { label: t('summary.language'), value: t(`languages.${job.language}`) + (options.interpreterNeeded ? ` · ${t('summary.interpreter')}` : '') },
    { label: t('summary.priority'), value: t(`priority.${job.priority}`), field: 'priority' },
    { label: t('summary.dangerFlag'), value: job.priority === 'danger' || (job.screening.freeText?.dangerFlags ?? 0) > 0 ? t('summary.yes') : t('summary.no'), dangerValue: t('summary.yes') },
    { label: t('summary.reason'), value: t(`reason.${job.reason}`) },
  ];
  if (options.waitedMs !== undefined) lines.push({ label: t('summary.waited'), value: t('summary.minutes', { count: Math.round(options.waitedMs / 60_000) }) });
  lines.push({ label: t('summary.topics'), value: job.topics.length ? job.topics.map((topic) => t(`topics.${topic}`)).join(', ') : none });
  lines.push({ label: t('summary.dangerNow'), value: job.screening.dangerNow ? t(`answers.${job.screening.dangerNow}`) : none });
  const signals = Object.entries(job.screening.signals ?? {});
  lines.push({
    label: t('summary.signals'),
    value: signals.length ? signals.map(([signal, answer]) => `${t(`signals.${signal}`)}: ${t(`answers.${answer}`)}`).join('; ') : none,
  });
  const free = job.screening.freeText;
  if (free) {
    const found = [...free.categories.map((c) => t(`dangerCategories.${c}`)), ...free.intents.map((i) => t(`intents.${i}`))];
    lines.push({
      label: t('summary.freeText'),
      value: t('summary.freeTextLine', { messages: free.messages, flags: free.dangerFlags }) + (found.length ? ` (${found.join(', ')})` : ''),
    });
  }
  if (job.returned) lines.push({ label: t('summary.returned'), value: t('summary.returnedTimes', { count: job.returned }) });
  if (options.whileWaiting) lines.push({ label: t('summary.whileWaiting'), value: t('summary.whileWaitingLine', { count: options.whileWaiting }) });
  return lines;
}

/** The summary in Dutch and English. */
export function bilingualSummary(job: HandoffJobData, options: SummaryOptions = {}): BilingualSummary {
  return { nl: summaryLines('nl', job, options), en: summaryLines('en', job, options) };
}

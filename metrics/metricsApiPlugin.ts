/**
 * `GET /api/metrics?from=YYYY-MM-DD&to=YYYY-MM-DD[&language=xx][&format=csv]` for coordinators:
 * anonymised counts, each changed by a keyed noise of at most 2, then "<5" or rounded to fives
 * (metrics/suppression.ts, docs/api.md).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '../audit/auditPlugin.js';
import { HttpError, statusOf } from '../contracts/httpErrors.js';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { daysBetween, isDay, periodRange } from './calendar.js';
import { MetricsArgumentError, MetricsServiceError } from './errors.js';
import type { MetricsQuery, MetricsReport } from './MetricsQuery.js';

/** Options of the plugin. */
export interface MetricsApiOptions {
  query: MetricsQuery;
}

/** Longest range one request may ask for (a year, leap years included). */
const MAX_DAYS = 366;

/** The query string of `GET /api/metrics`. */
interface MetricsQueryString {
  from?: string;
  to?: string;
  period?: string;
  language?: string;
  format?: 'json' | 'csv';
}

const DAY = '^\\d{4}-\\d{2}-\\d{2}$';

/** Its schema: the shapes are checked here, the calendar (a real date, the order, the length) in the handler. */
const querystring = {
  type: 'object',
  properties: {
    from: { type: 'string', pattern: DAY },
    to: { type: 'string', pattern: DAY },
    period: { type: 'string', pattern: '^(\\d{4}(-Q[1-4]|-\\d{2})?)?$' },
    language: { type: 'string', enum: ['', ...LANGUAGES] },
    format: { type: 'string', enum: ['json', 'csv'] },
  },
} as const;

/** Which part of the query a schema error is about, as a fixed sentence. */
const FIELD_MESSAGES: Record<string, string> = {
  from: 'from and to must be dates YYYY-MM-DD',
  to: 'from and to must be dates YYYY-MM-DD',
  period: 'period must be YYYY, YYYY-Qn or YYYY-MM',
  language: `language must be one of ${LANGUAGES.join(', ')}`,
  format: 'format must be json or csv',
};

/** The area's answer for any error of its routes: its own, the staff guard's, Fastify's validation, or a 500. */
function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const validation = (error as { validation?: Array<{ instancePath?: string; params?: { missingProperty?: string } }> }).validation;
  if (validation) {
    const field = validation.map((v) => (v.instancePath ?? '').replace(/^\//, '')).find((name) => name in FIELD_MESSAGES);
    return new MetricsArgumentError(field ? FIELD_MESSAGES[field] : undefined);
  }
  const status = statusOf(error);
  return status >= 400 && status < 500 ? new MetricsArgumentError() : new MetricsServiceError();
}

/** The report as CSV rows: section, item, value (suppressed values stay "<5"). */
export function reportToCsv(report: MetricsReport): string {
  const rows: Array<[string, string, string | number]> = [];
  for (const day of report.conversationsPerDay) {
    for (const [key, value] of Object.entries(day)) if (key !== 'date') rows.push([`conversations:${day.date}`, key, value as string | number]);
  }
  for (const f of report.funnel) {
    rows.push(['funnel_entered', f.node, f.entered], ['funnel_continued', f.node, f.continued], ['funnel_drop_off', f.node, f.dropOff], ['funnel_continued_rate', f.node, f.continuedRate ?? '']);
  }
  for (const [key, value] of Object.entries(report.handoff)) {
    if (key === 'waitBuckets' || key === 'byPriority') continue;
    rows.push(['handoff', key, value === null ? '' : (value as string | number)]);
  }
  for (const b of report.handoff.waitBuckets) rows.push(['handoff_wait_minutes', b.bucket, b.count]);
  for (const [priority, p] of Object.entries(report.handoff.byPriority)) {
    rows.push(
      [`handoff_${priority}`, 'requested', p.requested],
      [`handoff_${priority}`, 'claimed', p.claimed],
      [`handoff_${priority}`, 'not_reached', p.notReached],
      [`handoff_${priority}`, 'wait_median_minutes', p.waitMedianMinutes ?? ''],
      [`handoff_${priority}`, 'wait_p90_minutes', p.waitP90Minutes ?? ''],
      [`handoff_${priority}`, 'within_5_min_rate', p.within5MinRate ?? ''],
      [`handoff_${priority}`, 'within_5_min_band', p.within5MinBand ? `${p.within5MinBand[0]}-${p.within5MinBand[1]}` : ''],
    );
    for (const b of p.waitBuckets) rows.push([`handoff_${priority}_wait_minutes`, b.bucket, b.count]);
  }
  const problems = report.problems;
  rows.push(
    ['problems', 'danger_not_reached', problems.dangerNotReached],
    ['problems', 'returned_after_counsellor_left', problems.returnedAfterCounsellorLeft],
    ['problems', 'claims_refused_for_capacity', problems.claimsRefusedForCapacity],
    ['problems', 'danger_realerts', problems.dangerRealerts],
    ['problems', 'left_while_waiting', problems.leftWhileWaiting],
  );
  for (const r of problems.notReachedByReason) rows.push(['not_reached_reason', r.reason, r.count]);
  for (const l of problems.interpreterNeededByLanguage) rows.push(['interpreter_needed', l.language, l.count]);
  for (const c of problems.chatFlagsByCategory) rows.push(['chat_flag_category', c.category, c.count]);
  for (const h of report.staffing) {
    rows.push(['staffing_requests', String(h.hourOfWeek), h.requests], ['staffing_danger_requests', String(h.hourOfWeek), h.dangerRequests], ['staffing_on_duty_avg', String(h.hourOfWeek), h.counsellorsOnDutyAvg ?? '']);
  }
  rows.push(['danger', 'flags', report.danger.flags], ['danger', 'danger_now_yes', report.danger.dangerNowYes]);
  for (const c of report.danger.byCategory) rows.push(['danger_category', c.category, c.count]);
  for (const o of report.outcomes) rows.push(['outcome', o.code, o.count]);
  rows.push(['quick_exits', 'total', report.quickExits], ['out_of_hours_demand', 'total', report.outOfHoursDemand], ['language_switches', 'total', report.languageSwitches]);
  const watched = report.watchedPhone;
  rows.push(['may_be_watched', 'total', watched.mayBeWatched], ['return_codes_given', 'total', watched.returnCodesGiven]);
  if (watched.returnCodesUsed !== null) rows.push(['return_codes_used', 'total', watched.returnCodesUsed]);
  for (const t of report.translationCoverage) {
    rows.push(['translation', `${t.language}_texts`, t.texts], ['translation', `${t.language}_reviewed`, t.reviewed], ['translation', `${t.language}_unreviewed`, t.unreviewed]);
  }
  const cell = (value: string | number) => (/[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));
  return ['section,item,value', ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

/** Registers the metrics API (needs staffAuthPlugin): coordinators and admins only. */
export const metricsApiPlugin: FastifyPluginAsync<MetricsApiOptions> = async (fastify, options) => {
  const guard = (fastify as FastifyInstance & { staffGuard: (roles: readonly string[]) => (req: FastifyRequest, reply: FastifyReply) => Promise<void> }).staffGuard(['coordinator', 'admin']);
  // This plugin's routes only (encapsulated): every error in the area's shape, never a stack.
  fastify.setErrorHandler((error, _request, reply) => {
    const answer = toHttpError(error);
    if (answer.statusCode >= 500) fastify.log.error({ event: 'metrics.error', code: answer.code });
    return reply.code(answer.statusCode).header('cache-control', 'no-store').send({ error: { code: answer.code, message: answer.message } });
  });
  fastify.get<{ Querystring: MetricsQueryString }>('/api/metrics', { preHandler: guard, schema: { querystring } }, async (request, reply) => {
    const { language, format, period } = request.query;
    let { from, to } = request.query;
    if (period !== undefined && period !== '') {
      // A whole month, quarter or year (longer windows lift small numbers above the threshold).
      const range = periodRange(period);
      if (!range) throw new MetricsArgumentError(FIELD_MESSAGES.period);
      if (from !== undefined || to !== undefined) throw new MetricsArgumentError('give either period or from and to');
      ({ from, to } = range);
    }
    if (!isDay(from) || !isDay(to)) throw new MetricsArgumentError(FIELD_MESSAGES.from);
    if (from > to) throw new MetricsArgumentError('from must not be after to');
    if (daysBetween(from, to).length > MAX_DAYS) throw new MetricsArgumentError(`at most ${MAX_DAYS} days`);
    const report = await options.query.report(from, to, (language || null) as Language | null);
    reply.header('cache-control', 'no-store');
    if (format === 'csv') {
      // One audit entry per export (who took the figures out, which language).
      const by = (request as FastifyRequest & { staff?: { username: string } }).staff?.username;
      if (by) await fastify.audit.record({ by, action: 'export.metrics', detail: language || 'all' });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="lantern-metrics-${from}-${to}${language ? `-${language}` : ''}.csv"`)
        .send(reportToCsv(report));
    }
    return report;
  });
};

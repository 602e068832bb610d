/**
 * The staff login (docs/api.md, staff/staffAuthPlugin.ts) and the anonymised metrics
 * (`GET /api/metrics`). The session is the HttpOnly cookie; the CSRF token lives in this module's
 * memory only (never in storage) and goes as `x-csrf-token` on every POST. After a reload it comes
 * back from GET /api/staff/me.
 */
import { apiError, sendRequest } from '../shared/api.js';

/** The signed-in staff member. */
export interface Me {
  username: string;
  role: 'counsellor' | 'teamlead' | 'coordinator' | 'admin';
  languages: string[];
  csrfToken: string;
}

/**
 * A count as the API gives it: a number, or a string such as "<5" for 1 to 4 (never turned into
 * a number here).
 */
export type Count = number | string;

/** One day of conversations: `date`, `total` and one count per language code. */
export type DayRow = { date: string; total: Count } & Record<string, Count>;

/** The figures of GET /api/metrics (docs/api.md, "Coordinators: anonymised metrics"). */
export interface Metrics {
  from: string;
  to: string;
  language: string | null;
  suppressedBelow: number;
  conversationsPerDay: DayRow[];
  conversations: { total: Count; byLanguage: Record<string, Count> };
  languageSwitches: Count;
  funnel: Array<{ node: string; entered: Count; continued: Count; dropOff: Count; continuedRate?: number | null }>;
  handoff: {
    requested: Count;
    claimed: Count;
    cancelled: Count;
    timedOut: Count;
    leftWhileWaiting: Count;
    abandoned: Count;
    handoffRate: number | null;
    waitMedianMinutes: number | null;
    waitP90Minutes: number | null;
    waitBuckets: Array<{ bucket: string; count: Count }>;
    byPriority?: Partial<Record<'danger' | 'raised' | 'normal', PriorityFigures>>;
  };
  problems?: {
    dangerNotReached: Count;
    notReachedByReason: Array<{ reason: string; count: Count }>;
    returnedAfterCounsellorLeft: Count;
    claimsRefusedForCapacity: Count;
    /** Danger conversations announced again because nobody had taken them (absent in figures from before it was counted). */
    dangerRealerts?: Count;
    interpreterNeededByLanguage: Array<{ language: string; count: Count }>;
    leftWhileWaiting: Count;
    chatFlagsByCategory: Array<{ category: string; count: Count }>;
  };
  staffing?: Array<{ hourOfWeek: number; requests: Count; dangerRequests: Count; counsellorsOnDutyAvg: number | null }>;
  danger: { flags: Count; dangerNowYes: Count; byCategory: Array<{ category: string; count: Count }> };
  outcomes: Array<{ code: string; count: Count }>;
  quickExits: Count;
  outOfHoursDemand: Count;
  /** Safe word and return codes (returnCodesUsed: null under a language filter). */
  watchedPhone?: { mayBeWatched: Count; returnCodesGiven: Count; returnCodesUsed: Count | null };
  translationCoverage: Array<{ language: string; texts: number; reviewed: number; unreviewed: number }>;
}

/** Waits and reach of one priority (`handoff.byPriority.*`). */
export interface PriorityFigures {
  requested: Count;
  claimed: Count;
  notReached: Count;
  waitBuckets: Array<{ bucket: string; count: Count }>;
  waitMedianMinutes: number | null;
  waitP90Minutes: number | null;
  within5MinRate: number | null;
  within5MinBand?: [number, number] | null;
}

/** The filters of a metrics request. */
export interface MetricsQuery {
  from: string;
  to: string;
  language: string;
}

export { ApiError } from '../shared/api.js';

let csrfToken: string | undefined;

/** Keeps the session's CSRF token (in memory only). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

async function request(method: 'GET' | 'POST', path: string, body?: unknown, accept = 'application/json'): Promise<Response> {
  const response = await sendRequest(method, path, body, csrfToken, accept);
  if (!response.ok) {
    let error: { code?: string; message?: string } | undefined;
    try {
      error = ((await response.json()) as { error?: { code?: string; message?: string } }).error;
    } catch {
      error = undefined;
    }
    throw apiError(response, error);
  }
  return response;
}

/** Calls a JSON route; resolves with the answer (undefined for 204). */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await request(method, path, body);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The query string of a metrics request (no `language` for all languages). */
export function metricsSearch(query: MetricsQuery, format?: 'csv'): string {
  const params = new URLSearchParams({ from: query.from, to: query.to });
  if (query.language) params.set('language', query.language);
  if (format) params.set('format', format);
  return params.toString();
}

/** GET /api/metrics as JSON. */
export function fetchMetrics(query: MetricsQuery): Promise<Metrics> {
  return api<Metrics>('GET', `/api/metrics?${metricsSearch(query)}`);
}

/** GET /api/metrics as CSV (the same figures, "<5" included). */
export async function fetchMetricsCsv(query: MetricsQuery): Promise<Blob> {
  const response = await request('GET', `/api/metrics?${metricsSearch(query, 'csv')}`, undefined, 'text/csv');
  return response.blob();
}

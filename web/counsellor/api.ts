/**
 * The staff API (docs/api.md, handoff/counsellorApiPlugin.ts). The session is the HttpOnly cookie;
 * the CSRF token lives in this module's memory only (never in storage) and goes as `x-csrf-token`
 * on every change. After a reload it comes back from GET /api/staff/me.
 */
import { apiError, sendRequest } from '../shared/api.js';

/** The signed-in staff member. */
export interface Me {
  username: string;
  role: 'counsellor' | 'coordinator' | 'admin';
  languages: string[];
  csrfToken: string;
}

export type { QueueItem, SessionItem, Colleague } from '../../contracts/counsellorApi.js';
import type { SessionItem } from '../../contracts/counsellorApi.js';

/** A line of a transcript (handoff/consoleTranscript.ts). */
export interface TranscriptLine {
  id: string;
  at: string;
  sender: 'young_person' | 'bot' | 'counsellor' | 'system';
  text?: string;
  language?: string;
  button?: boolean;
  event?: string;
}

/** One line of a summary. */
export interface SummaryLine {
  label: string;
  value: string;
}

/** An open conversation with transcript and summary. */
export interface ConversationDetail extends SessionItem {
  summary: { nl: SummaryLine[]; en: SummaryLine[] };
  notes: string[];
  /** What the young person typed while waiting, as written. */
  whileWaiting: string[];
  transcript: TranscriptLine[];
  watermark?: string;
}

/** A quick reply: its meaning in Dutch and English, and the text the young person gets. */
export interface QuickReply {
  key: string;
  nl?: string;
  en?: string;
  text?: string;
  language: string;
}

/** An outcome code with its labels. */
export interface OutcomeOption {
  code: string;
  nl: string;
  en: string;
}


export { ApiError } from '../shared/api.js';

let csrfToken: string | undefined;
let signedOut: (() => void) | undefined;

/** Keeps the session's CSRF token (in memory only). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the session is gone (401 on a route that needs it). */
export function onSignedOut(listener: () => void): void {
  signedOut = listener;
}

/** Calls the API; resolves with the JSON answer (undefined for 204). */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await sendRequest(method, path, body, csrfToken);
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    const failure = apiError(response, error);
    if (response.status === 401 && failure.code === 'Unauthorized' && signedOut) signedOut();
    throw failure;
  }
  return data as T;
}

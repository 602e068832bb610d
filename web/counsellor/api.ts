/**
 * The staff API (docs/api.md, handoff/counsellorApiPlugin.ts). The session is the HttpOnly cookie;
 * the CSRF token lives in this module's memory only (never in storage) and goes as `x-csrf-token`
 * on every change. After a reload it comes back from GET /api/staff/me.
 */
import { apiError, sendRequest } from '../shared/api.js';

/** The signed-in staff member. */
export interface Me {
  username: string;
  role: 'counsellor' | 'teamlead' | 'coordinator' | 'admin';
  languages: string[];
  csrfToken: string;
}

export type {
  QueueItem,
  SessionItem,
  Colleague,
  TranscriptLine,
  NoteItem,
  MessageScreening,
  Triage,
  SummaryLine,
  ConversationDetail,
  OutcomeOption,
  InterpreterLink,
  InterpretingService,
  TeamView,
  TeamConversation,
  TeamCounsellor,
} from '../../contracts/counsellorApi.js';

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
export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  // sendRequest is typed for GET and POST only; DELETE goes the same way (with the CSRF header, as every change).
  const response = await sendRequest(method as 'POST', path, body, csrfToken);
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

/** The path of one of my conversations, with `rest` after it. */
export function conversationPath(conversationId: string, rest = ''): string {
  return `/api/staff/conversations/${encodeURIComponent(conversationId)}${rest}`;
}

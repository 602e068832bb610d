/**
 * The admin page's calls (docs/api.md: "Accounts", "Audit trail"). The session is the HttpOnly
 * cookie; the CSRF token lives in this module's memory only and goes as `x-csrf-token` on every
 * change. After a reload it comes back from GET /api/staff/me.
 */
import { apiError, sendRequest } from '../shared/api.js';

export { ApiError } from '../shared/api.js';

/** The signed-in staff member. */
export interface Me {
  username: string;
  role: 'counsellor' | 'teamlead' | 'coordinator' | 'admin';
  languages: string[];
  csrfToken: string;
  totp?: boolean;
  totpRequired?: boolean;
}

/** An account as listed (never a password or hash). */
export interface User {
  username: string;
  role: Me['role'];
  languages: string[];
  createdAt: string;
  failedLogins: number;
  lockedUntil: string | null;
  maxConversations?: number;
  disabled?: true;
  totp?: true;
}

/** One entry of the audit trail. */
export interface AuditEntry {
  id: string;
  at: string;
  by: string;
  action: string;
  conversation?: string;
  target?: string;
  detail?: string;
}

/** A one-time password link (shown once). */
export interface PasswordLink {
  link: string;
  expiresInSeconds: number;
}

let csrfToken: string | undefined;

/** Keeps the session's CSRF token (in memory only). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

async function request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, accept?: string): Promise<Response> {
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
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const text = await (await request(method, path, body)).text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** GET /api/staff/audit.csv with the same filters. */
export async function fetchAuditCsv(search: string): Promise<Blob> {
  return (await request('GET', `/api/staff/audit.csv?${search}`, undefined, 'text/csv')).blob();
}

/** `/api/staff/users/<username>` and what follows. */
export function userPath(username: string, rest = ''): string {
  return `/api/staff/users/${encodeURIComponent(username)}${rest}`;
}

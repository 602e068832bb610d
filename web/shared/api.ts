/** What the staff pages' API clients (web/counsellor/api.ts, web/coordinator/api.ts) share. */

/** A non-2xx answer, with the API's error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/**
 * Sends a request with the session's cookie (and its CSRF token on anything but GET), never from
 * the cache; a network failure becomes ApiError(0, 'NetworkError').
 */
export async function sendRequest(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body: unknown, csrfToken: string | undefined, accept = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = { accept };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NetworkError', 'network');
  }
}

/** The ApiError of a non-2xx `response` whose body held `error` (Retry-After kept when positive). */
export function apiError(response: Response, error: { code?: string; message?: string } | undefined): ApiError {
  const retry = Number(response.headers.get('retry-after'));
  return new ApiError(response.status, error?.code ?? `HTTP${response.status}`, error?.message ?? '', isFinite(retry) && retry > 0 ? retry : undefined);
}

/**
 * The JSON answer of `response` (undefined for an empty or unreadable body); for a non-2xx answer,
 * throws its ApiError (with the API's `error.code`).
 */
export async function readJson<T>(response: Response): Promise<T> {
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) throw apiError(response, (data as { error?: { code?: string; message?: string } } | undefined)?.error);
  return data as T;
}

/**
 * The generator's HTTP client for one target: JSON over a bounded pool of keep-alive connections
 * (node:http), as a reverse proxy in front of the product would hold them. fetch is not used: its
 * pool has no bound, so thousands of simulated phones would take thousands of loopback ports.
 * Time spent waiting for a free connection counts in the latencies (the pool is large enough not
 * to wait in these scenarios; see docs/performance.md).
 */
import http from 'node:http';

/** A JSON answer. */
export interface JsonAnswer<T> {
  status: number;
  body: T;
  /** Set-Cookie headers, if any. */
  cookies: string[];
}

/** Options of HttpClient. */
export interface HttpClientOptions {
  /** Most connections at once. Default 1 024. */
  maxSockets?: number;
  /** A request that has no answer after this long fails. Default 30 s. */
  timeoutMs?: number;
}

/** Raised for a request that failed without an HTTP answer (refused, reset, timed out). */
export class HttpFailure extends Error {
  override name = 'HttpFailure';
  constructor(readonly code: string) {
    super(`HTTP request failed: ${code}`);
  }
}

/** JSON requests to one base URL. */
export class HttpClient {
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(
    readonly baseUrl: string,
    options: HttpClientOptions = {},
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 1_024 });
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** POSTs `body` (JSON, or nothing) to `path`; `headers` are added. */
  post<T>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  /** Closes the idle connections. */
  close(): void {
    this.agent.destroy();
  }

  private request<T>(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<JsonAnswer<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const request = http.request(
        url,
        {
          method,
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: payload ? { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) } : headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error: NodeJS.ErrnoException) => reject(new HttpFailure(error.code ?? error.name)));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: kept as text
            }
            const setCookie = response.headers['set-cookie'] ?? [];
            resolve({ status: response.statusCode ?? 0, body: parsed as T, cookies: setCookie });
          });
        },
      );
      request.on('timeout', () => request.destroy(new HttpFailure('TIMEOUT')));
      request.on('error', (error: NodeJS.ErrnoException) => reject(error instanceof HttpFailure ? error : new HttpFailure(error.code ?? error.name)));
      request.end(payload);
    });
  }
}

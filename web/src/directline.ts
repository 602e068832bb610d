/**
 * A tiny Direct Line 3.0 client for the same origin: start or resume a conversation, receive
 * activities over a WebSocket (reconnecting with back-off, falling back to polling), send
 * activities, refresh the token before it expires.
 */

/** A button of a bot message. */
export interface CardAction {
  type: string;
  title?: string;
  text?: string;
  displayText?: string;
  value?: unknown;
}

/** The parts of a Bot Framework activity the page uses. */
export interface Activity {
  type: string;
  id?: string;
  from?: { id?: string; name?: string; role?: string };
  text?: string;
  value?: unknown;
  name?: string;
  locale?: string;
  suggestedActions?: { actions?: CardAction[] };
  channelData?: {
    clientActivityID?: string;
    postBack?: boolean;
    messageBack?: { displayText?: string };
    /** Set by the server on a person's message; `discreet` after the young person's safe word. */
    lantern?: { sender?: string; discreet?: boolean };
  };
}

/** An activity the page sends (the client adds `locale` and `from`). */
export interface OutgoingActivity {
  type: 'message' | 'event' | 'endOfConversation';
  text?: string;
  value?: unknown;
  name?: string;
  locale?: string;
  from?: { id: string };
  channelData?: Activity['channelData'];
}

/** What a reload needs to resume the conversation. */
export interface Conversation {
  conversationId: string;
  token: string;
  /** Epoch ms when the token expires. */
  expiresAt: number;
  watermark?: string;
}

/** How the connection is doing. */
export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

/** Callbacks of the client. */
export interface DirectLineEvents {
  /** New activities, oldest first (may repeat ones seen before: dedupe by id). */
  activities(list: Activity[]): void;
  state(state: ConnectionState): void;
  /** The conversation changed (token, watermark): store it. */
  save(conversation: Conversation): void;
  /**
   * The locale a new conversation starts in (Direct Line's `conversationStartProperties.locale`):
   * the young person's language, so the bot greets in it instead of asking for the language first.
   */
  locale(): string;
  /** A new conversation was created. */
  started(): void;
  /** Activities are flowing again after a (re)connect. */
  connected(): void;
  /** The conversation is gone (ended, expired or unknown to the server). */
  gone(): void;
}

/** A non-2xx answer. */
export class HttpError extends Error {
  /**
   * @param status HTTP status.
   * @param retryAfter Seconds from the `Retry-After` header (429), if the server sent one.
   */
  constructor(
    readonly status: number,
    readonly retryAfter?: number,
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * The server refused an activity because the young person sent too fast (429): not a failure,
 * just "wait". `waitMs` is how long, from `Retry-After` (1–60 s; 5 s when it is missing).
 */
export function tooFast(error: unknown): { waitMs: number } | undefined {
  if (!(error instanceof HttpError) || error.status !== 429) return undefined;
  const seconds = error.retryAfter !== undefined && isFinite(error.retryAfter) && error.retryAfter > 0 ? error.retryAfter : 5;
  return { waitMs: Math.min(60, Math.max(1, seconds)) * 1000 };
}

const BASE = '/v3/directline';

/**
 * Trades a return code (as typed) for the conversation it opens: a token of that conversation and
 * the watermark of what it holds so far (shown as "earlier messages"). Throws HttpError: 403 for a
 * code that does not work, 429 after too many wrong codes, 400 for a body the channel refused.
 */
export async function redeemReturnCode(typed: string): Promise<Conversation> {
  const issued = await call<{ conversationId: string; token: string; expires_in?: number }>('POST', '/tokens/generate', undefined, { returnCode: typed });
  const held = await call<{ watermark?: string }>('GET', `/conversations/${encodeURIComponent(issued.conversationId)}/activities`, issued.token);
  return {
    conversationId: issued.conversationId,
    token: issued.token,
    expiresAt: Date.now() + 1000 * (issued.expires_in || 1800),
    watermark: held.watermark,
  };
}

function isGone(error: unknown): boolean {
  return error instanceof HttpError && (error.status === 401 || error.status === 403 || error.status === 404);
}

async function call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const abort = typeof AbortController === 'function' ? new AbortController() : undefined;
  const timer = setTimeout(() => abort && abort.abort(), 20_000);
  try {
    const res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      signal: abort && abort.signal,
    });
    if (!res.ok) {
      const retryAfter = Number(res.headers.get('Retry-After'));
      throw new HttpError(res.status, retryAfter > 0 ? retryAfter : undefined);
    }
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  } finally {
    clearTimeout(timer);
  }
}

function wsUrl(url: string): string {
  if (/^wss?:\/\//.test(url)) return url;
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${url.charAt(0) === '/' ? '' : '/'}${url}`;
}

/** One Direct Line conversation. */
export class DirectLine {
  private conv: Conversation | undefined;
  private ws: WebSocket | undefined;
  private useWs = typeof WebSocket === 'function';
  private wsFailures = 0;
  private failures = 0;
  private up = false;
  private busy = false;
  private stopped = false;
  private polling = false;
  private pollInFlight = false;
  private lastActive = Date.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  /** `resume`: a stored conversation; its activities are replayed from `resume.watermark`. */
  constructor(
    private readonly on: DirectLineEvents,
    resume?: Conversation,
  ) {
    this.conv = resume;
  }

  /** The conversation, once created. */
  get conversation(): Conversation | undefined {
    return this.conv;
  }

  /** Connects (creating the conversation if there is none). */
  start(): void {
    this.on.state('connecting');
    addEventListener('online', this.wake);
    document.addEventListener('visibilitychange', this.wake);
    void this.connect();
  }

  /** Closes everything; the client cannot be used again. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.refreshTimer);
    removeEventListener('online', this.wake);
    document.removeEventListener('visibilitychange', this.wake);
    const ws = this.ws;
    this.ws = undefined;
    if (ws) ws.close();
  }

  /** Sends one activity; resolves with its id. Throws when it was not accepted. */
  async post(activity: OutgoingActivity): Promise<string> {
    const conv = this.conv;
    if (!conv || this.stopped) throw new Error('not connected');
    let result: { id?: string };
    try {
      result = await call<{ id?: string }>('POST', `/conversations/${encodeURIComponent(conv.conversationId)}/activities`, conv.token, activity);
    } catch (error) {
      if (isGone(error)) this.goneNow();
      throw error;
    }
    this.lastActive = Date.now();
    if (this.polling && !this.pollInFlight) this.schedulePoll(300);
    return result.id || '';
  }

  /**
   * Ends the conversation on the server without waiting (quick exit): the request is sent with
   * `keepalive`, so it completes even when the page is gone.
   */
  endAndForget(locale: string): void {
    const conv = this.conv;
    this.stop();
    if (!conv) return;
    const body: OutgoingActivity = { type: 'endOfConversation', from: { id: 'user' }, locale };
    try {
      fetch(`${BASE}/conversations/${encodeURIComponent(conv.conversationId)}/activities`, {
        method: 'POST',
        keepalive: true,
        credentials: 'omit',
        headers: { Authorization: `Bearer ${conv.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }).catch(() => undefined);
    } catch {
      // Leaving matters more than telling the server.
    }
  }

  private readonly wake = (): void => {
    if (this.stopped || document.hidden) return;
    if (this.ws || this.busy || this.polling) {
      if (this.polling && !this.pollInFlight) this.schedulePoll(0);
      return;
    }
    this.failures = 0;
    void this.connect();
  };

  private async connect(): Promise<void> {
    if (this.stopped || this.busy) return;
    this.busy = true;
    clearTimeout(this.timer);
    let streamUrl: string | undefined;
    try {
      if (!this.conv) {
        const gen = await call<{ token: string; expires_in?: number }>('POST', '/tokens/generate');
        const conv = await call<{ conversationId: string; token?: string; streamUrl?: string; expires_in?: number }>(
          'POST',
          '/conversations',
          gen.token,
          { locale: this.on.locale() },
        );
        if (this.stopped) return;
        this.conv = {
          conversationId: conv.conversationId,
          token: conv.token || gen.token,
          expiresAt: Date.now() + 1000 * (conv.expires_in || gen.expires_in || 1800),
        };
        streamUrl = conv.streamUrl;
        this.on.save(this.conv);
        this.on.started();
      } else if (this.useWs) {
        const { conversationId, watermark, token } = this.conv;
        const query = watermark ? `?watermark=${encodeURIComponent(watermark)}` : '';
        const res = await call<{ streamUrl?: string; token?: string }>('GET', `/conversations/${encodeURIComponent(conversationId)}${query}`, token);
        streamUrl = res.streamUrl;
      }
    } catch (error) {
      this.busy = false;
      if (this.stopped) return;
      if (this.conv && isGone(error)) this.goneNow();
      else this.retryLater();
      return;
    }
    this.busy = false;
    if (this.stopped) return;
    if (!this.refreshTimer) this.scheduleRefresh();
    if (this.useWs && streamUrl) this.openSocket(streamUrl);
    else {
      this.useWs = false;
      this.polling = true;
      void this.poll();
    }
  }

  private openSocket(url: string): void {
    let opened = false;
    let ws: WebSocket;
    try {
      ws = new WebSocket(wsUrl(url));
    } catch {
      this.useWs = false;
      this.retryLater();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.wsFailures = 0;
      this.markUp();
    };
    ws.onmessage = (event: MessageEvent) => {
      // Empty frames are keep-alives.
      if (typeof event.data !== 'string' || !event.data.trim()) return;
      try {
        this.take(JSON.parse(event.data) as { activities?: Activity[]; watermark?: string });
      } catch {
        // Not JSON: ignore.
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.stopped) return;
      // HTTP works but the socket never opens twice in a row: a proxy blocks WebSockets. Poll.
      if (!opened && ++this.wsFailures >= 2) this.useWs = false;
      this.retryLater();
    };
  }

  private async poll(): Promise<void> {
    const conv = this.conv;
    if (this.stopped || !conv) return;
    this.pollInFlight = true;
    clearTimeout(this.timer);
    try {
      const query = conv.watermark ? `?watermark=${encodeURIComponent(conv.watermark)}` : '';
      const set = await call<{ activities?: Activity[]; watermark?: string }>(
        'GET',
        `/conversations/${encodeURIComponent(conv.conversationId)}/activities${query}`,
        conv.token,
      );
      this.pollInFlight = false;
      if (this.stopped) return;
      this.markUp();
      this.take(set);
      const idle = Date.now() - this.lastActive;
      this.schedulePoll(idle < 30_000 ? 1_000 : idle < 300_000 ? 3_000 : 10_000);
    } catch (error) {
      this.pollInFlight = false;
      this.polling = false;
      if (isGone(error)) this.goneNow();
      else this.retryLater();
    }
  }

  private schedulePoll(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private markUp(): void {
    this.failures = 0;
    if (this.up) return;
    this.up = true;
    this.on.state('online');
    this.on.connected();
  }

  private take(set: { activities?: Activity[]; watermark?: string }): void {
    const list = Array.isArray(set.activities) ? set.activities : [];
    if (list.length) {
      this.lastActive = Date.now();
      this.on.activities(list);
    }
    if (set.watermark !== undefined && set.watermark !== null && this.conv) {
      this.conv.watermark = String(set.watermark);
      this.on.save(this.conv);
    }
  }

  private retryLater(): void {
    if (this.stopped) return;
    this.up = false;
    this.on.state(navigator.onLine === false ? 'offline' : 'reconnecting');
    const delay = Math.min(30_000, 1_000 * 2 ** Math.min(this.failures++, 5)) * (0.75 + Math.random() / 2);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  private scheduleRefresh(delay?: number): void {
    clearTimeout(this.refreshTimer);
    const conv = this.conv;
    if (!conv || this.stopped) return;
    const ms = delay !== undefined ? delay : Math.max(5_000, (conv.expiresAt - Date.now()) * 0.75);
    this.refreshTimer = setTimeout(() => void this.refresh(conv), ms);
  }

  private async refresh(conv: Conversation): Promise<void> {
    try {
      const res = await call<{ token: string; expires_in?: number }>('POST', '/tokens/refresh', conv.token);
      if (this.stopped || this.conv !== conv) return;
      conv.token = res.token || conv.token;
      conv.expiresAt = Date.now() + 1000 * (res.expires_in || 1800);
      this.on.save(conv);
      this.scheduleRefresh();
    } catch (error) {
      if (this.stopped) return;
      if (isGone(error) && conv.expiresAt <= Date.now()) this.goneNow();
      else this.scheduleRefresh(30_000);
    }
  }

  private goneNow(): void {
    if (this.stopped) return;
    this.stop();
    this.on.gone();
  }
}

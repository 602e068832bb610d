/**
 * Test clients for a running Lantern: a young person speaking Direct Line over plain HTTP, and a
 * counsellor using the staff API with a real session cookie and CSRF token.
 */
import type { Activity } from 'botbuilder';
import type { LanternInstance } from '../../server/Lantern.js';

/** A young person in one conversation. */
export class YoungPersonClient {
  private watermark: string | undefined;
  readonly seen: Activity[] = [];

  private constructor(
    private readonly lantern: LanternInstance,
    readonly conversationId: string,
    private readonly token: string,
  ) {}

  /** Starts a conversation and picks a language (as the chat page does). */
  static async start(lantern: LanternInstance, language: string): Promise<YoungPersonClient> {
    const generated = (await (await fetch(`${lantern.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const client = new YoungPersonClient(lantern, generated.conversationId, generated.token);
    // As the page: the language chosen on its picker is the start's locale (the bot greets in it).
    await fetch(`${lantern.url}/v3/directline/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${generated.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ locale: language }),
    });
    await client.post({ type: 'event', name: 'lantern.language', value: language });
    await client.read();
    return client;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' };
  }

  /** Posts an activity (the POST returns after the bot's turn). */
  async post(activity: Record<string, unknown>, via: LanternInstance = this.lantern): Promise<Response> {
    return fetch(`${via.url}/v3/directline/conversations/${this.conversationId}/activities`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ from: { id: 'x' }, ...activity }),
    });
  }

  /** Types a message. */
  say(text: string, value?: unknown): Promise<Response> {
    return this.post({ type: 'message', text, ...(value === undefined ? {} : { value }) });
  }

  /** New activities since the last read (from any instance). */
  async read(via: LanternInstance = this.lantern): Promise<Activity[]> {
    const query = this.watermark ? `?watermark=${encodeURIComponent(this.watermark)}` : '';
    const response = await fetch(`${via.url}/v3/directline/conversations/${this.conversationId}/activities${query}`, { headers: this.headers() });
    const set = (await response.json()) as { activities: Activity[]; watermark?: string };
    this.watermark = set.watermark ?? this.watermark;
    this.seen.push(...set.activities);
    return set.activities;
  }

  /** Reads until an activity matches (the handoff side works asynchronously). */
  async waitFor(predicate: (activity: Activity) => boolean, timeoutMs = 10_000): Promise<Activity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.seen.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out after ${this.seen.length} activities`);
      await this.read();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** A counsellor signed in to the staff API. */
export class CounsellorClient {
  private constructor(
    private readonly lantern: LanternInstance,
    private readonly cookie: string,
    private readonly csrf: string,
  ) {}

  /** Creates the account (if needed; a counsellor unless `role` says otherwise) and logs in. */
  static async login(
    lantern: LanternInstance,
    username: string,
    languages: string[],
    password = 'correct horse battery staple',
    role: 'counsellor' | 'teamlead' | 'coordinator' | 'admin' = 'counsellor',
  ): Promise<CounsellorClient> {
    if (!(await lantern.app.staffStore.get(username))) await lantern.app.staffStore.create({ username, role, languages, password });
    const response = await fetch(`${lantern.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return new CounsellorClient(lantern, cookie, csrfToken);
  }

  /** Calls the staff API on this or another instance. */
  async api<T = unknown>(method: string, path: string, body?: unknown, via: LanternInstance = this.lantern): Promise<{ status: number; body: T }> {
    const response = await fetch(`${via.url}${path}`, {
      method,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** The cookie header (for the live WebSocket). */
  get cookieHeader(): string {
    return this.cookie;
  }
}

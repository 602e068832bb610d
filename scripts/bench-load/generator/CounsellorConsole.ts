/**
 * A counsellor's console as the handoff scenario needs it: logged in to the staff API (session
 * cookie), with the console's live WebSocket (`/api/staff/live`) open, watching the `queue`
 * messages for conversations to appear in (and leave) the list of those waiting.
 */
import { WebSocket } from 'ws';
import type { CounsellorAccount } from '../targets/RunningTarget.js';
import type { HttpClient } from './HttpClient.js';

interface Watcher {
  conversationId: string;
  /** Resolve when it is listed (true) or no longer listed (false). */
  listed: boolean;
  resolve: (at: SeenAt) => void;
}

/** When a `queue` message arrived: on this process's clock, and on the machine's wall clock. */
export interface SeenAt {
  /** performance.now() of this process. */
  at: number;
  /** Date.now(): comparable with a time the server took on the same machine (e.g. a queue job's timestamp). */
  wallMs: number;
}

/** A logged-in counsellor with the live view open. */
export class CounsellorConsole {
  private readonly watchers = new Set<Watcher>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.receive(String(data)));
  }

  /** Logs in (`POST /api/staff/login`) and opens the live view. */
  static async open(http: HttpClient, account: CounsellorAccount): Promise<CounsellorConsole> {
    const login = await http.post<{ csrfToken?: string }>('/api/staff/login', { username: account.username, password: account.password });
    if (login.status !== 200) throw new Error(`counsellor login: HTTP ${login.status}`);
    const cookie = login.cookies.map((header) => header.split(';')[0]).join('; ');
    const socket = new WebSocket(`${http.baseUrl.replace(/^http/, 'ws')}/api/staff/live`, { headers: { cookie }, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`live view: HTTP ${response.statusCode}`)));
    });
    return new CounsellorConsole(socket);
  }

  /**
   * Resolves with the time of the first `queue` message, from now on, that lists the conversation
   * (`listed` true) or does not (false); rejects after `timeoutMs`.
   */
  when(conversationId: string, listed: boolean, timeoutMs: number): Promise<SeenAt> {
    return new Promise((resolve, reject) => {
      const watcher: Watcher = {
        conversationId,
        listed,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      const timer = setTimeout(() => {
        this.watchers.delete(watcher);
        reject(new Error('timeout'));
      }, timeoutMs);
      this.watchers.add(watcher);
    });
  }

  /** Closes the live view. */
  close(): void {
    this.socket.terminate();
  }

  private receive(text: string): void {
    const now: SeenAt = { at: performance.now(), wallMs: Date.now() };
    let message: { type?: string; items?: Array<{ conversationId?: string }> };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type !== 'queue' || !Array.isArray(message.items)) return;
    const listed = new Set(message.items.map((item) => item.conversationId ?? ''));
    for (const watcher of [...this.watchers]) {
      if (listed.has(watcher.conversationId) !== watcher.listed) continue;
      this.watchers.delete(watcher);
      watcher.resolve(now);
    }
  }
}

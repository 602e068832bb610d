/**
 * One young person's Direct Line conversation, as the chat page holds it: a token, the started
 * conversation, the WebSocket of its `streamUrl`, and the activities it posts.
 *
 * A turn is one POSTed activity. Its replies are the activities that come back on the WebSocket
 * with `replyToId` = the posted activity's id (the Bot Framework sets it on every reply of the
 * turn); they are counted even when they arrive before the POST has answered with that id, or
 * after the young person has moved on, so a turn's latency is always that of its last reply.
 */
import { WebSocket } from 'ws';
import { HttpFailure, type HttpClient, type JsonAnswer } from './HttpClient.js';

const BASE = '/v3/directline';

/** A suggested action of a reply (the fields the walker uses). */
export interface SuggestedAction {
  type: string;
  title?: string;
  text?: string;
  value?: unknown;
}

/** What comes back for one posted activity (performance.now() times, ms). */
export interface ReplyLog {
  count: number;
  firstAt: number;
  lastAt: number;
  /** Replies that arrived after the young person had moved on. */
  late: number;
  /** The young person has moved on. */
  settled: boolean;
}

/** One posted activity and what became of it. */
export interface Turn {
  postedAt: number;
  answeredAt?: number;
  /** HTTP status of the POST (0: no answer). */
  status: number;
  /** Why the POST failed without an answer. */
  failure?: string;
  /** The activity id the channel gave it. */
  id?: string;
  replies?: ReplyLog;
  /** No reply at all within the timeout. */
  timedOut: boolean;
}

/** A step of starting a conversation that failed. */
export class StageFailure extends Error {
  override name = 'StageFailure';
  constructor(
    readonly stage: 'token' | 'conversation' | 'socket',
    readonly code: string,
  ) {
    super(`${stage} failed: ${code}`);
  }
}

interface ConversationAnswer {
  conversationId: string;
  token: string;
  streamUrl?: string;
}

function checked<T>(answer: JsonAnswer<T>, stage: StageFailure['stage'], ok: number[]): T {
  if (!ok.includes(answer.status)) throw new StageFailure(stage, `HTTP ${answer.status}`);
  return answer.body;
}

async function step<T>(stage: StageFailure['stage'], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StageFailure) throw error;
    throw new StageFailure(stage, error instanceof HttpFailure ? error.code : (error as Error).name);
  }
}

/** A started conversation (see the file's comment). */
export class DirectLineConversation {
  /** The suggested actions of the latest reply that had any. */
  actions: SuggestedAction[] = [];
  private socket: WebSocket | undefined;
  private readonly replies = new Map<string, ReplyLog>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly http: HttpClient,
    readonly conversationId: string,
    private readonly token: string,
    private readonly streamUrl: string,
  ) {}

  /** Gets a token and starts its conversation (`locale`: the page's language, if it sends one). */
  static async start(http: HttpClient, locale?: string): Promise<DirectLineConversation> {
    const generated = await step('token', async () => checked(await http.post<ConversationAnswer>(`${BASE}/tokens/generate`), 'token', [200]));
    const auth = { authorization: `Bearer ${generated.token}` };
    const started = await step('conversation', async () =>
      checked(await http.post<ConversationAnswer>(`${BASE}/conversations`, locale ? { locale } : {}, auth), 'conversation', [200, 201]),
    );
    if (!started.streamUrl) throw new StageFailure('conversation', 'no streamUrl');
    return new DirectLineConversation(http, started.conversationId, generated.token, started.streamUrl);
  }

  /** Opens the WebSocket; rejects (StageFailure 'socket') when refused, broken or not open within `timeoutMs`. */
  openStream(timeoutMs: number): Promise<void> {
    const socket = new WebSocket(this.streamUrl, { perMessageDeflate: false });
    this.socket = socket;
    socket.on('message', (data) => this.receive(String(data)));
    socket.on('close', () => this.wakeAll());
    return new Promise((resolve, reject) => {
      const fail = (code: string) => {
        clearTimeout(timer);
        socket.terminate();
        reject(new StageFailure('socket', code));
      };
      const timer = setTimeout(() => fail('TIMEOUT'), timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('unexpected-response', (_request, response) => fail(`HTTP ${response.statusCode}`));
      socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.name));
    });
  }

  /** Whether the WebSocket is open. */
  get streaming(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** POSTs an activity of the young person; resolves when the POST has answered (the turn goes on). */
  async send(activity: Record<string, unknown>): Promise<Turn> {
    const turn: Turn = { postedAt: performance.now(), status: 0, timedOut: false };
    try {
      const answer = await this.http.post<{ id?: string }>(`${BASE}/conversations/${this.conversationId}/activities`, activity, {
        authorization: `Bearer ${this.token}`,
      });
      turn.answeredAt = performance.now();
      turn.status = answer.status;
      turn.id = answer.body?.id;
      if (turn.id) turn.replies = this.replyLog(turn.id);
    } catch (error) {
      turn.failure = error instanceof HttpFailure ? error.code : (error as Error).name;
    }
    return turn;
  }

  /**
   * Waits until the turn is over for the young person: the POST has answered and no reply has come
   * for `quietMs` since the last one (or the answer, if later). A turn without any reply within
   * `timeoutMs` of its POST is marked `timedOut`. A failed POST is over at once.
   */
  async settle(turn: Turn, quietMs: number, timeoutMs: number): Promise<void> {
    const deadline = turn.postedAt + timeoutMs;
    while (turn.status === 200 && turn.replies) {
      const now = performance.now();
      const last = turn.replies.count > 0 ? Math.max(turn.replies.lastAt, turn.answeredAt ?? 0) : undefined;
      if (last !== undefined && now - last >= quietMs) break;
      if (now >= deadline || !this.streaming) {
        turn.timedOut = last === undefined;
        break;
      }
      await this.nextReplyOr(Math.min(last === undefined ? deadline : last + quietMs, deadline) - now);
    }
    if (turn.replies) turn.replies.settled = true;
  }

  /** Closes the WebSocket at once. */
  close(): void {
    this.socket?.terminate();
  }

  private replyLog(activityId: string): ReplyLog {
    let log = this.replies.get(activityId);
    if (!log) {
      log = { count: 0, firstAt: NaN, lastAt: NaN, late: 0, settled: false };
      this.replies.set(activityId, log);
    }
    return log;
  }

  private receive(text: string): void {
    if (!text) return; // keep-alive
    const now = performance.now();
    let set: { activities?: Array<{ type?: string; replyToId?: string; suggestedActions?: { actions?: SuggestedAction[] } }> };
    try {
      set = JSON.parse(text);
    } catch {
      return;
    }
    for (const activity of set.activities ?? []) {
      if (activity.type === 'typing') continue;
      if (activity.suggestedActions?.actions?.length) this.actions = activity.suggestedActions.actions;
      if (!activity.replyToId) continue;
      const log = this.replyLog(activity.replyToId);
      if (log.count === 0) log.firstAt = now;
      log.count += 1;
      log.lastAt = now;
      if (log.settled) log.late += 1;
    }
    this.wakeAll();
  }

  private nextReplyOr(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  private wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

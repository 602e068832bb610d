/**
 * The console's live connection (`/api/staff/live`): the waiting list, my conversations, danger
 * alerts, and the new lines of every open conversation. A heartbeat every 15 s keeps the counsellor
 * on duty. After a drop it reconnects with back-off and subscribes again from the last watermark of
 * each conversation, so nothing is lost (and the panels drop what they already show).
 */
import type { QueueItem, SessionItem, TranscriptLine } from './api.js';

/** What the screening read in one of the young person's messages, with its labels. */
export type LineScreening = NonNullable<TranscriptLine['screening']>;

/** A batch of new lines of one conversation. */
export interface ActivitiesMessage {
  type: 'activities';
  conversationId: string;
  lines: TranscriptLine[];
  watermark: string;
  ended?: boolean;
}

/** What the server sends. */
type ServerMessage =
  | { type: 'queue'; items: QueueItem[] }
  | { type: 'sessions'; items: SessionItem[] }
  | ActivitiesMessage
  | { type: 'alert'; kind: string; conversationId: string; repeat?: boolean }
  | { type: 'closed'; conversationId: string; reason: string }
  | { type: 'flagged'; conversationId: string; activityId: string; screening: LineScreening }
  | { type: 'reassigned'; conversationId: string; by: string; to: string }
  | { type: 'interpreter'; conversationId: string; joined: boolean }
  | { type: 'error'; code: string; conversationId?: string };

/** How the connection is doing. */
export type LiveState = 'connecting' | 'online' | 'reconnecting';

/** What the connection tells the console. */
export interface LiveHandlers {
  queue(items: QueueItem[]): void;
  sessions(items: SessionItem[]): void;
  activities(message: ActivitiesMessage): void;
  alert(kind: string, conversationId: string, repeat: boolean): void;
  /** The server stopped this console following a conversation (ended, passed on, returned). */
  closed(conversationId: string, reason: string): void;
  /** The screening flagged a message of the young person in one of my conversations. */
  flagged(conversationId: string, activityId: string, screening: LineScreening): void;
  /** A team lead took one of my conversations over, gave it to `to` (a username) or put it back in the list (`to` = "queue"). */
  reassigned(conversationId: string, by: string, to: string): void;
  /** An interpreter joined (or left) one of my conversations. */
  interpreter(conversationId: string, joined: boolean): void;
  /** A subscription was refused (not my conversation any more). */
  refused(conversationId: string): void;
  state(state: LiveState): void;
  /** The session cookie is no longer valid. */
  signedOut(): void;
}

const HEARTBEAT_MS = 15_000;
const MAX_DELAY_MS = 30_000;

/** The live WebSocket, reconnecting until stopped. */
export class LiveConnection {
  private socket: WebSocket | undefined;
  /** Open conversations and the watermark to continue from. */
  private readonly watermarks = new Map<string, string | undefined>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private stopped = true;

  constructor(private readonly handlers: LiveHandlers) {
    addEventListener('online', () => this.reconnectNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.reconnectNow();
    });
  }

  /** Connects (again). */
  start(): void {
    this.stopped = false;
    this.attempts = 0;
    this.connect();
  }

  /** Closes for good (logout). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    this.watermarks.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) socket.close(1000, 'bye');
  }

  /** Receives the lines of a conversation after `watermark` (now, and again after every reconnect). */
  subscribe(conversationId: string, watermark: string | undefined): void {
    this.watermarks.set(conversationId, watermark);
    this.send({ type: 'subscribe', conversationId, watermark });
  }

  /** Stops the lines of a conversation. */
  unsubscribe(conversationId: string): void {
    if (!this.watermarks.delete(conversationId)) return;
    this.send({ type: 'unsubscribe', conversationId });
  }

  private send(message: unknown): void {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.handlers.state(this.attempts === 0 ? 'connecting' : 'reconnecting');
    const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/staff/live`;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.attempts = 0;
      this.handlers.state('online');
      this.send({ type: 'heartbeat' });
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.send({ type: 'heartbeat' }), HEARTBEAT_MS);
      for (const [conversationId, watermark] of this.watermarks) this.send({ type: 'subscribe', conversationId, watermark });
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      this.receive(message);
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      this.socket = undefined;
      clearInterval(this.heartbeat);
      if (event.code === 4401) {
        this.stopped = true;
        this.handlers.signedOut();
        return;
      }
      this.scheduleReconnect();
    };
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'queue':
        this.handlers.queue(message.items);
        break;
      case 'sessions':
        this.handlers.sessions(message.items);
        break;
      case 'activities':
        // Only conversations still open here; the watermark moves on with every batch.
        if (!this.watermarks.has(message.conversationId)) return;
        if (message.watermark) this.watermarks.set(message.conversationId, message.watermark);
        this.handlers.activities(message);
        break;
      case 'alert':
        this.handlers.alert(message.kind, message.conversationId, message.repeat === true);
        break;
      case 'flagged':
        if (message.screening) this.handlers.flagged(message.conversationId, message.activityId, message.screening);
        break;
      case 'reassigned':
        this.handlers.reassigned(message.conversationId, message.by, message.to);
        break;
      case 'interpreter':
        this.handlers.interpreter(message.conversationId, message.joined === true);
        break;
      case 'closed':
        this.watermarks.delete(message.conversationId);
        this.handlers.closed(message.conversationId, message.reason);
        break;
      case 'error':
        if ((message.code === 'NotYourConversation' || message.code === 'BadWatermark') && message.conversationId) {
          this.watermarks.delete(message.conversationId);
          this.handlers.refused(message.conversationId);
        }
        break;
      default:
        break;
    }
  }

  /** 1 s, 2 s, 4 s … up to 30 s, with jitter so consoles do not all come back at once. */
  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.handlers.state('reconnecting');
    const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** this.attempts) * (0.75 + Math.random() * 0.5);
    this.attempts += 1;
    this.retry = setTimeout(() => this.connect(), delay);
  }

  /** The network or the tab came back: try at once instead of waiting out the back-off. */
  private reconnectNow(): void {
    if (this.stopped || this.socket) return;
    this.connect();
  }
}

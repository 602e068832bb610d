/**
 * One WebSocket of a Direct Line stream (`streamUrl`), from the upgrade to the close:
 *
 * 1. replays everything after the watermark, oldest first;
 * 2. closes at once (1000) when the conversation has ended or is gone meanwhile, after what is left;
 * 3. pushes every new entry of the conversation's Redis Stream (ActivityStreamHub, from exactly where
 *    the replay stopped), and the young person's typing echoes (TypingRelay, never stored);
 * 4. keeps alive: every `keepAliveMs` an empty message and a ping; a client that did not answer
 *    the previous ping is dropped; one that answered is "seen" (SeenMarker).
 *
 * Close codes: 1000 the conversation ended or was deleted; 1008 the client broke the rules (more
 * than `messageLimit.max` messages within `messageLimit.windowMs`, or a watermark Redis refuses);
 * 1011 the service cannot read the conversation's stream (its key is broken) or failed.
 */
import type { Activity } from 'botbuilder';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { errorCode } from '../contracts/errorCode.js';
import type { ActivityStreamHub, StreamSubscription } from './ActivityStreamHub.js';
import type { ConversationStore } from './ConversationStore.js';
import type { SeenMarker } from './SeenMarker.js';
import type { TypingRelay } from './TypingRelay.js';

/** A client that does not read what it is sent is dropped past this many buffered bytes. */
const MAX_BUFFERED_BYTES = 1 << 20;
/** Activities per read while replaying. */
const REPLAY_PAGE = 100;

/** What a stream session is built from. */
export interface StreamSessionOptions {
  store: ConversationStore;
  hub: ActivityStreamHub;
  typing: TypingRelay;
  seen: SeenMarker;
  log: FastifyBaseLogger;
  keepAliveMs: number;
  /** A client that sends more than `max` messages within `windowMs` (sliding) is closed with 1008. */
  messageLimit: { max: number; windowMs: number };
}

/** One WebSocket of one conversation. */
export class StreamSession {
  private subscription: StreamSubscription | undefined;
  private stopTyping: (() => void) | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private alive = true;
  private pinged = false;
  private finished = false;
  private watermark: string | undefined;
  /** When the client's recent messages came (ms), for the flood limit. */
  private readonly received: number[] = [];

  constructor(
    private readonly socket: WebSocket,
    private readonly conversationId: string,
    startWatermark: string | undefined,
    private readonly options: StreamSessionOptions,
  ) {
    this.watermark = startWatermark;
  }

  /** Runs the session; resolves once it is live (or closed). Never throws. */
  async start(): Promise<void> {
    const { socket } = this;
    socket.on('close', () => this.cleanup());
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('message', () => this.onClientMessage());
    // Typing echoes are not in the stream: they need no position, only an open socket.
    this.stopTyping = this.options.typing.listen(this.conversationId, (activity) => this.sendEphemeral(activity));
    try {
      // 1. Everything after the watermark, oldest first.
      await this.replay();
      if (!this.open) return;

      // 2. Ended or gone meanwhile? Deliver the rest and close.
      const status = await this.options.store.status(this.conversationId);
      if (status === 'missing') return this.close(1000, 'conversation not found');
      if (status === 'ended') return await this.finish('conversation ended');
      if (!this.open) return;

      // 3. Live, from exactly where the replay stopped.
      this.subscription = this.options.hub.subscribe(
        this.conversationId,
        this.watermark ?? '0-0',
        (delivery) => {
          this.send(delivery.activities);
          this.watermark = delivery.watermark;
          if (delivery.ended) void this.finish('conversation ended');
        },
        {
          onDropped: (reason) => {
            this.options.log.warn({ event: 'directline.stream.dropped', code: reason });
            // An id Redis refuses came from the client's watermark; a broken key is the service's problem.
            if (reason === 'invalid_id') this.close(1008, 'watermark not valid');
            else this.close(1011, 'stream unavailable');
          },
        },
      );
      this.options.log.info({ event: 'directline.stream.opened' });
      this.options.seen.mark(this.conversationId);

      // 4. Keep-alive; also notices deleted conversations (quick exit).
      this.keepAlive = setInterval(() => this.keepAliveRound(), this.options.keepAliveMs);
    } catch (error) {
      this.options.log.error({ event: 'directline.stream.failed', code: errorCode(error) });
      this.close(1011, 'server error');
    }
  }

  private get open(): boolean {
    return !this.finished && this.socket.readyState === this.socket.OPEN;
  }

  private async replay(): Promise<void> {
    for (;;) {
      const page = await this.options.store.read(this.conversationId, this.watermark, REPLAY_PAGE);
      if (page.watermark === undefined || page.watermark === this.watermark) return;
      this.send(page.activities);
      this.watermark = page.watermark;
    }
  }

  /**
   * Sends activities, each as its own ActivitySet with that activity's watermark; drops a client
   * that does not keep up. One per set because directlinejs emits a set's activities one by one
   * on an async scheduler and merges sets concurrently: two multi-activity sets arriving back to
   * back would come out interleaved (a1 a2 b1 a3 b2). Single-activity sets keep their order.
   */
  private send(activities: Activity[]): void {
    for (const activity of activities) {
      if (!this.writable()) return;
      const id = activity.id ?? '';
      this.socket.send(JSON.stringify({ activities: [activity], watermark: id.slice(id.lastIndexOf('|') + 1) }));
    }
  }

  /** Sends an activity that is not in the stream (a typing echo): an ActivitySet without a watermark. */
  private sendEphemeral(activity: Activity): void {
    if (this.open && this.writable()) this.socket.send(JSON.stringify({ activities: [activity] }));
  }

  private writable(): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.terminate();
      return false;
    }
    return true;
  }

  /**
   * Clients send empty messages to check the connection; they are ignored. A client that sends
   * more than the limit within the window is closed with 1008 (policy violation): nothing a client
   * says here is ever needed.
   */
  private onClientMessage(): void {
    if (this.finished) return;
    const now = Date.now();
    const { max, windowMs } = this.options.messageLimit;
    this.received.push(now);
    while (this.received.length > 0 && now - (this.received[0] ?? now) >= windowMs) this.received.shift();
    if (this.received.length <= max) return;
    this.options.log.warn({ event: 'directline.stream.flood_closed' });
    this.close(1008, 'too many messages');
    // A client that keeps sending instead of closing is cut off.
    setTimeout(() => this.socket.terminate(), 2_000).unref();
  }

  private keepAliveRound(): void {
    if (!this.open) return;
    if (!this.alive) {
      this.socket.terminate();
      return;
    }
    // The page answered the previous ping: it is still there.
    if (this.pinged) this.options.seen.mark(this.conversationId);
    this.alive = false;
    this.pinged = true;
    this.socket.ping();
    this.socket.send('');
    this.options.store.status(this.conversationId).then(
      (current) => {
        if (current === 'missing') this.close(1000, 'conversation not found');
        else if (current === 'ended') void this.finish('conversation ended');
      },
      (error: unknown) => this.options.log.warn({ event: 'directline.stream.status_failed', code: errorCode(error) }),
    );
  }

  /** Sends whatever is left after the current position, then closes the socket (1000). */
  private async finish(reason: string): Promise<void> {
    if (this.finished) return;
    let position = this.subscription?.lastId ?? this.watermark;
    this.cleanup();
    try {
      for (;;) {
        const page = await this.options.store.read(this.conversationId, position, REPLAY_PAGE);
        if (page.watermark === undefined || page.watermark === position) break;
        this.send(page.activities);
        position = page.watermark;
      }
    } catch (error) {
      this.options.log.warn({ event: 'directline.stream.drain_failed', code: errorCode(error) });
    }
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(1000, reason);
  }

  /** Stops everything and closes the socket with `code`. */
  private close(code: number, reason: string): void {
    this.cleanup();
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(code, reason);
  }

  private cleanup(): void {
    this.finished = true;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.stopTyping?.();
    this.stopTyping = undefined;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }
}

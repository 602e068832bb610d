/**
 * One WebSocket of a Direct Line stream (`streamUrl`), from the upgrade to the close:
 *
 * 1. subscribes to the conversation's stream (ActivityStreamHub) from the watermark: the hub's
 *    first read replays everything after it, oldest first, and every new entry follows from
 *    exactly there; the young person's typing echoes come from TypingRelay (never stored);
 * 2. closes (1000) when the conversation ends, after what is left; a conversation that had
 *    already ended before the upgrade gets what is left and the close at once;
 * 3. keeps alive on the route's shared KeepAliveWheel (no timer of its own): every `keepAliveMs` an
 *    empty message and a ping; a client that did not answer the previous ping is dropped; one that
 *    answered is "seen" (SeenMarker); the round also notices a deleted conversation (quick exit).
 *
 * Close codes: 1000 the conversation ended or was deleted; 1008 the client broke the rules (more
 * than `messageLimit.max` messages within `messageLimit.windowMs`, or a watermark Redis refuses);
 * 1011 the service cannot read the conversation's stream (its key is broken) or failed.
 *
 * An idle session holds little: the socket, a hub subscription, a typing listener and its place on
 * the wheel; the flood window's list exists only once the client has sent something.
 */
import type { Activity } from 'botbuilder';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { errorCode } from '../contracts/errorCode.js';
import type { ActivityStreamHub, StreamDelivery, StreamDropReason, StreamSubscription } from './ActivityStreamHub.js';
import type { ConversationStore } from './ConversationStore.js';
import type { KeepAliveMember, KeepAliveWheel } from './KeepAliveWheel.js';
import type { SeenMarker } from './SeenMarker.js';
import type { TypingRelay } from './TypingRelay.js';

/** A client that does not read what it is sent is dropped past this many buffered bytes. */
const MAX_BUFFERED_BYTES = 1 << 20;
/** Activities per read while draining an ended conversation. */
const DRAIN_PAGE = 100;

/** What a stream session is built from. */
export interface StreamSessionOptions {
  store: ConversationStore;
  hub: ActivityStreamHub;
  typing: TypingRelay;
  seen: SeenMarker;
  log: FastifyBaseLogger;
  /** The route's shared keep-alive timer (its period is `keepAliveMs`). */
  keepAlive: KeepAliveWheel;
  /** A client that sends more than `max` messages within `windowMs` (sliding) is closed with 1008. */
  messageLimit: { max: number; windowMs: number };
}

/** The session of a socket, for the listeners every socket shares (no closures per socket). */
const SESSION = Symbol('lantern.streamSession');
type SessionSocket = WebSocket & { [SESSION]?: StreamSession };

function onSocketClose(this: SessionSocket): void {
  this[SESSION]?.cleanup();
}

function onSocketPong(this: SessionSocket): void {
  this[SESSION]?.answered();
}

function onSocketMessage(this: SessionSocket): void {
  this[SESSION]?.onClientMessage();
}

/** One WebSocket of one conversation. */
export class StreamSession implements KeepAliveMember {
  private subscription: StreamSubscription | undefined;
  private stopTyping: (() => void) | undefined;
  private alive = true;
  private pinged = false;
  private finished = false;
  private watermark: string | undefined;
  /** When the client's recent messages came (ms), for the flood limit; made on its first message. */
  private received: number[] | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly conversationId: string,
    startWatermark: string | undefined,
    private readonly options: StreamSessionOptions,
  ) {
    this.watermark = startWatermark;
  }

  /**
   * Runs the session. `ended`: the conversation had already ended when the upgrade was checked
   * (what is left is sent, then the socket closes). Never throws.
   */
  start(ended: boolean): void {
    const socket = this.socket as SessionSocket;
    socket[SESSION] = this;
    socket.on('close', onSocketClose);
    socket.on('pong', onSocketPong);
    socket.on('message', onSocketMessage);
    if (ended) {
      void this.finish('conversation ended');
      return;
    }
    try {
      // Typing echoes are not in the stream: they need no position, only an open socket.
      this.stopTyping = this.options.typing.listen(this.conversationId, (activity) => this.sendEphemeral(activity));
      // Everything after the watermark (the hub reads it at once), then every new entry from exactly there.
      this.subscription = this.options.hub.subscribe(this.conversationId, this.watermark ?? '0-0', (delivery) => this.deliver(delivery), {
        onDropped: (reason) => this.dropped(reason),
      });
      this.options.log.info({ event: 'directline.stream.opened' });
      this.options.seen.mark(this.conversationId);
      // Keep-alive; also notices deleted conversations (quick exit).
      this.options.keepAlive.add(this);
    } catch (error) {
      this.options.log.error({ event: 'directline.stream.failed', code: errorCode(error) });
      this.close(1011, 'server error');
    }
  }

  private deliver(delivery: StreamDelivery): void {
    if (this.finished) return;
    this.send(delivery.activities);
    this.watermark = delivery.watermark;
    if (delivery.ended) void this.finish('conversation ended');
  }

  private dropped(reason: StreamDropReason): void {
    this.options.log.warn({ event: 'directline.stream.dropped', code: reason });
    // An id Redis refuses came from the client's watermark; a broken key is the service's problem.
    if (reason === 'invalid_id') this.close(1008, 'watermark not valid');
    else this.close(1011, 'stream unavailable');
  }

  private get open(): boolean {
    return !this.finished && this.socket.readyState === this.socket.OPEN;
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

  /** The client answered a ping. */
  answered(): void {
    this.alive = true;
  }

  /**
   * Clients send empty messages to check the connection; they are ignored. A client that sends
   * more than the limit within the window is closed with 1008 (policy violation): nothing a client
   * says here is ever needed.
   */
  onClientMessage(): void {
    if (this.finished) return;
    const now = Date.now();
    const { max, windowMs } = this.options.messageLimit;
    const received = (this.received ??= []);
    received.push(now);
    while (received.length > 0 && now - (received[0] ?? now) >= windowMs) received.shift();
    if (received.length <= max) return;
    this.options.log.warn({ event: 'directline.stream.flood_closed' });
    this.close(1008, 'too many messages');
    // A client that keeps sending instead of closing is cut off.
    setTimeout(() => this.socket.terminate(), 2_000).unref();
  }

  /** One keep-alive round (called by the wheel once per `keepAliveMs`). */
  keepAliveRound(): void {
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
        const page = await this.options.store.read(this.conversationId, position, DRAIN_PAGE);
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

  /** Stops deliveries, typing echoes and keep-alives (the socket closed, or is closing). */
  cleanup(): void {
    this.finished = true;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.stopTyping?.();
    this.stopTyping = undefined;
    this.options.keepAlive.remove(this);
  }
}

/**
 * Fans new conversation stream entries out to the subscribers (WebSockets, consoles) of this app
 * instance, reading only the streams that changed.
 *
 * Every append to a conversation's stream also announces the conversation id — the id only, never
 * text — on one pub/sub channel (`RedisKeys.directLineAppendedChannel()`; RedisConversationStore
 * publishes in the same script as the XADD). Each instance subscribes to it once, on a connection
 * of its own. A notification for a conversation with subscribers here starts one read of that one
 * stream (`XREAD COUNT n STREAMS <key> <id>`, no BLOCK) from the oldest position any of them has
 * reached; a notification for any other conversation costs one map look-up. So the work per
 * append grows with the conversation's own subscribers, not with the streams open on the
 * instance, idle sockets cost no reads, and no command names two streams (Redis Cluster).
 *
 * Guarantees (tests/directline/hub.test.ts, stream.test.ts, twoInstances.test.ts):
 *
 * - Nothing is given twice: every subscriber keeps the id of the last entry it was given and only
 *   gets newer ones; a conversation has at most one read in flight.
 * - Nothing is lost. A new subscription reads its stream at once (what was written after its
 *   position before it came). A notification that arrives while that conversation's read is in
 *   flight reads again after it. Pub/sub is at-most-once: whenever the notification connection
 *   has (re)subscribed — at start and after every reconnect — every subscribed stream is read once
 *   from its position (what was written while nobody listened). A read that fails (connection
 *   lost, Redis loading) is tried again with back-off. A slow sweep (`sweepMs`, default 30 s)
 *   reads every subscribed stream again, for writers that do not announce (an older instance
 *   during a rolling update, a lost message between cluster nodes). The stream stays the source
 *   of truth: a notification only says where to look.
 * - One bad stream never stops the others: every read names one stream. When Redis refuses it for
 *   a reason of the stream's own — a key of the wrong type, an id it does not accept — only that
 *   conversation's subscriptions are dropped (each one's `onDropped` is told), at once and
 *   without back-off for anyone else.
 */
import type { Activity } from 'botbuilder';
import { ReplyError, type Cluster, type Redis } from 'ioredis';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { RedisConversationStore } from './RedisConversationStore.js';

/** What a subscriber is given for each batch of new entries. */
export interface StreamDelivery {
  /** New activities, oldest first (may be empty when only control entries arrived). */
  activities: Activity[];
  /** Id of the last entry delivered: the watermark to send along. */
  watermark: string;
  /** True when the conversation's end marker was among the entries. */
  ended: boolean;
}

/** Receives deliveries for one conversation. Errors it throws are swallowed (and reported via onError). */
export type StreamListener = (delivery: StreamDelivery) => void;

/** Why the hub gave up on a subscription. */
export type StreamDropReason =
  /** The conversation's stream key holds something that is not a stream. */
  | 'wrong_type'
  /** Redis refused the id the subscription would read from. */
  | 'invalid_id';

/** Options of one subscription. */
export interface SubscribeOptions {
  /**
   * Called (once) when the hub drops this subscription because its stream cannot be read; no
   * delivery follows. The subscription is already gone: `unsubscribe` is then a no-op.
   */
  onDropped?: (reason: StreamDropReason) => void;
}

/** A live subscription; `unsubscribe` stops deliveries at once. */
export interface StreamSubscription {
  readonly conversationId: string;
  /** Id of the last entry delivered (or the id subscribed after). */
  readonly lastId: string;
  unsubscribe(): void;
}

/** Options of ActivityStreamHub. */
export interface ActivityStreamHubOptions {
  /** The app's Redis (one Redis or a cluster); the hub duplicates it for its notifications (pub/sub) and for its reads. */
  redis: RedisHandle;
  /** Key builder (conversation stream keys, the notification channel). */
  keys: RedisKeys;
  /** Entries read per stream per read. Default 100. */
  batchSize?: number;
  /**
   * Every this many ms, every subscribed stream is read once more (spread out in small groups),
   * in case a writer did not announce an append. 0 turns the sweep off. Default 30 000.
   */
  sweepMs?: number;
  /**
   * CLIENT SETNAME of the notification (subscriber) connection; the read connection gets
   * `<name>:reads`. Default `lantern-dl-hub`.
   */
  connectionName?: string;
  /**
   * Called with a short code when something fails (never with data); e.g. for logging:
   * `directline.hub.read_failed` (once per round of failed reads), `directline.hub.stream_dropped`
   * (one per dropped conversation), `directline.hub.listener_failed`, `directline.hub.subscribe_failed`.
   */
  onError?: (code: string) => void;
}

/** One subscription (its own object is what `subscribe` returns: no closures per subscription). */
class Subscriber implements StreamSubscription {
  active = true;

  constructor(
    readonly hub: ActivityStreamHub,
    readonly conversationId: string,
    /** Id of the last entry delivered (or the id subscribed after). */
    public lastId: string,
    readonly listener: StreamListener,
    readonly onDropped: ((reason: StreamDropReason) => void) | undefined,
  ) {}

  unsubscribe(): void {
    this.hub.unsubscribe(this);
  }
}

/** A conversation with subscribers on this instance. */
interface Watched {
  readonly conversationId: string;
  readonly subscribers: Set<Subscriber>;
  /** A read of its stream is in flight. */
  reading: boolean;
  /** Read again when the read in flight is done: something may have been written after it started. */
  again: boolean;
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/** Reads started per event-loop turn by the sweep and the catch-up after a reconnect. */
const SWEEP_GROUP = 200;
const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A connection of the hub's own, like the app's: on one Redis `duplicate`; on a cluster a new
 * cluster client (pub/sub there goes through ioredis' subscriber node, which it replaces and
 * re-subscribes by itself when that node goes away).
 */
function connectionLike(redis: RedisHandle, connectionName: string, autoPipelining: boolean): RedisHandle {
  if (redis.isCluster) {
    const cluster = redis as Cluster;
    return cluster.duplicate([], { enableAutoPipelining: autoPipelining, redisOptions: { ...cluster.options.redisOptions, connectionName } });
  }
  return (redis as Redis).duplicate({ connectionName, enableAutoPipelining: autoPipelining });
}

/**
 * Whether Redis answered with an error reply (ioredis' ReplyError: the command was refused), as
 * opposed to a connection failure. ioredis types ReplyError as `any`; this narrows it.
 */
function isReplyError(error: unknown): error is Error {
  return error instanceof (ReplyError as new () => Error);
}

/** Whether Redis refused a read because of the stream itself (and why), not because of its own state. */
function streamFault(error: Error): StreamDropReason | undefined {
  const message = error.message;
  if (message.startsWith('WRONGTYPE')) return 'wrong_type';
  if (/^ERR .*stream ID/i.test(message)) return 'invalid_id';
  return undefined;
}

/** Reads the streams that changed (as announced on pub/sub) and feeds every subscriber of this instance. */
export class ActivityStreamHub {
  /** Conversation id → its subscribers here. */
  private readonly watched = new Map<string, Watched>();
  /** Subscriber connection for the notifications. */
  private readonly notifications: RedisHandle;
  /** Connection for the reads (auto-pipelined: the reads of one event-loop turn go out in one write). */
  private readonly reader: RedisHandle;
  private readonly channel: string;
  private readonly batchSize: number;
  private closed = false;
  /** Failed reads waiting for the retry timer. */
  private readonly retries = new Set<Watched>();
  private retryTimer: NodeJS.Timeout | undefined;
  private backoff = FIRST_BACKOFF_MS;
  private readonly sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(private readonly options: ActivityStreamHubOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.channel = options.keys.directLineAppendedChannel();
    const name = options.connectionName ?? 'lantern-dl-hub';
    this.reader = connectionLike(options.redis, `${name}:reads`, true);
    this.reader.on('error', () => {
      // Reconnects are handled by ioredis; failed reads are retried and reported by the hub.
    });
    this.notifications = connectionLike(options.redis, name, false);
    this.notifications.on('error', () => {
      // Reconnects are handled by ioredis; after each one, 'ready' subscribes and catches up.
    });
    // At the start and after every reconnect: subscribe, then read every subscribed stream once.
    this.notifications.on('ready', () => void this.listen());
    this.notifications.on('message', (_channel: string, conversationId: string) => {
      const watched = this.watched.get(conversationId);
      if (watched) this.schedule(watched);
    });
    const sweepMs = options.sweepMs ?? 30_000;
    if (sweepMs > 0) {
      this.sweepTimer = setInterval(() => void this.sweep(), sweepMs);
      this.sweepTimer.unref();
    }
  }

  /** Number of live subscriptions (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const watched of this.watched.values()) n += watched.subscribers.size;
    return n;
  }

  /**
   * Delivers every entry of the conversation's stream after `afterId` (exclusive) to `listener`, now
   * and as they arrive, until unsubscribed. `afterId` is a stream entry id (`0-0` for everything).
   */
  subscribe(conversationId: string, afterId: string, listener: StreamListener, options: SubscribeOptions = {}): StreamSubscription {
    if (this.closed) throw new Error('ActivityStreamHub is closed');
    if (!RedisConversationStore.isEntryId(afterId)) throw new RangeError('ActivityStreamHub: afterId must be a stream entry id');
    const subscriber = new Subscriber(this, conversationId, afterId, listener, options.onDropped);
    let watched = this.watched.get(conversationId);
    if (!watched) {
      watched = { conversationId, subscribers: new Set(), reading: false, again: false };
      this.watched.set(conversationId, watched);
    }
    watched.subscribers.add(subscriber);
    // What was written after its position before it came.
    this.schedule(watched);
    return subscriber;
  }

  /** Ends a subscription (what its `unsubscribe` does; a no-op when it has ended). */
  unsubscribe(subscription: StreamSubscription): void {
    if (subscription instanceof Subscriber && subscription.hub === this) this.remove(subscription);
  }

  /** Stops reading, drops every subscription and closes both connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retries.clear();
    for (const watched of this.watched.values()) for (const s of watched.subscribers) s.active = false;
    this.watched.clear();
    await Promise.all([ActivityStreamHub.end(this.notifications), ActivityStreamHub.end(this.reader)]);
  }

  /** Closes a connection: QUIT when it is up (so Redis has let go of it when this resolves), else at once. */
  private static async end(connection: RedisHandle): Promise<void> {
    if (connection.status === 'ready') {
      await connection.quit().catch(() => connection.disconnect());
    } else {
      connection.disconnect();
    }
  }

  /** Takes a subscriber out; false when it already was. */
  private remove(subscriber: Subscriber): boolean {
    if (!subscriber.active) return false;
    subscriber.active = false;
    const watched = this.watched.get(subscriber.conversationId);
    if (!watched) return true;
    watched.subscribers.delete(subscriber);
    if (watched.subscribers.size === 0) {
      this.watched.delete(subscriber.conversationId);
      this.retries.delete(watched);
    }
    return true;
  }

  /**
   * (Re)subscribes to the notifications (ioredis may have done so already: subscribing again is
   * harmless, and its answer comes after ioredis' own), then reads every subscribed stream once:
   * pub/sub forgets what it could not deliver while the connection was down.
   */
  private async listen(): Promise<void> {
    if (this.closed) return;
    try {
      await this.notifications.subscribe(this.channel);
    } catch {
      if (this.closed) return;
      this.options.onError?.('directline.hub.subscribe_failed');
      // Reconnect, and so subscribe again on the next 'ready'.
      this.notifications.disconnect(true);
      return;
    }
    await this.readAll();
  }

  /** Slow safety net: reads every subscribed stream once more. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.closed) return;
    this.sweeping = true;
    try {
      await this.readAll();
    } finally {
      this.sweeping = false;
    }
  }

  /** Starts a read of every subscribed stream, a group per event-loop turn (so a turn in between is not held up). */
  private async readAll(): Promise<void> {
    const all = [...this.watched.values()];
    for (let i = 0; i < all.length && !this.closed; i += SWEEP_GROUP) {
      for (const watched of all.slice(i, i + SWEEP_GROUP)) this.schedule(watched);
      await nextTurn();
    }
  }

  /** Reads the conversation's stream now, or again right after the read in flight. */
  private schedule(watched: Watched): void {
    if (this.closed) return;
    if (watched.reading) {
      watched.again = true;
      return;
    }
    void this.read(watched);
  }

  private isWatched(watched: Watched): boolean {
    return !this.closed && watched.subscribers.size > 0 && this.watched.get(watched.conversationId) === watched;
  }

  /** Reads one stream from its subscribers' oldest position until nothing is left, and hands out what is new. */
  private async read(watched: Watched): Promise<void> {
    watched.reading = true;
    const key = this.options.keys.conversationActivities(watched.conversationId);
    try {
      for (;;) {
        watched.again = false;
        if (!this.isWatched(watched)) return;
        const fromId = this.oldestLastId(watched);
        let reply: XReadReply;
        try {
          reply = (await this.reader.call('XREAD', 'COUNT', this.batchSize, 'STREAMS', key, fromId)) as XReadReply;
        } catch (error) {
          // Read on at once only when Redis refused the stream and some of its subscriptions are left.
          if (this.failed(watched, error)) continue;
          return;
        }
        this.backoff = FIRST_BACKOFF_MS;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length > 0) this.dispatch(watched, fromId, entries);
        // A full batch: there may be more. `again`: something was written (or someone subscribed) meanwhile.
        if (entries.length < this.batchSize && !watched.again) return;
      }
    } finally {
      watched.reading = false;
    }
  }

  /**
   * A read failed. When Redis refused it because of the stream itself, only that conversation's
   * subscriptions are dropped. Anything else (the connection, Redis loading or busy) is tried
   * again after a back-off that grows while reads keep failing. True when the stream is to be read
   * again at once (some of its subscriptions were left after a drop).
   */
  private failed(watched: Watched, error: unknown): boolean {
    if (!this.isWatched(watched)) return false;
    const reason = isReplyError(error) ? streamFault(error) : undefined;
    if (reason) {
      this.drop(watched, reason);
      return this.isWatched(watched);
    }
    this.retries.add(watched);
    if (this.retryTimer) return false;
    this.options.onError?.('directline.hub.read_failed');
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const due = [...this.retries];
      this.retries.clear();
      for (const w of due) this.schedule(w);
    }, delay);
    this.retryTimer.unref();
    return false;
  }

  /** Drops the subscriptions of a stream Redis refuses (for an invalid id: those whose own position is invalid, if any). */
  private drop(watched: Watched, reason: StreamDropReason): void {
    let victims = [...watched.subscribers];
    if (reason === 'invalid_id') {
      // Only the subscriptions whose own position is bad, if that is what Redis refused;
      // otherwise the shared position (the oldest) is refused, and every one of them reads from it.
      const bad = victims.filter((s) => !RedisConversationStore.isEntryId(s.lastId));
      if (bad.length > 0) victims = bad;
    }
    let dropped = false;
    for (const subscriber of victims) {
      if (!this.remove(subscriber)) continue;
      dropped = true;
      try {
        subscriber.onDropped?.(reason);
      } catch {
        this.options.onError?.('directline.hub.listener_failed');
      }
    }
    if (dropped) this.options.onError?.('directline.hub.stream_dropped');
  }

  private oldestLastId(watched: Watched): string {
    let oldest: string | undefined;
    for (const s of watched.subscribers) {
      if (oldest === undefined || RedisConversationStore.compareEntryIds(s.lastId, oldest) < 0) oldest = s.lastId;
    }
    return oldest ?? '0-0';
  }

  private dispatch(watched: Watched, fromId: string, entries: [id: string, fields: string[]][]): void {
    const decoded = entries.map(([id, fields]) => RedisConversationStore.decodeEntry(watched.conversationId, id, fields));
    for (const subscriber of [...watched.subscribers]) {
      // One that subscribed during this read from an older position than the read started from
      // would get a gap: the next read (`again`) starts from its own position.
      if (RedisConversationStore.compareEntryIds(subscriber.lastId, fromId) < 0) continue;
      const fresh = decoded.filter((entry) => RedisConversationStore.compareEntryIds(entry.entryId, subscriber.lastId) > 0);
      const last = fresh.at(-1);
      if (!last || !subscriber.active) continue;
      subscriber.lastId = last.entryId;
      try {
        subscriber.listener({
          activities: fresh.flatMap((entry) => (entry.activity ? [entry.activity] : [])),
          watermark: last.entryId,
          ended: fresh.some((entry) => entry.ended),
        });
      } catch {
        this.options.onError?.('directline.hub.listener_failed');
      }
    }
  }
}

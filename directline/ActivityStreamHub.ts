/**
 * Fans new conversation stream entries out to the WebSockets connected to this app instance,
 * without pub/sub: one dedicated connection per instance runs `XREAD BLOCK` over the streams of
 * every subscribed conversation; when the set of subscriptions changes, the read is interrupted
 * with `CLIENT UNBLOCK` from another connection and started again with the new set.
 *
 * Every subscriber keeps the id of the last entry it was given, and the read always starts from the
 * oldest of those per stream, so nothing is given twice and nothing is lost, also not when the
 * connection to Redis drops: after a reconnect the read resumes from the same ids.
 *
 * One bad stream never stops the others: when Redis refuses the whole XREAD because of one stream
 * (a key of the wrong type, an id it does not accept), the hub reads each stream once without
 * BLOCK to find the culprits, drops only their subscriptions (telling each one's `onDropped`),
 * and goes on with the rest at once, without back-off.
 */
import type { Activity } from 'botbuilder';
import { ReplyError, type Redis } from 'ioredis';
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
  /** A normal connection; the hub duplicates it for its blocking reads and uses it for CLIENT UNBLOCK. */
  redis: Redis;
  /** Key builder (conversation stream keys). */
  keys: RedisKeys;
  /** Longest single XREAD block in ms (a safety net; changes interrupt it anyway). Default 10 000. */
  blockMs?: number;
  /** Entries read per stream per round. Default 100. */
  batchSize?: number;
  /** CLIENT SETNAME of the blocking connection (tests use it to find and kill it). Default `lantern-dl-hub`. */
  connectionName?: string;
  /**
   * Called with a short code when reading fails (never with data); e.g. for logging:
   * `directline.hub.read_failed`, `directline.hub.stream_dropped` (one per dropped conversation),
   * `directline.hub.listener_failed`, `directline.hub.unblock_failed`.
   */
  onError?: (code: string) => void;
}

interface Subscriber {
  conversationId: string;
  lastId: string;
  listener: StreamListener;
  onDropped: ((reason: StreamDropReason) => void) | undefined;
  active: boolean;
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

/** One instance-wide XREAD BLOCK loop that feeds every WebSocket of this instance. */
export class ActivityStreamHub {
  private readonly blocking: Redis;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly blockMs: number;
  private readonly batchSize: number;
  private closed = false;
  /** Bumped on every change of the subscription set. */
  private generation = 0;
  /** The generation the XREAD in flight was built from. */
  private sentGeneration = -1;
  private inFlight = false;
  private clientId: number | undefined;
  private wake: (() => void) | undefined;
  private unblocking = false;
  private readonly loop: Promise<void>;

  constructor(private readonly options: ActivityStreamHubOptions) {
    this.blockMs = options.blockMs ?? 10_000;
    this.batchSize = options.batchSize ?? 100;
    this.blocking = options.redis.duplicate({
      connectionName: options.connectionName ?? 'lantern-dl-hub',
      // A read in flight when the connection drops must fail (so the loop re-reads from the
      // subscribers' ids), not be silently re-sent with a stale client id or dropped.
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      lazyConnect: false,
    });
    this.blocking.on('error', () => {
      // Reconnects are handled by ioredis; failed reads are reported by the loop.
    });
    this.blocking.on('close', () => {
      this.clientId = undefined;
    });
    this.loop = this.run();
  }

  /** Number of live subscriptions (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  /**
   * Delivers every entry of the conversation's stream after `afterId` (exclusive) to `listener`, now
   * and as they arrive, until unsubscribed. `afterId` is a stream entry id (`0-0` for everything).
   */
  subscribe(conversationId: string, afterId: string, listener: StreamListener, options: SubscribeOptions = {}): StreamSubscription {
    if (this.closed) throw new Error('ActivityStreamHub is closed');
    if (!RedisConversationStore.isEntryId(afterId)) throw new RangeError('ActivityStreamHub: afterId must be a stream entry id');
    const subscriber: Subscriber = { conversationId, lastId: afterId, listener, onDropped: options.onDropped, active: true };
    let set = this.subscribers.get(conversationId);
    if (!set) {
      set = new Set();
      this.subscribers.set(conversationId, set);
    }
    set.add(subscriber);
    this.changed();
    return {
      conversationId,
      get lastId() {
        return subscriber.lastId;
      },
      unsubscribe: () => {
        if (this.remove(subscriber)) this.changed();
      },
    };
  }

  /** Takes a subscriber out of the set; false when it already was. */
  private remove(subscriber: Subscriber): boolean {
    if (!subscriber.active) return false;
    subscriber.active = false;
    const current = this.subscribers.get(subscriber.conversationId);
    current?.delete(subscriber);
    if (current && current.size === 0) this.subscribers.delete(subscriber.conversationId);
    return true;
  }

  /** Stops the loop, drops every subscription and closes the blocking connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const set of this.subscribers.values()) for (const s of set) s.active = false;
    this.subscribers.clear();
    this.wake?.();
    // Disconnect (not QUIT: QUIT would queue behind a blocked XREAD); the read in flight fails and the loop ends.
    this.blocking.disconnect();
    await this.loop;
  }

  private changed(): void {
    this.generation++;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    if (this.inFlight) void this.interrupt();
  }

  /** Unblocks the XREAD in flight if it was built from an older subscription set. */
  private async interrupt(): Promise<void> {
    if (this.unblocking) return;
    this.unblocking = true;
    try {
      // CLIENT UNBLOCK answers 0 while our XREAD has not reached Redis yet (or has just returned):
      // retry briefly until it is unblocked or the loop has moved on to a newer read.
      for (let attempt = 0; attempt < 200; attempt++) {
        if (this.closed || !this.inFlight || this.sentGeneration === this.generation) return;
        const id = this.clientId;
        if (id !== undefined) {
          const unblocked = await this.options.redis.client('UNBLOCK', id);
          if (unblocked === 1) return;
        }
        await sleep(5);
      }
    } catch {
      this.options.onError?.('directline.hub.unblock_failed');
    } finally {
      this.unblocking = false;
      // A change may have arrived while this attempt was finishing.
      if (!this.closed && this.inFlight && this.sentGeneration !== this.generation) void this.interrupt();
    }
  }

  private async run(): Promise<void> {
    let backoff = 50;
    while (!this.closed) {
      if (this.subscribers.size === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      const conversationIds = [...this.subscribers.keys()];
      const streamKeys = conversationIds.map((id) => this.options.keys.conversationActivities(id));
      const fromIds = conversationIds.map((id) => this.oldestLastId(id));
      try {
        if (this.clientId === undefined) this.clientId = Number(await this.blocking.client('ID'));
        this.sentGeneration = this.generation;
        this.inFlight = true;
        const reply = (await this.blocking.call(
          'XREAD',
          'COUNT',
          this.batchSize,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          ...streamKeys,
          ...fromIds,
        )) as XReadReply;
        this.inFlight = false;
        backoff = 50;
        if (reply) this.dispatch(conversationIds, streamKeys, fromIds, reply);
      } catch (error) {
        this.inFlight = false;
        if (this.closed) break;
        // Redis answered with an error (the connection is fine): maybe one stream is at fault.
        // Find it, drop only its subscriptions, and read the others again at once.
        if (isReplyError(error) && (await this.isolate(conversationIds, streamKeys, fromIds))) {
          backoff = 50;
          continue;
        }
        if (!isReplyError(error)) this.clientId = undefined;
        this.options.onError?.('directline.hub.read_failed');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }

  /**
   * After Redis refused a whole XREAD: reads every stream of that XREAD once on its own (one
   * pipeline, no BLOCK) and drops the subscriptions of the streams Redis refuses for reasons of
   * their own (a key of the wrong type, an id it does not accept). Resolves true when it dropped
   * something (the caller reads again at once), false when no stream is to blame (Redis itself
   * is unwell, or the connection failed): the caller backs off as for any failed read.
   */
  private async isolate(conversationIds: string[], streamKeys: string[], fromIds: string[]): Promise<boolean> {
    let results: [error: Error | null, result: unknown][] | null;
    try {
      const pipeline = this.blocking.pipeline();
      streamKeys.forEach((key, index) => pipeline.call('XREAD', 'COUNT', 1, 'STREAMS', key, fromIds[index] ?? '0-0'));
      results = await pipeline.exec();
    } catch {
      return false;
    }
    if (!results) return false;
    const faults: { conversationId: string; reason: StreamDropReason }[] = [];
    results.forEach(([error], index) => {
      const conversationId = conversationIds[index];
      if (!error || conversationId === undefined || !isReplyError(error)) return;
      const reason = streamFault(error);
      if (reason) faults.push({ conversationId, reason });
    });
    let dropped = false;
    for (const { conversationId, reason } of faults) {
      const set = this.subscribers.get(conversationId);
      if (!set) continue;
      let victims = [...set];
      if (reason === 'invalid_id') {
        // Only the subscriptions whose own position is bad, if that is what Redis refused;
        // otherwise the shared position (the oldest) is refused, and every one of them reads from it.
        const bad = victims.filter((s) => !RedisConversationStore.isEntryId(s.lastId));
        if (bad.length > 0) victims = bad;
      }
      let droppedHere = false;
      for (const subscriber of victims) {
        if (!this.remove(subscriber)) continue;
        droppedHere = true;
        try {
          subscriber.onDropped?.(reason);
        } catch {
          this.options.onError?.('directline.hub.listener_failed');
        }
      }
      if (droppedHere) this.options.onError?.('directline.hub.stream_dropped');
      dropped ||= droppedHere;
    }
    if (dropped) this.generation++;
    return dropped;
  }

  private oldestLastId(conversationId: string): string {
    let oldest: string | undefined;
    for (const s of this.subscribers.get(conversationId) ?? []) {
      if (oldest === undefined || RedisConversationStore.compareEntryIds(s.lastId, oldest) < 0) oldest = s.lastId;
    }
    return oldest ?? '0-0';
  }

  private dispatch(conversationIds: string[], streamKeys: string[], fromIds: string[], reply: NonNullable<XReadReply>): void {
    for (const [key, entries] of reply) {
      const index = streamKeys.indexOf(key);
      const conversationId = conversationIds[index];
      const fromId = fromIds[index];
      if (conversationId === undefined || fromId === undefined || entries.length === 0) continue;
      const decoded = entries.map(([id, fields]) => RedisConversationStore.decodeEntry(conversationId, id, fields));
      for (const subscriber of [...(this.subscribers.get(conversationId) ?? [])]) {
        // A subscriber that joined during this read with an older id than the read started from
        // would get a gap: it waits for the next read, which starts from its own id.
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
}

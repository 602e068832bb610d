/**
 * Passes the young person's typing activities to the WebSockets of their conversation, on every
 * app instance, without storing them: Direct Line echoes every posted activity on the stream, and
 * Web Chat waits for the echo of its `typing` (it marks it failed after 300 s otherwise), but a
 * typing indicator is no part of the transcript and never a turn of the bot.
 *
 * With a Redis connection the activity goes out on a pub/sub channel (nothing stored; one
 * subscriber connection per instance); without one it only reaches this instance's sockets.
 */
import type { Activity } from 'botbuilder';
import { duplicateConnection, type RedisHandle } from '../contracts/RedisHandle.js';
import { errorCode } from '../contracts/errorCode.js';

/** Options of TypingRelay. */
export interface TypingRelayOptions {
  /** A normal connection: used to publish, and duplicated for subscribing. Without it: this instance only. */
  redis?: RedisHandle;
  /** The pub/sub channel (RedisKeys.directLineTypingChannel()). */
  channel?: string;
  /** Reports failures by code. */
  onError?: (code: string) => void;
}

type TypingListener = (activity: Activity) => void;

/** Typing activities to the streams of their conversation, on every instance. */
export class TypingRelay {
  private readonly listeners = new Map<string, Set<TypingListener>>();
  private subscriber: RedisHandle | undefined;
  private closed = false;

  constructor(private readonly options: TypingRelayOptions = {}) {
    // Subscribed from the start, so the first streams do not wait for it.
    this.startSubscriber();
  }

  /** Sends a typing activity to every stream of the conversation (best effort: failures are reported, not thrown). */
  async publish(conversationId: string, activity: Activity): Promise<void> {
    const { redis, channel } = this.options;
    if (!redis || !channel) {
      this.deliver(conversationId, activity);
      return;
    }
    try {
      await redis.publish(channel, JSON.stringify({ c: conversationId, a: activity }));
    } catch (error) {
      this.options.onError?.(`directline.typing.publish_failed:${errorCode(error)}`);
    }
  }

  /** Calls `listener` with the conversation's typing activities until the returned function is called. */
  listen(conversationId: string, listener: TypingListener): () => void {
    this.startSubscriber();
    let set = this.listeners.get(conversationId);
    if (!set) this.listeners.set(conversationId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(conversationId) === set) this.listeners.delete(conversationId);
    };
  }

  /** Closes the subscriber connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private startSubscriber(): void {
    const { redis, channel } = this.options;
    if (!redis || !channel || this.subscriber || this.closed) return;
    const subscriber = duplicateConnection(redis, { connectionName: 'lantern-directline-typing' });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, raw: string) => {
      try {
        const message = JSON.parse(raw) as { c?: unknown; a?: unknown };
        if (typeof message.c === 'string' && message.a && typeof message.a === 'object') this.deliver(message.c, message.a as Activity);
      } catch {
        this.options.onError?.('directline.typing.bad_message');
      }
    });
    subscriber.subscribe(channel).catch((error: unknown) => this.options.onError?.(`directline.typing.subscribe_failed:${errorCode(error)}`));
  }

  private deliver(conversationId: string, activity: Activity): void {
    for (const listener of this.listeners.get(conversationId) ?? []) {
      try {
        listener(activity);
      } catch (error) {
        this.options.onError?.(`directline.typing.listener_failed:${errorCode(error)}`);
      }
    }
  }
}

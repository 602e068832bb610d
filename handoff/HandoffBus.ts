/**
 * Handoff events between app instances: published on a Redis pub/sub channel (nothing is stored, so
 * no record of a conversation id stays behind) and given to local listeners at once. A console on
 * instance B learns within milliseconds that a counsellor on instance A ended, passed on or lost a
 * conversation, so its live subscription can end. Consoles also re-check every few seconds, so a
 * message lost while Redis reconnects only delays, never keeps, access.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { duplicateConnection, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import type { HandoffEvent } from './HandoffEvents.js';

/** Options of HandoffBus. */
export interface HandoffBusOptions {
  /** A normal connection: used to publish, and duplicated for subscribing. */
  redis: RedisHandle;
  keys: RedisKeys;
  /** Called with a short code when a message cannot be read. */
  onError?: (code: string) => void;
}

/** Publishes and receives HandoffEvents across instances. */
export class HandoffBus {
  private readonly emitter = new EventEmitter();
  private readonly subscriber: RedisHandle;
  private readonly instance = randomBytes(8).toString('hex');
  private readonly channel: string;
  private readonly ready: Promise<unknown>;

  constructor(private readonly options: HandoffBusOptions) {
    this.channel = options.keys.handoffEventsChannel();
    this.emitter.setMaxListeners(0);
    this.subscriber = duplicateConnection(options.redis, { connectionName: 'lantern-handoff-bus' });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, raw: string) => {
      try {
        const message = JSON.parse(raw) as { from: string; event: HandoffEvent };
        if (message.from !== this.instance) this.emitter.emit('event', message.event);
      } catch {
        options.onError?.('handoff.bus.bad_message');
      }
    });
    this.ready = this.subscriber.subscribe(this.channel).catch(() => options.onError?.('handoff.bus.subscribe_failed'));
  }

  /** Resolves once this instance listens to the other instances. */
  async listening(): Promise<void> {
    await this.ready;
  }

  /** Tells this instance's listeners at once and every other instance through Redis. */
  async publish(event: HandoffEvent): Promise<void> {
    this.emitter.emit('event', event);
    try {
      await this.options.redis.publish(this.channel, JSON.stringify({ from: this.instance, event }));
    } catch {
      this.options.onError?.('handoff.bus.publish_failed');
    }
  }

  /** Listens to every event, from this instance and the others. */
  on(listener: (event: HandoffEvent) => void): void {
    this.emitter.on('event', listener);
  }

  /** Stops listening. */
  async close(): Promise<void> {
    this.emitter.removeAllListeners();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}

/**
 * "Delete my conversation": everything Lantern keeps about one conversation goes at once — its
 * activities (the transcript), channel metadata, bot state, a place in the handoff queue, a live
 * handoff session, counsellors' notes, who had it last, the queue's events that name it, a return code — and a tombstone keeps the
 * old token from starting it again (named by a keyed pseudonym of the id, so no key names the
 * conversation any more). Anonymous counts (metrics) are not about a conversation and stay.
 */
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { ConversationStore } from '../directline/ConversationStore.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { deleteEntriesNaming } from './streamEntries.js';

/** Erases conversations. */
export interface ConversationEraser {
  /** Erases a conversation now. */
  erase(conversationId: string): Promise<void>;
  /**
   * Erases it after a short moment, so the page still receives the bot's last words ("deleted")
   * and clears itself; the conversation already refuses new messages from the young person.
   */
  eraseSoon(conversationId: string): void;
}

/** Options of RedisConversationEraser. */
export interface RedisConversationEraserOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  store: ConversationStore;
  /** Makes the conversation's return code useless (optional: no return codes wired; the code then still dies with the conversation). */
  returnCodes?: { revoke(conversationId: string): Promise<void> };
  /** Takes the conversation out of the handoff queue and closes a live session (optional: no handoff wired). */
  handoff?: { forget(conversationId: string): Promise<void> };
  /**
   * BullMQ events streams whose entries may name the conversation (job id = conversation id).
   * Default: the handoff queue's.
   */
  eventStreams?: string[];
  /** The moment between the bot's last words and the erasure (ms). */
  graceMs?: number;
  onError?: (code: string) => void;
}

/** ConversationEraser on Redis. */
export class RedisConversationEraser implements ConversationEraser {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: RedisConversationEraserOptions) {}

  async erase(conversationId: string): Promise<void> {
    const { redis, keys, store } = this.options;
    // First: from now on the code opens nothing.
    await this.options.returnCodes?.revoke(conversationId);
    await this.options.handoff?.forget(conversationId);
    await store.end(conversationId).catch(() => undefined);
    // One DEL: these keys all carry the conversation's hash tag (one slot on a cluster).
    await redis.del(
      keys.botState(`webchat/conversations/${conversationId}/`),
      keys.handoffNotes(conversationId),
      keys.handoffFlags(conversationId),
      keys.handoffWaitState(conversationId),
      keys.handoffLastCounsellor(conversationId),
      keys.handoffRealertMark(conversationId),
      keys.turnLock(conversationId),
    );
    await store.delete(conversationId);
    // Last, so the queue's own "removed" event (from forget) goes too.
    for (const stream of this.options.eventStreams ?? [keys.bullEvents('handoff')]) {
      await deleteEntriesNaming(redis, stream, conversationId);
    }
  }

  eraseSoon(conversationId: string): void {
    const run = new Promise<void>((resolve) => setTimeout(resolve, this.options.graceMs ?? 1_500))
      .then(() => this.erase(conversationId))
      .catch((error: Error) => this.options.onError?.(error.name))
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Waits for erasures in progress (shutdown, tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}

/**
 * "Last seen" of a young person's page, for the handoff ("is the young person still there?"):
 * every authenticated request of the conversation and every live stream marks it
 * (`store.markSeen`), without waiting and at most once per `throttleMs` per conversation on this
 * instance. Failures are logged by code and tried again on the next request.
 */
import type { FastifyBaseLogger } from 'fastify';
import { errorCode } from '../contracts/errorCode.js';
import type { ConversationStore } from './ConversationStore.js';

/** Throttled `store.markSeen`. */
export class SeenMarker {
  /** When each conversation was last marked seen from this instance (ms). */
  private readonly marks = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly store: ConversationStore,
    private readonly throttleMs: number,
    private readonly log: FastifyBaseLogger,
  ) {
    if (!Number.isSafeInteger(throttleMs) || throttleMs < 0) throw new RangeError('directLinePlugin: seenThrottleMs must be a non-negative integer');
  }

  /** Records that the young person's page is there now (unless it was recorded within the throttle). */
  mark(conversationId: string): void {
    const now = Date.now();
    const last = this.marks.get(conversationId);
    if (last !== undefined && now - last < this.throttleMs) return;
    this.marks.set(conversationId, now);
    if (now - this.lastSweep >= Math.max(this.throttleMs, 1_000)) {
      this.lastSweep = now;
      for (const [id, at] of this.marks) if (now - at >= this.throttleMs && id !== conversationId) this.marks.delete(id);
    }
    this.store.markSeen(conversationId).catch((error: unknown) => {
      // Try again on the next request rather than waiting out the throttle.
      if (this.marks.get(conversationId) === now) this.marks.delete(conversationId);
      this.log.warn({ event: 'directline.seen.failed', code: errorCode(error) });
    });
  }
}

/**
 * The gateway to counsellors through the BullMQ queue. Inside opening hours it puts the
 * conversation in line and answers with its place and an honest estimate; outside them it queues
 * nothing (nobody would read it) and says when people are back.
 */
import type { Priority } from '../contracts/profileCodes.js';
import type { MessageScreening } from '../contracts/counsellorApi.js';
import type { CounsellorPresence } from './CounsellorPresence.js';
import type { HandoffContext, HandoffGateway, HandoffOutcome, YoungPersonReference } from './HandoffGateway.js';
import type { HandoffJobData, HandoffQueue, PreferredCounsellor } from './HandoffQueue.js';
import type { OpeningHours } from './OpeningHours.js';
import type { WaitEstimator } from './WaitEstimator.js';

/** What the gateway is built from. */
export interface QueueHandoffGatewayOptions {
  queue: HandoffQueue;
  presence: CounsellorPresence;
  estimator: WaitEstimator;
  openingHours: OpeningHours;
  now?: () => number;
  /** Keeps a flagged message and alerts its counsellor (HandoffService.flagMessage). */
  flag?: (conversationId: string, activityId: string, screening: MessageScreening) => Promise<void>;
  /** Marks the conversation "may be watched" and alerts the consoles (HandoffService.markMayBeWatched). */
  watched?: (conversationId: string) => Promise<void>;
  /**
   * Whom a new request is offered to first (the counsellor who had the conversation last, on duty
   * with room: HandoffService.preferenceFor). Its failure never stops the request: then nobody.
   */
  prefer?: (conversationId: string) => Promise<PreferredCounsellor | undefined>;
  /** A young person stopped waiting (cancelled), left (quick exit) before anyone took them, or asked outside opening hours (metrics). */
  onUnreached?: (data: Pick<HandoffJobData, 'language' | 'priority'>, why: 'cancelled' | 'left' | 'closed') => Promise<void>;
}

/** HandoffGateway on the BullMQ queue. */
export class QueueHandoffGateway implements HandoffGateway {
  private readonly now: () => number;

  constructor(private readonly options: QueueHandoffGatewayOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Queues the conversation when counsellors are on duty; otherwise says when they are back. */
  async request(context: HandoffContext, reference: YoungPersonReference): Promise<HandoffOutcome> {
    const now = new Date(this.now());
    if (!this.options.openingHours.isOpen(now)) {
      await this.options.onUnreached?.(context, 'closed');
      return { status: 'unavailable', reason: 'closed', reopensAt: this.options.openingHours.nextOpening(now)?.toISOString() };
    }
    // Offered first to the counsellor who had it last, when on duty: its place in line stays the same.
    // (Already waiting: the queue keeps the first request, and its offer, as they were.)
    const preferred = await this.options.prefer?.(context.conversationId).catch(() => undefined);
    // Who is on duty is read while the request goes in line (a round trip less for the young person).
    const [position, onDuty] = await Promise.all([
      this.options.queue.enqueue({ ...context, requestedAt: now.getTime(), reference, ...(preferred ? { preferred } : {}) }),
      this.options.presence.onDuty(),
    ]);
    const counsellorsOnDuty = onDuty.length;
    const estimatedWaitMinutes = await this.options.estimator.estimateMinutes(position, counsellorsOnDuty);
    return { status: 'queued', position, estimatedWaitMinutes, counsellorsOnDuty };
  }

  /** Takes the conversation out of the line. */
  async cancel(conversationId: string): Promise<boolean> {
    const data = await this.options.queue.withdraw(conversationId);
    if (data) await this.options.onUnreached?.(data, 'cancelled');
    return data !== undefined;
  }

  /** Moves a waiting conversation up to a higher priority (danger typed while waiting). */
  raise(conversationId: string, priority: Priority): Promise<boolean> {
    return this.options.queue.raise(conversationId, priority);
  }

  /** A young person who leaves stops waiting; an open session stays until the counsellor ends it. */
  async left(conversationId: string): Promise<boolean> {
    const data = await this.options.queue.withdraw(conversationId);
    if (data) await this.options.onUnreached?.(data, 'left');
    return data !== undefined;
  }

  /** Hands what the screening read during a chat to the counsellors' side. */
  async flagDuringChat(conversationId: string, activityId: string, screening: MessageScreening): Promise<void> {
    await this.options.flag?.(conversationId, activityId, screening);
  }

  /** The safe word: the counsellors' side marks the conversation, raises it and alerts. */
  async mayBeWatched(conversationId: string): Promise<void> {
    await this.options.watched?.(conversationId);
  }
}

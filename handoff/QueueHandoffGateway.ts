/**
 * The gateway to counsellors through the BullMQ queue. Inside opening hours it puts the
 * conversation in line and answers with its place and an honest estimate; outside them it queues
 * nothing (nobody would read it) and says when people are back.
 */
import type { Priority } from '../contracts/profileCodes.js';
import type { MessageScreening } from '../contracts/counsellorApi.js';
import type { CounsellorPresence } from './CounsellorPresence.js';
import type { HandoffContext, HandoffGateway, HandoffOutcome, YoungPersonReference } from './HandoffGateway.js';
import type { HandoffQueue } from './HandoffQueue.js';
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
      return { status: 'unavailable', reason: 'closed', reopensAt: this.options.openingHours.nextOpening(now)?.toISOString() };
    }
    const position = await this.options.queue.enqueue({ ...context, requestedAt: now.getTime(), reference });
    const counsellorsOnDuty = (await this.options.presence.onDuty()).length;
    const estimatedWaitMinutes = await this.options.estimator.estimateMinutes(position, counsellorsOnDuty);
    return { status: 'queued', position, estimatedWaitMinutes, counsellorsOnDuty };
  }

  /** Takes the conversation out of the line. */
  cancel(conversationId: string): Promise<boolean> {
    return this.options.queue.cancel(conversationId);
  }

  /** Moves a waiting conversation up to a higher priority (danger typed while waiting). */
  raise(conversationId: string, priority: Priority): Promise<boolean> {
    return this.options.queue.raise(conversationId, priority);
  }

  /** A young person who leaves stops waiting; an open session stays until the counsellor ends it. */
  async left(conversationId: string): Promise<boolean> {
    return this.options.queue.cancel(conversationId);
  }

  /** Hands what the screening read during a chat to the counsellors' side. */
  async flagDuringChat(conversationId: string, activityId: string, screening: MessageScreening): Promise<void> {
    await this.options.flag?.(conversationId, activityId, screening);
  }
}

/**
 * Contract of the place where a conversation's activities live (a Redis Stream per conversation,
 * see RedisConversationStore). The Direct Line routes write the young person's activities here,
 * the bot adapter writes the bot's replies here, and every app instance reads from here, so any
 * instance can serve any conversation and a client that reconnects with its watermark misses nothing.
 */
import type { Activity } from 'botbuilder';

/** A page of activities and the watermark to ask for the next page. */
export interface ActivitySet {
  activities: Activity[];
  /** Opaque to clients: the id of the last stream entry returned (or the one asked for, if none). */
  watermark: string | undefined;
}

/** Lifecycle of a conversation on the channel. */
export type ConversationStatus = 'active' | 'ended' | 'missing';

/** Storage of the activities of Direct Line conversations. */
export interface ConversationStore {
  /**
   * Creates the conversation (idempotent) and starts its expiry clock. Resolves true when this call
   * created it, false when it already existed, so exactly one caller (on any app instance) starts it.
   */
  create(conversationId: string): Promise<boolean>;
  /** Whether the conversation exists, and whether it has been ended (quick exit or bot). */
  status(conversationId: string): Promise<ConversationStatus>;
  /**
   * Appends one activity, fills in `id` (`<conversationId>|<stream entry id>`), `timestamp`,
   * `channelId: 'webchat'` and `conversation.id`, refreshes the expiry, and returns the stored activity.
   */
  append(conversationId: string, activity: Partial<Activity>): Promise<Activity>;
  /**
   * Appends several activities in this order, all or none, as `append` does each (one write and one
   * announcement for all of them), and returns them stored.
   */
  appendMany(conversationId: string, activities: ReadonlyArray<Partial<Activity>>): Promise<Activity[]>;
  /** Activities after `watermark` (exclusive; from the start when undefined), oldest first. */
  read(conversationId: string, watermark?: string, limit?: number): Promise<ActivitySet>;
  /** Marks the conversation ended: no new activities are accepted from the young person. */
  end(conversationId: string): Promise<void>;
  /** Removes the conversation and all its activities at once. */
  delete(conversationId: string): Promise<void>;
  /**
   * Records that the young person's page was seen now (it made an authenticated request or its
   * WebSocket answered a ping). Stored with the conversation's metadata, so it expires with it;
   * a no-op for a conversation that does not exist.
   */
  markSeen(conversationId: string): Promise<void>;
  /** When the young person's page was last seen (ms since the epoch), or undefined if never or gone. */
  lastSeen(conversationId: string): Promise<number | undefined>;
}

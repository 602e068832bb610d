/**
 * What counsellors do with handed-off conversations: see the line, claim (next or chosen),
 * write, send quick replies in the young person's language, read the transcript and summary,
 * transfer, and end with an outcome. Messages go through the conversation's Redis Stream, so a
 * young person on one app instance and a counsellor on another talk normally.
 */
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { HandoffNotifier } from '../bot/HandoffNotifier.js';
import type { Language } from '../bot/languages.js';
import type { Translator } from '../bot/Translator.js';
import type { ConversationStore } from '../directline/ConversationStore.js';
import type { RedisKeys } from '../server/RedisKeys.js';
import { bilingualSummary, type BilingualSummary } from './ConversationSummary.js';
import type { CounsellorPresence } from './CounsellorPresence.js';
import { HandoffSessions, SessionNotFoundError, type HandoffSession } from './HandoffSessions.js';
import { NotWaitingError, type HandoffQueue, type WaitingEntry } from './HandoffQueue.js';
import { isOutcome, type Outcome } from './outcomes.js';
import type { WaitEstimator } from './WaitEstimator.js';
import type { MetricsRecorder } from '../metrics/MetricsRecorder.js';
import { waitBucket } from '../metrics/MetricEvent.js';

/** The staff member acting. */
export interface ActingCounsellor {
  username: string;
  languages: Language[];
}

/** One line of the console's waiting list. */
export interface QueueItem {
  conversationId: string;
  language: Language;
  priority: 'danger' | 'raised' | 'normal';
  waitingSeconds: number;
  danger: boolean;
  interpreterNeeded: boolean;
  position: number;
}

/** Events for the consoles (no text of the young person). */
export type HandoffEvent =
  | { type: 'claimed'; conversationId: string; counsellor: string }
  | { type: 'transferred'; conversationId: string; from: string; to: string }
  | { type: 'requeued'; conversationId: string }
  | { type: 'ended'; conversationId: string; counsellor: string; outcome: Outcome };

/** Raised for a request that is not valid (unknown outcome, empty message, unknown colleague). */
export class HandoffRequestError extends Error {
  override name = 'HandoffRequestError';
  readonly statusCode = 400;
}

/** What the service is built from. */
export interface HandoffServiceOptions {
  redis: Redis;
  keys: RedisKeys;
  queue: HandoffQueue;
  sessions: HandoffSessions;
  presence: CounsellorPresence;
  estimator: WaitEstimator;
  notifier: HandoffNotifier;
  store: ConversationStore;
  translator: Translator;
  /** Whether a username is a counsellor who may receive a transfer. */
  isCounsellor: (username: string) => Promise<boolean>;
  /** After this long in line, the young person is offered the alternatives (ms). */
  waitTimeoutMs: number;
  /** Seconds internal notes are kept (the conversation's retention). */
  notesTtlSeconds: number;
  /** Longest counsellor message (characters). */
  maxMessageLength?: number;
  /** Called after every change, for the consoles' live view. */
  onEvent?: (event: HandoffEvent) => void;
  /** Anonymous counters (claims with wait buckets, outcomes, timeouts). */
  metrics?: MetricsRecorder;
  now?: () => number;
}

/** The counsellors' side of the handoff. */
export class HandoffService {
  private readonly now: () => number;

  constructor(private readonly options: HandoffServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The waiting list, with "interpreter needed" where nobody on duty speaks the language. */
  async queueItems(): Promise<QueueItem[]> {
    const [entries, spoken] = await Promise.all([this.options.queue.waiting(), this.options.presence.spokenLanguages()]);
    const now = this.now();
    return entries.map((entry) => ({
      conversationId: entry.conversationId,
      language: entry.data.language,
      priority: entry.data.priority,
      waitingSeconds: Math.max(0, Math.round((now - entry.data.requestedAt) / 1000)),
      danger: entry.data.priority === 'danger',
      interpreterNeeded: !spoken.has(entry.data.language),
      position: entry.position,
    }));
  }

  /** Claims a chosen conversation. */
  async claim(conversationId: string, counsellor: ActingCounsellor): Promise<HandoffSession> {
    const spoken = await this.options.presence.spokenLanguages();
    const job = await this.options.queue.claim(conversationId, counsellor.username);
    const claimedAt = this.now();
    const session: HandoffSession = {
      conversationId,
      counsellor: counsellor.username,
      claimedAt,
      interpreterNeeded: !counsellor.languages.includes(job.language) && !spoken.has(job.language),
      job,
    };
    await this.options.sessions.open(session);
    await this.options.estimator.record(claimedAt - job.requestedAt);
    await this.options.metrics?.record({ name: 'handoff_claimed', lang: job.language, wait: waitBucket(claimedAt - job.requestedAt) });
    await this.options.redis.del(this.options.keys.handoffWaitState(conversationId));
    await this.options.notifier.accepted({ conversationId, ...job.reference });
    this.options.onEvent?.({ type: 'claimed', conversationId, counsellor: counsellor.username });
    return session;
  }

  /**
   * Claims the next conversation for this counsellor: the first in line in a language they speak;
   * otherwise the first that nobody on duty speaks (interpreter needed). Undefined when none.
   */
  async claimNext(counsellor: ActingCounsellor): Promise<HandoffSession | undefined> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const items = await this.queueItems();
      const next = items.find((item) => counsellor.languages.includes(item.language)) ?? items.find((item) => item.interpreterNeeded);
      if (!next) return undefined;
      try {
        return await this.claim(next.conversationId, counsellor);
      } catch (error) {
        if (!(error instanceof NotWaitingError)) throw error; // someone else took it: try the next one
      }
    }
    return undefined;
  }

  /** The counsellor's open conversations. */
  mySessions(counsellor: ActingCounsellor): Promise<HandoffSession[]> {
    return this.options.sessions.ofCounsellor(counsellor.username);
  }

  /** Transcript (every stored activity) and summary of an open conversation. */
  async conversation(conversationId: string, counsellor: ActingCounsellor): Promise<{ session: HandoffSession; transcript: Activity[]; summary: BilingualSummary; notes: string[] }> {
    const session = await this.options.sessions.getOwn(conversationId, counsellor.username);
    const transcript: Activity[] = [];
    let watermark: string | undefined;
    for (;;) {
      const page = await this.options.store.read(conversationId, watermark, 500);
      transcript.push(...page.activities);
      if (page.activities.length < 500 || page.watermark === watermark) break;
      watermark = page.watermark;
    }
    const notes = await this.options.redis.lrange(this.options.keys.handoffNotes(conversationId), 0, -1);
    const summary = bilingualSummary(session.job, { waitedMs: session.claimedAt - session.job.requestedAt, interpreterNeeded: session.interpreterNeeded });
    return { session, transcript, summary, notes };
  }

  /** A counsellor's message to the young person, through the conversation's stream. */
  async sendMessage(conversationId: string, counsellor: ActingCounsellor, text: string): Promise<Activity> {
    const clean = typeof text === 'string' ? text.trim() : '';
    if (!clean) throw new HandoffRequestError('The message is empty');
    if ([...clean].length > (this.options.maxMessageLength ?? 4000)) throw new HandoffRequestError('The message is too long');
    await this.options.sessions.getOwn(conversationId, counsellor.username);
    return this.options.store.append(conversationId, {
      type: 'message',
      text: clean,
      from: { id: 'counsellor', name: 'Counsellor', role: 'bot' },
      channelData: { lantern: { sender: 'counsellor' } },
    });
  }

  /** A quick reply (locales/<lng>/quickReplies.json) in the young person's language. */
  async sendQuickReply(conversationId: string, counsellor: ActingCounsellor, key: string): Promise<Activity> {
    const session = await this.options.sessions.getOwn(conversationId, counsellor.username);
    const keys = Object.keys(this.quickReplies('nl'));
    if (!keys.includes(key)) throw new HandoffRequestError('Unknown quick reply');
    return this.sendMessage(conversationId, counsellor, this.options.translator.forLanguage(session.job.language)(`quickReplies:${key}`));
  }

  /** The quick replies in one language (key → text), for the console. */
  quickReplies(language: Language): Record<string, string> {
    return this.options.translator.namespace(language, 'quickReplies') as Record<string, string>;
  }

  /** Hands the conversation to a colleague, or back to the line ("queue"). */
  async transfer(conversationId: string, counsellor: ActingCounsellor, to: string): Promise<void> {
    const session = await this.options.sessions.getOwn(conversationId, counsellor.username);
    const ref = { conversationId, ...session.job.reference };
    if (to === 'queue') {
      await this.options.sessions.close(conversationId, counsellor.username);
      const position = await this.options.queue.enqueue(session.job);
      await this.options.notifier.backInQueue(ref, position);
      this.options.onEvent?.({ type: 'requeued', conversationId });
      return;
    }
    if (to === counsellor.username || !(await this.options.isCounsellor(to))) throw new HandoffRequestError('Unknown colleague');
    await this.options.sessions.transfer(conversationId, counsellor.username, to);
    await this.options.notifier.transferred(ref);
    this.options.onEvent?.({ type: 'transferred', conversationId, from: counsellor.username, to });
  }

  /** Ends the conversation with an outcome code and an optional internal note; the bot takes over again. */
  async end(conversationId: string, counsellor: ActingCounsellor, outcome: unknown, note?: unknown): Promise<Outcome> {
    if (!isOutcome(outcome)) throw new HandoffRequestError('Unknown outcome');
    if (note !== undefined && (typeof note !== 'string' || note.length > 2000)) throw new HandoffRequestError('The note must be text of at most 2000 characters');
    const session = await this.options.sessions.getOwn(conversationId, counsellor.username);
    if (typeof note === 'string' && note.trim()) {
      const key = this.options.keys.handoffNotes(conversationId);
      await this.options.redis.multi().rpush(key, note.trim()).expire(key, this.options.notesTtlSeconds).exec();
    }
    await this.options.sessions.close(conversationId, counsellor.username);
    await this.options.metrics?.record({ name: 'outcome', lang: session.job.language, code: outcome });
    if ((await this.options.store.status(conversationId)) === 'active') {
      await this.options.notifier.completed({ conversationId, ...session.job.reference });
    }
    this.options.onEvent?.({ type: 'ended', conversationId, counsellor: counsellor.username, outcome });
    return outcome;
  }

  /** The young person deleted the conversation: out of the line, and an open session closes. */
  async forget(conversationId: string): Promise<void> {
    await this.options.queue.cancel(conversationId);
    const session = await this.options.sessions.get(conversationId);
    if (session) {
      await this.options.sessions.close(conversationId, session.counsellor);
      this.options.onEvent?.({ type: 'ended', conversationId, counsellor: session.counsellor, outcome: 'young_person_left' });
    }
  }

  /**
   * Keeps waiting young people informed (run every few seconds by one instance): their place in line
   * and estimate when they change, and after a long wait, the alternatives and the choice to keep waiting.
   */
  async tick(): Promise<void> {
    const entries: WaitingEntry[] = await this.options.queue.waiting();
    const onDuty = (await this.options.presence.onDuty()).length;
    const now = this.now();
    for (const entry of entries) {
      const key = this.options.keys.handoffWaitState(entry.conversationId);
      const state = await this.options.redis.hgetall(key);
      const estimate = await this.options.estimator.estimateMinutes(entry.position, onDuty);
      const ref = { conversationId: entry.conversationId, ...entry.data.reference };
      const shown = `${entry.position}:${estimate ?? '-'}`;
      try {
        if (state.shown !== shown) {
          await this.options.notifier.waiting(ref, entry.position, estimate);
          await this.options.redis.multi().hset(key, 'shown', shown).expire(key, this.options.notesTtlSeconds).exec();
        }
        const offeredAt = Number(state.offeredAt ?? 0);
        const waitedFrom = Math.max(entry.data.requestedAt, offeredAt);
        if (now - waitedFrom >= this.options.waitTimeoutMs) {
          await this.options.notifier.timedOut(ref);
          await this.options.metrics?.record({ name: 'handoff_timed_out', lang: entry.data.language });
          await this.options.redis.multi().hset(key, 'offeredAt', String(now)).expire(key, this.options.notesTtlSeconds).exec();
        }
      } catch (error) {
        // The conversation ended or expired while waiting: take it out of the line.
        if ((error as Error).name === 'ConversationNotFoundError' || (error as Error).name === 'ConversationEndedError') {
          await this.options.queue.cancel(entry.conversationId);
        } else throw error;
      }
    }
  }
}

export { SessionNotFoundError };

/**
 * What the bot remembers about one conversation, as codes only: language, topics visited,
 * screening answers and priority. Never text the young person typed, never a personal detail.
 * It lives in conversation state (RedisStorage, with the conversation's TTL).
 */
import type { ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Language } from '../contracts/languages.js';

import { PRIORITY_RANK, type Answer, type Priority, type ScreeningAnswers, type SignalCode, type TopicCode } from '../contracts/profileCodes.js';

export { SIGNALS, TOPICS, type Answer, type FreeTextScreening, type Priority, type ScreeningAnswers, type SignalCode, type TopicCode } from '../contracts/profileCodes.js';

/** The remembered profile of a conversation. */
export interface ConversationProfileData {
  language?: Language;
  greeted: boolean;
  topics: TopicCode[];
  screening: ScreeningAnswers;
  priority: Priority;
  /** Languages the bot already offered to switch to (it offers each once). */
  offeredLanguages?: Language[];
  /** The handoff: waiting in line, or a counsellor has taken over (then the bot stays silent). */
  handoff?: { status: 'waiting' | 'accepted' };
  /** The last node of the tree entered (for the anonymous funnel: which node led to which). */
  lastNode?: string;
}

function emptyProfile(): ConversationProfileData {
  return { greeted: false, topics: [], screening: { signals: {} }, priority: 'normal' };
}

/** The profile's property in conversation state. */
const PROPERTY = 'lanternProfile';

/** Typed access to a conversation's profile in conversation state. */
export class ConversationProfile {
  private readonly accessor: StatePropertyAccessor<ConversationProfileData>;

  constructor(private readonly conversationState: ConversationState) {
    this.accessor = conversationState.createProperty<ConversationProfileData>(PROPERTY);
  }

  /**
   * The profile of this turn's conversation (created on first use). Asked for many times a turn:
   * once the state is loaded and holds a profile, it is taken from there directly (what the
   * accessor would return, without its promises and without making a default profile to drop).
   */
  get(context: TurnContext): Promise<ConversationProfileData> {
    const loaded = (this.conversationState.get(context) as Record<string, ConversationProfileData | undefined> | undefined)?.[PROPERTY];
    if (loaded) return Promise.resolve(loaded);
    return this.accessor.get(context, emptyProfile()) as Promise<ConversationProfileData>;
  }

  /** The conversation's language, if one has been chosen. */
  async language(context: TurnContext): Promise<Language | undefined> {
    return (await this.get(context)).language;
  }

  /** Sets the conversation's language. */
  async setLanguage(context: TurnContext, language: Language): Promise<void> {
    (await this.get(context)).language = language;
  }

  /** Records that a topic was visited (once, in order of first visit). */
  async visit(context: TurnContext, topic: TopicCode): Promise<void> {
    const profile = await this.get(context);
    if (!profile.topics.includes(topic)) profile.topics.push(topic);
  }

  /** Raises the priority; it never goes down within a conversation. */
  async raisePriority(context: TurnContext, priority: Priority): Promise<void> {
    const profile = await this.get(context);
    if (PRIORITY_RANK[priority] > PRIORITY_RANK[profile.priority]) profile.priority = priority;
  }

  /** Records the answer to "are you in danger right now?". */
  async recordDangerNow(context: TurnContext, answer: Answer): Promise<void> {
    (await this.get(context)).screening.dangerNow = answer;
    if (answer === 'yes') await this.raisePriority(context, 'danger');
  }

  /** Adds one screened message's codes to the conversation's free-text summary. */
  async recordFreeText(context: TurnContext, result: { danger: boolean; categories: readonly string[]; intents: readonly string[] }): Promise<void> {
    const screening = (await this.get(context)).screening;
    const summary = (screening.freeText ??= { messages: 0, dangerFlags: 0, categories: [], intents: [] });
    summary.messages += 1;
    if (result.danger) summary.dangerFlags += 1;
    for (const category of result.categories) if (!summary.categories.includes(category)) summary.categories.push(category);
    for (const intent of result.intents) if (intent !== 'other' && !summary.intents.includes(intent)) summary.intents.push(intent);
  }

  /**
   * The young person's side of the handoff: waiting in line, or a counsellor has taken over.
   * The one place it is read and written (dialogs, commands and the handoff notifier use these).
   */
  async handoffStatus(context: TurnContext): Promise<'waiting' | 'accepted' | undefined> {
    return (await this.get(context)).handoff?.status;
  }

  /** Sets (or clears, with undefined) the handoff status. */
  async setHandoffStatus(context: TurnContext, status: 'waiting' | 'accepted' | undefined): Promise<void> {
    (await this.get(context)).handoff = status ? { status } : undefined;
  }

  /**
   * The young person typed their safe word: a "may be watched" caution for the counsellor, and the
   * priority of danger (a short chance to reach them while someone reads along).
   */
  async markMayBeWatched(context: TurnContext): Promise<void> {
    const screening = (await this.get(context)).screening;
    screening.cautions ??= [];
    if (!screening.cautions.includes('may_be_watched')) screening.cautions.push('may_be_watched');
    await this.raisePriority(context, 'danger');
  }

  /** Whether the young person typed their safe word in this conversation (then the bot says nothing that reveals help). */
  async mayBeWatched(context: TurnContext): Promise<boolean> {
    return (await this.get(context)).screening.cautions?.includes('may_be_watched') ?? false;
  }

  /** Records one soft-signal answer. */
  async recordSignal(context: TurnContext, signal: SignalCode, answer: Answer): Promise<void> {
    (await this.get(context)).screening.signals[signal] = answer;
  }
}

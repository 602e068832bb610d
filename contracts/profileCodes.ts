/**
 * The codes a conversation is summarised by, shared by the bot, the dialogs and the handoff:
 * topics of the tree, soft signals, answers, priority and the free-text screening summary.
 * Codes only, never text.
 */
/** Topics of the dialog tree, as codes (they go to the handoff context and to metrics). */
export const TOPICS = [
  'privacy',
  'exploitation',
  'exploitation_types',
  'smuggling_vs_trafficking',
  'signs',
  'rights',
  'rights_children',
  'rights_guardian',
  'rights_protected_reception',
  'rights_residence',
  'non_punishment',
  'help',
  'danger_check',
  'signal_check',
] as const;
export type TopicCode = (typeof TOPICS)[number];

/** Soft signals asked about when the young person is not sure whether they are in danger. */
export const SIGNALS = ['threats', 'debt', 'money_or_phone_kept', 'told_where_to_be', 'picked_up_by_cars'] as const;
export type SignalCode = (typeof SIGNALS)[number];

/** An answer to a yes/no/not-sure question, as a code. */
export type Answer = 'yes' | 'no' | 'unsure' | 'skip';

/** Priority of a handoff: danger now first, then signals of exploitation, then the rest. */
export type Priority = 'danger' | 'raised' | 'normal';
export const PRIORITY_RANK: Record<Priority, number> = { normal: 0, raised: 1, danger: 2 };

/** What free-text screening found over the conversation, as codes and counts (never text). */
export interface FreeTextScreening {
  /** Typed messages screened. */
  messages: number;
  /** Of those, messages that led to the danger path. */
  dangerFlags: number;
  /** Danger categories found (e.g. "threat", "suicide"). */
  categories: string[];
  /** Intents found (e.g. "exploitation", "criminal", "rights"). */
  intents: string[];
}

/**
 * What the counsellor must know before answering, as codes: `may_be_watched` when the young
 * person typed their safe word (someone may be reading along: answer neutrally, ask yes/no questions).
 */
export const CAUTIONS = ['may_be_watched'] as const;
export type CautionCode = (typeof CAUTIONS)[number];

/** Screening answers as codes. */
export interface ScreeningAnswers {
  dangerNow?: Answer;
  /** Cautions for the counsellor (the safe word). */
  cautions?: CautionCode[];
  signals: Partial<Record<SignalCode, Answer>>;
  freeText?: FreeTextScreening;
}


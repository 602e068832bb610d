/**
 * The shapes the counsellor API answers with (docs/api.md), defined once: the server builds them
 * (handoff/) and the console reads them (web/counsellor, type-only).
 */
import type { Language } from './languages.js';
import type { Priority } from './profileCodes.js';

/** One line of the console's waiting list. */
export interface QueueItem {
  conversationId: string;
  language: Language;
  priority: Priority;
  waitingSeconds: number;
  danger: boolean;
  interpreterNeeded: boolean;
  position: number;
  /** Seconds since the young person's page was last seen (null: not known). */
  lastSeenSeconds: number | null;
  /** It came back to the list because a counsellor left or passed it back. */
  returned: boolean;
  /** Why it is in the list (codes; the console shows them in Dutch or English). */
  triage: Triage;
  /** Internal notes written about it so far (a conversation that came back keeps them). */
  notes: NoteItem[];
  /** The young person typed their safe word: someone may be watching (answer neutrally, yes/no questions). */
  mayBeWatched?: boolean;
  /** The young person came back to this conversation with a return code (maybe from another device). */
  cameBackWithCode?: boolean;
  /**
   * Only on the list of the counsellor who had this conversation last: it asked for a person again
   * while they were on duty with room, so it is offered to them first ("was with you before") for
   * `preferredSecondsLeft` more seconds. Anyone may still claim it at any time.
   */
  preferredForYou?: true;
  /** Only for team leads and admins: the colleague it is offered to first (the same offer). */
  preferredCounsellor?: string;
  /** With `preferredForYou` or `preferredCounsellor`: seconds until it is everyone's. */
  preferredSecondsLeft?: number;
}

/** Why a conversation is in the list: codes from the bot's questions and the free-text screening. */
export interface Triage {
  /** How the young person asked (a button, the danger question, the signal check, the safe word). */
  reason: 'talk_to_human' | 'danger_now' | 'signals' | 'safe_word';
  /** The answer to "are you in danger now?", when asked. */
  dangerNow?: 'yes' | 'no' | 'unsure' | 'skip';
  /** Soft signals answered "yes". */
  signals: string[];
  /** Danger categories and exploitation intents the free-text screening found. */
  categories: string[];
  intents: string[];
}

/** What the screening read in one message of the young person (codes). */
export interface MessageScreening {
  /** urgent: acute danger; check: possible danger; exploitation: signs of exploitation. */
  level: 'urgent' | 'check' | 'exploitation';
  /** Danger categories (e.g. "confinement") or exploitation intents (e.g. "criminal"). */
  categories: string[];
}

/** An internal note (staff only; expires with the conversation). */
export interface NoteItem {
  at: string;
  /** Username of the staff member who wrote it. */
  by?: string;
  text: string;
  /** Written as the handover note of a transfer. */
  handover?: boolean;
}

/** One line of a console transcript (handoff/consoleTranscript.ts). */
export interface TranscriptLine {
  id: string;
  at: string;
  sender: 'young_person' | 'bot' | 'counsellor' | 'interpreter' | 'system';
  /** The text exactly as sent or written. */
  text?: string;
  /** For the young person's messages: the language the text looks written in. */
  language?: string;
  /** Whether the young person pressed a button (the text is the button's label). */
  button?: boolean;
  /** For system lines: what happened (e.g. handoff.initiate, endOfConversation). */
  event?: string;
  /** For the bot's (and phrasebook) lines: the same text in Dutch and English. */
  nl?: string;
  en?: string;
  /** For the young person's messages the screening flagged: what it read, with labels. */
  screening?: MessageScreening & { nl: string; en: string };
}

/** One of my open conversations. */
export interface SessionItem {
  conversationId: string;
  /** The conversation's short reference, the one the audit trail names it by. */
  reference: string;
  language: Language | 'und';
  priority: Priority;
  danger: boolean;
  interpreterNeeded: boolean;
  claimedAt?: string;
  /** A colleague's note when they passed the conversation on. */
  handover?: { from: string; note: string; at: string };
  /** An interpreter's link for this conversation, while it is valid (joined: they opened it). */
  interpreter?: InterpreterState;
  /** The young person typed their safe word: someone may be watching (the console switches to the neutral phrases). */
  mayBeWatched?: boolean;
  /** The young person came back to this conversation with a return code (maybe from another device). */
  cameBackWithCode?: boolean;
  /** You are the counsellor who had this conversation last, before this chat ("was with you before"). */
  wasWithYouBefore?: true;
}

/** An interpreter's link for one conversation. */
export interface InterpreterState {
  /** When the link stops working (also when the conversation ends, whichever is first). */
  expiresAt: string;
  /** When the interpreter opened it (absent: not yet). */
  joinedAt?: string;
}

/**
 * POST /api/staff/conversations/{id}/interpreter answers the one-time link to give the interpreter
 * (the token is in the fragment, so it never reaches a server log or a Referer header).
 */
export interface InterpreterLink extends InterpreterState {
  url: string;
}

/** GET /api/staff/interpreting: the telephone interpreting service (config/interpreting.json). */
export interface InterpretingService {
  name: string;
  phone: string;
  /** When it answers, in Dutch and English. */
  hours: { nl: string; en: string };
  url?: string;
}

/** GET /api/staff/team (team lead, admin): every open conversation and every counsellor on duty. */
export interface TeamView {
  conversations: TeamConversation[];
  counsellors: TeamCounsellor[];
}

/** One open conversation in the team lead's view. */
export interface TeamConversation {
  conversationId: string;
  reference: string;
  /** waiting: in the list; talking: a counsellor has it. */
  state: 'waiting' | 'talking';
  /** Who has it (talking only). */
  counsellor?: string;
  language: Language | 'und';
  priority: Priority;
  interpreterNeeded: boolean;
  /** An interpreter has joined. */
  interpreterPresent: boolean;
  /** Seconds since the young person asked for a person. */
  waitingSeconds: number;
  /** Seconds since a counsellor took it (talking only). */
  talkingSeconds?: number;
  /** Seconds since the young person's page was last seen (null: not known). */
  lastSeenSeconds: number | null;
}

/** One counsellor in the team lead's view. */
export interface TeamCounsellor {
  username: string;
  role: 'counsellor' | 'teamlead' | 'admin';
  languages: Language[];
  /** Conversations they have open, and their maximum. */
  open: number;
  max: number;
  onDuty: boolean;
}

/** What the interpreter's page reads (GET /api/interpreter/conversation). */
export interface InterpreterView {
  language: Language | 'und';
  reference: string;
  expiresAt: string;
  /** The chat since the interpreter joined: the young person, the counsellor and the interpreter. */
  lines: TranscriptLine[];
  /** Pass back as `after` to get only newer lines. */
  watermark?: string;
  /** The conversation ended or the link was withdrawn: the page shows that and stops. */
  ended: boolean;
}

/** One line of a conversation's summary. */
export interface SummaryLine {
  label: string;
  value: string;
  /** A line the console keeps current from the live conversation (`priority`: raised by a flag or the safe word). */
  field?: 'priority';
  /** What the line says once the conversation is in danger (the console shows it when the priority is raised to danger). */
  dangerValue?: string;
}

/** An open conversation with transcript and summary (GET /api/staff/conversations/{id}). */
export interface ConversationDetail extends SessionItem {
  summary: { nl: SummaryLine[]; en: SummaryLine[] };
  notes: NoteItem[];
  /** What the young person typed while waiting, as written. */
  whileWaiting: string[];
  transcript: TranscriptLine[];
  watermark?: string;
}

/** An outcome code with its labels. */
export interface OutcomeOption {
  code: string;
  nl: string;
  en: string;
}

/** A colleague on duty. */
export interface Colleague {
  username: string;
  languages: Language[];
  /** Conversations they have open, their maximum, and whether one more fits. */
  open: number;
  max: number;
  room: boolean;
}

/**
 * The moments of a conversation the counsellors' phrasebook is grouped by (locales/<lng>/phrases.json,
 * in this order): a phrase's key is `<group>.<name>`, its text key `phrases:<group>.<name>`.
 */
export const PHRASE_GROUPS = ['opening', 'safety', 'practical', 'nextSteps', 'interpreter', 'waiting', 'closing', 'neutral'] as const;

/**
 * The group of neutral phrases (yes/no questions, harmless-sounding lines) the console offers alone
 * for a conversation whose young person may be watched (`GET /api/staff/phrases?set=neutral`).
 */
export const NEUTRAL_PHRASE_GROUP = 'neutral' satisfies PhraseGroupId;

/** One of the phrasebook's groups. */
export type PhraseGroupId = (typeof PHRASE_GROUPS)[number];

/** A phrase of the phrasebook for one young person's language. */
export interface Phrase {
  /** `<group>.<name>`, e.g. `safety.safeNow` (the text key is `phrases:` + this). */
  key: string;
  /** Its meaning in Dutch and English (what the counsellor reads). */
  nl: string;
  en: string;
  /** What the young person gets, in their language (absent when that language has no text for it). */
  text?: string;
  /** Whether `text` was reviewed by a fluent reviewer (Dutch and English always are). */
  reviewed: boolean;
}

/** `GET /api/staff/phrases?language=xx`. */
export interface PhrasebookAnswer {
  language: Language;
  groups: Array<{ id: PhraseGroupId; phrases: Phrase[] }>;
}

/** `GET /api/staff/quick-replies?language=xx` (the former quick replies; every phrase, flat). */
export interface QuickReplyItem extends Phrase {
  group: PhraseGroupId;
  language: Language;
}

/** `GET /api/staff/phrases/review` (coordinators): per language, the phrases not reviewed yet. */
export interface PhraseReviewAnswer {
  languages: Array<{ language: Language; phrases: number; reviewed: number; unreviewed: string[] }>;
  /** The Dutch and English meaning of every phrase key, to show what the keys stand for. */
  meanings: Record<string, { nl: string; en: string }>;
}

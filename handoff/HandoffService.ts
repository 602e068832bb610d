/**
 * What counsellors do with handed-off conversations: see the line, claim (next or chosen),
 * write, send phrasebook phrases in the young person's language, read the transcript and summary,
 * transfer, and end with an outcome. Messages go through the conversation's Redis Stream, so a
 * young person on one app instance and a counsellor on another talk normally.
 *
 * No child is left alone: conversations of a counsellor who logged out, was removed, whose
 * session expired or whose console has been gone longer than the grace period go back to the list
 * at their priority and original waiting time (`sweep`, run with `tick`); danger comes first for
 * everyone; each counsellor has a maximum of open conversations; young people whose page has
 * been gone for a while leave the list.
 *
 * The same counsellor when on duty: a conversation that asks for a person again is offered first,
 * for a short time, to the counsellor who had it last, when they are on duty with room (`preferenceFor`,
 * `waitingList`); it keeps its place in line, anyone may claim it at any time, danger goes to whoever asks.
 *
 * The service tells the young person's side what happened through `YoungPersonEvent`s and the
 * consoles through `HandoffEvent`s on the bus; it never calls into the bot.
 */
import type { Activity } from 'botbuilder';
import { redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import { CAME_BACK_FIELD } from '../directline/ReturnCodes.js';
import { RETENTION_LUA } from '../directline/ConversationRetention.js';
import type { Colleague, MessageScreening, NoteItem, QueueItem, TranscriptLine, Triage } from '../contracts/counsellorApi.js';
import type { Language } from '../contracts/languages.js';
import type { Translator } from '../texts/Translator.js';
import type { ConversationStore } from '../directline/ConversationStore.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { bilingualSummary, type BilingualSummary } from './ConversationSummary.js';
import { Phrasebook, PHRASES_NAMESPACE } from './Phrasebook.js';
import { ConversationNotes, NOTE_MAX } from './ConversationNotes.js';
import { InterpreterLinks, type InterpreterLinkState, type IssuedInterpreterLink } from './InterpreterLinks.js';
import type { CounsellorPresence } from './CounsellorPresence.js';
import type { HandoffBus } from './HandoffBus.js';
import type { AccessEndReason, ConversationRef, HandoffEvent, RequeueReason, YoungPersonEvent, YoungPersonListener } from './HandoffEvents.js';
import { HandoffSessions, type HandoffSession } from './HandoffSessions.js';
import { NotWaitingError, type HandoffJobData, type HandoffQueue, type PreferredCounsellor, type WaitingEntry } from './HandoffQueue.js';
import { isOutcome, type Outcome } from './outcomes.js';
import type { WaitEstimator } from './WaitEstimator.js';
import type { MetricsRecorder } from '../metrics/MetricsRecorder.js';
import { waitBucket } from '../metrics/MetricEvent.js';
import { AtCapacityError, ColleagueNotOnDutyError, HandoffRequestError, SessionNotFoundError } from './errors.js';
export { AtCapacityError, ColleagueNotOnDutyError, HandoffRequestError };

/** The staff member acting. */
export interface ActingCounsellor {
  username: string;
  languages: Language[];
  /** Their role (a team lead or admin sees to whom a waiting conversation is offered first). */
  role?: string;
}

/** One entry of the waiting list with whom it is offered to first now, if anyone (never sent as such: `queueFor`). */
/** A waiting conversation's facts besides its request (HandoffService.rowFacts). */
interface RowFacts {
  lastSeen: number | undefined;
  notes: NoteItem[];
  watched: boolean;
  cameBack: boolean;
}

const NO_FACTS: RowFacts = { lastSeen: undefined, notes: [], watched: false, cameBack: false };

export interface ListedEntry {
  item: QueueItem;
  preferred?: PreferredCounsellor;
}

export type { QueueItem } from '../contracts/counsellorApi.js';

/** What the service needs to know of a staff account. */
export interface CounsellorAccount {
  /** A counsellor (or team lead, or admin) account that exists. */
  isCounsellor: boolean;
  /** Its role (the team lead's view shows it). */
  role?: 'counsellor' | 'teamlead' | 'admin';
  /** Has at least one live staff session. */
  signedIn: boolean;
  /** Most conversations open at once. */
  maxConversations: number;
}




/** What the service is built from. */
export interface HandoffServiceOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  queue: HandoffQueue;
  sessions: HandoffSessions;
  presence: CounsellorPresence;
  estimator: WaitEstimator;
  store: ConversationStore;
  translator: Translator;
  /** Events for the consoles of every instance. */
  bus: HandoffBus;
  /** The account behind a username (undefined when there is none). */
  account: (username: string) => Promise<CounsellorAccount | undefined>;
  /** After this long in line, the young person is offered the alternatives (ms). */
  waitTimeoutMs: number;
  /** The same for a young person in danger (ms). */
  dangerWaitTimeoutMs: number;
  /** A counsellor whose console has been gone this long loses their conversations to the list (ms). */
  counsellorGraceMs: number;
  /** A waiting young person whose page has been gone this long leaves the list (ms). */
  youngPersonAwayMs: number;
  /** Seconds internal notes are kept (the conversation's retention). */
  notesTtlSeconds: number;
  /** Longest counsellor message (characters). */
  maxMessageLength?: number;
  /** Anonymous counters (claims with wait buckets, outcomes, timeouts). */
  metrics?: MetricsRecorder;
  /** Whether counsellors are on duty by the opening hours (a young person still waiting at closing is counted as not reached). */
  isOpen?: (at: Date) => boolean;
  /** Longest life of an interpreter's link (ms); it also ends with the conversation. */
  interpreterLinkMaxMs?: number;
  /**
   * A conversation that asks for a person again is offered this long (ms) to the counsellor who had it
   * last, when they are on duty with room (PREFERRED_COUNSELLOR_SECONDS); 0 or unset: never.
   */
  preferredCounsellorMs?: number;
  now?: () => number;
}

const HANDOVER_NOTE_MAX = 500;

/**
 * HSET + EXPIRE of the wait state, only when the conversation exists and has not ended.
 * KEYS: wait state, the conversation's metadata (both in the conversation's hash tag). ARGV: field, value, ttl.
 */
const WRITE_WAIT_STATE = redisScript(
  'lanternHandoffWaitState',
  `${RETENTION_LUA}
if redis.call('HGET', KEYS[2], 'createdAt') == false or redis.call('HEXISTS', KEYS[2], 'endedAt') == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], conversationRetention(KEYS[2], ARGV[3]))
return 1
`,
);

/** The counsellors' side of the handoff. */
export class HandoffService {
  private readonly now: () => number;
  private readonly youngPersonListeners: YoungPersonListener[] = [];

  private readonly notes: ConversationNotes;
  /** The counsellors' phrases (locales/<lng>/phrases.json). */
  readonly phrasebook: Phrasebook;
  /** Interpreters' one-time links. */
  readonly interpreters: InterpreterLinks;

  constructor(private readonly options: HandoffServiceOptions) {
    this.now = options.now ?? Date.now;
    this.notes = new ConversationNotes({ redis: options.redis, keys: options.keys, ttlSeconds: options.notesTtlSeconds, now: this.now });
    this.phrasebook = new Phrasebook(options.translator);
    this.interpreters = new InterpreterLinks({ redis: options.redis, keys: options.keys, maxTtlMs: options.interpreterLinkMaxMs ?? 3 * 3600_000, now: this.now });
  }

  /** Listens to what the young person must be told (the bot side says it). */
  onYoungPerson(listener: YoungPersonListener): void {
    this.youngPersonListeners.push(listener);
  }

  private async tell(event: YoungPersonEvent): Promise<void> {
    // Nobody to tell when the conversation is gone (deleted, expired, quick exit): and no state may
    // be written again for it.
    if ((await this.options.store.status(event.ref.conversationId)) !== 'active') return;
    for (const listener of this.youngPersonListeners) await listener(event);
  }

  private publish(event: HandoffEvent): Promise<void> {
    return this.options.bus.publish(event);
  }

  private ref(conversationId: string, job: HandoffJobData): ConversationRef {
    return { conversationId, ...job.reference };
  }

  /**
   * The waiting list, most urgent first, with "interpreter needed" where nobody on duty speaks the
   * language, as `viewer` sees it: an entry offered first to them says so (`preferredForYou`), a team
   * lead sees to whom (`preferredCounsellor`), anyone else an ordinary row. Without a viewer: no offers.
   */
  async queueItems(viewer?: ActingCounsellor): Promise<QueueItem[]> {
    return this.queueFor(await this.waitingList(), viewer);
  }

  /** The waiting list as `viewer` sees it (`waitingList` read once for many consoles). */
  queueFor(list: readonly ListedEntry[], viewer?: ActingCounsellor): QueueItem[] {
    const now = this.now();
    return list.map(({ item, preferred }) => {
      if (!preferred || !viewer) return item;
      const preferredSecondsLeft = Math.max(1, Math.ceil((preferred.until - now) / 1000));
      if (preferred.counsellor === viewer.username) return { ...item, preferredForYou: true, preferredSecondsLeft };
      if (viewer.role === 'teamlead' || viewer.role === 'admin') return { ...item, preferredCounsellor: preferred.counsellor, preferredSecondsLeft };
      return item;
    });
  }

  /**
   * The waiting list with, per entry, the counsellor it is offered to first now: the one who had it
   * last, from a request made while they were on duty with room, until its time is up, and only while
   * they are still on duty (signed in, console present) with room.
   *
   * `expected`: conversations the caller expects in the list (those of its last reading, and those
   * the queue announced since). Their rows' other facts are read side by side with the list, not
   * after it: under a burst of requests every round trip waits behind the young people's turns, so
   * a hop less is a list shown sooner. Facts of a listed conversation not expected are read after
   * the list, as without `expected`; those of an expected one no longer waiting are not used.
   */
  async waitingList(expected: readonly string[] = []): Promise<ListedEntry[]> {
    const known = new Set(expected);
    const early = known.size > 0 ? this.rowFacts([...known]) : undefined;
    // Awaited below; should the list fail first, its failure is the one reported.
    early?.catch(() => undefined);
    const [entries, onDuty] = await Promise.all([this.options.queue.waiting(), this.options.presence.onDuty()]);
    const spoken = new Set(onDuty.flatMap((c) => c.languages));
    const now = this.now();
    const available = new Map<string, Promise<boolean>>();
    const offered = Promise.all(
      entries.map(async (entry) => {
        const preferred = entry.data.preferred;
        if (!preferred || typeof preferred.counsellor !== 'string' || !(preferred.until > now)) return undefined;
        if (!available.has(preferred.counsellor)) available.set(preferred.counsellor, this.canTakeMore(preferred.counsellor, onDuty).catch(() => false));
        return (await available.get(preferred.counsellor)) ? preferred : undefined;
      }),
    );
    const ids = entries.map((entry) => entry.conversationId);
    const unexpected = ids.filter((id) => !known.has(id));
    const [offers, earlyFacts, lateFacts] = await Promise.all([offered, early, unexpected.length > 0 ? this.rowFacts(unexpected) : undefined]);
    const factsOf = (id: string): RowFacts => lateFacts?.get(id) ?? earlyFacts?.get(id) ?? NO_FACTS;
    return entries.map((entry) => {
      const { lastSeen, notes, watched, cameBack } = factsOf(entry.conversationId);
      return {
        conversationId: entry.conversationId,
        language: entry.data.language,
        priority: entry.data.priority,
        waitingSeconds: Math.max(0, Math.round((now - entry.data.requestedAt) / 1000)),
        danger: entry.data.priority === 'danger',
        interpreterNeeded: !spoken.has(entry.data.language),
        position: entry.position,
        lastSeenSeconds: lastSeen === undefined ? null : Math.max(0, Math.round((now - lastSeen) / 1000)),
        returned: (entry.data.returned ?? 0) > 0,
        triage: triageOf(entry.data),
        notes,
        ...(watched ? { mayBeWatched: true } : {}),
        ...(cameBack ? { cameBackWithCode: true } : {}),
      };
    }).map((item, index) => (offers[index] ? { item, preferred: offers[index] } : { item }));
  }

  /** The facts of each listed conversation's row besides its request, read side by side. */
  private async rowFacts(ids: readonly string[]): Promise<Map<string, RowFacts>> {
    const [seen, notes, watched, cameBack] = await Promise.all([
      Promise.all(ids.map((id) => this.options.store.lastSeen(id).catch(() => undefined))),
      this.notes.listMany(ids),
      this.notes.mayBeWatchedMany(ids),
      Promise.all(ids.map((id) => this.cameBackWithCode(id).catch(() => false))),
    ]);
    return new Map(ids.map((id, index) => [id, { lastSeen: seen[index], notes: notes.get(id) ?? [], watched: watched.has(id), cameBack: cameBack[index] === true }]));
  }

  /** Whether a counsellor is on duty now (signed in, console present) with room for one more conversation. */
  private async canTakeMore(username: string, onDuty: ReadonlyArray<{ username: string }>): Promise<boolean> {
    if (!onDuty.some((c) => c.username === username)) return false;
    const account = await this.options.account(username);
    if (!account?.isCounsellor || !account.signedIn) return false;
    return (await this.options.sessions.countOf(username)) < account.maxConversations;
  }

  /**
   * Whom a new request for a person in this conversation is offered to first, and until when: the
   * counsellor who had it last, when they are on duty with room now (undefined otherwise, or when
   * PREFERRED_COUNSELLOR_SECONDS is 0). It never changes the request's place in line.
   */
  async preferenceFor(conversationId: string): Promise<PreferredCounsellor | undefined> {
    const ms = this.options.preferredCounsellorMs ?? 0;
    if (!(ms > 0)) return undefined;
    const username = await this.notes.lastCounsellor(conversationId);
    if (!username) return undefined;
    if (!(await this.canTakeMore(username, await this.options.presence.onDuty()))) return undefined;
    return { counsellor: username, until: this.now() + ms };
  }

  /** Whether this counsellor had the conversation last, before their chat with it now ("was with you before"). */
  async wasWithBefore(conversationId: string, username: string): Promise<boolean> {
    return (await this.notes.lastCounsellor(conversationId)) === username;
  }

  private async capacityOf(username: string): Promise<CounsellorAccount> {
    const account = await this.options.account(username);
    if (!account?.isCounsellor) throw new SessionNotFoundError('Not a counsellor');
    return account;
  }

  /**
   * Claims a chosen conversation (409 when it is gone or the counsellor is at capacity). A team
   * lead taking over (`overCapacity`) may go past their maximum.
   */
  async claim(conversationId: string, counsellor: ActingCounsellor, options: { overCapacity?: boolean } = {}): Promise<HandoffSession> {
    const account = await this.capacityOf(counsellor.username);
    let session: HandoffSession | undefined;
    const job = await this.options.queue.claim(conversationId, counsellor.username, {
      admit: async (data) => {
        if (!options.overCapacity && (await this.options.sessions.countOf(counsellor.username)) >= account.maxConversations) {
          await this.options.metrics?.record({ name: 'claim_refused', lang: data.language, priority: data.priority, reason: 'capacity' });
          throw new AtCapacityError(`You have ${account.maxConversations} conversations open already; end or pass one on first`);
        }
      },
      taken: async (data) => {
        session = {
          conversationId,
          counsellor: counsellor.username,
          claimedAt: this.now(),
          interpreterNeeded: !counsellor.languages.includes(data.language),
          job: withoutPreference(data),
        };
        await this.options.sessions.open(session);
      },
    });
    const opened = session!;
    await this.options.estimator.record(opened.claimedAt - job.requestedAt);
    await this.options.metrics?.record({ name: 'handoff_claimed', lang: job.language, wait: waitBucket(opened.claimedAt - job.requestedAt), priority: job.priority });
    if (opened.interpreterNeeded) await this.options.metrics?.record({ name: 'interpreter_needed', lang: job.language, priority: job.priority });
    await this.options.redis.del(this.options.keys.handoffWaitState(conversationId));
    await this.tell({ type: 'accepted', ref: this.ref(conversationId, job) });
    await this.publish({ type: 'claimed', conversationId, counsellor: counsellor.username });
    return opened;
  }

  /**
   * Claims the next conversation for this counsellor, by one rule: the most urgent first. A danger
   * conversation goes to whoever asks, in any language (interpreter needed when they do not speak
   * it), also one offered first to a colleague; then a conversation offered first to this counsellor
   * (they had it last); then, priority by priority, the first in a language they speak, else the
   * first that nobody on duty speaks — passing over, while their offer lasts, those offered first to
   * a colleague (a claim by id takes any of them at any time).
   * Undefined when there is none for them.
   */
  async claimNext(counsellor: ActingCounsellor): Promise<HandoffSession | undefined> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const list = await this.waitingList();
      const items = list.map((entry) => entry.item);
      const forMe = list.find((entry) => entry.preferred?.counsellor === counsellor.username)?.item;
      const open = list.filter((entry) => !entry.preferred || entry.preferred.counsellor === counsellor.username).map((entry) => entry.item);
      const next = items.find((item) => item.danger) ?? forMe ?? nextForLanguages(open, counsellor.languages);
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

  /** Whether the counsellor holds this conversation now. */
  async holds(conversationId: string, username: string): Promise<boolean> {
    return (await this.options.sessions.get(conversationId))?.counsellor === username;
  }

  /**
   * Transcript (every stored activity), summary and notes of an open conversation. The summary
   * includes what the young person wrote while waiting (as written: it is their message to the counsellor).
   */
  async conversation(
    conversationId: string,
    counsellor: ActingCounsellor,
  ): Promise<{ session: HandoffSession; transcript: Activity[]; summary: BilingualSummary; notes: NoteItem[]; flags: Map<string, MessageScreening>; whileWaiting: string[] }> {
    const session = await this.options.sessions.getOwn(conversationId, counsellor.username);
    const transcript: Activity[] = [];
    let watermark: string | undefined;
    for (;;) {
      const page = await this.options.store.read(conversationId, watermark, 500);
      transcript.push(...page.activities);
      if (page.activities.length < 500 || page.watermark === watermark) break;
      watermark = page.watermark;
    }
    const [notes, flags] = await Promise.all([this.notes.list(conversationId), this.notes.flags(conversationId)]);
    const whileWaiting = writtenWhileWaiting(transcript, session.job.requestedAt, session.claimedAt);
    const summary = bilingualSummary(session.job, { waitedMs: session.claimedAt - session.job.requestedAt, interpreterNeeded: session.interpreterNeeded, whileWaiting: whileWaiting.length });
    return { session, transcript, summary, notes, flags, whileWaiting };
  }

  /**
   * A counsellor's message to the young person, through the conversation's stream. A phrase from
   * the phrasebook carries its text key (`texts`, in the language it was sent in) so the transcript
   * can show its Dutch and English.
   */
  async sendMessage(conversationId: string, counsellor: ActingCounsellor, text: string, texts?: { language: Language; keys: string[] }): Promise<Activity> {
    const clean = typeof text === 'string' ? text.trim() : '';
    if (!clean) throw new HandoffRequestError('The message is empty');
    if ([...clean].length > (this.options.maxMessageLength ?? 4000)) throw new HandoffRequestError('The message is too long');
    const [session, watched] = await Promise.all([this.options.sessions.getOwn(conversationId, counsellor.username), this.notes.mayBeWatched(conversationId)]);
    const extra = texts ? { textLanguage: texts.language, texts: texts.keys.map((key) => ({ key })) } : {};
    return this.options.store.append(conversationId, this.personMessage('counsellor', session.job.language, clean, watched, extra));
  }

  /**
   * A person's message to the young person (plain text, never markdown), from a sender of its own
   * (`channelData.lantern.sender`), named in the young person's language. Once the young person
   * typed their safe word (`watched`) it is `discreet`: no name, and the chat page shows it like
   * the bot's, without the visible "person" label (docs/protocol.md, "The safe word").
   */
  private personMessage(sender: 'counsellor' | 'interpreter', language: Language, text: string, watched: boolean, extra: Record<string, unknown> = {}): Partial<Activity> {
    const name = watched ? {} : { name: this.options.translator.forLanguage(language)(sender === 'counsellor' ? 'web:person' : 'web:interpreter') };
    return {
      type: 'message',
      text,
      textFormat: 'plain',
      from: { id: sender, ...name, role: 'bot' } as Activity['from'],
      channelData: { lantern: { sender, ...(watched ? { discreet: true } : {}), ...extra } },
    };
  }

  /**
   * A phrase of the phrasebook (`safety.safeNow`, or a former quick reply's key) in the young
   * person's language, with its text key `phrases:<key>` on the activity.
   */
  async sendPhrase(conversationId: string, counsellor: ActingCounsellor, key: unknown): Promise<Activity> {
    const session = await this.options.sessions.getOwn(conversationId, counsellor.username);
    const phrase = this.phrasebook.resolve(key);
    if (!phrase) throw new HandoffRequestError('Unknown phrase');
    const text = this.phrasebook.text(session.job.language, phrase);
    if (!text) throw new HandoffRequestError("This phrase is not available in the young person's language");
    return this.sendMessage(conversationId, counsellor, text, { language: session.job.language, keys: [`${PHRASES_NAMESPACE}:${phrase}`] });
  }

  /** An internal note by the counsellor who holds the conversation, at any time in the chat. */
  async addNote(conversationId: string, counsellor: ActingCounsellor, text: unknown): Promise<NoteItem> {
    const clean = typeof text === 'string' ? text.trim() : '';
    if (!clean) throw new HandoffRequestError('The note is empty');
    if ([...clean].length > NOTE_MAX) throw new HandoffRequestError(`The note must be text of at most ${NOTE_MAX} characters`);
    await this.options.sessions.getOwn(conversationId, counsellor.username);
    const note = await this.notes.add(conversationId, { by: counsellor.username, text: clean });
    if (!note) throw new SessionNotFoundError('The conversation has ended');
    return note;
  }

  /**
   * The screening read danger or exploitation in a message the young person sent during the chat:
   * kept with the message (codes), the conversation's priority raised, and its counsellor alerted.
   */
  async flagMessage(conversationId: string, activityId: string, screening: MessageScreening): Promise<void> {
    if (!(await this.notes.flag(conversationId, activityId, screening))) return;
    // Acute danger comes first; possible danger and signs of exploitation raise it a step (the counsellor is there).
    const priority = screening.level === 'urgent' ? 'danger' : 'raised';
    await this.options.sessions.raisePriority(conversationId, priority);
    const session = await this.options.sessions.get(conversationId);
    await this.options.metrics?.record({ name: 'chat_flag', lang: (session?.job.language ?? 'und'), level: screening.level, categories: screening.categories });
    if (session) await this.publish({ type: 'flagged', conversationId, counsellor: session.counsellor, activityId, level: screening.level, categories: screening.categories });
    else await this.raise(conversationId, priority); // not claimed (yet): it moves up the line
  }

  /**
   * The young person typed their safe word: the conversation is marked "may be watched" (kept with
   * its flags, expiring and erased with it), its priority goes to danger (in the list: to the front,
   * and every console is alerted until someone takes it; in a chat: its counsellor is alerted).
   */
  async markMayBeWatched(conversationId: string): Promise<void> {
    if (!(await this.notes.markMayBeWatched(conversationId))) return;
    const session = await this.options.sessions.get(conversationId);
    if (session) await this.options.sessions.raisePriority(conversationId, 'danger');
    else await this.options.queue.raise(conversationId, 'danger');
    await this.publish({ type: 'watched', conversationId, ...(session ? { counsellor: session.counsellor } : {}) });
  }

  /**
   * Counts one re-alert of a waiting danger conversation: the consoles were told again that nobody
   * has taken it. Counted once per interval whichever instance or console re-alerted (a mark that
   * lives a little less than the interval); a count with the language only.
   */
  async countRealert(conversationId: string, language: Language, intervalMs: number): Promise<void> {
    const { redis, keys, metrics } = this.options;
    const fresh = await redis.set(keys.handoffRealertMark(conversationId), '1', 'PX', Math.max(1, Math.floor(intervalMs * 0.9)), 'NX');
    if (fresh === 'OK') await metrics?.record({ name: 'danger_realert', lang: language });
  }

  /** Whether the young person typed their safe word in this conversation. */
  mayBeWatched(conversationId: string): Promise<boolean> {
    return this.notes.mayBeWatched(conversationId);
  }

  /**
   * A one-time link for an interpreter to join this conversation (the counsellor who holds it); an
   * earlier link stops working, and an interpreter who had joined with it leaves.
   */
  async inviteInterpreter(conversationId: string, counsellor: ActingCounsellor): Promise<IssuedInterpreterLink> {
    await this.options.sessions.getOwn(conversationId, counsellor.username);
    const earlier = await this.interpreters.state(conversationId);
    const link = await this.interpreters.create(conversationId, counsellor.username);
    if (earlier?.joinedAt) await this.interpreterLeft(conversationId);
    return link;
  }

  /** Withdraws the interpreter's link (and the interpreter, if they joined). False when there was none. */
  async removeInterpreter(conversationId: string, counsellor: ActingCounsellor): Promise<boolean> {
    await this.options.sessions.getOwn(conversationId, counsellor.username);
    const revoked = await this.interpreters.revoke(conversationId);
    if (!revoked) return false;
    if (revoked.joinedAt) await this.interpreterLeft(conversationId);
    return true;
  }

  /** The young person's language in an open conversation (undefined when nobody has it). */
  async conversationLanguage(conversationId: string): Promise<Language | undefined> {
    return (await this.options.sessions.get(conversationId))?.job.language;
  }

  /** Whether the young person came back to this conversation with a return code (directline/ReturnCodes.ts). */
  async cameBackWithCode(conversationId: string): Promise<boolean> {
    return (await this.options.redis.hget(this.options.keys.conversationMeta(conversationId), CAME_BACK_FIELD)) !== null;
  }

  /** The interpreter's link of a conversation, while it works. */
  interpreterState(conversationId: string): Promise<InterpreterLinkState | undefined> {
    return this.interpreters.state(conversationId);
  }

  /**
   * An interpreter opens their link: a session for this conversation only; the young person is told
   * (in their language) and the counsellor's console sees it. Undefined when the link does not work.
   */
  async interpreterJoins(token: unknown): Promise<{ sessionId: string; state: InterpreterLinkState } | undefined> {
    const joined = await this.interpreters.redeem(token);
    if (!joined) return undefined;
    const session = await this.options.sessions.get(joined.state.conversationId);
    if (!session) {
      await this.interpreters.revoke(joined.state.conversationId);
      return undefined;
    }
    await this.tell({ type: 'interpreter', ref: this.ref(session.conversationId, session.job), joined: true });
    await this.publish({ type: 'interpreter', conversationId: session.conversationId, counsellor: session.counsellor, joined: true });
    return joined;
  }

  private async interpreterLeft(conversationId: string): Promise<void> {
    const session = await this.options.sessions.get(conversationId);
    if (!session) return;
    await this.tell({ type: 'interpreter', ref: this.ref(conversationId, session.job), joined: false });
    await this.publish({ type: 'interpreter', conversationId, counsellor: session.counsellor, joined: false });
  }

  /** An interpreter leaves by themselves (their page's "leave"). */
  async interpreterLeaves(state: InterpreterLinkState): Promise<void> {
    const revoked = await this.interpreters.revoke(state.conversationId);
    if (revoked?.joinedAt) await this.interpreterLeft(state.conversationId);
  }

  /**
   * What the interpreter sees: the chat since they joined (the young person, the counsellor and the
   * interpreter; not the bot, not notes, not the screening), after `after` (a watermark).
   */
  async interpreterTranscript(state: InterpreterLinkState, after?: string): Promise<{ lines: TranscriptLine[]; watermark?: string; ended: boolean }> {
    const session = await this.options.sessions.get(state.conversationId);
    if (!session || (await this.options.store.status(state.conversationId)) !== 'active') return { lines: [], ended: true };
    const since = state.joinedAt ?? this.now();
    const lines: TranscriptLine[] = [];
    let watermark = typeof after === 'string' && /^\d{1,15}-\d{1,15}$/.test(after) ? after : undefined;
    for (;;) {
      const page = await this.options.store.read(state.conversationId, watermark, 500);
      for (const activity of page.activities) {
        const at = activity.timestamp ? new Date(activity.timestamp).getTime() : NaN;
        if (activity.type !== 'message' || !(at >= since)) continue;
        const sender = (activity.channelData as { lantern?: { sender?: string } } | undefined)?.lantern?.sender;
        const who = activity.from?.role === 'user' ? 'young_person' : sender === 'counsellor' || sender === 'interpreter' ? sender : undefined;
        if (!who) continue;
        lines.push({ id: activity.id ?? '', at: String(activity.timestamp ?? ''), sender: who, text: activity.text ?? '' });
      }
      if (page.activities.length < 500 || page.watermark === watermark) {
        watermark = page.watermark ?? watermark;
        break;
      }
      watermark = page.watermark;
    }
    return { lines, ...(watermark ? { watermark } : {}), ended: false };
  }

  /** The interpreter's message to the chat (the young person and the counsellor both see it). */
  async interpreterMessage(state: InterpreterLinkState, text: unknown): Promise<Activity> {
    const clean = typeof text === 'string' ? text.trim() : '';
    if (!clean) throw new HandoffRequestError('The message is empty');
    if ([...clean].length > (this.options.maxMessageLength ?? 4000)) throw new HandoffRequestError('The message is too long');
    const [session, watched] = await Promise.all([this.options.sessions.get(state.conversationId), this.notes.mayBeWatched(state.conversationId)]);
    if (!session) throw new SessionNotFoundError('The conversation has ended');
    return this.options.store.append(state.conversationId, this.personMessage('interpreter', session.job.language, clean, watched));
  }

  /** Colleagues on duty (not me), with their languages and room for more conversations. */
  async colleagues(me: string): Promise<Colleague[]> {
    const onDuty = (await this.options.presence.onDuty()).filter((c) => c.username !== me);
    const result = [];
    for (const colleague of onDuty) {
      const account = await this.options.account(colleague.username);
      if (!account?.isCounsellor || !account.signedIn) continue;
      const open = await this.options.sessions.countOf(colleague.username);
      result.push({ ...colleague, open, max: account.maxConversations, room: open < account.maxConversations });
    }
    return result;
  }

  /**
   * Hands the conversation to a colleague on duty with room (409 otherwise), with a short handover
   * note they see, or back to the line ("queue").
   */
  async transfer(conversationId: string, counsellor: ActingCounsellor, to: string, note?: unknown): Promise<void> {
    if (note !== undefined && note !== null && (typeof note !== 'string' || [...note].length > HANDOVER_NOTE_MAX)) {
      throw new HandoffRequestError(`The handover note must be text of at most ${HANDOVER_NOTE_MAX} characters`);
    }
    await this.options.sessions.getOwn(conversationId, counsellor.username);
    if (to === 'queue') {
      await this.returnToList(conversationId, counsellor.username, 'transfer_to_list');
      return;
    }
    if (to === counsellor.username) throw new HandoffRequestError('Unknown colleague');
    await this.moveSession(conversationId, counsellor.username, to, { note: typeof note === 'string' ? note.trim() : '' });
  }

  /**
   * Moves an open conversation from one counsellor to another who is on duty (with room, unless
   * `overCapacity`), under the claim lock so capacity holds; the young person is told another
   * counsellor takes over, and the consoles see a transfer (with `by` when a team lead moved it).
   */
  async moveSession(conversationId: string, from: string, to: string, options: { note?: string; by?: string; overCapacity?: boolean } = {}): Promise<HandoffSession> {
    const account = await this.options.account(to);
    if (!account?.isCounsellor) throw new HandoffRequestError('Unknown colleague');
    const onDuty = (await this.options.presence.onDuty()).find((c) => c.username === to);
    if (!onDuty || !account.signedIn) throw new ColleagueNotOnDutyError('This colleague is not on duty now');
    const note = options.note ?? '';
    let moved: HandoffSession | undefined;
    await this.options.queue.underClaimLock(async () => {
      if (!options.overCapacity && (await this.options.sessions.countOf(to)) >= account.maxConversations) throw new AtCapacityError('This colleague has no room for another conversation');
      const session = await this.options.sessions.get(conversationId);
      if (!session || session.counsellor !== from) throw new SessionNotFoundError('No open conversation with that id');
      const job = await this.options.sessions.take(conversationId, from);
      if (!job) throw new SessionNotFoundError('No open conversation with that id');
      moved = {
        ...session,
        job,
        counsellor: to,
        interpreterNeeded: !onDuty.languages.includes(job.language),
        ...(note ? { handover: { from: options.by ?? from, note, at: this.now() } } : { handover: undefined }),
      };
      await this.options.sessions.open(moved);
    });
    await this.options.sessions.forgetHolderIfIdle(from);
    if (note) await this.notes.add(conversationId, { by: options.by ?? from, text: note, handover: true });
    await this.tell({ type: 'transferred', ref: this.ref(conversationId, moved!.job) });
    await this.publish({ type: 'transferred', conversationId, from, to, ...(options.by ? { by: options.by } : {}) });
    return moved!;
  }

  /** Ends the conversation with an outcome code and an optional internal note; the bot takes over again. */
  async end(conversationId: string, counsellor: ActingCounsellor, outcome: unknown, note?: unknown): Promise<Outcome> {
    if (!isOutcome(outcome)) throw new HandoffRequestError('Unknown outcome');
    if (note !== undefined && (typeof note !== 'string' || [...note].length > NOTE_MAX)) throw new HandoffRequestError(`The note must be text of at most ${NOTE_MAX} characters`);
    const session = await this.options.sessions.getOwn(conversationId, counsellor.username);
    const job = await this.options.sessions.take(conversationId, counsellor.username);
    if (!job) throw new SessionNotFoundError('No open conversation with that id for you');
    if (typeof note === 'string' && note.trim()) await this.notes.add(conversationId, { by: counsellor.username, text: note.trim() });
    // Should the young person ask for a person again, this counsellor is offered it first while on duty.
    await this.notes.rememberCounsellor(conversationId, counsellor.username);
    await this.interpreters.revoke(conversationId);
    await this.options.sessions.forgetHolderIfIdle(counsellor.username);
    await this.options.metrics?.record({ name: 'outcome', lang: session.job.language, code: outcome });
    if ((await this.options.store.status(conversationId)) === 'active') {
      await this.tell({ type: 'completed', ref: this.ref(conversationId, session.job) });
    }
    await this.publish({ type: 'ended', conversationId, counsellor: counsellor.username, outcome });
    return outcome;
  }

  /**
   * Puts a counsellor's conversation back in the list at its priority and original waiting time
   * (so it comes near the front); tells the young person and every console. False when the
   * counsellor no longer held it. An interpreter's link ends with it (the next counsellor may make one).
   */
  async returnToList(conversationId: string, from: string, why: RequeueReason, by?: string): Promise<boolean> {
    const job = await this.options.sessions.take(conversationId, from);
    if (!job) return false;
    await this.interpreters.revoke(conversationId);
    await this.options.sessions.forgetHolderIfIdle(from);
    if ((await this.options.store.status(conversationId)) !== 'active') {
      await this.publish({ type: 'ended', conversationId, counsellor: from, outcome: 'young_person_left' });
      return true;
    }
    // They had it last (a later request for a person is offered to them first while on duty), but
    // back in the list now it is everyone's: no offer to anyone.
    await this.notes.rememberCounsellor(conversationId, from);
    const position = await this.options.queue.enqueue({ ...withoutPreference(job), returned: (job.returned ?? 0) + 1 });
    if (why === 'counsellor_left') await this.options.metrics?.record({ name: 'handoff_returned', lang: job.language, priority: job.priority });
    await this.options.redis.hdel(this.options.keys.handoffWaitState(conversationId), 'shown');
    await this.tell({ type: 'requeued', ref: this.ref(conversationId, job), position, why });
    await this.publish({ type: 'requeued', conversationId, from, why, danger: job.priority === 'danger', ...(by ? { by } : {}) });
    return true;
  }

  /**
   * A counsellor's access ends (logout, account removed, session expired, console gone): every
   * conversation they hold goes back to the list, and every console of theirs stops following them.
   * Returns how many went back.
   */
  async releaseAll(username: string, reason: AccessEndReason): Promise<number> {
    let returned = 0;
    for (const session of await this.options.sessions.ofCounsellor(username)) {
      if (await this.returnToList(session.conversationId, username, 'counsellor_left')) returned += 1;
    }
    await this.options.sessions.forgetHolderIfIdle(username);
    await this.options.presence.leave(username);
    await this.publish({ type: 'accessEnded', counsellor: username, reason });
    return returned;
  }

  /**
   * Finds conversations nobody is really holding: the counsellor's account is gone, no session of
   * theirs is alive, or their console has sent no heartbeat for the grace period. Returns them.
   */
  async sweep(): Promise<number> {
    let returned = 0;
    const now = this.now();
    for (const username of await this.options.sessions.holders()) {
      if ((await this.options.sessions.countOf(username)) === 0) {
        await this.options.sessions.forgetHolderIfIdle(username);
        continue;
      }
      const account = await this.options.account(username);
      const lastSeen = await this.options.presence.lastHeartbeat(username);
      let reason: AccessEndReason | undefined;
      if (!account?.isCounsellor) reason = 'removed';
      else if (!account.signedIn) reason = 'session_expired';
      else if (lastSeen === undefined || now - lastSeen > this.options.counsellorGraceMs) reason = 'disconnected';
      if (reason) returned += await this.releaseAll(username, reason);
    }
    return returned;
  }

  /**
   * Writes one field of what the waiting young person was told, only while the conversation is
   * alive (atomically: a deletion or quick exit in between never leaves a record naming it).
   */
  private async rememberWaitState(conversationId: string, field: string, value: string): Promise<void> {
    const { redis, keys } = this.options;
    await runScript(redis, WRITE_WAIT_STATE, [keys.handoffWaitState(conversationId), keys.conversationMeta(conversationId)], [field, value, this.options.notesTtlSeconds]);
  }

  /**
   * A claim interrupted between taking the job and completing it (the process died) leaves the job
   * active with nobody holding the conversation: after the claim lock's lifetime it goes back to
   * the list (or is dropped when the session was opened, or the conversation is gone).
   */
  private async recoverInterruptedClaims(): Promise<void> {
    for (const stuck of await this.options.queue.interruptedClaims(30_000)) {
      const held = await this.options.sessions.get(stuck.conversationId);
      const alive = (await this.options.store.status(stuck.conversationId)) === 'active';
      await this.options.queue.drop(stuck.conversationId);
      if (!held && alive) {
        await this.options.queue.enqueue(stuck.data);
        await this.publish({ type: 'queueChanged' });
      }
    }
  }

  /** The young person deleted the conversation: out of the line, and an open session closes. */
  async forget(conversationId: string): Promise<void> {
    await this.options.queue.cancel(conversationId);
    await this.options.redis.del(
      this.options.keys.handoffWaitState(conversationId),
      this.options.keys.handoffNotes(conversationId),
      this.options.keys.handoffFlags(conversationId),
      this.options.keys.handoffLastCounsellor(conversationId),
      this.options.keys.handoffRealertMark(conversationId),
    );
    await this.interpreters.revoke(conversationId);
    const session = await this.options.sessions.closeAny(conversationId);
    if (session) {
      await this.options.sessions.forgetHolderIfIdle(session.counsellor);
      await this.publish({ type: 'ended', conversationId, counsellor: session.counsellor, outcome: 'young_person_left' });
    }
  }

  /** A waiting young person typed danger: they move up (to the front for danger), and the consoles alert. */
  async raise(conversationId: string, priority: 'danger' | 'raised' = 'danger'): Promise<boolean> {
    const raised = await this.options.queue.raise(conversationId, priority);
    if (raised) await this.publish({ type: 'queueChanged' });
    return raised;
  }

  /**
   * Keeps the line honest (run every few seconds by one instance): returns orphaned conversations,
   * takes out young people whose page has been gone too long, tells the others their place and
   * estimate when they change, and after a long wait (sooner in danger) the 24/7 alternatives and
   * the choice to keep waiting.
   */
  async tick(): Promise<void> {
    await this.sweep();
    await this.recoverInterruptedClaims();
    let entries: WaitingEntry[] = await this.options.queue.waiting();
    const now = this.now();
    let removed = false;
    for (const entry of entries) {
      // Gone (deleted, expired, quick exit): out of the list, nothing written for it again.
      if ((await this.options.store.status(entry.conversationId)) !== 'active') {
        if (await this.options.queue.cancel(entry.conversationId)) {
          removed = true;
          await this.options.metrics?.record({ name: 'handoff_unreached', lang: entry.data.language, priority: entry.data.priority, why: 'gone' });
        }
        await this.options.redis.del(this.options.keys.handoffWaitState(entry.conversationId));
        continue;
      }
      const lastSeen = Math.max((await this.options.store.lastSeen(entry.conversationId).catch(() => undefined)) ?? 0, entry.data.requestedAt);
      if (now - lastSeen <= this.options.youngPersonAwayMs) continue;
      if (await this.options.queue.cancel(entry.conversationId)) {
        removed = true;
        await this.options.metrics?.record({ name: 'handoff_left', lang: entry.data.language });
        await this.options.metrics?.record({ name: 'handoff_unreached', lang: entry.data.language, priority: entry.data.priority, why: 'left' });
        await this.options.redis.del(this.options.keys.handoffWaitState(entry.conversationId));
        await this.tell({ type: 'away', ref: this.ref(entry.conversationId, entry.data) }).catch(() => undefined);
      }
    }
    if (removed) {
      await this.publish({ type: 'queueChanged' });
      entries = await this.options.queue.waiting();
    }
    const onDuty = (await this.options.presence.onDuty()).length;
    // Staffing by hour of the week: one sample of how many are on duty per tick (the average is sum / samples).
    await this.options.metrics?.record({ name: 'duty_sample', onDuty });
    const estimate = await this.options.estimator.estimator(onDuty);
    const closed = this.options.isOpen ? !this.options.isOpen(new Date(now)) : false;
    for (const entry of entries) {
      const key = this.options.keys.handoffWaitState(entry.conversationId);
      const state = await this.options.redis.hgetall(key);
      const minutes = estimate(entry.position);
      const ref = this.ref(entry.conversationId, entry.data);
      const shown = `${entry.position}:${minutes ?? '-'}`;
      const danger = entry.data.priority === 'danger';
      try {
        if (state.shown !== shown) {
          await this.tell({ type: 'waiting', ref, position: entry.position, estimatedWaitMinutes: minutes });
          await this.rememberWaitState(entry.conversationId, 'shown', shown);
        }
        const offeredAt = Number(state.offeredAt ?? 0);
        const waitedFrom = Math.max(entry.data.requestedAt, offeredAt);
        if (now - waitedFrom >= (danger ? this.options.dangerWaitTimeoutMs : this.options.waitTimeoutMs)) {
          await this.tell({ type: 'timedOut', ref, danger });
          await this.options.metrics?.record({ name: 'handoff_timed_out', lang: entry.data.language, priority: entry.data.priority });
          await this.rememberWaitState(entry.conversationId, 'offeredAt', String(now));
        }
        if (closed && !state.closedAt) {
          // Still waiting when the counsellors went home: not reached (once per conversation).
          await this.options.metrics?.record({ name: 'handoff_unreached', lang: entry.data.language, priority: entry.data.priority, why: 'closing' });
          await this.rememberWaitState(entry.conversationId, 'closedAt', String(now));
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

/** The job without an offer to a counsellor (a session, or back in the list, offers nothing). */
function withoutPreference(job: HandoffJobData): HandoffJobData {
  if (!('preferred' in job)) return job;
  const { preferred: _offer, ...rest } = job;
  return rest;
}

/** Below danger: the highest priority first; within it, a language spoken, else one nobody on duty speaks. */
function nextForLanguages(items: readonly QueueItem[], languages: readonly Language[]): QueueItem | undefined {
  for (const priority of ['raised', 'normal'] as const) {
    const tier = items.filter((item) => item.priority === priority);
    const next = tier.find((item) => languages.includes(item.language)) ?? tier.find((item) => item.interpreterNeeded);
    if (next) return next;
  }
  return undefined;
}

/** The young person's typed messages after the handoff was asked for (what they wrote while waiting). */
export function writtenWhileWaiting(transcript: readonly Activity[], requestedAt: number, claimedAt: number): string[] {
  const lines: string[] = [];
  for (const activity of transcript) {
    if (activity.type !== 'message' || activity.from?.role !== 'user' || typeof activity.text !== 'string') continue;
    if (activity.value && typeof activity.value === 'object') continue;
    const at = activity.timestamp ? new Date(activity.timestamp).getTime() : NaN;
    if (Number.isFinite(at) && at >= requestedAt && at <= claimedAt && activity.text.trim()) lines.push(activity.text);
  }
  return lines;
}

export { SessionNotFoundError };

/** Why a conversation is in the list, from its handoff codes. */
function triageOf(job: HandoffJobData): Triage {
  const screening = job.screening ?? { signals: {} };
  return {
    reason: job.reason,
    ...(screening.dangerNow ? { dangerNow: screening.dangerNow } : {}),
    signals: Object.entries(screening.signals ?? {})
      .filter(([, answer]) => answer === 'yes')
      .map(([signal]) => signal),
    categories: [...(screening.freeText?.categories ?? [])],
    intents: [...(screening.freeText?.intents ?? [])],
  };
}

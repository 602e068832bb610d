/**
 * What a team lead (and an admin) does: see every open conversation and every counsellor on duty
 * with their load, and steer: take a conversation over, give it to a colleague, or put it back in
 * the list. Built on the HandoffService's own moves, so the same rules hold (the claim lock,
 * capacity for the colleague, the young person told, the consoles told); the counsellor who had
 * the conversation sees who moved it.
 */
import type { TeamConversation, TeamCounsellor, TeamView } from '../contracts/counsellorApi.js';
import type { ConversationStore } from '../directline/ConversationStore.js';
import type { CounsellorPresence } from './CounsellorPresence.js';
import { ColleagueNotOnDutyError, HandoffRequestError, SessionNotFoundError } from './errors.js';
import type { ActingCounsellor, CounsellorAccount, HandoffService } from './HandoffService.js';
import type { HandoffSession, HandoffSessions } from './HandoffSessions.js';

/** Options of TeamLead. */
export interface TeamLeadOptions {
  service: HandoffService;
  sessions: HandoffSessions;
  presence: CounsellorPresence;
  store: ConversationStore;
  account: (username: string) => Promise<CounsellorAccount | undefined>;
  /** A conversation's short reference (the one the audit trail names it by). */
  reference: (conversationId: string) => Promise<string>;
  now?: () => number;
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

/** The team lead's view and moves (see the module comment). */
export class TeamLead {
  private readonly now: () => number;

  constructor(private readonly options: TeamLeadOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Every open conversation (waiting, then talking, most urgent first) and every counsellor on duty or holding one. */
  async view(): Promise<TeamView> {
    const { service, sessions, presence, store } = this.options;
    const now = this.now();
    const [waiting, holders, onDuty] = await Promise.all([service.queueItems(), sessions.holders(), presence.onDuty()]);
    const conversations: TeamConversation[] = [];
    for (const item of waiting) {
      conversations.push({
        conversationId: item.conversationId,
        reference: await this.options.reference(item.conversationId),
        state: 'waiting',
        language: item.language,
        priority: item.priority,
        interpreterNeeded: item.interpreterNeeded,
        interpreterPresent: false,
        waitingSeconds: item.waitingSeconds,
        lastSeenSeconds: item.lastSeenSeconds,
      });
    }
    const held = new Map<string, HandoffSession[]>();
    for (const username of new Set([...holders, ...onDuty.map((c) => c.username)])) held.set(username, await sessions.ofCounsellor(username));
    const talking: TeamConversation[] = [];
    for (const list of held.values()) {
      for (const session of list) {
        const [reference, interpreter, lastSeen] = await Promise.all([
          this.options.reference(session.conversationId),
          service.interpreterState(session.conversationId),
          store.lastSeen(session.conversationId).catch(() => undefined),
        ]);
        talking.push({
          conversationId: session.conversationId,
          reference,
          state: 'talking',
          counsellor: session.counsellor,
          language: session.job.language,
          priority: session.job.priority,
          interpreterNeeded: session.interpreterNeeded,
          interpreterPresent: Boolean(interpreter?.joinedAt),
          waitingSeconds: seconds(now - session.job.requestedAt),
          talkingSeconds: seconds(now - session.claimedAt),
          lastSeenSeconds: lastSeen === undefined ? null : seconds(now - lastSeen),
        });
      }
    }
    const rank = { danger: 0, raised: 1, normal: 2 } as const;
    talking.sort((a, b) => rank[a.priority] - rank[b.priority] || (b.talkingSeconds ?? 0) - (a.talkingSeconds ?? 0));
    conversations.push(...talking);

    const counsellors: TeamCounsellor[] = [];
    const duty = new Map(onDuty.map((c) => [c.username, c.languages]));
    for (const [username, list] of held) {
      const account = await this.options.account(username);
      if (!account?.isCounsellor) continue;
      counsellors.push({
        username,
        role: account.role ?? 'counsellor',
        languages: duty.get(username) ?? [],
        open: list.length,
        max: account.maxConversations,
        onDuty: duty.has(username) && account.signedIn,
      });
    }
    counsellors.sort((a, b) => Number(b.onDuty) - Number(a.onDuty) || a.username.localeCompare(b.username));
    return { conversations, counsellors };
  }

  /**
   * The team lead takes the conversation: from the list, or from the colleague who has it (past the
   * lead's own maximum: stepping in must always be possible).
   */
  async takeOver(conversationId: string, lead: ActingCounsellor): Promise<{ session: HandoffSession; from?: string }> {
    const current = await this.options.sessions.get(conversationId);
    if (current?.counsellor === lead.username) return { session: current };
    if (current) {
      const session = await this.options.service.moveSession(conversationId, current.counsellor, lead.username, { by: lead.username, overCapacity: true });
      return { session, from: current.counsellor };
    }
    return { session: await this.options.service.claim(conversationId, lead, { overCapacity: true }) };
  }

  /** Gives the conversation (waiting or open) to a colleague on duty with room. */
  async reassign(conversationId: string, lead: ActingCounsellor, to: unknown): Promise<{ session: HandoffSession; from?: string }> {
    if (typeof to !== 'string' || to === '') throw new HandoffRequestError('Say who gets the conversation (to: a username)');
    if (to === lead.username) return this.takeOver(conversationId, lead);
    const current = await this.options.sessions.get(conversationId);
    if (current?.counsellor === to) throw new HandoffRequestError('This colleague has the conversation already');
    if (current) {
      const session = await this.options.service.moveSession(conversationId, current.counsellor, to, { by: lead.username });
      return { session, from: current.counsellor };
    }
    const colleague = (await this.options.presence.onDuty()).find((c) => c.username === to);
    const account = await this.options.account(to);
    if (!account?.isCounsellor) throw new HandoffRequestError('Unknown colleague');
    if (!colleague || !account.signedIn) throw new ColleagueNotOnDutyError('This colleague is not on duty now');
    return { session: await this.options.service.claim(conversationId, { username: to, languages: colleague.languages }) };
  }

  /** Puts an open conversation back in the list (near the front, at its priority). */
  async returnToList(conversationId: string, lead: ActingCounsellor): Promise<{ from: string }> {
    const current = await this.options.sessions.get(conversationId);
    if (!current) throw new SessionNotFoundError('No open conversation with that id');
    if (!(await this.options.service.returnToList(conversationId, current.counsellor, 'transfer_to_list', lead.username))) {
      throw new SessionNotFoundError('No open conversation with that id');
    }
    return { from: current.counsellor };
  }
}

/** A conversation's bot state key (`<channel>/conversations/<id>/<namespace>`), as botbuilder's ConversationState makes it. */
const CONVERSATION_STATE = /^([^/{}]*)\/conversations\/([^/{}]+)\/(.*)$/s;

/**
 * Every Redis key Lantern writes, built in one place from one prefix,
 * so tests can isolate themselves and the data lifecycle can find everything.
 *
 * Hash tags (`{…}`: Redis Cluster puts keys with the same tag in the same slot), so that every Lua
 * script and MULTI touches keys of one slot only, on one Redis and on a cluster alike:
 * - `{<conversation id>}`: everything of one conversation that scripts use together (its stream and
 *   metadata, bot state, turn lock, the handoff's wait state, notes, flags and last counsellor);
 * - `{handoff}`: what counsellors share (claim lock, live sessions and who holds them, presence,
 *   recent waits, interpreters' links), so claiming, closing and redeeming stay atomic;
 * - `{staff}`: accounts, sessions, login counters and links (their scripts span several of them);
 * - `{metrics}`: hourly and daily counters (the rollup moves one into the other);
 * - `{bull}`: BullMQ's keys (`<prefix>{bull}:<queue>:…`, as BullMQ asks for a cluster);
 * - `{<pseudonym>}`: the two windows of one young person's activity rate limit;
 * - `{returncode}`: return codes (hashes only), each conversation's current one, and the wrong-code counters.
 * Keys used alone (secrets, the audit trail, tombstones, token rate-limit counters) have no tag.
 * The prefix comes first, outside the braces, and may not contain braces itself (it would become
 * the tag of everything).
 */
export class RedisKeys {
  constructor(readonly prefix: string) {
    if (/[{}]/.test(prefix)) throw new RangeError('RedisKeys: the key prefix may not contain { or } (Redis Cluster reads them as a hash tag)');
  }

  /** Stream of a conversation's activities (Direct Line transcript). */
  conversationActivities(conversationId: string): string {
    return `${this.prefix}dl:conv:{${conversationId}}:activities`;
  }

  /** Hash with a conversation's channel metadata (created, ended). */
  conversationMeta(conversationId: string): string {
    return `${this.prefix}dl:conv:{${conversationId}}:meta`;
  }

  /**
   * Bot Framework state item (conversation or user state) stored by RedisStorage. A conversation's
   * state (`<channel>/conversations/<id>/…`) carries the conversation's tag; other items their own key.
   */
  botState(storageKey: string): string {
    const conversation = CONVERSATION_STATE.exec(storageKey);
    if (conversation) return `${this.prefix}state:${conversation[1]}/conversations/{${conversation[2]}}/${conversation[3]}`;
    return `${this.prefix}state:${storageKey}`;
  }

  /** Short lock that serialises turns of one conversation across app instances. */
  turnLock(conversationId: string): string {
    return `${this.prefix}turnlock:{${conversationId}}`;
  }

  /** Shared secret that signs Direct Line tokens, so every instance accepts every token. */
  tokenSecret(): string {
    return `${this.prefix}secret:directline-token`;
  }

  /** Prefix of the anonymous token rate-limit counters (keyed by a salted hash, never an address). */
  rateLimitPrefix(): string {
    return `${this.prefix}dl:ratelimit:`;
  }

  /**
   * The two counters (burst and longer window) of one young person's activity rate limit, under a
   * rate-limit prefix (`rateLimitPrefix()`), named by a pseudonym and sharing its tag (one script
   * counts both).
   */
  static activityRateLimit(rateLimitPrefix: string, pseudonym: string): { burst: string; window: string } {
    return { burst: `${rateLimitPrefix}activities:{${pseudonym}}:b`, window: `${rateLimitPrefix}activities:{${pseudonym}}:w` };
  }

  /**
   * A return code (docs/protocol.md, "Return code"): the keyed hash (HMAC) of the code → the
   * conversation id, until it is used once or expires. Under its own tag `{returncode}` with the
   * other return-code keys (the code index is not per conversation), so each script is one slot.
   */
  returnCode(codeHash: string): string {
    return `${this.prefix}{returncode}:code:${codeHash}`;
  }

  /** The keyed hash of a conversation's current return code (so asking again replaces it), expiring with the code. */
  returnCodeOfConversation(conversationId: string): string {
    return `${this.prefix}{returncode}:conversation:${conversationId}`;
  }

  /** Wrong return codes counted for one client (a keyed hash of its address, never the address), per window. */
  returnCodeGuessesOfClient(clientPseudonym: string): string {
    return `${this.prefix}{returncode}:wrong:client:${clientPseudonym}`;
  }

  /** Wrong return codes counted from everyone, per window. */
  returnCodeGuessesGlobal(): string {
    return `${this.prefix}{returncode}:wrong:all`;
  }

  /** BullMQ prefix (BullMQ adds `:<queue>:...`), a hash tag as BullMQ requires on a cluster. */
  bullPrefix(): string {
    return `${this.prefix}{bull}`;
  }

  /** Serialises claims on the handoff queue (held for milliseconds). */
  handoffClaimLock(): string {
    return `${this.prefix}{handoff}:claimlock`;
  }

  /**
   * Live session of a handed-off conversation (hash, with TTL). In `{handoff}`, with the counsellors'
   * indexes it is opened and closed with atomically (HandoffSessions).
   */
  handoffSession(conversationId: string): string {
    return `${this.prefix}{handoff}:session:${conversationId}`;
  }

  /** Conversations a counsellor has open (set). */
  counsellorSessions(username: string): string {
    return `${this.prefix}{handoff}:counsellor:${username}:sessions`;
  }

  /** Usernames of counsellors who may hold open conversations (set; the sweep's index, no conversation ids). */
  handoffHolders(): string {
    return `${this.prefix}{handoff}:holders`;
  }

  /** Redis pub/sub channel of the young people's typing activities, echoed on their streams (nothing stored). */
  directLineTypingChannel(): string {
    return `${this.prefix}dl:typing`;
  }

  /**
   * Redis pub/sub channel on which every append to a conversation stream announces the
   * conversation id (ids only, never text; nothing stored), so each instance's stream hub reads
   * only the streams that changed.
   */
  directLineAppendedChannel(): string {
    return `${this.prefix}dl:appended`;
  }

  /** Redis pub/sub channel of handoff events between app instances (nothing stored). */
  handoffEventsChannel(): string {
    return `${this.prefix}handoff:events`;
  }

  /** Counsellors on duty: username → last heartbeat (ms), a sorted set. */
  counsellorPresence(): string {
    return `${this.prefix}{handoff}:presence`;
  }

  /** Languages of the counsellors on duty: username → "ar,nl" (hash). */
  counsellorLanguages(): string {
    return `${this.prefix}{handoff}:presence:languages`;
  }

  /** Recent waiting times in ms (a capped list), for honest wait estimates. */
  handoffWaits(): string {
    return `${this.prefix}{handoff}:waits`;
  }

  /** What the young person was last told while waiting (hash: position, offeredAt), with TTL. */
  handoffWaitState(conversationId: string): string {
    return `${this.prefix}handoff:wait:{${conversationId}}`;
  }

  /** Counsellors' internal notes on a conversation (list of JSON), expiring with it. */
  handoffNotes(conversationId: string): string {
    return `${this.prefix}handoff:notes:{${conversationId}}`;
  }

  /** What the screening read in the young person's messages during a chat (hash: activity id → codes), expiring with it. */
  handoffFlags(conversationId: string): string {
    return `${this.prefix}handoff:flags:{${conversationId}}`;
  }

  /**
   * The staff username of the counsellor who had the conversation last (a string, written when their
   * chat with it ends or goes back to the list), expiring with the conversation: a new request for a
   * person is offered to them first while they are on duty (HandoffService, PREFERRED_COUNSELLOR_SECONDS).
   */
  handoffLastCounsellor(conversationId: string): string {
    return `${this.prefix}handoff:last-counsellor:{${conversationId}}`;
  }

  /**
   * Set (for less than one re-alert interval) when the consoles were alerted again about a danger
   * conversation nobody had taken: the re-alert is counted once, whichever instance or console saw it.
   */
  handoffRealertMark(conversationId: string): string {
    return `${this.prefix}handoff:realert:{${conversationId}}`;
  }

  /**
   * An interpreter's one-time link for a conversation (hash: token hash, expiry, who made it, when
   * they joined, their session's hash), expiring with the link; deleted when the conversation ends.
   * In `{handoff}` with the token and session keys, so redeeming a link is one atomic script.
   */
  handoffInterpreter(conversationId: string): string {
    return `${this.prefix}{handoff}:interpreter:${conversationId}`;
  }

  /** SHA-256 (hex) of an interpreter's link token → the conversation, until redeemed or expired. */
  interpreterToken(tokenHash: string): string {
    return `${this.prefix}{handoff}:interpreter-token:${tokenHash}`;
  }

  /** SHA-256 (hex) of an interpreter's session id → the conversation, expiring with the link. */
  interpreterSession(sessionHash: string): string {
    return `${this.prefix}{handoff}:interpreter-session:${sessionHash}`;
  }

  /** Set of every staff username (the index behind listing and counting staff accounts). */
  staffUsers(): string {
    return `${this.prefix}{staff}:users`;
  }

  /** Hash of one staff account (role, languages, password hash, created). */
  staffUser(username: string): string {
    return `${this.prefix}{staff}:user:${username}`;
  }

  /**
   * Hash of the failed-login count and lock of one username, kept for unknown usernames too
   * (so a lock does not reveal whether an account exists); expires by itself.
   */
  staffLoginAttempts(username: string): string {
    return `${this.prefix}{staff}:login:${username}`;
  }

  /** Hash of one staff session, keyed by the SHA-256 (hex) of the session id, never the id itself. */
  staffSession(sessionIdHash: string): string {
    return `${this.prefix}{staff}:session:${sessionIdHash}`;
  }

  /** Set of the session id hashes of one staff member (to revoke all their sessions). */
  staffUserSessions(username: string): string {
    return `${this.prefix}{staff}:user-sessions:${username}`;
  }

  /** SHA-256 (hex) of the one-time setup token that creates the first admin (expires by itself). */
  staffSetupToken(): string {
    return `${this.prefix}{staff}:setup-token`;
  }

  /**
   * Hash of the failed logins and lock of one username from one client (a keyed hash of the client
   * address, never the address), so a stranger's failures lock out only the stranger; expires by itself.
   */
  staffLoginPair(username: string, clientHash: string): string {
    return `${this.prefix}{staff}:login:${username}:${clientHash}`;
  }

  /** Set of the client hashes with failed logins for one username (to unlock them all); expires by itself. */
  staffLoginPairs(username: string): string {
    return `${this.prefix}{staff}:login-clients:${username}`;
  }

  /** Hash of the failed logins (any username) and lock of one client hash; expires by itself. */
  staffLoginClient(clientHash: string): string {
    return `${this.prefix}{staff}:login-client:${clientHash}`;
  }

  /** Set of the client hashes that logged in to one account (exempt from its account-wide lock); 30 days. */
  staffLoginKnown(username: string): string {
    return `${this.prefix}{staff}:login-known:${username}`;
  }

  /** The key of the HMAC that turns a client address into a client hash (32 random bytes, kept). */
  staffLoginSecret(): string {
    return `${this.prefix}secret:staff-login`;
  }

  /** SHA-256 (hex) of a one-time password link → the username (expires by itself). */
  staffResetToken(tokenHash: string): string {
    return `${this.prefix}{staff}:reset:${tokenHash}`;
  }

  /** The hash of the one password link of an account that works (an earlier one stops working). */
  staffUserReset(username: string): string {
    return `${this.prefix}{staff}:user-reset:${username}`;
  }

  /** A two-factor secret being enrolled (sealed), until confirmed with a code (10 minutes). */
  staffTotpPending(username: string): string {
    return `${this.prefix}{staff}:totp-pending:${username}`;
  }

  /** The key that seals two-factor secrets when STAFF_TOTP_KEY is not set (32 random bytes, kept). */
  staffTotpSecret(): string {
    return `${this.prefix}secret:staff-totp`;
  }

  /**
   * The audit trail (a stream of who did what, when; codes and usernames only, conversations by a
   * keyed reference), trimmed to `AUDIT_RETENTION_DAYS`.
   */
  auditTrail(): string {
    return `${this.prefix}audit:trail`;
  }

  /** Metric counters of one Amsterdam hour ("YYYY-MM-DDTHH"), a hash of event fields → counts. */
  metricsHour(hour: string): string {
    return `${this.prefix}{metrics}:h:${hour}`;
  }

  /** Metric counters of one Amsterdam day ("YYYY-MM-DD"). */
  metricsDay(day: string): string {
    return `${this.prefix}{metrics}:d:${day}`;
  }

  /** Pattern of every hourly metrics key (for the rollup). */
  metricsHourPattern(): string {
    return `${this.prefix}{metrics}:h:*`;
  }

  /**
   * The key of the noise that changes every count coordinators see (32 random bytes, kept; it names
   * nobody): the same figure with the same count always gets the same noise, on every instance
   * (metrics/suppression.ts). Created by the first instance that reads the metrics.
   */
  metricsNoiseSecret(): string {
    return `${this.prefix}secret:metrics-noise`;
  }

  /**
   * Marks a deleted conversation so an old token cannot start it again (until the retention ends).
   * Named by a keyed pseudonym of the conversation id (`TokenService.pseudonym('tombstone', id)`:
   * HMAC-SHA256 with the shared token secret), never the id itself: after a deletion no key names
   * the conversation, and knowing an id does not tell whether it was deleted without the secret.
   */
  conversationTombstone(conversationPseudonym: string): string {
    return `${this.prefix}dl:deleted:${conversationPseudonym}`;
  }

  /**
   * Which key layout the data under this prefix has (a string, `2`: the hash-tagged layout of this
   * file); server/keyLayout.ts renames the keys of the layout before it and then sets it.
   */
  keyLayout(): string {
    return `${this.prefix}key-layout`;
  }

  /** BullMQ's events stream of a queue (`<bullPrefix>:<queue>:events`), which names job ids. */
  bullEvents(queueName: string): string {
    return `${this.bullPrefix()}:${queueName}:events`;
  }
}

/**
 * An interpreter who joins one conversation by a one-time link. The counsellor who holds the
 * conversation makes the link; it works once (opening it gives the interpreter's browser a session
 * for this conversation only) and until the conversation ends, is returned to the list, or the link
 * expires (at most `maxTtlMs`), whichever is first. Tokens and session ids are random and stored only
 * as their SHA-256; the token travels in the link's fragment, so it never reaches a server log.
 *
 * The link's hash, its token and its session share the `{handoff}` hash tag (the token must not name
 * the conversation, so it cannot carry the conversation's tag): redeeming is one script over one slot.
 */
import { createHash, randomBytes } from 'node:crypto';
import { redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';

/** The link's state for one conversation. */
export interface InterpreterLinkState {
  conversationId: string;
  /** Who made the link. */
  createdBy: string;
  expiresAt: number;
  joinedAt?: number;
}

/** A freshly made link's token (give it to the interpreter; never log it). */
export interface IssuedInterpreterLink extends InterpreterLinkState {
  token: string;
}

/** Options of InterpreterLinks. */
export interface InterpreterLinksOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Longest life of a link (ms). */
  maxTtlMs: number;
  now?: () => number;
}

const TOKEN = /^[A-Za-z0-9_-]{32}$/;

/**
 * Joins once: the token's conversation, if the token still names it (ARGV[4], read just before), the
 * link is still there and nobody has joined with it. KEYS: token, the conversation's link, the new
 * session (every key it touches; one hash tag). ARGV: token hash, now, session hash, conversation.
 */
const REDEEM = redisScript(
  'lanternInterpreterRedeem',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[4] then return false end
if redis.call('HGET', KEYS[2], 'token') ~= ARGV[1] or redis.call('HEXISTS', KEYS[2], 'joinedAt') == 1 then return false end
local ttl = redis.call('PTTL', KEYS[2])
if ttl <= 0 then return false end
redis.call('HSET', KEYS[2], 'joinedAt', ARGV[2], 'session', ARGV[3])
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[3], ARGV[4], 'PX', ttl)
return ARGV[4]
`,
);

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The interpreters' links (see the module comment). */
export class InterpreterLinks {
  private readonly now: () => number;

  constructor(private readonly options: InterpreterLinksOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Makes a new link for the conversation (an earlier one, and its interpreter, stop working). */
  async create(conversationId: string, createdBy: string, ttlMs = this.options.maxTtlMs): Promise<IssuedInterpreterLink> {
    await this.revoke(conversationId);
    const { redis, keys } = this.options;
    const token = randomBytes(24).toString('base64url');
    const tokenHash = sha256(token);
    const life = Math.min(ttlMs, this.options.maxTtlMs);
    const expiresAt = this.now() + life;
    await redis
      .multi()
      .hset(keys.handoffInterpreter(conversationId), { token: tokenHash, createdBy, expiresAt: String(expiresAt) })
      .pexpire(keys.handoffInterpreter(conversationId), life)
      .set(keys.interpreterToken(tokenHash), conversationId, 'PX', life)
      .exec();
    return { token, conversationId, createdBy, expiresAt };
  }

  /** The link of a conversation, while it works. */
  async state(conversationId: string): Promise<InterpreterLinkState | undefined> {
    const hash = await this.options.redis.hgetall(this.options.keys.handoffInterpreter(conversationId));
    const expiresAt = Number(hash.expiresAt);
    if (!hash.token || !Number.isFinite(expiresAt) || expiresAt <= this.now()) return undefined;
    return { conversationId, createdBy: hash.createdBy ?? '', expiresAt, ...(hash.joinedAt ? { joinedAt: Number(hash.joinedAt) } : {}) };
  }

  /**
   * Opens the link: a new interpreter session for its conversation, or undefined when the token is
   * unknown, used already, withdrawn or expired.
   */
  async redeem(token: unknown): Promise<{ sessionId: string; state: InterpreterLinkState } | undefined> {
    if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
    const { redis, keys } = this.options;
    const sessionId = randomBytes(24).toString('base64url');
    const tokenHash = sha256(token);
    // Which conversation first (the script must be given every key it touches), then the checks and
    // the redemption at once: a token redeemed or revoked in between no longer names it.
    const named = await redis.get(keys.interpreterToken(tokenHash));
    if (!named) return undefined;
    const sessionHash = sha256(sessionId);
    const conversationId = (await runScript(
      redis,
      REDEEM,
      [keys.interpreterToken(tokenHash), keys.handoffInterpreter(named), keys.interpreterSession(sessionHash)],
      [tokenHash, String(this.now()), sessionHash, named],
    )) as string | null;
    if (!conversationId) return undefined;
    const state = await this.state(conversationId);
    return state ? { sessionId, state } : undefined;
  }

  /** The conversation of an interpreter's session, while the link works. */
  async session(sessionId: unknown): Promise<InterpreterLinkState | undefined> {
    if (typeof sessionId !== 'string' || !TOKEN.test(sessionId)) return undefined;
    const { redis, keys } = this.options;
    const sessionHash = sha256(sessionId);
    const conversationId = await redis.get(keys.interpreterSession(sessionHash));
    if (!conversationId) return undefined;
    const stored = await redis.hget(keys.handoffInterpreter(conversationId), 'session');
    if (stored !== sessionHash) return undefined;
    return this.state(conversationId);
  }

  /** Withdraws the link (and ends its interpreter's session). Returns the state it had, if any. */
  async revoke(conversationId: string): Promise<InterpreterLinkState | undefined> {
    const { redis, keys } = this.options;
    const key = keys.handoffInterpreter(conversationId);
    const hash = await redis.hgetall(key);
    if (!hash.token) return undefined;
    const doomed = [key, keys.interpreterToken(hash.token)];
    if (hash.session) doomed.push(keys.interpreterSession(hash.session));
    const removed = await redis.del(...doomed);
    if (removed === 0) return undefined;
    return { conversationId, createdBy: hash.createdBy ?? '', expiresAt: Number(hash.expiresAt), ...(hash.joinedAt ? { joinedAt: Number(hash.joinedAt) } : {}) };
  }
}

/**
 * The audit trail: who (a staff username) did what (an action code), to which conversation or
 * account, when. Never message text, never a note's text, never an address: every field is a code,
 * a username or a conversation reference.
 *
 * A conversation is named by its reference, a keyed pseudonym of its id (the same one the console
 * shows in a conversation's header), never by the id itself: the trail outlives the conversation
 * (it has its own retention, `retentionDays`), and after the conversation is gone nothing in the
 * trail leads back to it. Stored as one Redis Stream, trimmed by age at every write and by the
 * `audit.trim` job.
 */
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';

/** Every action the trail records (docs/api.md, "Audit trail"). */
export const AUDIT_ACTIONS = [
  // Signing in and out, and one's own account.
  'login',
  'logout',
  'password.changed',
  'totp.enabled',
  'totp.disabled',
  // Conversations.
  'conversation.viewed',
  'conversation.claimed',
  'conversation.transferred',
  'conversation.returned',
  'conversation.ended',
  'conversation.taken-over',
  'conversation.reassigned',
  'note.added',
  'interpreter.link-created',
  'interpreter.joined',
  'interpreter.removed',
  // Accounts (by an admin).
  'user.created',
  'user.updated',
  'user.disabled',
  'user.enabled',
  'user.unlocked',
  'user.reset-link',
  'user.removed',
  // Exports.
  'export.metrics',
  'export.audit',
] as const;

/** One action code. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What a caller records. */
export interface AuditRecord {
  /** The staff member (username), or `interpreter` for an interpreter's link. */
  by: string;
  action: AuditAction;
  /** The conversation acted on (turned into its reference; never stored). */
  conversationId?: string;
  /** The account acted on (a username), or a colleague a conversation went to. */
  target?: string;
  /** A short code (an outcome, a role, a reason), never free text. */
  detail?: string;
}

/** One stored entry. */
export interface AuditEntry {
  /** The stream id (also the paging cursor). */
  id: string;
  /** ISO time. */
  at: string;
  by: string;
  action: AuditAction;
  /** The conversation's reference (see `AuditTrail.reference`). */
  conversation?: string;
  target?: string;
  detail?: string;
}

/** A filter for `list`. */
export interface AuditQuery {
  /** Only entries at or after this time (ms). */
  from?: number;
  /** Only entries before this time (ms). */
  to?: number;
  by?: string;
  action?: AuditAction;
  /** A conversation reference. */
  conversation?: string;
  /** Most entries (default 100, at most 1000). */
  limit?: number;
  /** Paging: only entries older than this entry id. */
  before?: string;
}

/** Options of AuditTrail. */
export interface AuditTrailOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** How long an entry is kept (days). */
  retentionDays: number;
  /** The keyed pseudonym behind conversation references (the channel's `pseudonym`). */
  pseudonym: (purpose: string, value: string) => Promise<string>;
  now?: () => number;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,47}$/;
const REFERENCE = /^[A-Za-z0-9_-]{1,16}$/;
const DAY_MS = 86_400_000;
/** Entries read per round when a filter skips many. */
const SCAN_BATCH = 500;

/** Whether `value` is an action code. */
export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/** Whether `value` could be a conversation reference. */
export function isConversationReference(value: unknown): value is string {
  return typeof value === 'string' && REFERENCE.test(value);
}

/** The audit trail (see the module comment). */
export class AuditTrail {
  private readonly now: () => number;

  constructor(private readonly options: AuditTrailOptions) {
    if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1) throw new TypeError('AuditTrail: retentionDays must be a whole number of days ≥ 1');
    this.now = options.now ?? Date.now;
  }

  /** The short reference of a conversation shown in the console and written in the trail. */
  async reference(conversationId: string): Promise<string> {
    return (await this.options.pseudonym('audit', conversationId)).replace(/[^A-Za-z0-9]/g, '').slice(0, 10);
  }

  /**
   * Records one entry. Fields that are not codes or usernames are refused (a programming error,
   * thrown), so no text can slip in.
   */
  async record(entry: AuditRecord): Promise<void> {
    if (!isAuditAction(entry.action)) throw new TypeError(`audit: unknown action ${String(entry.action)}`);
    if (!NAME.test(entry.by)) throw new TypeError('audit: by must be a username');
    if (entry.target !== undefined && !NAME.test(entry.target)) throw new TypeError('audit: target must be a username');
    if (entry.detail !== undefined && !CODE.test(entry.detail)) throw new TypeError('audit: detail must be a code');
    const fields = ['by', entry.by, 'action', entry.action];
    if (entry.conversationId !== undefined) fields.push('conversation', await this.reference(entry.conversationId));
    if (entry.target !== undefined) fields.push('target', entry.target);
    if (entry.detail !== undefined) fields.push('detail', entry.detail);
    const now = this.now();
    await this.options.redis.xadd(this.options.keys.auditTrail(), 'MINID', '~', String(this.oldestKept(now)), `${now}-*`, ...fields);
  }

  /** Entries matching `query`, newest first, with a cursor for the next page when there is more. */
  async list(query: AuditQuery = {}): Promise<{ entries: AuditEntry[]; next?: string }> {
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    const entries: AuditEntry[] = [];
    let end = query.before ? `(${query.before}` : query.to !== undefined ? `(${query.to}-0` : '+';
    const start = String(Math.max(query.from ?? 0, this.oldestKept(this.now())));
    for (;;) {
      const batch = (await this.options.redis.xrevrange(this.options.keys.auditTrail(), end, start, 'COUNT', SCAN_BATCH)) as Array<[string, string[]]>;
      for (const [id, fields] of batch) {
        const entry = entryOf(id, fields);
        if (!entry || !matches(entry, query)) continue;
        if (entries.length === limit) return { entries, next: entries[entries.length - 1]!.id };
        entries.push(entry);
      }
      if (batch.length < SCAN_BATCH) return { entries };
      end = `(${batch[batch.length - 1]![0]}`;
    }
  }

  /** Removes entries older than the retention (the `audit.trim` job). */
  async trim(): Promise<number> {
    return this.options.redis.xtrim(this.options.keys.auditTrail(), 'MINID', String(this.oldestKept(this.now())));
  }

  private oldestKept(now: number): number {
    return Math.max(0, now - this.options.retentionDays * DAY_MS);
  }
}

function entryOf(id: string, fields: string[]): AuditEntry | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const by = map.get('by');
  const action = map.get('action');
  if (!by || !isAuditAction(action)) return undefined;
  const entry: AuditEntry = { id, at: new Date(Number(id.split('-')[0])).toISOString(), by, action };
  const conversation = map.get('conversation');
  const target = map.get('target');
  const detail = map.get('detail');
  if (conversation) entry.conversation = conversation;
  if (target) entry.target = target;
  if (detail) entry.detail = detail;
  return entry;
}

function matches(entry: AuditEntry, query: AuditQuery): boolean {
  if (query.by !== undefined && entry.by !== query.by && entry.target !== query.by) return false;
  if (query.action !== undefined && entry.action !== query.action) return false;
  if (query.conversation !== undefined && entry.conversation !== query.conversation) return false;
  return true;
}

/** Entries as CSV (RFC 4180; a header line, then one line per entry, oldest last as listed). */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const quote = (value: string | undefined) => {
    const text = value ?? '';
    // A leading = + - @ would be read as a formula by spreadsheet programs.
    const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = ['at,by,action,conversation,target,detail'];
  for (const e of entries) lines.push([e.at, e.by, e.action, e.conversation, e.target, e.detail].map(quote).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

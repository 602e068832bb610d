/**
 * The admins' view of the audit trail (docs/api.md, "Audit trail"):
 * `GET /api/staff/audit` (JSON, newest first, paged) and `GET /api/staff/audit.csv` (the same
 * filters as a download; it records one `export.audit` entry). Registered by staffAuthPlugin in its
 * routes' child, so bad input answers `400 BadArgument` with a clear message, never a 500.
 */
import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type {} from '../audit/auditPlugin.js';
import { AUDIT_ACTIONS, auditCsv, isAuditAction, isConversationReference, type AuditEntry, type AuditQuery } from '../audit/AuditTrail.js';
import { InvalidStaffInputError } from './errors.js';
import { isValidUsername } from './validation.js';

/** Options of auditApiPlugin. */
export interface AuditApiOptions {
  adminOnly: preHandlerAsyncHookHandler;
}

/** Most entries one CSV export holds. */
export const AUDIT_CSV_MAX_ENTRIES = 10_000;

type AuditQuerystring = Record<string, unknown>;

const STREAM_ID = /^\d{1,15}-\d{1,10}$/;
const TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

function text(query: AuditQuerystring, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidStaffInputError(`${name} must be given once.`);
  return value;
}

function time(query: AuditQuerystring, name: string): number | undefined {
  const value = text(query, name);
  if (value === undefined) return undefined;
  const ms = TIME.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new InvalidStaffInputError(`${name} must be an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T08:00:00Z.`);
  return ms;
}

/** The filters of a request, checked. */
export function parseAuditQuery(query: AuditQuerystring, { paging }: { paging: boolean }): AuditQuery {
  const out: AuditQuery = {};
  const from = time(query, 'from');
  const to = time(query, 'to');
  if (from !== undefined) out.from = from;
  if (to !== undefined) out.to = to;
  if (from !== undefined && to !== undefined && from >= to) throw new InvalidStaffInputError('from must be before to.');
  const by = text(query, 'by');
  if (by !== undefined) {
    const name = by.trim().toLowerCase();
    if (!isValidUsername(name)) throw new InvalidStaffInputError('by must be a username.');
    out.by = name;
  }
  const action = text(query, 'action');
  if (action !== undefined) {
    if (!isAuditAction(action)) throw new InvalidStaffInputError(`action must be one of: ${AUDIT_ACTIONS.join(', ')}.`);
    out.action = action;
  }
  const conversation = text(query, 'conversation');
  if (conversation !== undefined) {
    if (!isConversationReference(conversation)) throw new InvalidStaffInputError('conversation must be a conversation reference (letters and digits).');
    out.conversation = conversation;
  }
  if (paging) {
    const limit = text(query, 'limit');
    if (limit !== undefined) {
      const value = /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
      if (!(value >= 1 && value <= 1000)) throw new InvalidStaffInputError('limit must be a whole number from 1 to 1000.');
      out.limit = value;
    }
    const before = text(query, 'before');
    if (before !== undefined) {
      if (!STREAM_ID.test(before)) throw new InvalidStaffInputError('before must be the id of an entry (the next cursor of the previous page).');
      out.before = before;
    }
  } else {
    for (const name of ['limit', 'before']) if (query[name] !== undefined) throw new InvalidStaffInputError(`${name} is for GET /api/staff/audit only.`);
  }
  return out;
}

function queryOf(request: FastifyRequest): AuditQuerystring {
  return (request.query ?? {}) as AuditQuerystring;
}

/** The audit routes (admins only). */
export const auditApiPlugin: FastifyPluginAsync<AuditApiOptions> = async (app, options) => {
  const log = app.log.child({ component: 'staff' });

  app.get('/api/staff/audit', { preHandler: options.adminOnly }, async (request) => {
    const query = parseAuditQuery(queryOf(request), { paging: true });
    const page = await app.audit.list(query);
    return { entries: page.entries, next: page.next ?? null };
  });

  app.get('/api/staff/audit.csv', { preHandler: options.adminOnly }, async (request, reply) => {
    const query = parseAuditQuery(queryOf(request), { paging: false });
    const entries: AuditEntry[] = [];
    let before: string | undefined;
    while (entries.length < AUDIT_CSV_MAX_ENTRIES) {
      const page = await app.audit.list({ ...query, limit: Math.min(1000, AUDIT_CSV_MAX_ENTRIES - entries.length), ...(before ? { before } : {}) });
      entries.push(...page.entries);
      if (!page.next) break;
      before = page.next;
    }
    await app.audit.record({ by: request.staff!.username, action: 'export.audit' });
    log.info({ event: 'staff.audit.exported' });
    const day = new Date().toISOString().slice(0, 10);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="lantern-audit-${day}.csv"`).send(auditCsv(entries));
  });
};

/**
 * The counsellors' HTTP API (JSON) and live WebSocket, under /api/staff. Every route needs a staff
 * session with the role counsellor (or admin), except the coordinators' list of unreviewed phrases
 * (coordinator or admin); every change needs the x-csrf-token header (see
 * staff/staffAuthPlugin.ts). Using the API keeps the counsellor on duty (a heartbeat).
 * Documented in docs/api.md.
 *
 * Live access ends when it ends: a counsellor follows only the conversations they hold; end,
 * transfer, return to the list, logout, account removal and session expiry close the live
 * subscription at once on every instance (HandoffBus), and every refresh re-checks ownership
 * and the staff session. Danger waiting in the list alerts every open console, again every
 * `dangerRealertMs` until someone takes it, and at once when a console opens. A conversation offered
 * first to the counsellor who had it last alerts their consoles only, once; each console gets its own
 * view of the list (nobody sees to whom another entry is offered, except team leads).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { WebSocket } from 'ws';
import { isLanguage, type Language } from '../contracts/languages.js';
import type { ActivityStreamHub, StreamSubscription } from '../directline/ActivityStreamHub.js';
import { RedisConversationStore } from '../directline/RedisConversationStore.js';
import type { AuditRecord } from '../audit/AuditTrail.js';
import { NEUTRAL_PHRASE_GROUP, type InterpreterLink, type InterpretingService, type PhrasebookAnswer, type PhraseReviewAnswer, type QuickReplyItem, type SessionItem, type TeamView } from '../contracts/counsellorApi.js';
import { consoleTranscript, screeningLabel } from './consoleTranscript.js';
import type { Translator } from '../texts/Translator.js';
import type { CounsellorPresence } from './CounsellorPresence.js';
import type { HandoffBus } from './HandoffBus.js';
import type { HandoffEvent } from './HandoffEvents.js';
import type { HandoffSession } from './HandoffSessions.js';
import type { TeamLead } from './TeamLead.js';
import type { ActingCounsellor, HandoffService, ListedEntry, QueueItem } from './HandoffService.js';
import { coalesce } from './coalesce.js';
import { OUTCOMES } from './outcomes.js';
import { staffText } from './staffTexts.js';
import { NotSignedInError, SessionNotFoundError } from './errors.js';
import { HttpError } from '../contracts/httpErrors.js';

/** Options of the plugin. */
export interface CounsellorApiOptions {
  service: HandoffService;
  presence: CounsellorPresence;
  hub: ActivityStreamHub;
  bus: HandoffBus;
  /** Authenticates a WebSocket upgrade (or re-checks it) from its cookie header (the staff session). */
  authenticateSocket(cookieHeader: string | undefined): Promise<ActingCounsellor | undefined>;
  /** How often the consoles' lists are refreshed even without events (ms). */
  refreshMs?: number;
  /** How often a waiting danger conversation alerts every console again (ms). Default 60 000. */
  dangerRealertMs?: number;
  /** Registers a listener for changes of the queue (from this or another instance). */
  onChange(listener: (conversationId?: string) => void): void;
  /** Renders the bot's texts in Dutch and English for the transcript (without it: as sent only). */
  translator?: Pick<Translator, 'render'>;
  /** The team lead's view and moves. */
  teamLead: TeamLead;
  /** A conversation's short reference (the audit trail's name for it). */
  reference(conversationId: string): Promise<string>;
  /** Records who did what (audit/AuditTrail.ts). */
  audit(entry: AuditRecord): Promise<void>;
  /** The telephone interpreting service (config/interpreting.json). */
  interpreting: InterpretingService;
  /** Path of the interpreters' page (the link is `<path>#<token>`). */
  interpreterPagePath: string;
}

interface IdParams {
  id: string;
}

const COUNSELLOR_ROLES = ['counsellor', 'teamlead', 'admin'] as const;
const TEAM_LEAD_ROLES = ['teamlead', 'admin'] as const;

/** A console's live connection. */
interface LiveClient {
  socket: WebSocket;
  cookie: string | undefined;
  counsellor: ActingCounsellor;
  lastQueue: string;
  lastSessions: string;
  /** When each waiting danger conversation last alerted this console (ms). */
  dangerAlerts: Map<string, number>;
  /** Waiting conversations offered first to this counsellor that already alerted this console. */
  preferredAlerts: Set<string>;
  /** Conversations followed live, with the subscription. */
  subscriptions: Map<string, StreamSubscription>;
  /** Sends this console its own conversations again (gathered: see coalesce). */
  showSessions: () => void;
}

function acting(request: FastifyRequest): ActingCounsellor {
  const staff = (request as FastifyRequest & { staff?: { username: string; role?: string; languages?: string[] } }).staff;
  if (!staff) throw new NotSignedInError();
  return { username: staff.username, languages: (staff.languages ?? []).filter(isLanguage), ...(staff.role ? { role: staff.role } : {}) };
}

function errorReply(reply: FastifyReply, error: unknown): FastifyReply {
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  // Fastify's own 4xx errors (a body that is not JSON) are bad input too.
  const code = error instanceof HttpError ? error.code : status < 500 ? 'BadArgument' : 'ServiceError';
  if (status >= 500) reply.log.error({ event: 'staff_api_error', error: code }, 'staff api error');
  return reply.code(status).send({ error: { code, message: status >= 500 ? 'Something went wrong' : (error as Error).message } });
}

/** A session as the console lists it (one shape for the list, the detail and the live view). */
async function sessionItem(session: HandoffSession, service: HandoffService, reference: (id: string) => Promise<string>): Promise<SessionItem> {
  const [ref, interpreter, watched, cameBack, before] = await Promise.all([
    reference(session.conversationId),
    service.interpreterState(session.conversationId),
    service.mayBeWatched(session.conversationId),
    service.cameBackWithCode(session.conversationId),
    service.wasWithBefore(session.conversationId, session.counsellor),
  ]);
  return {
    conversationId: session.conversationId,
    reference: ref,
    language: session.job.language,
    priority: session.job.priority,
    danger: session.job.priority === 'danger',
    interpreterNeeded: session.interpreterNeeded,
    claimedAt: new Date(session.claimedAt).toISOString(),
    ...(session.handover ? { handover: { from: session.handover.from, note: session.handover.note, at: new Date(session.handover.at).toISOString() } } : {}),
    ...(interpreter
      ? { interpreter: { expiresAt: new Date(interpreter.expiresAt).toISOString(), ...(interpreter.joinedAt ? { joinedAt: new Date(interpreter.joinedAt).toISOString() } : {}) } }
      : {}),
    ...(watched ? { mayBeWatched: true } : {}),
    ...(cameBack ? { cameBackWithCode: true } : {}),
    ...(before ? { wasWithYouBefore: true as const } : {}),
  };
}

/** Registers the counsellor routes. Needs staffAuthPlugin (the `staffGuard` decorator) and @fastify/websocket. */
export const counsellorApiPlugin: FastifyPluginAsync<CounsellorApiOptions> = async (fastify, options) => {
  const staffGuard = (fastify as FastifyInstance & { staffGuard: (roles: readonly string[]) => preHandlerAsyncHookHandler }).staffGuard(COUNSELLOR_ROLES);
  // Using the console keeps a counsellor on duty (the live socket's heartbeat does the same).
  const onDuty: preHandlerAsyncHookHandler = async (request) => {
    const me = acting(request);
    await options.presence.heartbeat(me.username, me.languages);
  };
  const guard = [staffGuard, onDuty];
  const leadGuard = [(fastify as FastifyInstance & { staffGuard: (roles: readonly string[]) => preHandlerAsyncHookHandler }).staffGuard(TEAM_LEAD_ROLES), onDuty];
  const { service, teamLead } = options;
  const item = (session: HandoffSession) => sessionItem(session, service, options.reference);
  /** One audit entry for what `request`'s staff member did. */
  const audit = (request: FastifyRequest, entry: Omit<AuditRecord, 'by'>) => options.audit({ by: acting(request).username, ...entry });
  const realertMs = options.dangerRealertMs ?? 60_000;
  const route = <T>(handler: (request: FastifyRequest, reply: FastifyReply) => Promise<T>) => async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      return await handler(request, reply);
    } catch (error) {
      return errorReply(reply, error);
    }
  };

  // Each counsellor's own view: an entry offered first to them says so; nobody else sees their name (team leads do).
  fastify.get('/api/staff/queue', { preHandler: guard }, route(async (request) => service.queueItems(acting(request))));

  fastify.post('/api/staff/queue/next', { preHandler: guard }, route(async (request, reply) => {
    const session = await service.claimNext(acting(request));
    if (!session) return reply.code(204).send();
    await audit(request, { action: 'conversation.claimed', conversationId: session.conversationId });
    return item(session);
  }));

  fastify.post<{ Params: IdParams }>('/api/staff/conversations/:id/claim', { preHandler: guard }, route(async (request) => {
    const session = await service.claim((request.params as IdParams).id, acting(request));
    await audit(request, { action: 'conversation.claimed', conversationId: session.conversationId });
    return item(session);
  }));

  fastify.get('/api/staff/conversations', { preHandler: guard }, route(async (request) => Promise.all((await service.mySessions(acting(request))).map(item))));

  fastify.get<{ Params: IdParams }>('/api/staff/conversations/:id', { preHandler: guard }, route(async (request) => {
    const { session, transcript, summary, notes, flags, whileWaiting } = await service.conversation((request.params as IdParams).id, acting(request));
    await audit(request, { action: 'conversation.viewed', conversationId: session.conversationId });
    return {
      ...(await item(session)),
      summary,
      notes,
      whileWaiting,
      transcript: consoleTranscript(transcript, { translator: options.translator, flags }),
      watermark: transcript.length ? transcript[transcript.length - 1]!.id?.split('|')[1] : undefined,
    };
  }));

  fastify.post<{ Params: IdParams; Body: { text?: unknown } }>('/api/staff/conversations/:id/messages', { preHandler: guard }, route(async (request) => {
    const text = (request.body as { text?: unknown } | undefined)?.text;
    const activity = await service.sendMessage((request.params as IdParams).id, acting(request), typeof text === 'string' ? text : '');
    return { id: activity.id };
  }));

  fastify.post<{ Params: IdParams; Body: { text?: unknown } }>('/api/staff/conversations/:id/notes', { preHandler: guard }, route(async (request, reply) => {
    const conversationId = (request.params as IdParams).id;
    const note = await service.addNote(conversationId, acting(request), (request.body as { text?: unknown } | undefined)?.text);
    await audit(request, { action: 'note.added', conversationId });
    return reply.code(201).send(note);
  }));

  // The phrasebook (handoff/Phrasebook.ts): phrases by group, each sent in the young person's
  // language. The quick-replies routes are its former names (every phrase in one list; the nine
  // old keys such as "safeNow" are still accepted).
  const youngLanguage = (request: FastifyRequest): Language => {
    const language = (request.query as { language?: string }).language;
    return isLanguage(language) ? language : 'nl';
  };
  const sendPhrase = route(async (request) => {
    const activity = await service.sendPhrase((request.params as IdParams).id, acting(request), (request.body as { key?: unknown } | undefined)?.key);
    return { id: activity.id };
  });
  fastify.post<{ Params: IdParams; Body: { key?: unknown } }>('/api/staff/conversations/:id/phrases', { preHandler: guard }, sendPhrase);
  fastify.post<{ Params: IdParams; Body: { key?: unknown } }>('/api/staff/conversations/:id/quick-replies', { preHandler: guard }, sendPhrase);

  // `set=neutral`: only the neutral phrases (yes/no questions, harmless lines), for a young person who may be watched.
  fastify.get<{ Querystring: { language?: string; set?: string } }>('/api/staff/phrases', { preHandler: guard }, route(async (request): Promise<PhrasebookAnswer> => {
    const answer = service.phrasebook.list(youngLanguage(request));
    if ((request.query as { set?: string }).set !== 'neutral') return answer;
    return { ...answer, groups: answer.groups.filter((group) => group.id === NEUTRAL_PHRASE_GROUP) };
  }));

  fastify.get<{ Querystring: { language?: string } }>('/api/staff/quick-replies', { preHandler: guard }, route(async (request): Promise<QuickReplyItem[]> => {
    const { language, groups } = service.phrasebook.list(youngLanguage(request));
    return groups.flatMap((group) => group.phrases.map((phrase) => ({ ...phrase, group: group.id, language })));
  }));

  // Coordinators see which phrases no fluent reviewer has signed off yet, per language.
  const coordinatorGuard = (fastify as FastifyInstance & { staffGuard: (roles: readonly string[]) => preHandlerAsyncHookHandler }).staffGuard(['coordinator', 'admin']);
  fastify.get('/api/staff/phrases/review', { preHandler: coordinatorGuard }, route(async (_request, reply): Promise<PhraseReviewAnswer> => {
    reply.header('cache-control', 'no-store');
    return service.phrasebook.review();
  }));

  fastify.post<{ Params: IdParams; Body: { to?: unknown; note?: unknown } }>('/api/staff/conversations/:id/transfer', { preHandler: guard }, route(async (request) => {
    const body = (request.body ?? {}) as { to?: unknown; note?: unknown };
    const conversationId = (request.params as IdParams).id;
    const to = typeof body.to === 'string' && body.to ? body.to : 'queue';
    await service.transfer(conversationId, acting(request), to, body.note);
    await audit(request, to === 'queue' ? { action: 'conversation.returned', conversationId } : { action: 'conversation.transferred', conversationId, target: to });
    return { ok: true };
  }));

  fastify.post<{ Params: IdParams; Body: { outcome?: unknown; note?: unknown } }>('/api/staff/conversations/:id/end', { preHandler: guard }, route(async (request) => {
    const body = (request.body ?? {}) as { outcome?: unknown; note?: unknown };
    const conversationId = (request.params as IdParams).id;
    const outcome = await service.end(conversationId, acting(request), body.outcome, body.note);
    await audit(request, { action: 'conversation.ended', conversationId, detail: outcome });
    return { outcome };
  }));

  fastify.get('/api/staff/outcomes', { preHandler: guard }, route(async () =>
    OUTCOMES.map((code) => ({ code, nl: staffText('nl', `outcomes.${code}`), en: staffText('en', `outcomes.${code}`) })),
  ));

  fastify.get('/api/staff/colleagues', { preHandler: guard }, route(async (request) => service.colleagues(acting(request).username)));

  // An interpreter joins by a one-time link (handoff/InterpreterLinks.ts, interpreterApiPlugin.ts).
  fastify.post<{ Params: IdParams }>('/api/staff/conversations/:id/interpreter', { preHandler: guard }, route(async (request, reply): Promise<InterpreterLink> => {
    const conversationId = (request.params as IdParams).id;
    const link = await service.inviteInterpreter(conversationId, acting(request));
    await audit(request, { action: 'interpreter.link-created', conversationId });
    reply.code(201).header('cache-control', 'no-store');
    return { url: `${options.interpreterPagePath}#${link.token}`, expiresAt: new Date(link.expiresAt).toISOString() };
  }));

  fastify.delete<{ Params: IdParams }>('/api/staff/conversations/:id/interpreter', { preHandler: guard }, route(async (request, reply) => {
    const conversationId = (request.params as IdParams).id;
    if (!(await service.removeInterpreter(conversationId, acting(request)))) throw new SessionNotFoundError('No interpreter link for this conversation');
    await audit(request, { action: 'interpreter.removed', conversationId });
    return reply.code(204).send();
  }));

  fastify.get('/api/staff/interpreting', { preHandler: guard }, route(async (): Promise<InterpretingService> => options.interpreting));

  // The team lead's view and moves (team leads and admins).
  fastify.get('/api/staff/team', { preHandler: leadGuard }, route(async (_request, reply): Promise<TeamView> => {
    reply.header('cache-control', 'no-store');
    return teamLead.view();
  }));

  fastify.post<{ Params: IdParams }>('/api/staff/conversations/:id/takeover', { preHandler: leadGuard }, route(async (request) => {
    const conversationId = (request.params as IdParams).id;
    const { session, from } = await teamLead.takeOver(conversationId, acting(request));
    await audit(request, { action: 'conversation.taken-over', conversationId, ...(from ? { target: from } : {}) });
    return item(session);
  }));

  fastify.post<{ Params: IdParams; Body: { to?: unknown } }>('/api/staff/conversations/:id/reassign', { preHandler: leadGuard }, route(async (request) => {
    const conversationId = (request.params as IdParams).id;
    const { session } = await teamLead.reassign(conversationId, acting(request), (request.body as { to?: unknown } | undefined)?.to);
    await audit(request, { action: session.counsellor === acting(request).username ? 'conversation.taken-over' : 'conversation.reassigned', conversationId, target: session.counsellor });
    return item(session);
  }));

  fastify.post<{ Params: IdParams }>('/api/staff/conversations/:id/return', { preHandler: leadGuard }, route(async (request) => {
    const conversationId = (request.params as IdParams).id;
    const { from } = await teamLead.returnToList(conversationId, acting(request));
    await audit(request, { action: 'conversation.returned', conversationId, target: from, detail: 'teamlead' });
    return { ok: true };
  }));

  // Live updates for the console: the waiting list, your conversations, danger alerts, and the
  // activities of the conversations you hold (from the conversation streams, with watermarks:
  // nothing lost on a reconnect, nothing twice).
  const clients = new Set<LiveClient>();

  const send = (socket: WebSocket, message: unknown) => {
    if (socket.readyState === 1) socket.send(JSON.stringify(message));
  };

  /** Stops following a conversation and tells the console why. */
  const drop = (client: LiveClient, conversationId: string, reason: string) => {
    const subscription = client.subscriptions.get(conversationId);
    if (!subscription) return;
    subscription.unsubscribe();
    client.subscriptions.delete(conversationId);
    send(client.socket, { type: 'closed', conversationId, reason });
  };

  /** Ends a console's connection: its counsellor is no longer signed in. */
  const signOut = (client: LiveClient) => {
    for (const conversationId of [...client.subscriptions.keys()]) drop(client, conversationId, 'signed_out');
    clients.delete(client);
    if (client.socket.readyState === 1) client.socket.close(4401, 'Not signed in');
  };

  const alertDanger = (client: LiveClient, items: QueueItem[], now: number) => {
    for (const item of items) {
      if (!item.danger) continue;
      const last = client.dangerAlerts.get(item.conversationId);
      if (last !== undefined && now - last < realertMs) continue;
      client.dangerAlerts.set(item.conversationId, now);
      send(client.socket, { type: 'alert', kind: 'danger', conversationId: item.conversationId, repeat: last !== undefined });
      if (last !== undefined) void service.countRealert(item.conversationId, item.language, realertMs).catch(() => undefined);
    }
    for (const id of [...client.dangerAlerts.keys()]) if (!items.some((item) => item.conversationId === id)) client.dangerAlerts.delete(id);
  };

  /** Once per waiting conversation offered first to this console's counsellor (they had it last). */
  const alertPreferred = (client: LiveClient, items: QueueItem[]) => {
    for (const item of items) {
      if (!item.preferredForYou || client.preferredAlerts.has(item.conversationId)) continue;
      client.preferredAlerts.add(item.conversationId);
      send(client.socket, { type: 'alert', kind: 'preferred', conversationId: item.conversationId });
    }
    for (const id of [...client.preferredAlerts]) if (!items.some((item) => item.conversationId === id)) client.preferredAlerts.delete(id);
  };

  /** Sends a console its view of the list just read, once its staff session is known to be valid. */
  const showQueue = async (client: LiveClient, signedIn: Promise<unknown>, list: ListedEntry[]) => {
    // The staff session may have expired or been revoked (logout elsewhere, account removed).
    if (!(await signedIn)) {
      signOut(client);
      return;
    }
    // This counsellor's own view of the list (an offer to them says so; nobody else's name).
    const queueItems = service.queueFor(list, client.counsellor);
    const queueJson = JSON.stringify(queueItems);
    if (client.lastQueue !== queueJson) {
      client.lastQueue = queueJson;
      send(client.socket, { type: 'queue', items: queueItems });
    }
    alertDanger(client, queueItems, Date.now());
    alertPreferred(client, queueItems);
    // Its own conversations next, without holding up the list's next reading.
    client.showSessions();
  };

  /** Sends a console the conversations its counsellor holds, and stops following any they do not. */
  const showSessions = async (client: LiveClient) => {
    if (!clients.has(client)) return;
    const sessions = await service.mySessions(client.counsellor);
    if (!clients.has(client)) return;
    const held = new Set(sessions.map((s) => s.conversationId));
    for (const conversationId of [...client.subscriptions.keys()]) if (!held.has(conversationId)) drop(client, conversationId, 'not_yours');
    const items = await Promise.all(sessions.map(item));
    const sessionsJson = JSON.stringify(items);
    if (clients.has(client) && client.lastSessions !== sessionsJson) {
      client.lastSessions = sessionsJson;
      send(client.socket, { type: 'sessions', items });
    }
  };

  // The conversations of the last list and those the queue announced since: their rows' facts are
  // read together with the next list (HandoffService.waitingList).
  let lastListed: string[] = [];
  const announced = new Set<string>();
  const refresh = async () => {
    if (clients.size === 0) return;
    const listening = [...clients];
    const expected = [...lastListed, ...announced];
    announced.clear();
    // Each console's session is checked while the list is read, not after it: under a burst of
    // requests every Redis round trip waits behind the turns, so one hop less is a list shown sooner.
    const signedIn = listening.map((client) => options.authenticateSocket(client.cookie).catch(() => undefined));
    let list: ListedEntry[];
    try {
      list = await service.waitingList(expected);
    } catch {
      return;
    }
    lastListed = list.map(({ item }) => item.conversationId);
    await Promise.all(listening.map((client, index) => showQueue(client, signedIn[index]!, list).catch(() => undefined)));
  };
  // A change is shown at once (no fixed delay); changes that come while a refresh runs are
  // gathered into one more refresh right after it, so a burst costs two refreshes, not one each.
  const scheduleRefresh = coalesce(refresh);
  const timer = setInterval(scheduleRefresh, options.refreshMs ?? 2_000);
  options.onChange((conversationId) => {
    if (conversationId && clients.size > 0) announced.add(conversationId);
    scheduleRefresh();
  });
  fastify.addHook('onClose', async () => clearInterval(timer));

  // Access ends at once, on every instance.
  options.bus.on((event: HandoffEvent) => {
    switch (event.type) {
      case 'ended':
        for (const client of clients) if (client.counsellor.username === event.counsellor) drop(client, event.conversationId, 'ended');
        break;
      case 'transferred':
        for (const client of clients) {
          if (client.counsellor.username !== event.from) continue;
          // A team lead moved it: the counsellor who had it is told who, and where it went.
          if (event.by && event.by !== event.from) send(client.socket, { type: 'reassigned', conversationId: event.conversationId, by: event.by, to: event.to });
          drop(client, event.conversationId, 'transferred');
        }
        break;
      case 'requeued':
        for (const client of clients) {
          if (client.counsellor.username === event.from) {
            if (event.by && event.by !== event.from) send(client.socket, { type: 'reassigned', conversationId: event.conversationId, by: event.by, to: 'queue' });
            drop(client, event.conversationId, event.why);
          } else if (event.why === 'counsellor_left') send(client.socket, { type: 'alert', kind: event.danger ? 'danger' : 'returned', conversationId: event.conversationId });
        }
        break;
      case 'interpreter':
        for (const client of clients) {
          if (client.counsellor.username === event.counsellor) send(client.socket, { type: 'interpreter', conversationId: event.conversationId, joined: event.joined });
        }
        break;
      case 'accessEnded':
        for (const client of [...clients]) if (client.counsellor.username === event.counsellor) signOut(client);
        break;
      case 'watched':
        // The safe word: its counsellor (if one has the chat) is alerted; a waiting one alerts every
        // console as danger (the list's refresh below), again until someone takes it.
        for (const client of clients) {
          if (event.counsellor && client.counsellor.username === event.counsellor) send(client.socket, { type: 'alert', kind: 'watched', conversationId: event.conversationId });
        }
        break;
      case 'flagged': {
        // On the message in the open transcript, and as an alert, for the counsellor in the chat.
        const screening = { level: event.level, categories: event.categories };
        const labelled = { ...screening, nl: screeningLabel('nl', screening), en: screeningLabel('en', screening) };
        for (const client of clients) {
          if (client.counsellor.username !== event.counsellor) continue;
          send(client.socket, { type: 'flagged', conversationId: event.conversationId, activityId: event.activityId, screening: labelled });
          send(client.socket, { type: 'alert', kind: event.level === 'urgent' ? 'danger' : 'flagged', conversationId: event.conversationId });
        }
        break;
      }
      default:
        break;
    }
    scheduleRefresh();
  });

  fastify.get('/api/staff/live', { websocket: true }, (socket, request) => {
    let client: LiveClient | undefined;
    const cookie = request.headers.cookie;
    const ready = options.authenticateSocket(cookie).then(async (counsellor) => {
      if (!counsellor) {
        socket.close(4401, 'Not signed in');
        return;
      }
      const live: LiveClient = { socket, cookie, counsellor, lastQueue: '', lastSessions: '', dangerAlerts: new Map(), preferredAlerts: new Set(), subscriptions: new Map(), showSessions: () => undefined };
      live.showSessions = coalesce(() => showSessions(live));
      client = live;
      clients.add(client);
      await options.presence.heartbeat(counsellor.username, counsellor.languages);
      scheduleRefresh();
    });
    socket.on('message', (raw) => {
      void ready.then(async () => {
        if (!client || !clients.has(client)) return;
        let message: { type?: unknown; conversationId?: unknown; watermark?: unknown };
        try {
          message = JSON.parse(String(raw)) as typeof message;
        } catch {
          send(socket, { type: 'error', code: 'BadMessage' });
          return;
        }
        if (!message || typeof message !== 'object') {
          send(socket, { type: 'error', code: 'BadMessage' });
          return;
        }
        if (message.type === 'heartbeat') {
          await options.presence.heartbeat(client.counsellor.username, client.counsellor.languages);
        } else if (message.type === 'subscribe' && typeof message.conversationId === 'string') {
          await subscribe(client, message.conversationId, message.watermark);
        } else if (message.type === 'unsubscribe' && typeof message.conversationId === 'string') {
          client.subscriptions.get(message.conversationId)?.unsubscribe();
          client.subscriptions.delete(message.conversationId);
        } else {
          send(socket, { type: 'error', code: 'BadMessage' });
        }
      }).catch(() => send(socket, { type: 'error', code: 'ServiceError' }));
    });
    socket.on('close', () => {
      if (!client) return;
      for (const subscription of client.subscriptions.values()) subscription.unsubscribe();
      client.subscriptions.clear();
      clients.delete(client);
    });
  });

  /** Follows a conversation the counsellor holds, from a valid watermark; anything else is refused. */
  const subscribe = async (client: LiveClient, conversationId: string, watermark: unknown) => {
    const after = watermark === undefined || watermark === null || watermark === '' ? '0-0' : watermark;
    if (typeof after !== 'string' || !RedisConversationStore.isEntryId(after)) {
      send(client.socket, { type: 'error', code: 'BadWatermark', conversationId });
      return;
    }
    if (!(await service.holds(conversationId, client.counsellor.username))) {
      send(client.socket, { type: 'error', code: 'NotYourConversation', conversationId });
      return;
    }
    client.subscriptions.get(conversationId)?.unsubscribe();
    const username = client.counsellor.username;
    const subscription = options.hub.subscribe(conversationId, after, (delivery) => {
      // Only while it is still theirs (a drop may be on its way from another instance).
      if (!clients.has(client) || client.subscriptions.get(conversationId) !== subscription || client.counsellor.username !== username) return;
      send(client.socket, { type: 'activities', conversationId, lines: consoleTranscript(delivery.activities, { translator: options.translator }), watermark: delivery.watermark, ended: delivery.ended });
    }, {
      // The hub dropped this one stream (it cannot be read); every other conversation keeps flowing.
      onDropped: () => {
        if (client.subscriptions.get(conversationId) !== subscription) return;
        client.subscriptions.delete(conversationId);
        send(client.socket, { type: 'error', code: 'StreamUnavailable', conversationId });
      },
    });
    client.subscriptions.set(conversationId, subscription);
  };
};

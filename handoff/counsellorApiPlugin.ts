/**
 * The counsellors' HTTP API (JSON) and live WebSocket, under /api/staff. Every route needs a staff
 * session with the role counsellor (or admin); every change needs the x-csrf-token header
 * (see staff/staffAuthPlugin.ts). Documented in docs/api.md.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { isLanguage, type Language } from '../bot/languages.js';
import type { ActivityStreamHub, StreamSubscription } from '../directline/ActivityStreamHub.js';
import { consoleTranscript } from './consoleTranscript.js';
import type { CounsellorPresence } from './CounsellorPresence.js';
import type { ActingCounsellor, HandoffService, QueueItem } from './HandoffService.js';
import { OUTCOMES } from './outcomes.js';
import { staffText } from './staffTexts.js';

/** Options of the plugin. */
export interface CounsellorApiOptions {
  service: HandoffService;
  presence: CounsellorPresence;
  hub: ActivityStreamHub;
  /** Authenticates a WebSocket upgrade from its cookie header (the staff session). */
  authenticateSocket(request: FastifyRequest): Promise<ActingCounsellor | undefined>;
  /** How often the consoles' lists are refreshed even without events (ms). */
  refreshMs?: number;
  /** Registers a listener for changes of the queue or sessions (from this or another instance). */
  onChange(listener: () => void): void;
}

interface IdParams {
  id: string;
}

const COUNSELLOR_ROLES = ['counsellor', 'admin'] as const;

function acting(request: FastifyRequest): ActingCounsellor {
  const staff = (request as FastifyRequest & { staff?: { username: string; languages?: string[] } }).staff;
  if (!staff) throw Object.assign(new Error('Not signed in'), { statusCode: 401 });
  return { username: staff.username, languages: (staff.languages ?? []).filter(isLanguage) };
}

function errorReply(reply: FastifyReply, error: unknown): FastifyReply {
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  const code = (error as Error).name ?? 'Error';
  if (status >= 500) reply.log.error({ event: 'staff_api_error', error: code }, 'staff api error');
  return reply.code(status).send({ error: { code, message: status >= 500 ? 'Something went wrong' : (error as Error).message } });
}

/** Registers the counsellor routes. Needs staffAuthPlugin (the `staffGuard` decorator) and @fastify/websocket. */
export const counsellorApiPlugin: FastifyPluginAsync<CounsellorApiOptions> = async (fastify, options) => {
  const guard = (fastify as FastifyInstance & { staffGuard: (roles: readonly string[]) => (req: FastifyRequest, reply: FastifyReply) => Promise<void> }).staffGuard(COUNSELLOR_ROLES);
  const { service } = options;
  const route = <T>(handler: (request: FastifyRequest, reply: FastifyReply) => Promise<T>) => async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      return await handler(request, reply);
    } catch (error) {
      return errorReply(reply, error);
    }
  };

  fastify.get('/api/staff/queue', { preHandler: guard }, route(async () => service.queueItems()));

  fastify.post('/api/staff/queue/next', { preHandler: guard }, route(async (request, reply) => {
    const session = await service.claimNext(acting(request));
    if (!session) return reply.code(204).send();
    return { conversationId: session.conversationId };
  }));

  fastify.post<{ Params: IdParams }>('/api/staff/conversations/:id/claim', { preHandler: guard }, route(async (request) => {
    const session = await service.claim((request.params as IdParams).id, acting(request));
    return { conversationId: session.conversationId, interpreterNeeded: session.interpreterNeeded };
  }));

  fastify.get('/api/staff/conversations', { preHandler: guard }, route(async (request) =>
    (await service.mySessions(acting(request))).map((s) => ({
      conversationId: s.conversationId,
      language: s.job.language,
      priority: s.job.priority,
      danger: s.job.priority === 'danger',
      interpreterNeeded: s.interpreterNeeded,
      claimedAt: new Date(s.claimedAt).toISOString(),
    })),
  ));

  fastify.get<{ Params: IdParams }>('/api/staff/conversations/:id', { preHandler: guard }, route(async (request) => {
    const { session, transcript, summary, notes } = await service.conversation((request.params as IdParams).id, acting(request));
    return {
      conversationId: session.conversationId,
      language: session.job.language,
      priority: session.job.priority,
      danger: session.job.priority === 'danger',
      interpreterNeeded: session.interpreterNeeded,
      claimedAt: new Date(session.claimedAt).toISOString(),
      summary,
      notes,
      transcript: consoleTranscript(transcript),
      watermark: transcript.length ? transcript[transcript.length - 1]!.id?.split('|')[1] : undefined,
    };
  }));

  fastify.post<{ Params: IdParams; Body: { text?: unknown } }>('/api/staff/conversations/:id/messages', { preHandler: guard }, route(async (request) => {
    const activity = await service.sendMessage((request.params as IdParams).id, acting(request), String((request.body as { text?: unknown } | undefined)?.text ?? ''));
    return { id: activity.id };
  }));

  fastify.post<{ Params: IdParams; Body: { key?: unknown } }>('/api/staff/conversations/:id/quick-replies', { preHandler: guard }, route(async (request) => {
    const activity = await service.sendQuickReply((request.params as IdParams).id, acting(request), String((request.body as { key?: unknown } | undefined)?.key ?? ''));
    return { id: activity.id };
  }));

  fastify.get<{ Querystring: { language?: string } }>('/api/staff/quick-replies', { preHandler: guard }, route(async (request) => {
    const language = (request.query as { language?: string }).language;
    const young: Language = isLanguage(language) ? language : 'nl';
    const nl = service.quickReplies('nl');
    const en = service.quickReplies('en');
    const theirs = service.quickReplies(young);
    return Object.keys(nl).map((key) => ({ key, nl: nl[key], en: en[key], text: theirs[key], language: young }));
  }));

  fastify.post<{ Params: IdParams; Body: { to?: unknown } }>('/api/staff/conversations/:id/transfer', { preHandler: guard }, route(async (request) => {
    const to = (request.body as { to?: unknown } | undefined)?.to;
    await service.transfer((request.params as IdParams).id, acting(request), typeof to === 'string' && to ? to : 'queue');
    return { ok: true };
  }));

  fastify.post<{ Params: IdParams; Body: { outcome?: unknown; note?: unknown } }>('/api/staff/conversations/:id/end', { preHandler: guard }, route(async (request) => {
    const body = (request.body ?? {}) as { outcome?: unknown; note?: unknown };
    const outcome = await service.end((request.params as IdParams).id, acting(request), body.outcome, body.note);
    return { outcome };
  }));

  fastify.get('/api/staff/outcomes', { preHandler: guard }, route(async () =>
    OUTCOMES.map((code) => ({ code, nl: staffText('nl', `outcomes.${code}`), en: staffText('en', `outcomes.${code}`) })),
  ));

  fastify.get('/api/staff/colleagues', { preHandler: guard }, route(async (request) => {
    const me = acting(request).username;
    return (await options.presence.onDuty()).filter((c) => c.username !== me);
  }));

  // Live updates for the console: the waiting list, your conversations, and the activities of the
  // conversations you subscribe to (from the conversation streams, with watermarks: nothing lost
  // on a reconnect, nothing twice).
  const sockets = new Set<{ socket: WebSocket; counsellor: ActingCounsellor; lastQueue: string; lastSessions: string; knownDanger: Set<string> }>();

  const send = (socket: WebSocket, message: unknown) => {
    if (socket.readyState === 1) socket.send(JSON.stringify(message));
  };

  const refresh = async () => {
    if (sockets.size === 0) return;
    let items: QueueItem[];
    try {
      items = await service.queueItems();
    } catch {
      return;
    }
    const queueJson = JSON.stringify(items);
    for (const client of sockets) {
      if (client.lastQueue !== queueJson) {
        client.lastQueue = queueJson;
        send(client.socket, { type: 'queue', items });
        for (const item of items) {
          if (item.danger && !client.knownDanger.has(item.conversationId)) {
            client.knownDanger.add(item.conversationId);
            send(client.socket, { type: 'alert', kind: 'danger', conversationId: item.conversationId });
          }
        }
      }
      const sessions = (await service.mySessions(client.counsellor)).map((s) => ({
        conversationId: s.conversationId,
        language: s.job.language,
        priority: s.job.priority,
        danger: s.job.priority === 'danger',
        interpreterNeeded: s.interpreterNeeded,
      }));
      const sessionsJson = JSON.stringify(sessions);
      if (client.lastSessions !== sessionsJson) {
        client.lastSessions = sessionsJson;
        send(client.socket, { type: 'sessions', items: sessions });
      }
    }
  };
  let refreshing = false;
  const scheduleRefresh = () => {
    if (refreshing) return;
    refreshing = true;
    setTimeout(() => {
      refreshing = false;
      void refresh();
    }, 50);
  };
  const timer = setInterval(scheduleRefresh, options.refreshMs ?? 2_000);
  options.onChange(scheduleRefresh);
  fastify.addHook('onClose', async () => clearInterval(timer));

  fastify.get('/api/staff/live', { websocket: true }, (socket, request) => {
    const subscriptions = new Map<string, StreamSubscription>();
    let client: { socket: WebSocket; counsellor: ActingCounsellor; lastQueue: string; lastSessions: string; knownDanger: Set<string> } | undefined;
    const ready = options.authenticateSocket(request).then(async (counsellor) => {
      if (!counsellor) {
        socket.close(4401, 'Not signed in');
        return;
      }
      client = { socket, counsellor, lastQueue: '', lastSessions: '', knownDanger: new Set() };
      // Danger conversations already waiting when the console opens are not "new".
      for (const item of await service.queueItems()) if (item.danger) client.knownDanger.add(item.conversationId);
      sockets.add(client);
      await options.presence.heartbeat(counsellor.username, counsellor.languages);
      scheduleRefresh();
    });
    socket.on('message', (raw) => {
      void ready.then(async () => {
        if (!client) return;
        let message: { type?: string; conversationId?: string; watermark?: string };
        try {
          message = JSON.parse(String(raw)) as typeof message;
        } catch {
          send(socket, { type: 'error', code: 'BadMessage' });
          return;
        }
        if (message.type === 'heartbeat') {
          await options.presence.heartbeat(client.counsellor.username, client.counsellor.languages);
        } else if (message.type === 'subscribe' && typeof message.conversationId === 'string') {
          const conversationId = message.conversationId;
          const own = (await service.mySessions(client.counsellor)).some((s) => s.conversationId === conversationId);
          if (!own) {
            send(socket, { type: 'error', code: 'NotYourConversation', conversationId });
            return;
          }
          subscriptions.get(conversationId)?.unsubscribe();
          const after = typeof message.watermark === 'string' && message.watermark ? message.watermark : '0-0';
          subscriptions.set(
            conversationId,
            options.hub.subscribe(conversationId, after, (delivery) => {
              send(socket, { type: 'activities', conversationId, lines: consoleTranscript(delivery.activities), watermark: delivery.watermark, ended: delivery.ended });
            }),
          );
        } else if (message.type === 'unsubscribe' && typeof message.conversationId === 'string') {
          subscriptions.get(message.conversationId)?.unsubscribe();
          subscriptions.delete(message.conversationId);
        }
      });
    });
    socket.on('close', () => {
      for (const subscription of subscriptions.values()) subscription.unsubscribe();
      if (client) sockets.delete(client);
    });
  });
};

/**
 * `GET /conversations/{id}/stream?t=<stream token>&watermark=` — the WebSocket of `streamUrl`.
 * The upgrade is refused with an ordinary HTTP answer and the Direct Line error body when the
 * query is malformed (400), the token is missing or not a token (401), invalid, expired, of the
 * wrong scope or for another conversation (403), or the conversation does not exist (404).
 * After the upgrade, a StreamSession runs the socket.
 */
import type { FastifyInstance } from 'fastify';
import { ConversationNotFoundError, ForbiddenError, MalformedTokenError } from '../errors.js';
import { conversationParams, streamQuery } from '../schemas.js';
import { StreamSession } from '../StreamSession.js';
import { watermarkOf, type ConversationParams, type RouteContext } from './context.js';

/** Options of the stream sessions. */
export interface StreamRouteOptions {
  keepAliveMs: number;
  messageLimit: { max: number; windowMs: number };
}

/** Registers the stream route (needs @fastify/websocket, registered once at the root). */
export function registerStreamRoute(fastify: FastifyInstance, context: RouteContext, options: StreamRouteOptions): void {
  const { tokens, store } = context;
  /** What the checks before the upgrade found, for the socket handler. */
  const accepted = new WeakMap<object, { conversationId: string; watermark: string | undefined }>();

  fastify.get<{ Params: ConversationParams; Querystring: { t?: string; watermark?: string } }>(
    '/conversations/:id/stream',
    {
      websocket: true,
      schema: { params: conversationParams, querystring: streamQuery },
      // The URL carries a (short-lived) token: keep Fastify's request logs for this route quiet.
      logLevel: 'warn',
      // After the schema check, before the upgrade.
      preHandler: async (request) => {
        const t = request.query.t;
        if (!t) throw new MalformedTokenError('A stream token is required: ?t=<token>.');
        const claims = await tokens.verify(t, 'stream');
        if (claims.conversationId !== request.params.id) throw new ForbiddenError();
        const watermark = watermarkOf(request.query);
        if ((await store.status(claims.conversationId)) === 'missing') throw new ConversationNotFoundError();
        accepted.set(request.raw, { conversationId: claims.conversationId, watermark });
      },
    },
    (socket, request) => {
      const stream = accepted.get(request.raw);
      if (!stream) {
        socket.close(1008, 'not authorised');
        return;
      }
      const session = new StreamSession(socket, stream.conversationId, stream.watermark, {
        store,
        hub: context.hub,
        typing: context.typing,
        seen: context.seen,
        log: context.log,
        keepAliveMs: options.keepAliveMs,
        messageLimit: options.messageLimit,
      });
      void session.start();
    },
  );
}

/**
 * `GET /conversations/{id}/stream?t=<stream token>&watermark=` — the WebSocket of `streamUrl`.
 * The upgrade is refused with an ordinary HTTP answer and the Direct Line error body when the
 * query is malformed (400), the token is missing or not a token (401), invalid, expired, of the
 * wrong scope or for another conversation (403), or the conversation does not exist (404).
 * After the upgrade, a StreamSession runs the socket; the route's sockets share one keep-alive
 * timer (KeepAliveWheel). Before the upgrade: one token check (an HMAC) and one Redis read (the
 * conversation's status), nothing else.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { ConversationNotFoundError, ForbiddenError, MalformedTokenError } from '../errors.js';
import { KeepAliveWheel } from '../KeepAliveWheel.js';
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
  const { tokens, store, log } = context;
  /** What the checks before the upgrade found, for the socket handler. */
  const accepted = new WeakMap<object, { conversationId: string; watermark: string | undefined; ended: boolean; response: ServerResponse }>();
  const keepAlive = new KeepAliveWheel(options.keepAliveMs);
  fastify.addHook('onClose', async () => keepAlive.close());
  /**
   * One 'error' listener for every socket of the route, in place of @fastify/websocket's own, which
   * is a closure over the upgrade's request and reply and so keeps them alive as long as the socket.
   * Like the app's WebSocket error handler: the error's name only, and the socket is cut off.
   */
  function onSocketError(this: WebSocket, error: Error): void {
    log.warn({ event: 'directline.stream.socket_error', code: error.name });
    this.terminate();
  }

  fastify.get<{ Params: ConversationParams; Querystring: { t?: string; watermark?: string } }>(
    '/conversations/:id/stream',
    {
      websocket: true,
      schema: { params: conversationParams, querystring: streamQuery },
      // The URL carries a (short-lived) token: keep Fastify's request logs for this route quiet.
      logLevel: 'warn',
      // After the schema check, before the upgrade.
      preHandler: async (request, reply) => {
        const t = request.query.t;
        if (!t) throw new MalformedTokenError('A stream token is required: ?t=<token>.');
        const claims = await tokens.verify(t, 'stream');
        if (claims.conversationId !== request.params.id) throw new ForbiddenError();
        const watermark = watermarkOf(request.query);
        const status = await store.status(claims.conversationId);
        if (status === 'missing') throw new ConversationNotFoundError();
        accepted.set(request.raw, { conversationId: claims.conversationId, watermark, ended: status === 'ended', response: reply.raw });
      },
    },
    (socket, request) => {
      socket.removeAllListeners('error');
      socket.on('error', onSocketError);
      const stream = accepted.get(request.raw);
      accepted.delete(request.raw);
      // The upgrade's HTTP response stays attached to the TCP socket, and with it the request (its
      // headers, its URL), Fastify's request, reply and logger: let go of them, the socket is a
      // WebSocket now.
      const response = stream?.response;
      if (response?.socket) response.detachSocket(response.socket);
      if (!stream) {
        socket.close(1008, 'not authorised');
        return;
      }
      const session = new StreamSession(socket, stream.conversationId, stream.watermark, {
        store,
        hub: context.hub,
        typing: context.typing,
        seen: context.seen,
        log,
        keepAlive,
        messageLimit: options.messageLimit,
      });
      session.start(stream.ended);
    },
  );
}

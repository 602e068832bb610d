/**
 * Target (c), the floor: what any server must do at the least for one message of one young person,
 * on the same URLs as Direct Line so the one generator drives it. Fastify and @fastify/websocket;
 * a token is the conversation id itself (nothing signed, nothing stored), a conversation is nothing
 * but its `streamUrl`, a socket is kept in a map, and a message is exactly one `XADD` (to the
 * target's private redis-server) and one reply pushed on the socket, with `replyToId` set.
 * No log, no keep-alive pings, no checks beyond the stream token equal to the id.
 */
import { randomBytes } from 'node:crypto';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import type { WebSocket } from 'ws';
import { defaultConfig } from '../../../server/config.js';
import type { TargetSpec } from '../messages.js';
import type { RunningTarget } from './RunningTarget.js';

const BASE = '/v3/directline';
const EXPIRES_IN = 3600;

/** The id a bearer token stands for (the token is the id). */
function bearer(header: string | undefined): string {
  return /^Bearer +(\S+)$/i.exec(header ?? '')?.[1] ?? '';
}

/** Starts the floor server. */
export async function startFloor(spec: TargetSpec): Promise<RunningTarget> {
  const redis = new Redis(spec.redisUrl, { connectionName: 'bench-floor' });
  const sockets = new Map<string, WebSocket>();
  const app = Fastify({ logger: false });
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => undefined);
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 16 * 1024 } });

  app.post(`${BASE}/tokens/generate`, async () => {
    const conversationId = randomBytes(16).toString('base64url');
    return { conversationId, token: conversationId, expires_in: EXPIRES_IN };
  });

  app.post(`${BASE}/conversations`, async (request, reply) => {
    const conversationId = bearer(request.headers.authorization);
    if (!conversationId) return reply.code(401).send({ error: { code: 'Unauthorized' } });
    const streamUrl = `ws://${request.headers.host}${BASE}/conversations/${conversationId}/stream?t=${conversationId}`;
    return reply.code(201).send({ conversationId, token: conversationId, expires_in: EXPIRES_IN, streamUrl });
  });

  app.post<{ Params: { id: string }; Body: { text?: string } }>(`${BASE}/conversations/:id/activities`, async (request, reply) => {
    const conversationId = request.params.id;
    if (bearer(request.headers.authorization) !== conversationId) return reply.code(403).send({ error: { code: 'Forbidden' } });
    const entryId = await redis.xadd(`${spec.keyPrefix}conv:${conversationId}`, 'MAXLEN', '~', '2000', '*', 'a', JSON.stringify(request.body));
    const activityId = `${conversationId}|${entryId}`;
    const answer = { type: 'message', id: `${activityId}.r`, replyToId: activityId, from: { id: 'floor', role: 'bot' }, text: request.body?.text ?? '' };
    sockets.get(conversationId)?.send(JSON.stringify({ activities: [answer], watermark: entryId }));
    return { id: activityId };
  });

  app.get<{ Params: { id: string }; Querystring: { t?: string } }>(`${BASE}/conversations/:id/stream`, { websocket: true }, (socket, request) => {
    const conversationId = request.params.id;
    if (request.query.t !== conversationId) {
      socket.close(1008, 'not authorised');
      return;
    }
    sockets.set(conversationId, socket);
    socket.on('close', () => {
      if (sockets.get(conversationId) === socket) sockets.delete(conversationId);
    });
  });

  // The same accept queue as the product (LISTEN_BACKLOG), so a surge compares the servers, not their backlogs.
  await app.listen({ port: 0, host: '127.0.0.1', backlog: defaultConfig.listenBacklog });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, stop: () => app.close() };
}

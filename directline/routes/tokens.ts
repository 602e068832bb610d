/**
 * `POST /tokens/generate` (anonymous: a new conversation id and user id, rate-limited per client)
 * and `POST /tokens/refresh` (a new token for the same conversation and user).
 */
import type { FastifyInstance } from 'fastify';
import { ConversationEndedError } from '../errors.js';
import { ignoredBody } from '../schemas.js';
import { authenticate, bearerToken, type RouteContext } from './context.js';

/**
 * Registers the token routes. `rateLimit`: anonymous generation, at most `max` per `windowMs` per
 * client (the context has registered @fastify/rate-limit).
 */
export function registerTokenRoutes(fastify: FastifyInstance, context: RouteContext, rateLimit: { max: number; windowMs: number }): void {
  const { tokens, store, seen, log, bodyLimit } = context;

  fastify.post(
    '/tokens/generate',
    { bodyLimit, schema: { body: ignoredBody }, config: { rateLimit: { max: rateLimit.max, timeWindow: rateLimit.windowMs } } },
    async () => {
      const issued = await tokens.generate();
      log.info({ event: 'directline.token.generated' });
      return { conversationId: issued.conversationId, token: issued.token, expires_in: issued.expiresIn };
    },
  );

  fastify.post('/tokens/refresh', { bodyLimit, schema: { body: ignoredBody } }, async (request) => {
    const claims = await authenticate(tokens, request);
    seen.mark(claims.conversationId);
    if ((await store.status(claims.conversationId)) === 'ended') throw new ConversationEndedError();
    const issued = await tokens.refresh(bearerToken(request));
    return { conversationId: issued.conversationId, token: issued.token, expires_in: issued.expiresIn };
  });
}

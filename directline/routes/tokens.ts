/**
 * `POST /tokens/generate` (anonymous: a new conversation id and user id, rate-limited per client;
 * with `{"returnCode": …}`: a token of that code's conversation, see ReturnCodes.ts) and
 * `POST /tokens/refresh` (a new token for the same conversation and user).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rateLimitSubject } from '../clientAddress.js';
import { ConversationEndedError, RateLimitedError, ReturnCodeInvalidError, ReturnCodesUnavailableError } from '../errors.js';
import { generateTokenBody, ignoredBody } from '../schemas.js';
import type { IssuedToken } from '../TokenService.js';
import { authenticate, bearerToken, type RouteContext } from './context.js';

/** The body of `POST /tokens/generate`. */
interface GenerateBody {
  returnCode?: string;
}

/** A token for the conversation of a return code, or the Direct Line error for a code that does not work. */
async function redeem(context: RouteContext, request: FastifyRequest, typed: string): Promise<IssuedToken> {
  const { returnCodes, tokens, log } = context;
  if (!returnCodes) throw new ReturnCodesUnavailableError();
  const client = await tokens.pseudonym('ratelimit:returncode', rateLimitSubject(request.ip));
  const result = await returnCodes.redeem(typed, client);
  // Event names only: never the code, the conversation id or the address.
  if (result.outcome === 'limited') {
    log.info({ event: 'directline.returncode.limited' });
    throw new RateLimitedError('Too many wrong return codes, try again later.', result.retryAfterSeconds);
  }
  if (result.outcome === 'refused') {
    log.info({ event: 'directline.returncode.refused' });
    throw new ReturnCodeInvalidError();
  }
  // "Came back with a code" happens here (counted by ReturnCodes' onRedeemed).
  log.info({ event: 'directline.returncode.redeemed' });
  return tokens.resume(result.conversationId);
}

/**
 * Registers the token routes. `rateLimit`: anonymous generation, at most `max` per `windowMs` per
 * client (the context has registered @fastify/rate-limit).
 */
export function registerTokenRoutes(fastify: FastifyInstance, context: RouteContext, rateLimit: { max: number; windowMs: number }): void {
  const { tokens, store, seen, log, bodyLimit } = context;

  fastify.post<{ Body: GenerateBody | null }>(
    '/tokens/generate',
    { bodyLimit, schema: { body: generateTokenBody }, config: { rateLimit: { max: rateLimit.max, timeWindow: rateLimit.windowMs } } },
    async (request) => {
      const typed = request.body?.returnCode;
      if (typeof typed === 'string') {
        const issued = await redeem(context, request, typed);
        return { conversationId: issued.conversationId, token: issued.token, expires_in: issued.expiresIn };
      }
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

/**
 * `POST /conversations` (start: the bot gets one `conversationUpdate`, however many instances are
 * asked) and `GET /conversations/{id}` (reconnect: a fresh `streamUrl` from a watermark).
 */
import type { Activity, ChannelAccount } from 'botbuilder';
import type { FastifyInstance } from 'fastify';
import { ConversationEndedError, ConversationNotFoundError } from '../errors.js';
import { conversationParams, LOCALE_PATTERN, startConversationBody, watermarkQuery } from '../schemas.js';
import { authenticate, bearerToken, expiresIn, streamUrl, watermarkOf, type ConversationParams, type RouteContext, type WatermarkQuery } from './context.js';

const LOCALE = new RegExp(LOCALE_PATTERN);

/** The start body's fields the channel reads (the schema has checked their types). */
interface StartBody {
  /** `conversationStartProperties.locale` of directlinejs. */
  locale?: string | null;
}

/** Registers the conversation routes. */
export function registerConversationRoutes(fastify: FastifyInstance, context: RouteContext): void {
  const { tokens, store, seen, log, bot, serviceUrl, bodyLimit } = context;

  fastify.post<{ Body: StartBody | null }>('/conversations', { bodyLimit, schema: { body: startConversationBody } }, async (request, reply) => {
    const claims = await authenticate(tokens, request);
    // A host the service does not answer to is refused before anything is created.
    context.streamUrls.origin(request);
    // The start's locale (a tag Lantern may not know: the bot decides what it means; a malformed one is ignored).
    const locale = typeof request.body?.locale === 'string' && LOCALE.test(request.body.locale) ? request.body.locale : undefined;
    if ((await store.status(claims.conversationId)) === 'ended') throw new ConversationEndedError();

    const created = await store.create(claims.conversationId);
    seen.mark(claims.conversationId);
    if (created) {
      log.info({ event: 'directline.conversation.started' });
      // Not stored, so never sent to the client (Direct Line: "not sent/received via client");
      // whatever the bot says in this turn (its welcome) is in the stream before the answer.
      const user: ChannelAccount = { id: claims.userId, name: '', role: 'user' };
      const conversationUpdate: Partial<Activity> = {
        type: 'conversationUpdate',
        id: `${claims.conversationId}|start`,
        channelId: 'webchat',
        serviceUrl,
        timestamp: new Date(),
        conversation: { id: claims.conversationId, isGroup: false, conversationType: 'personal', name: '' },
        from: user,
        recipient: { ...bot },
        membersAdded: [user, { ...bot }],
        ...(locale ? { locale } : {}),
      };
      await context.deliverToBot(conversationUpdate as Activity);
    }
    return reply.code(created ? 201 : 200).send({
      conversationId: claims.conversationId,
      token: bearerToken(request),
      expires_in: expiresIn(claims),
      streamUrl: await streamUrl(context, request, claims, undefined),
    });
  });

  fastify.get<{ Params: ConversationParams; Querystring: WatermarkQuery }>(
    '/conversations/:id',
    { schema: { params: conversationParams, querystring: watermarkQuery } },
    async (request) => {
      const claims = await authenticate(tokens, request, request.params.id);
      const watermark = watermarkOf(request.query);
      seen.mark(claims.conversationId);
      const status = await store.status(claims.conversationId);
      if (status === 'missing') throw new ConversationNotFoundError();
      if (status === 'ended') {
        // Nothing left to deliver: 404 tells directlinejs the conversation is over (no reconnect loop).
        const rest = await store.read(claims.conversationId, watermark, 1);
        if (rest.activities.length === 0) throw new ConversationNotFoundError('The conversation has ended.');
      }
      return {
        conversationId: claims.conversationId,
        token: bearerToken(request),
        expires_in: expiresIn(claims),
        streamUrl: await streamUrl(context, request, claims, watermark),
      };
    },
  );
}

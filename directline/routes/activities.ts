/**
 * `POST /conversations/{id}/activities` (one activity of the young person: stored, then a turn of
 * the bot; `typing` only echoed on the stream) and `GET /conversations/{id}/activities` (polling:
 * pages of up to 100 activities after a watermark).
 */
import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { FastifyInstance } from 'fastify';
import type { TokenClaims } from '../TokenService.js';
import { ConversationEndedError, ConversationNotFoundError } from '../errors.js';
import { activityBody, conversationParams, watermarkQuery } from '../schemas.js';
import { authenticate, watermarkOf, type ConversationParams, type RouteContext, type WatermarkQuery } from './context.js';

/** Activities per page of `GET …/activities`. */
export const BACKLOG_PAGE = 100;

/** An activity as a client may post it (the schema has checked every field named here). */
export interface ActivityBody {
  type: 'message' | 'event' | 'endOfConversation' | 'typing';
  text?: string | null;
  textFormat?: 'plain' | 'markdown' | 'xml';
  locale?: string;
  name?: string;
  value?: unknown;
  channelData?: Record<string, unknown>;
  replyToId?: string;
}

/**
 * The activity to store, from what the young person sent: only the fields of `ActivityBody`;
 * `from` (the token's user), `recipient`, `serviceUrl` and `channelId` are the channel's own.
 */
export function userActivity(body: ActivityBody, claims: TokenClaims, context: Pick<RouteContext, 'bot' | 'serviceUrl'>): Partial<Activity> {
  const activity: Record<string, unknown> = { type: body.type };
  if (typeof body.text === 'string') activity.text = body.text;
  if (body.textFormat !== undefined) activity.textFormat = body.textFormat;
  if (body.locale !== undefined) activity.locale = body.locale;
  if (body.type === 'event') activity.name = body.name;
  if (body.value !== undefined) activity.value = body.value;
  if (body.channelData !== undefined) activity.channelData = body.channelData;
  if (body.replyToId !== undefined) activity.replyToId = body.replyToId;
  activity.from = { id: claims.userId, role: 'user' };
  activity.recipient = { ...context.bot };
  activity.serviceUrl = context.serviceUrl;
  activity.channelId = 'webchat';
  return activity as Partial<Activity>;
}

/** Registers the activity routes. */
export function registerActivityRoutes(fastify: FastifyInstance, context: RouteContext): void {
  const { tokens, store, seen, flood, log, bodyLimit } = context;

  fastify.post<{ Params: ConversationParams; Body: ActivityBody }>(
    '/conversations/:id/activities',
    { bodyLimit, schema: { params: conversationParams, body: activityBody(context.maxTextLength) } },
    async (request) => {
      const claims = await authenticate(tokens, request, request.params.id);
      const conversationId = claims.conversationId;
      seen.mark(conversationId);
      const activity = userActivity(request.body, claims, context);
      // The flood limits, before anything is looked up.
      const { release, subject } = await flood.admit(conversationId, activity);
      try {
        const status = await store.status(conversationId);
        if (status === 'missing') throw new ConversationNotFoundError();
        if (status === 'ended') throw new ConversationEndedError();

        if (activity.type === 'typing') {
          // Echoed on the conversation's streams (Web Chat waits for the echo), but neither stored
          // nor given to the bot: it is no part of the transcript, and leaves no trace.
          const echo = {
            ...activity,
            id: `${conversationId}|typing-${randomBytes(6).toString('base64url')}`,
            timestamp: new Date().toISOString(),
            conversation: { id: conversationId },
          } as unknown as Activity;
          await context.typing.publish(conversationId, echo);
          return { id: echo.id };
        }
        // The shared rate (Redis, all instances).
        if (subject) await flood.count(subject, activity);

        const stored = await store.append(conversationId, activity);
        log.info({ event: 'directline.activity.received', activityType: stored.type });
        await context.deliverToBot(stored);
        if (stored.type === 'endOfConversation') {
          await store.end(conversationId);
          log.info({ event: 'directline.conversation.ended_by_user' });
        }
        return { id: stored.id };
      } finally {
        release();
      }
    },
  );

  fastify.get<{ Params: ConversationParams; Querystring: WatermarkQuery }>(
    '/conversations/:id/activities',
    { schema: { params: conversationParams, querystring: watermarkQuery } },
    async (request) => {
      const claims = await authenticate(tokens, request, request.params.id);
      const watermark = watermarkOf(request.query);
      seen.mark(claims.conversationId);
      if ((await store.status(claims.conversationId)) === 'missing') throw new ConversationNotFoundError();
      const page = await store.read(claims.conversationId, watermark, BACKLOG_PAGE);
      // As in Direct Line, typing activities are only sent over the WebSocket.
      return { activities: page.activities.filter((a) => a.type !== 'typing'), watermark: page.watermark };
    },
  );
}

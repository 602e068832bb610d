/**
 * What the Direct Line routes share (built once by directLinePlugin.ts), and the few steps every
 * route takes the same way: reading the bearer token, checking it opens the conversation in the
 * path, the watermark, and the stream URL handed out with a conversation.
 */
import type { Activity, ChannelAccount } from 'botbuilder';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { ActivityFloodGuard } from '../ActivityFloodGuard.js';
import type { ActivityStreamHub } from '../ActivityStreamHub.js';
import type { ConversationStore } from '../ConversationStore.js';
import { ForbiddenError, InvalidWatermarkError, MalformedTokenError } from '../errors.js';
import { RedisConversationStore } from '../RedisConversationStore.js';
import type { ReturnCodes } from '../ReturnCodes.js';
import type { SeenMarker } from '../SeenMarker.js';
import type { StreamUrls } from '../StreamUrls.js';
import type { TokenClaims, TokenService } from '../TokenService.js';
import type { TypingRelay } from '../TypingRelay.js';

/** Path prefix of every Direct Line route. */
export const DIRECT_LINE_BASE = '/v3/directline';

/** Everything a route module needs. */
export interface RouteContext {
  store: ConversationStore;
  tokens: TokenService;
  hub: ActivityStreamHub;
  typing: TypingRelay;
  seen: SeenMarker;
  flood: ActivityFloodGuard;
  /** Return codes (absent: a `returnCode` in a token request is refused with 400). */
  returnCodes?: ReturnCodes;
  streamUrls: StreamUrls;
  log: FastifyBaseLogger;
  /** The bot's account on the channel. */
  bot: ChannelAccount;
  /** `serviceUrl` put on incoming activities. */
  serviceUrl: string;
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** Longest `text` of an activity, in characters (code points). */
  maxTextLength: number;
  /** Hands an activity to the bot; a failure is logged by code only and does not fail the request. */
  deliverToBot(activity: Activity): Promise<void>;
}

/** `:id` of a conversation route. */
export interface ConversationParams {
  id: string;
}

/** `?watermark=` (the schema has checked its shape). */
export interface WatermarkQuery {
  watermark?: string;
}

const BEARER = /^Bearer +([^\s]+) *$/i;

/** The bearer token of the request ('' when there is none). */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  return (typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined) ?? '';
}

/** Verifies the conversation token and that it belongs to the conversation in the path (if any). */
export async function authenticate(tokens: TokenService, request: FastifyRequest, conversationId?: string): Promise<TokenClaims> {
  const token = bearerToken(request);
  if (!token) throw new MalformedTokenError();
  const claims = await tokens.verify(token, 'conversation');
  if (conversationId !== undefined && conversationId !== claims.conversationId) throw new ForbiddenError();
  return claims;
}

/** Seconds until the token expires (Direct Line's `expires_in`). */
export function expiresIn(claims: TokenClaims): number {
  return Math.max(0, claims.expiresAt - Math.floor(Date.now() / 1000));
}

/** The watermark: absent or empty = from the start; otherwise a stream entry id in range. */
export function watermarkOf(query: WatermarkQuery): string | undefined {
  const watermark = query.watermark;
  if (watermark === undefined || watermark === '') return undefined;
  if (!RedisConversationStore.isEntryId(watermark)) throw new InvalidWatermarkError();
  return watermark;
}

/** The conversation's stream URL with a fresh stream token (and the watermark to resume from). */
export async function streamUrl(context: RouteContext, request: FastifyRequest, claims: TokenClaims, watermark: string | undefined): Promise<string> {
  const origin = context.streamUrls.origin(request);
  const streamToken = await context.tokens.streamToken(claims);
  const query = new URLSearchParams({ t: streamToken.token });
  if (watermark) query.set('watermark', watermark);
  return `${origin}${DIRECT_LINE_BASE}/conversations/${encodeURIComponent(claims.conversationId)}/stream?${query}`;
}

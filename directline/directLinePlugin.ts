/**
 * The Direct Line 3.0 channel (the subset Web Chat and botframework-directlinejs use) under
 * `/v3/directline`, as a Fastify plugin. It only composes; each concern has its own file:
 *
 * | file | what |
 * | --- | --- |
 * | `routes/tokens.ts` | `POST /tokens/generate`, `POST /tokens/refresh` |
 * | `routes/conversations.ts` | `POST /conversations` (start, the bot's `conversationUpdate`), `GET /conversations/{id}` (reconnect) |
 * | `routes/activities.ts` | `POST` and `GET /conversations/{id}/activities` |
 * | `routes/stream.ts` + `StreamSession.ts` | the WebSocket of `streamUrl` |
 * | `routes/context.ts` | what the routes share: token check, watermark, stream URL |
 * | `schemas.ts` + `validation.ts` | the routes' JSON Schemas, a strict validator, a depth-limited JSON parser |
 * | `errors.ts` | every error, and the one mapping to `{ error: { code, message } }` |
 * | `httpPolicy.ts` | CORS for the configured origins, security headers, no caching |
 * | `StreamUrls.ts` | where `streamUrl` points (public URL or host allowlist, never the Host header alone) |
 * | `ActivityFloodGuard.ts`, `clientAddress.ts` | the flood limits, the token rate limit's client |
 * | `SeenMarker.ts`, `TypingRelay.ts` | "last seen" of the page, typing echoes (never stored) |
 *
 * Everything lives in one encapsulated context with the prefix `/v3/directline`: its error and
 * not-found handlers, validator, JSON parser, CORS and headers apply to the channel's routes only.
 * Activities live in the ConversationStore (Redis Streams), so any app instance can serve any
 * conversation. See docs/protocol.md.
 *
 * Register it once, without a prefix, after `@fastify/websocket` (registered once, at the root):
 * `await app.register(directLinePlugin, { store, tokens, hub, onActivity, rateLimit })`.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { Activity, ChannelAccount } from 'botbuilder';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import { errorCode } from '../contracts/errorCode.js';
import { ActivityFloodGuard, positiveInt } from './ActivityFloodGuard.js';
import type { ActivityStreamHub } from './ActivityStreamHub.js';
import { rateLimitSubject } from './clientAddress.js';
import type { ConversationStore } from './ConversationStore.js';
import { errorBody, RateLimitedError, RouteNotFoundError, toDirectLineError } from './errors.js';
import { useCors, useSecurityHeaders } from './httpPolicy.js';
import { DIRECT_LINE_LIMITS } from './limits.js';
import { registerActivityRoutes } from './routes/activities.js';
import { DIRECT_LINE_BASE, type RouteContext } from './routes/context.js';
import { registerConversationRoutes } from './routes/conversations.js';
import { registerStreamRoute } from './routes/stream.js';
import { registerTokenRoutes } from './routes/tokens.js';
import type { ReturnCodes } from './ReturnCodes.js';
import { SeenMarker } from './SeenMarker.js';
import { StreamUrls } from './StreamUrls.js';
import type { TokenService } from './TokenService.js';
import { TypingRelay } from './TypingRelay.js';
import { useDepthLimitedJson, useStrictSchemas } from './validation.js';

export { DIRECT_LINE_BASE } from './routes/context.js';

/** Options of directLinePlugin. */
export interface DirectLinePluginOptions {
  /** Where activities live (RedisConversationStore). */
  store: ConversationStore;
  /** Issues and verifies tokens. */
  tokens: TokenService;
  /** Pushes new stream entries to this instance's WebSockets. */
  hub: ActivityStreamHub;
  /**
   * Hands an activity of the young person to the bot: every stored message/event/endOfConversation,
   * and the (unstored) `conversationUpdate` when a conversation starts. Awaited; if it throws, the
   * activity stays stored, an error code is logged and the client still gets 200.
   */
  onActivity(activity: Activity): Promise<void>;
  /** Anonymous token generation: at most `max` per `windowMs` per client, counted in Redis. */
  rateLimit: {
    max: number;
    windowMs: number;
    /** Connection for the shared counters (the rate-limit plugin defines a Lua command on it). */
    redis: RedisHandle;
    /** Redis key prefix of the counters, e.g. `${keys.prefix}dl:ratelimit:`. */
    keyPrefix: string;
  };
  /** Echoes the young person's typing on their streams (all instances). Default: this instance only. */
  typing?: TypingRelay;
  /** Return codes (`{"returnCode"}` in `POST /tokens/generate`). Default: none (such a request gets 400). */
  returnCodes?: ReturnCodes;
  /** Origins (`https://partner.example`) allowed to call the channel from a browser (CORS). Default: none. */
  allowedOrigins?: readonly string[];
  /**
   * Public base URL of the site (e.g. `https://lantern.example`): every `streamUrl` points there.
   * Without it, only a host in `allowedHosts` is used (see StreamUrls.ts).
   */
  publicUrl?: string;
  /** Host names the service answers to when there is no `publicUrl`. Default: loopback only. */
  allowedHosts?: readonly string[];
  /** The bot's account on the channel. Default `{ id: 'lantern', name: 'Lantern', role: 'bot' }`. */
  bot?: ChannelAccount;
  /** `serviceUrl` put on incoming activities. Default `urn:lantern:directline`. */
  serviceUrl?: string;
  /** Longest `text` of a young person's activity, in characters (code points). Default 4 000. */
  maxTextLength?: number;
  /** Interval of WebSocket keep-alives (an empty message plus a ping) and liveness checks, ms. Default 15 000. */
  keepAliveMs?: number;
  /** Largest request body in bytes. Default 32 768. */
  bodyLimit?: number;
  /** Deepest nesting of objects and arrays in a request body. Default 32. */
  maxJsonDepth?: number;
  /**
   * Per-token limit on `POST …/activities` (messages and events; `typing` has its own limit,
   * `typingLimit`, and `endOfConversation` is never limited), counted in Redis on `rateLimit.redis` under `rateLimit.keyPrefix`, so it holds
   * across instances: at most `burstMax` per `burstWindowMs` and `max` per `windowMs`, an activity
   * counting once per started `charactersPerCount` characters of its text. Over it: 429
   * `TooManyRequests` with `Retry-After`. Defaults (DIRECT_LINE_LIMITS): 8 per 5 s, 40 per minute,
   * 500 characters.
   */
  activityRateLimit?: { burstMax?: number; burstWindowMs?: number; max?: number; windowMs?: number; charactersPerCount?: number };
  /**
   * At most this many `POST …/activities` of one conversation awaiting the bot at once on this
   * instance; one more is answered 429 at once, without storing it. Default 3.
   */
  maxActivitiesInFlight?: number;
  /**
   * `typing` activities (echoed, never stored) of one conversation on this instance: at most `max`
   * per `windowMs`; one more is answered 429 with `Retry-After`. Default 10 per 10 s.
   */
  typingLimit?: { max?: number; windowMs?: number };
  /** A WebSocket client that sends more than `max` messages within `windowMs` is closed with 1008. Default 20 per 10 s. */
  streamMessageLimit?: { max?: number; windowMs?: number };
  /**
   * A `POST …/activities` refused for the rate limit is answered after this pause (ms; at most
   * the wait itself), so a client that floods in a loop slows itself down. The refusal for too
   * many turns in flight is always answered at once. Default 1 000.
   */
  rateLimitedDelayMs?: number;
  /** `store.markSeen` at most once per this many ms per conversation on this instance. Default 10 000. */
  seenThrottleMs?: number;
}

/** Fastify plugin serving the Direct Line 3.0 subset under `/v3/directline`. */
export const directLinePlugin: FastifyPluginAsync<DirectLinePluginOptions> = async (fastify, options) => {
  if (!fastify.hasPlugin('@fastify/websocket')) {
    throw new Error('directLinePlugin needs @fastify/websocket: register it once, at the root, before the channel (server/Lantern.ts does)');
  }
  const limits = DIRECT_LINE_LIMITS;
  const { store, tokens, hub, onActivity } = options;
  const log = fastify.log.child({ component: 'directline' });
  const flood = new ActivityFloodGuard({
    redis: options.rateLimit.redis,
    keyPrefix: options.rateLimit.keyPrefix,
    pseudonym: (conversationId) => tokens.pseudonym('ratelimit:activities', conversationId),
    log,
    ...options.activityRateLimit,
    maxInFlight: options.maxActivitiesInFlight,
    rateLimitedDelayMs: options.rateLimitedDelayMs,
    typingMax: options.typingLimit?.max,
    typingWindowMs: options.typingLimit?.windowMs,
  });
  const context: RouteContext = {
    store,
    tokens,
    hub,
    typing: options.typing ?? new TypingRelay(),
    seen: new SeenMarker(store, options.seenThrottleMs ?? limits.seenThrottleMs, log),
    flood,
    returnCodes: options.returnCodes,
    streamUrls: new StreamUrls({ publicUrl: options.publicUrl, allowedHosts: options.allowedHosts }),
    log,
    bot: options.bot ?? { id: 'lantern', name: 'Lantern', role: 'bot' },
    serviceUrl: options.serviceUrl ?? 'urn:lantern:directline',
    bodyLimit: positiveInt(options.bodyLimit, 32_768, 'bodyLimit'),
    maxTextLength: positiveInt(options.maxTextLength, 4_000, 'maxTextLength'),
    async deliverToBot(activity) {
      try {
        await onActivity(activity);
      } catch (error) {
        log.error({ event: 'directline.bot.failed', activityType: activity.type, code: errorCode(error) });
      }
    },
  };
  const keepAliveMs = positiveInt(options.keepAliveMs, 15_000, 'keepAliveMs');
  const messageLimit = {
    max: positiveInt(options.streamMessageLimit?.max, limits.streamMessageMax, 'streamMessageLimit.max'),
    windowMs: positiveInt(options.streamMessageLimit?.windowMs, limits.streamMessageWindowMs, 'streamMessageLimit.windowMs'),
  };
  const maxJsonDepth = positiveInt(options.maxJsonDepth, limits.maxJsonDepth, 'maxJsonDepth');

  await fastify.register(
    async (channel) => {
      // How input is read and checked, what every answer carries, and who may call from a browser.
      useStrictSchemas(channel);
      useDepthLimitedJson(channel, maxJsonDepth);
      useSecurityHeaders(channel);
      await useCors(channel, options.allowedOrigins ?? []);
      await channel.register(fastifyRateLimit, {
        global: false,
        redis: options.rateLimit.redis,
        nameSpace: options.rateLimit.keyPrefix,
        // Never the raw IP: a keyed hash (shared secret) of the client's IPv4 address or IPv6 /64.
        keyGenerator: (request: FastifyRequest) => tokens.pseudonym('ratelimit:tokens', rateLimitSubject(request.ip)),
        errorResponseBuilder: () => new RateLimitedError(),
        onExceeded: () => log.warn({ event: 'directline.tokens.rate_limited' }),
      });

      // One way to answer an error: the Direct Line body, never a 500 for bad input, never an id.
      channel.setErrorHandler(async (error, _request, reply) => {
        const holdMs = flood.holdFor(error);
        if (holdMs !== undefined) await new Promise((resolve) => setTimeout(resolve, holdMs));
        const answer = toDirectLineError(error);
        if (answer.statusCode >= 500) log.error({ event: 'directline.error', code: errorCode(error) });
        if (answer instanceof RateLimitedError && answer.retryAfterSeconds !== undefined) {
          void reply.header('retry-after', String(answer.retryAfterSeconds));
        }
        return reply.code(answer.statusCode).send(errorBody(answer));
      });
      channel.setNotFoundHandler(async (_request, reply) => reply.code(404).send(errorBody(new RouteNotFoundError())));

      registerTokenRoutes(channel, context, options.rateLimit);
      registerConversationRoutes(channel, context);
      registerActivityRoutes(channel, context);
      registerStreamRoute(channel, context, { keepAliveMs, messageLimit });
    },
    { prefix: DIRECT_LINE_BASE },
  );
};

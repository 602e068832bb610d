/**
 * The Direct Line 3.0 channel (the subset Web Chat and botframework-directlinejs use) under
 * `/v3/directline`, as a Fastify plugin: anonymous tokens, conversations, activities, and the
 * WebSocket stream. Activities live in the ConversationStore (Redis Streams), so any app
 * instance can serve any conversation. See docs/protocol.md.
 *
 * Register it once, without a prefix (its routes carry the full `/v3/directline/…` paths):
 * `await app.register(directLinePlugin, { store, tokens, hub, onActivity, rateLimit })`.
 */
import { errorCode } from '../contracts/errorCode.js';
import { isIPv4, isIPv6 } from 'node:net';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyWebsocket from '@fastify/websocket';
import type { Activity, ChannelAccount } from 'botbuilder';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { WebSocket } from 'ws';
import { ActivityRateLimiter } from './ActivityRateLimiter.js';
import type { ActivityStreamHub, StreamSubscription } from './ActivityStreamHub.js';
import type { ConversationStore } from './ConversationStore.js';
import {
  ActivityTooLargeError,
  BadArgumentError,
  ConversationEndedError,
  ConversationNotFoundError,
  DirectLineError,
  ForbiddenError,
  InvalidWatermarkError,
  MalformedTokenError,
  RateLimitedError,
  ServiceError,
} from './errors.js';
import { bodyProblem, statusOf, type BodyProblem } from '../contracts/httpErrors.js';
import { DIRECT_LINE_LIMITS } from './limits.js';
import { RedisConversationStore } from './RedisConversationStore.js';
import type { TokenClaims, TokenService } from './TokenService.js';

/** Path prefix of every Direct Line route. */
export const DIRECT_LINE_BASE = '/v3/directline';

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
    redis: Redis;
    /** Redis key prefix of the counters, e.g. `${keys.prefix}dl:ratelimit:`. */
    keyPrefix: string;
  };
  /** The bot's account on the channel. Default `{ id: 'lantern', name: 'Lantern', role: 'bot' }`. */
  bot?: ChannelAccount;
  /** `serviceUrl` put on incoming activities. Default `urn:lantern:directline`. */
  serviceUrl?: string;
  /**
   * Public base URL of the site (e.g. `https://lantern.example`), used to build `streamUrl`.
   * Default: derived from the request (protocol and Host, honouring Fastify's `trustProxy`).
   */
  publicUrl?: string;
  /** Longest `text` of a young person's activity, in characters (code points). Default 4 000. */
  maxTextLength?: number;
  /** Interval of WebSocket keep-alives (an empty message plus a ping) and liveness checks, ms. Default 15 000. */
  keepAliveMs?: number;
  /** Largest request body in bytes. Default 32 768. */
  bodyLimit?: number;
  /**
   * Per-token limit on `POST …/activities` (messages and events; `typing` and `endOfConversation`
   * are not counted), counted in Redis on `rateLimit.redis` under `rateLimit.keyPrefix`, so it holds
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

interface ConversationParams {
  id: string;
}

interface WatermarkQuery {
  watermark?: unknown;
}

interface StreamQuery extends WatermarkQuery {
  t?: unknown;
}

const USER_ACTIVITY_TYPES = new Set(['message', 'event', 'endOfConversation', 'typing']);
const TEXT_FORMATS = new Set(['plain', 'markdown', 'xml']);
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/;
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const BACKLOG_PAGE = 100;
const MAX_BUFFERED_BYTES = 1 << 20;


function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Expands an IPv6 address to its eight 16-bit groups (undefined when it cannot). */
function ipv6Groups(ip: string): string[] | undefined {
  const address = ip.split('%')[0] ?? '';
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string | undefined): string[] => {
    if (!part) return [];
    const groups = part.split(':');
    const last = groups.at(-1) ?? '';
    if (isIPv4(last)) {
      const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
      groups.splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
    }
    return groups;
  };
  const head = toGroups(halves[0]);
  const tail = toGroups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  return [...head, ...Array<string>(missing).fill('0'), ...tail].map((g) => g.toLowerCase().padStart(4, '0'));
}

/** What a client is counted as: its IPv4 address, or its IPv6 /64 network (one household or phone). */
function rateLimitSubject(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(ip)) return ip;
  if (isIPv6(ip)) {
    const groups = ipv6Groups(ip);
    if (groups) return `${groups.slice(0, 4).join(':')}::/64`;
  }
  return ip;
}

/** The Direct Line answer to each body Fastify refused to parse. */
const BODY_ERRORS: Record<BodyProblem, () => DirectLineError> = {
  tooLarge: () => new ActivityTooLargeError('The request body is too large.'),
  notJson: () => new DirectLineError(415, 'BadArgument', 'The request body must be JSON (Content-Type: application/json).'),
  empty: () => new BadArgumentError('The request body is empty.'),
  invalidJson: () => new BadArgumentError('The request body is not valid JSON.'),
};

/** Maps anything thrown in a route to a Direct Line error; bad input never becomes a 500. */
function toDirectLineError(error: unknown): DirectLineError {
  if (error instanceof DirectLineError) return error;
  const problem = bodyProblem(error);
  if (problem) return BODY_ERRORS[problem]();
  const status = statusOf(error);
  if (status >= 400 && status < 500) return new DirectLineError(status, 'BadArgument', 'The request is not valid.');
  return new ServiceError();
}

/** Reads a single optional string query parameter; repeated or non-string values are bad input. */
function queryString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadArgumentError(`The ${name} parameter must be given once.`);
  return value;
}

/** The `watermark` query parameter: absent or empty = from the start; otherwise a valid stream entry id. */
function watermarkParam(query: WatermarkQuery): string | undefined {
  const watermark = queryString(query.watermark, 'watermark');
  if (watermark === undefined || watermark === '') return undefined;
  if (!RedisConversationStore.isEntryId(watermark)) throw new InvalidWatermarkError();
  return watermark;
}

/** Length of a string in Unicode code points (a surrogate pair counts once), without copying it. */
function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** A positive integer option, or its default; anything else is a configuration mistake. */
function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result <= 0) throw new RangeError(`directLinePlugin: ${name} must be a positive integer`);
  return result;
}

/**
 * Fastify plugin serving the Direct Line 3.0 subset under `/v3/directline`.
 * Encapsulated: its error handler (Direct Line error bodies) applies to its own routes only.
 */
export const directLinePlugin: FastifyPluginAsync<DirectLinePluginOptions> = async (fastify, options) => {
  const { store, tokens, hub, onActivity } = options;
  const bot: ChannelAccount = options.bot ?? { id: 'lantern', name: 'Lantern', role: 'bot' };
  const serviceUrl = options.serviceUrl ?? 'urn:lantern:directline';
  const maxTextLength = options.maxTextLength ?? 4_000;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const bodyLimit = options.bodyLimit ?? 32_768;
  const log = fastify.log.child({ component: 'directline' });
  const publicBase = options.publicUrl ? new URL(options.publicUrl) : undefined;
  const streamClaims = new WeakMap<object, { claims: TokenClaims; watermark: string | undefined }>();
  const limits = DIRECT_LINE_LIMITS;
  const activityLimiter = new ActivityRateLimiter({
    redis: options.rateLimit.redis,
    keyPrefix: options.rateLimit.keyPrefix,
    burstMax: positiveInt(options.activityRateLimit?.burstMax, limits.activityBurstMax, 'activityRateLimit.burstMax'),
    burstWindowMs: positiveInt(options.activityRateLimit?.burstWindowMs, limits.activityBurstWindowMs, 'activityRateLimit.burstWindowMs'),
    max: positiveInt(options.activityRateLimit?.max, limits.activityRateLimitMax, 'activityRateLimit.max'),
    windowMs: positiveInt(options.activityRateLimit?.windowMs, limits.activityRateLimitWindowMs, 'activityRateLimit.windowMs'),
  });
  const charactersPerCount = positiveInt(
    options.activityRateLimit?.charactersPerCount,
    limits.activityCharactersPerCount,
    'activityRateLimit.charactersPerCount',
  );
  const maxInFlight = positiveInt(options.maxActivitiesInFlight, limits.maxActivitiesInFlight, 'maxActivitiesInFlight');
  const streamMessageMax = positiveInt(options.streamMessageLimit?.max, limits.streamMessageMax, 'streamMessageLimit.max');
  const streamMessageWindowMs = positiveInt(options.streamMessageLimit?.windowMs, limits.streamMessageWindowMs, 'streamMessageLimit.windowMs');
  const rateLimitedDelayMs = options.rateLimitedDelayMs ?? limits.rateLimitedDelayMs;
  if (!Number.isSafeInteger(rateLimitedDelayMs) || rateLimitedDelayMs < 0) throw new RangeError('directLinePlugin: rateLimitedDelayMs must be a non-negative integer');
  /** Refusals whose answer is held back, and for how long (ms). */
  const heldAnswers = new WeakMap<object, number>();
  const seenThrottleMs = options.seenThrottleMs ?? limits.seenThrottleMs;
  if (!Number.isSafeInteger(seenThrottleMs) || seenThrottleMs < 0) throw new RangeError('directLinePlugin: seenThrottleMs must be a non-negative integer');
  /** POSTs of each conversation awaiting the bot on this instance. */
  const inFlight = new Map<string, number>();
  /** Conversations whose endOfConversation is being handled on this instance. */
  const ending = new Set<string>();
  /** When each conversation was last marked seen from this instance (ms). */
  const seenMarks = new Map<string, number>();
  let seenSweep = 0;

  if (!fastify.hasDecorator('websocketServer')) {
    await fastify.register(fastifyWebsocket, {
      // Clients only ever send empty keep-alive messages.
      options: { maxPayload: 4_096 },
      errorHandler: (error, socket) => {
        log.warn({ event: 'directline.stream.socket_error', code: errorCode(error) });
        socket.terminate();
      },
    });
  }

  await fastify.register(fastifyRateLimit, {
    global: false,
    redis: options.rateLimit.redis,
    nameSpace: options.rateLimit.keyPrefix,
    // Never the raw IP: a keyed hash (shared secret) of the client's IPv4 address or IPv6 /64.
    keyGenerator: (request: FastifyRequest) => tokens.pseudonym('ratelimit:tokens', rateLimitSubject(request.ip)),
    errorResponseBuilder: () => new RateLimitedError(),
    onExceeded: () => log.warn({ event: 'directline.tokens.rate_limited' }),
  });

  fastify.setErrorHandler(async (error, _request, reply) => {
    const holdMs = error instanceof RateLimitedError ? heldAnswers.get(error) : undefined;
    if (holdMs !== undefined) await new Promise((resolve) => setTimeout(resolve, holdMs));
    const dlError = toDirectLineError(error);
    if (dlError.statusCode >= 500) log.error({ event: 'directline.error', code: errorCode(error) });
    if (dlError instanceof RateLimitedError && dlError.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(dlError.retryAfterSeconds));
    }
    return reply.code(dlError.statusCode).send({ error: { code: dlError.code, message: dlError.message } });
  });

  /**
   * Records that the young person's page is there (for the handoff: "last seen"), without waiting
   * and at most once per `seenThrottleMs` per conversation from this instance. Failures are logged by code.
   */
  function markSeen(conversationId: string): void {
    const now = Date.now();
    const last = seenMarks.get(conversationId);
    if (last !== undefined && now - last < seenThrottleMs) return;
    seenMarks.set(conversationId, now);
    if (now - seenSweep >= Math.max(seenThrottleMs, 1_000)) {
      seenSweep = now;
      for (const [id, at] of seenMarks) if (now - at >= seenThrottleMs && id !== conversationId) seenMarks.delete(id);
    }
    store.markSeen(conversationId).catch((error: unknown) => {
      // Try again on the next request rather than waiting out the throttle.
      if (seenMarks.get(conversationId) === now) seenMarks.delete(conversationId);
      log.warn({ event: 'directline.seen.failed', code: errorCode(error) });
    });
  }

  /**
   * Takes one of the conversation's in-flight places on this instance, or refuses at once (429).
   * Returns the function that gives it back.
   */
  function admit(conversationId: string): () => void {
    const busy = inFlight.get(conversationId) ?? 0;
    if (busy >= maxInFlight) {
      throw new RateLimitedError('Too many messages are still being answered. Wait a moment, then send again.', 1);
    }
    inFlight.set(conversationId, busy + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(conversationId) ?? 1) - 1;
      if (left <= 0) inFlight.delete(conversationId);
      else inFlight.set(conversationId, left);
    };
  }

  /**
   * The 429 for a young person who sends too fast. Its answer is held back for up to
   * `rateLimitedDelayMs` (never longer than the wait itself; Retry-After counts from the answer),
   * so a client that floods in a loop slows itself down instead of keeping the instance busy.
   */
  function tooFast(retryAfterMs: number): RateLimitedError {
    const holdMs = Math.min(rateLimitedDelayMs, retryAfterMs);
    const error = new RateLimitedError(
      'You are sending messages very fast. Wait a few seconds, then send again.',
      Math.max(1, Math.ceil((retryAfterMs - holdMs) / 1000)),
    );
    if (holdMs > 0) heldAnswers.set(error, holdMs);
    return error;
  }

  /**
   * What an activity counts for in the rate limit: once per started `charactersPerCount`
   * characters of its text (at least once). A long text costs the bot's turn (screening) more.
   */
  function activityCost(activity: Partial<Activity>): number {
    const length = typeof activity.text === 'string' ? codePoints(activity.text) : 0;
    return Math.max(1, Math.ceil(length / charactersPerCount));
  }

  /** Refuses at once (429) when this instance already knows the subject is over its rate. */
  function refuseIfKnownBlocked(subject: string): void {
    const waitMs = activityLimiter.blockedFor(subject);
    if (waitMs > 0) throw tooFast(waitMs);
  }

  /** Counts one posted activity against the conversation's shared rate limit, or refuses it (429). */
  async function countActivity(subject: string, cost: number): Promise<void> {
    const decision = await activityLimiter.take(subject, cost);
    if (decision.allowed) return;
    if (decision.fresh) log.warn({ event: 'directline.activity.rate_limited' });
    throw tooFast(decision.retryAfterMs);
  }

  /** Verifies the bearer token and that it belongs to the conversation in the path (if any). */
  async function authenticate(request: FastifyRequest, conversationId?: string): Promise<TokenClaims> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer +([^\s]+) *$/i.exec(header) : null;
    if (!match?.[1]) throw new MalformedTokenError();
    const claims = await tokens.verify(match[1], 'conversation');
    if (conversationId !== undefined && conversationId !== claims.conversationId) throw new ForbiddenError();
    return claims;
  }

  function expiresIn(claims: TokenClaims): number {
    return Math.max(0, claims.expiresAt - Math.floor(Date.now() / 1000));
  }

  function bearerToken(request: FastifyRequest): string {
    return /^Bearer +([^\s]+)/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
  }

  /** `ws(s)://host[/base]` for stream URLs. */
  function streamOrigin(request: FastifyRequest): string {
    if (publicBase) {
      const scheme = publicBase.protocol === 'https:' ? 'wss' : 'ws';
      return `${scheme}://${publicBase.host}${publicBase.pathname.replace(/\/+$/, '')}`;
    }
    if (!HOST.test(request.host)) throw new BadArgumentError('The Host header is not valid.');
    return `${request.protocol === 'https' ? 'wss' : 'ws'}://${request.host}`;
  }

  async function streamUrl(request: FastifyRequest, claims: TokenClaims, watermark: string | undefined): Promise<string> {
    const streamToken = await tokens.streamToken(claims);
    const query = new URLSearchParams({ t: streamToken.token });
    if (watermark) query.set('watermark', watermark);
    return `${streamOrigin(request)}${DIRECT_LINE_BASE}/conversations/${encodeURIComponent(claims.conversationId)}/stream?${query}`;
  }

  /** Hands an activity to the bot; a failure is logged by code only and does not fail the request. */
  async function deliverToBot(activity: Activity): Promise<void> {
    try {
      await onActivity(activity);
    } catch (error) {
      log.error({ event: 'directline.bot.failed', activityType: activity.type, code: errorCode(error) });
    }
  }

  /** Builds the activity to store from the young person's input: a whitelist, with `from` etc. set by us. */
  function userActivity(body: unknown, claims: TokenClaims): Partial<Activity> {
    if (!isPlainObject(body)) throw new BadArgumentError('The request body must be a JSON object (an activity).');
    const { type, text, textFormat, locale, name, value, channelData, replyToId, attachments } = body;
    if (typeof type !== 'string' || !USER_ACTIVITY_TYPES.has(type)) {
      throw new BadArgumentError('type must be one of: message, event, endOfConversation, typing.');
    }
    const activity: Record<string, unknown> = { type };
    if (text !== undefined && text !== null) {
      if (typeof text !== 'string') throw new BadArgumentError('text must be a string.');
      if (text.length > maxTextLength * 2 || codePoints(text) > maxTextLength) {
        throw new BadArgumentError(`text must be at most ${maxTextLength} characters.`);
      }
      activity.text = text;
    }
    if (textFormat !== undefined) {
      if (typeof textFormat !== 'string' || !TEXT_FORMATS.has(textFormat)) throw new BadArgumentError('textFormat is not valid.');
      activity.textFormat = textFormat;
    }
    if (locale !== undefined) {
      if (typeof locale !== 'string' || !LOCALE.test(locale)) throw new BadArgumentError('locale must be a language tag.');
      activity.locale = locale;
    }
    if (type === 'event') {
      if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
        throw new BadArgumentError('An event needs a name of at most 128 characters.');
      }
      activity.name = name;
    }
    if (value !== undefined) activity.value = value;
    if (type === 'message' && activity.text === undefined && activity.value === undefined) {
      throw new BadArgumentError('A message needs text or value.');
    }
    if (channelData !== undefined) {
      if (!isPlainObject(channelData)) throw new BadArgumentError('channelData must be an object.');
      activity.channelData = channelData;
    }
    if (replyToId !== undefined) {
      if (typeof replyToId !== 'string' || replyToId.length > 128) throw new BadArgumentError('replyToId is not valid.');
      activity.replyToId = replyToId;
    }
    if (attachments !== undefined && !(Array.isArray(attachments) && attachments.length === 0)) {
      throw new BadArgumentError('Attachments are not supported on this channel.');
    }
    activity.from = { id: claims.userId, role: 'user' };
    activity.recipient = { ...bot };
    activity.serviceUrl = serviceUrl;
    activity.channelId = 'webchat';
    return activity as Partial<Activity>;
  }

  // --- Tokens ---------------------------------------------------------------------------------

  fastify.post(
    `${DIRECT_LINE_BASE}/tokens/generate`,
    { bodyLimit, config: { rateLimit: { max: options.rateLimit.max, timeWindow: options.rateLimit.windowMs } } },
    async () => {
      const issued = await tokens.generate();
      log.info({ event: 'directline.token.generated' });
      return { conversationId: issued.conversationId, token: issued.token, expires_in: issued.expiresIn };
    },
  );

  fastify.post(`${DIRECT_LINE_BASE}/tokens/refresh`, { bodyLimit }, async (request) => {
    const claims = await authenticate(request);
    markSeen(claims.conversationId);
    if ((await store.status(claims.conversationId)) === 'ended') throw new ConversationEndedError();
    const issued = await tokens.refresh(bearerToken(request));
    return { conversationId: issued.conversationId, token: issued.token, expires_in: issued.expiresIn };
  });

  // --- Conversations --------------------------------------------------------------------------

  fastify.post(`${DIRECT_LINE_BASE}/conversations`, { bodyLimit }, async (request, reply) => {
    const claims = await authenticate(request);
    const body: unknown = request.body;
    let locale: string | undefined;
    if (isPlainObject(body) && typeof body.locale === 'string' && LOCALE.test(body.locale)) locale = body.locale;
    if ((await store.status(claims.conversationId)) === 'ended') throw new ConversationEndedError();

    const created = await store.create(claims.conversationId);
    markSeen(claims.conversationId);
    if (created) {
      log.info({ event: 'directline.conversation.started' });
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
      await deliverToBot(conversationUpdate as Activity);
    }
    return reply.code(created ? 201 : 200).send({
      conversationId: claims.conversationId,
      token: bearerToken(request),
      expires_in: expiresIn(claims),
      streamUrl: await streamUrl(request, claims, undefined),
    });
  });

  fastify.get<{ Params: ConversationParams; Querystring: WatermarkQuery }>(
    `${DIRECT_LINE_BASE}/conversations/:id`,
    async (request) => {
      const claims = await authenticate(request, request.params.id);
      const watermark = watermarkParam(request.query);
      markSeen(claims.conversationId);
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
        streamUrl: await streamUrl(request, claims, watermark),
      };
    },
  );

  // --- Activities -----------------------------------------------------------------------------

  fastify.post<{ Params: ConversationParams }>(
    `${DIRECT_LINE_BASE}/conversations/:id/activities`,
    { bodyLimit },
    async (request) => {
      const claims = await authenticate(request, request.params.id);
      const conversationId = claims.conversationId;
      markSeen(conversationId);
      // Bad input is refused before anything is looked up.
      const activity = userActivity(request.body, claims);
      const limited = activity.type === 'message' || activity.type === 'event';

      let release: () => void = () => undefined;
      if (activity.type === 'endOfConversation') {
        // The quick exit must always get through, so it is not limited; one at a time, though.
        if (ending.has(conversationId)) throw new RateLimitedError('The conversation is already ending.', 1);
        ending.add(conversationId);
        release = () => ending.delete(conversationId);
      } else if (limited) {
        // Flood limits, cheapest first, so a flood is refused without touching Redis: this
        // instance's queue of turns, then a block this instance already knows of.
        release = admit(conversationId);
      }

      try {
        const subject = limited ? await tokens.pseudonym('ratelimit:activities', conversationId) : '';
        if (limited) refuseIfKnownBlocked(subject);
        const status = await store.status(conversationId);
        if (status === 'missing') throw new ConversationNotFoundError();
        if (status === 'ended') throw new ConversationEndedError();

        if (activity.type === 'typing') {
          // Typing of the young person is neither stored nor given to the bot: it is of no use to
          // either, and leaves no trace. Accepted so Web Chat's typing indicator does not fail.
          // Not rate-limited: it costs what a GET costs (no write, no bot turn).
          return { id: `${conversationId}|typing` };
        }
        // The shared rate (Redis, all instances).
        if (limited) await countActivity(subject, activityCost(activity));

        const stored = await store.append(conversationId, activity);
        log.info({ event: 'directline.activity.received', activityType: stored.type });
        await deliverToBot(stored);
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
    `${DIRECT_LINE_BASE}/conversations/:id/activities`,
    async (request) => {
      const claims = await authenticate(request, request.params.id);
      const watermark = watermarkParam(request.query);
      markSeen(claims.conversationId);
      if ((await store.status(claims.conversationId)) === 'missing') throw new ConversationNotFoundError();
      const page = await store.read(claims.conversationId, watermark, BACKLOG_PAGE);
      // As in Direct Line, typing activities are only sent over the WebSocket.
      return { activities: page.activities.filter((a) => a.type !== 'typing'), watermark: page.watermark };
    },
  );

  // --- WebSocket stream -----------------------------------------------------------------------

  fastify.get<{ Params: ConversationParams; Querystring: StreamQuery }>(
    `${DIRECT_LINE_BASE}/conversations/:id/stream`,
    {
      websocket: true,
      // The URL carries a (short-lived) token: keep Fastify's request logs for this route quiet.
      logLevel: 'warn',
      preValidation: async (request) => {
        const t = queryString(request.query.t, 't');
        if (!t) throw new MalformedTokenError('A stream token is required: ?t=<token>.');
        const claims = await tokens.verify(t, 'stream');
        if (claims.conversationId !== request.params.id) throw new ForbiddenError();
        const watermark = watermarkParam(request.query);
        if ((await store.status(claims.conversationId)) === 'missing') throw new ConversationNotFoundError();
        streamClaims.set(request.raw, { claims, watermark });
      },
    },
    (socket, request) => {
      const context = streamClaims.get(request.raw);
      if (!context) {
        socket.close(1011, 'not authorised');
        return;
      }
      void runStream(socket, context.claims.conversationId, context.watermark);
    },
  );

  /**
   * Sends activities, each as its own ActivitySet with that activity's watermark; drops a client
   * that does not keep up. One per set because directlinejs emits a set's activities one by one
   * on an async scheduler and merges sets concurrently: two multi-activity sets arriving back to
   * back would come out interleaved (a1 a2 b1 a3 b2). Single-activity sets keep their order.
   */
  function sendActivities(socket: WebSocket, activities: Activity[]): void {
    for (const activity of activities) {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        socket.terminate();
        return;
      }
      const id = activity.id ?? '';
      const watermark = id.slice(id.lastIndexOf('|') + 1);
      socket.send(JSON.stringify({ activities: [activity], watermark }));
    }
  }

  /** Replays everything after the watermark, then pushes new entries until the socket or conversation ends. */
  async function runStream(socket: WebSocket, conversationId: string, startWatermark: string | undefined): Promise<void> {
    let subscription: StreamSubscription | undefined;
    let keepAlive: NodeJS.Timeout | undefined;
    let alive = true;
    let pinged = false;
    let finished = false;
    let watermark = startWatermark;

    const cleanup = () => {
      finished = true;
      subscription?.unsubscribe();
      subscription = undefined;
      if (keepAlive) clearInterval(keepAlive);
    };
    socket.on('close', cleanup);
    socket.on('pong', () => {
      alive = true;
    });
    // Clients send empty messages to check the connection; they are ignored. A client that sends
    // more than `streamMessageMax` within `streamMessageWindowMs` (a sliding window) is closed
    // with 1008 (policy violation): nothing a client says here is ever needed.
    const received: number[] = [];
    socket.on('message', () => {
      if (finished) return;
      const now = Date.now();
      received.push(now);
      while (received.length > 0 && now - (received[0] ?? now) >= streamMessageWindowMs) received.shift();
      if (received.length <= streamMessageMax) return;
      log.warn({ event: 'directline.stream.flood_closed' });
      cleanup();
      socket.close(1008, 'too many messages');
      // A client that keeps sending instead of closing is cut off.
      setTimeout(() => socket.terminate(), 2_000).unref();
    });

    /** Sends whatever is left after the current position, then closes the socket. */
    const finish = async (reason: string) => {
      if (finished) return;
      let position = subscription?.lastId ?? watermark;
      cleanup();
      try {
        for (;;) {
          const page = await store.read(conversationId, position, BACKLOG_PAGE);
          if (page.watermark === undefined || page.watermark === position) break;
          sendActivities(socket, page.activities);
          position = page.watermark;
        }
      } catch (error) {
        log.warn({ event: 'directline.stream.drain_failed', code: errorCode(error) });
      }
      if (socket.readyState === socket.OPEN) socket.close(1000, reason);
    };

    try {
      // 1. Everything after the watermark, oldest first.
      for (;;) {
        const page = await store.read(conversationId, watermark, BACKLOG_PAGE);
        if (page.watermark === undefined || page.watermark === watermark) break;
        sendActivities(socket, page.activities);
        watermark = page.watermark;
      }
      if (finished || socket.readyState !== socket.OPEN) return;

      // 2. Ended or gone meanwhile? Deliver the rest and close.
      const status = await store.status(conversationId);
      if (status === 'missing') {
        cleanup();
        socket.close(1000, 'conversation not found');
        return;
      }
      if (status === 'ended') {
        await finish('conversation ended');
        return;
      }
      if (finished || socket.readyState !== socket.OPEN) return;

      // 3. Live: new entries from the hub, from exactly where the replay stopped. If the hub has to
      //    give up on this conversation's stream (its key is broken), the socket closes with 1011.
      subscription = hub.subscribe(
        conversationId,
        watermark ?? '0-0',
        (delivery) => {
          sendActivities(socket, delivery.activities);
          watermark = delivery.watermark;
          if (delivery.ended) void finish('conversation ended');
        },
        {
          onDropped: (reason) => {
            log.warn({ event: 'directline.stream.dropped', code: reason });
            cleanup();
            if (socket.readyState === socket.OPEN) socket.close(1011, 'stream unavailable');
          },
        },
      );
      log.info({ event: 'directline.stream.opened' });
      markSeen(conversationId);

      // 4. Keep-alive: an empty message (what Direct Line sends; clients ignore it) and a ping;
      //    a client that misses a pong is dropped. Also notices deleted conversations (quick exit).
      keepAlive = setInterval(() => {
        if (finished || socket.readyState !== socket.OPEN) return;
        if (!alive) {
          socket.terminate();
          return;
        }
        // The page answered the previous ping: it is still there.
        if (pinged) markSeen(conversationId);
        alive = false;
        pinged = true;
        socket.ping();
        socket.send('');
        store.status(conversationId).then(
          (current) => {
            if (current === 'missing') {
              cleanup();
              if (socket.readyState === socket.OPEN) socket.close(1000, 'conversation not found');
            } else if (current === 'ended') {
              void finish('conversation ended');
            }
          },
          (error: unknown) => log.warn({ event: 'directline.stream.status_failed', code: errorCode(error) }),
        );
      }, keepAliveMs);
    } catch (error) {
      log.error({ event: 'directline.stream.failed', code: errorCode(error) });
      cleanup();
      if (socket.readyState === socket.OPEN) socket.close(1011, 'server error');
    }
  }
};

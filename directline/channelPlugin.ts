/**
 * The Direct Line channel as an area of the app, in two plugins:
 * - `channelPlugin` builds what the other areas use (the conversations' store, the tokens, this
 *   instance's stream hub, the typing relay and the Bot Framework adapter) and shares it as `app.channel`;
 * - `directLineApiPlugin` opens the Direct Line 3.0 routes and hands each activity of a young
 *   person to the bot it is given (registered after the bot, so nothing is bound late).
 */
import type { ActivityHandlerBase, TurnContext } from 'botbuilder';
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import { ActivityStreamHub } from './ActivityStreamHub.js';
import type { ConversationStore } from './ConversationStore.js';
import { ConversationRetention } from './ConversationRetention.js';
import { ConversationTurnLock } from './ConversationTurnLock.js';
import { directLinePlugin, type DirectLinePluginOptions } from './directLinePlugin.js';
import { RedisConversationStore } from './RedisConversationStore.js';
import { returnCodeHasher, ReturnCodes, type GuessLimit } from './ReturnCodes.js';
import { DIRECT_LINE_LIMITS } from './limits.js';
import { checkTokenTtl } from './settings.js';
import { TokenService } from './TokenService.js';
import { TypingRelay } from './TypingRelay.js';
import { WebChannelAdapter } from './WebChannelAdapter.js';

/** Options of channelPlugin. */
export interface ChannelPluginOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Lifetime of a conversation token (s); at least 900, directlinejs' refresh interval. */
  tokenTtlSeconds: number;
  /** How long a conversation is kept after its last activity (s). */
  conversationTtlSeconds: number;
  /** How long once the young person chose to keep it longer (s; default: `conversationTtlSeconds`, no longer retention). */
  conversationTtlExtendedSeconds?: number;
  /**
   * Return codes: the HMAC key of their hashes (undefined = the token secret in Redis) and the
   * wrong-code limits. Default: no key, the limits of DIRECT_LINE_LIMITS.
   */
  returnCodes?: { key: string | undefined; perClient: GuessLimit; global: GuessLimit; onRedeemed?: () => Promise<void> | void };
}

/** What the channel shares with the other areas. */
export interface Channel {
  /** Every conversation's activities (one Redis Stream each). */
  store: ConversationStore;
  /** Direct Line tokens; also the keyed pseudonyms of deleted conversations. */
  tokens: TokenService;
  /** Pushes new stream entries to this instance's WebSockets (Direct Line and the consoles). */
  hub: ActivityStreamHub;
  /** Echoes the young people's typing on their streams, on every instance (never stored). */
  typing: TypingRelay;
  /** Runs the bot's turns and lets it speak first (proactive messages). */
  adapter: WebChannelAdapter;
  /** Return codes: issued by the bot, redeemed by `POST /tokens/generate`, revoked by erasure. */
  returnCodes: ReturnCodes;
  /** The retention of each conversation (the default, or longer once the young person chose so). */
  retention: ConversationRetention;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The Direct Line channel (see directline/channelPlugin.ts). */
    channel: Channel;
  }
}

const channel: FastifyPluginAsync<ChannelPluginOptions> = async (app, options) => {
  const { redis, keys } = options;
  const tokens = new TokenService({ redis, keys, ttlSeconds: checkTokenTtl(options.tokenTtlSeconds) });
  // Tombstones of deleted conversations are named by a keyed pseudonym (the token secret), never the id.
  // (RedisConversationStore is still typed for one Redis; the handle has the same commands.)
  const store = new RedisConversationStore({ redis: redis as Redis, keys, ttlSeconds: options.conversationTtlSeconds, pseudonym: (purpose, value) => tokens.pseudonym(purpose, value) });
  const hub = new ActivityStreamHub({ redis, keys, onError: (code) => app.log.warn({ event: 'stream_hub_error', code }, 'stream hub') });
  const typing = new TypingRelay({ redis, channel: keys.directLineTypingChannel(), onError: (code) => app.log.warn({ event: 'directline.typing_error', code }, 'typing relay') });
  const adapter = new WebChannelAdapter({ store, turnLock: new ConversationTurnLock({ redis, keys }) });
  const window = DIRECT_LINE_LIMITS.returnCodeGuessWindowSeconds;
  const codes = options.returnCodes ?? {
    key: undefined,
    perClient: { max: DIRECT_LINE_LIMITS.returnCodeGuessesPerClient, windowSeconds: window },
    global: { max: DIRECT_LINE_LIMITS.returnCodeGuessesGlobal, windowSeconds: window },
  };
  const returnCodes = new ReturnCodes({
    redis,
    keys,
    hash: returnCodeHasher(codes.key, (purpose, value) => tokens.pseudonym(purpose, value)),
    status: (conversationId) => store.status(conversationId),
    ttlSeconds: options.conversationTtlSeconds,
    perClient: codes.perClient,
    global: codes.global,
    onRedeemed: codes.onRedeemed,
  });
  // Keeping a conversation longer renews its keys of its own hash slot, then its return code.
  const retention = new ConversationRetention({
    redis,
    keys,
    ttlSeconds: options.conversationTtlSeconds,
    extendedTtlSeconds: options.conversationTtlExtendedSeconds ?? options.conversationTtlSeconds,
    onExtended: (conversationId) => returnCodes.renew(conversationId),
  });
  app.decorate('channel', { store, tokens, hub, typing, adapter, returnCodes, retention });
  app.addHook('onClose', async () => {
    await hub.close();
    await typing.close();
  });
};

/** The channel's shared parts as `app.channel`. */
export const channelPlugin = fastifyPlugin(channel, { name: 'lantern-channel', fastify: '5.x' });

/** Options of directLineApiPlugin: the routes' limits, and the bot that answers. */
export type DirectLineApiPluginOptions = Omit<DirectLinePluginOptions, 'store' | 'tokens' | 'hub' | 'typing' | 'returnCodes' | 'onActivity'> & {
  /** The bot's handler: every activity of a young person becomes one of its turns. */
  handler: Pick<ActivityHandlerBase, 'run'>;
};

/** The Direct Line 3.0 routes of the channel, wired to the adapter and the given bot. */
export const directLineApiPlugin: FastifyPluginAsync<DirectLineApiPluginOptions> = async (app, options) => {
  const { handler, ...routeOptions } = options;
  const { store, tokens, hub, typing, adapter, returnCodes } = app.channel;
  await app.register(directLinePlugin, {
    ...routeOptions,
    store,
    tokens,
    hub,
    typing,
    returnCodes,
    onActivity: (activity) => adapter.processActivity(activity, (context: TurnContext) => handler.run(context)),
  });
};

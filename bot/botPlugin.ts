/**
 * The bot as an area of the app: builds the bot (state in Redis, dialogs, screening), sets the
 * channel adapter's turn error handler, lets the bot tell the young person what the handoff did
 * (HandoffNotifier), and shares the bot as `app.bot`. Needs the channel, the handoff, the metrics
 * and the privacy areas; the Direct Line routes are then given `app.bot` (directLineApiPlugin).
 */
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import type {} from '../directline/channelPlugin.js';
import { RedisStorage } from '../directline/RedisStorage.js';
import type {} from '../handoff/handoffPlugin.js';
import type {} from '../metrics/metricsPlugin.js';
import type {} from '../privacy/privacyPlugin.js';
import type { Screener } from '../screening/Screener.js';
import type { Translator } from '../texts/Translator.js';
import { createLanternBot } from './createLanternBot.js';
import { HandoffNotifier } from './HandoffNotifier.js';
import { TextKeysMiddleware } from './textKeysMiddleware.js';
import type { LanternBot } from './LanternBot.js';

/** Options of botPlugin. */
export interface BotPluginOptions {
  redis: Redis;
  keys: RedisKeys;
  translator: Translator;
  /** How long conversations (and so the bot's state) are kept (s); also told to the young person. */
  conversationTtlSeconds: number;
  /** Free-text screening (default: lexicons from locales/ and the shipped model). */
  screener?: Screener;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The bot: one turn per activity of a young person. */
    bot: LanternBot;
  }
}

const plugin: FastifyPluginAsync<BotPluginOptions> = async (app, options) => {
  const { redis, keys } = options;
  const built = createLanternBot({
    metrics: app.metrics,
    eraser: app.eraser,
    returnCodes: app.channel.returnCodes,
    retention: app.channel.retention,
    translator: options.translator,
    screener: options.screener,
    storage: new RedisStorage({ redis, keys, ttlSeconds: options.conversationTtlSeconds }),
    handoff: app.handoffGateway,
    retentionHours: Math.round(options.conversationTtlSeconds / 3600),
    log: app.log,
  });
  const { adapter } = app.channel;
  adapter.onTurnError = built.onTurnError;
  // What the bot says carries the keys of its texts, for the counsellors' console.
  adapter.use(new TextKeysMiddleware());
  // The handoff tells the young person's side what happened; the bot says it (one direction).
  const notifier = new HandoffNotifier(adapter, built);
  app.handoff.onYoungPerson((event) => notifier.handle(event));
  app.decorate('bot', built.bot);
};

/** The bot area (shares `app.bot`). */
export const botPlugin = fastifyPlugin(plugin, {
  name: 'lantern-bot',
  fastify: '5.x',
  dependencies: ['lantern-channel', 'lantern-handoff', 'lantern-metrics', 'lantern-privacy'],
});

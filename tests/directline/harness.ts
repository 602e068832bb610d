/**
 * Test harness for the Direct Line channel: a real Fastify app listening on 127.0.0.1 with the
 * real Redis-backed store, tokens and hub, plus a tiny stand-in bot that answers every message
 * by appending a reply to the store. Several harnesses can share one key prefix (several app
 * instances on one Redis).
 */
import fastifyWebsocket from '@fastify/websocket';
import type { Activity } from 'botbuilder';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { ActivityStreamHub } from '../../directline/ActivityStreamHub.js';
import { directLinePlugin, type DirectLinePluginOptions } from '../../directline/directLinePlugin.js';
import { frameworkErrorAnswer } from '../../directline/errors.js';
import { RedisConversationStore } from '../../directline/RedisConversationStore.js';
import { TokenService } from '../../directline/TokenService.js';
import { TypingRelay } from '../../directline/TypingRelay.js';
import type { RedisKeys } from '../../contracts/RedisKeys.js';
import { testRedis } from '../helpers/redis.js';

/** Options of a test app instance. */
export interface HarnessOptions {
  keys: RedisKeys;
  /** Replaces the stand-in bot. */
  onActivity?: (activity: Activity, store: RedisConversationStore) => Promise<void>;
  rateLimitMax?: number;
  rateLimitWindowMs?: number;
  keepAliveMs?: number;
  trustProxy?: boolean;
  tokenTtlSeconds?: number;
  conversationTtlSeconds?: number;
  /** A name for the hub's blocking connection (CLIENT LIST). */
  hubName?: string;
  /** More plugin options (flood limits, seen throttle…). */
  plugin?: Partial<Omit<DirectLinePluginOptions, 'store' | 'tokens' | 'hub' | 'onActivity' | 'rateLimit'>>;
  /** Codes the hub reports. */
  onHubError?: (code: string) => void;
}

/** A running app instance. */
export interface Harness {
  app: FastifyInstance;
  baseUrl: string;
  wsBase: string;
  redis: Redis;
  store: RedisConversationStore;
  tokens: TokenService;
  hub: ActivityStreamHub;
  /** Typing echoes between the instances of one key prefix. */
  typing: TypingRelay;
  /** Every activity given to the bot, in order. */
  botActivities: Activity[];
  close(): Promise<void>;
}

/** The stand-in bot: replies to every message with `echo: <text>`. */
export async function echoBot(activity: Activity, store: RedisConversationStore): Promise<void> {
  if (activity.type !== 'message') return;
  await store.append(activity.conversation.id, {
    type: 'message',
    from: { id: 'lantern', name: 'Lantern', role: 'bot' },
    recipient: activity.from,
    replyToId: activity.id,
    text: `echo: ${activity.text ?? ''}`,
  });
}

/** Starts one app instance on a free port. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const redis = testRedis();
  const store = new RedisConversationStore({ redis, keys: options.keys, ttlSeconds: options.conversationTtlSeconds ?? 600 });
  const tokens = new TokenService({ redis, keys: options.keys, ttlSeconds: options.tokenTtlSeconds ?? 3600 });
  const hub = new ActivityStreamHub({ redis, keys: options.keys, connectionName: options.hubName, onError: options.onHubError });
  const botActivities: Activity[] = [];
  const bot = options.onActivity ?? echoBot;
  const typing = new TypingRelay({ redis, channel: options.keys.directLineTypingChannel() });
  const app = Fastify({
    logger: false,
    trustProxy: options.trustProxy ?? false,
    // As server/Lantern.ts: errors met before routing in the one error shape, without the URL.
    frameworkErrors: (error, _request, reply) => {
      const answer = frameworkErrorAnswer(error);
      void (reply as unknown as FastifyReply).code(answer.statusCode).header('cache-control', 'no-store').send(answer.body);
    },
  });
  // Once, at the root (the channel requires it and never registers it itself); clients only ever send empty keep-alives.
  await app.register(fastifyWebsocket, { options: { maxPayload: 4_096 } });
  const pluginOptions: DirectLinePluginOptions = {
    store,
    tokens,
    hub,
    typing,
    onActivity: async (activity) => {
      botActivities.push(activity);
      await bot(activity, store);
    },
    rateLimit: {
      max: options.rateLimitMax ?? 1_000,
      windowMs: options.rateLimitWindowMs ?? 60_000,
      redis,
      keyPrefix: `${options.keys.prefix}dl:ratelimit:`,
    },
    keepAliveMs: options.keepAliveMs,
    ...options.plugin,
  };
  await app.register(directLinePlugin, pluginOptions);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}/v3/directline`,
    wsBase: `ws://127.0.0.1:${port}`,
    redis,
    store,
    tokens,
    hub,
    typing,
    botActivities,
    close: async () => {
      await app.close();
      await hub.close();
      await typing.close();
      await redis.quit();
    },
  };
}

/** JSON response of a request. */
export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Sends a request with an optional bearer token and JSON body. */
export async function call<T = any>(
  url: string,
  init: { method?: string; token?: string; json?: unknown; body?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined = init.body;
  if (init.json !== undefined) body = JSON.stringify(init.json);
  if (body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** A started conversation: the token, its ids and the first streamUrl. */
export interface StartedConversation {
  conversationId: string;
  token: string;
  streamUrl: string;
}

/** Generates a token and starts its conversation. */
export async function startConversation(h: Pick<Harness, 'baseUrl'>): Promise<StartedConversation> {
  const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST' });
  if (generated.status !== 200) throw new Error(`generate failed: ${generated.status}`);
  const started = await call(`${h.baseUrl}/conversations`, { method: 'POST', token: generated.body.token, json: {} });
  if (started.status !== 201) throw new Error(`start failed: ${started.status}`);
  return { conversationId: started.body.conversationId, token: started.body.token, streamUrl: started.body.streamUrl };
}

/** Posts a message as the young person. */
export async function postMessage(h: Pick<Harness, 'baseUrl'>, c: StartedConversation, text: string): Promise<JsonResponse> {
  return call(`${h.baseUrl}/conversations/${c.conversationId}/activities`, {
    method: 'POST',
    token: c.token,
    json: { type: 'message', text, from: { id: 'whoever' } },
  });
}

/** A WebSocket client that records every message it receives. */
export class StreamClient {
  readonly sets: { activities: Activity[]; watermark?: string }[] = [];
  readonly empties: number[] = [];
  closeCode: number | undefined;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      if (text === '') this.empties.push(Date.now());
      else this.sets.push(JSON.parse(text));
      this.notify();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.notify();
    });
  }

  /** Opens a stream URL; rejects with the HTTP status if the upgrade is refused. */
  static open(url: string): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new StreamClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => {
        reject(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode }));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  /** Every activity received so far, in order. */
  get activities(): Activity[] {
    return this.sets.flatMap((set) => set.activities);
  }

  /** The last watermark received. */
  get watermark(): string | undefined {
    return this.sets.findLast((set) => set.watermark)?.watermark;
  }

  /** Waits until `predicate` holds (checked on every message), or fails after `timeoutMs`. */
  async waitFor(predicate: (client: StreamClient) => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('StreamClient.waitFor timed out');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes the socket and waits for the close. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close();
    await closed;
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `npx tsx scripts/surge-probe.ts`: how the Direct Line channel copes with many young people at once,
 * measured against a real Lantern (startLantern, the real bot) in a child process on a private
 * redis-server. Nothing here is asserted in tests; it prints figures.
 *
 *   surge [--n 1000] [--seconds 10] [--same-address] [--idle-first N] [--log-level L] [--cpu-prof DIR] [--backlog N]
 *       N young people arrive at random moments within the window; each one
 *       POST /tokens/generate → POST /conversations (locale en) → opens the streamUrl WebSocket.
 *       Reports the WebSocket open time (connect → open) and the whole arrival (generate → open):
 *       p50/p99/max, the failures by kind, the server's CPU and Redis commands per arrival (its
 *       own redis-server: INFO commandstats, commands inside scripts included) and its event-loop delay. Every young person comes from an address of their
 *       own (127.10.x.y: the whole 127/8 is loopback), so the configured token rate limit
 *       (TOKEN_RATE_LIMIT_MAX per client per window, default 20 per minute) applies as it does to
 *       real phones; `--same-address` sends all of them from 127.0.0.1 instead, which the limit refuses.
 *       `--idle-first N` opens N idle conversations before the surge (an evening with many open chats).
 *   idle [--idle 0,2000,5000] [--turns 40] [--heap-snapshot DIR]
 *       For each number, a fresh server: warmed up (300 conversations come and go), then that many
 *       idle conversations (a WebSocket each, nothing sent). Reports the server's RSS and heap
 *       (after GC) per idle conversation, what 16 s of silence cost (CPU, Redis commands/s), and
 *       the latency of single turns of other young people (POST a message → the bot's first reply
 *       on their WebSocket; and each reply's delivery: its entry's Redis time → on the socket), one
 *       every 400 ms (so a keep-alive round of every idle socket falls inside), with the server's
 *       event-loop delay and GC pauses meanwhile. `--heap-snapshot DIR` writes the server's heap
 *       before and after the idle conversations opened.
 *
 * `--echo` serves only the Direct Line channel (as server/Lantern.ts wires it) with a bot that
 * costs nothing, instead of the whole of Lantern: what is slow then is the channel's.
 * `--cpu-prof DIR` writes the server's CPU profile (node --cpu-prof) there when it stops.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { WebSocket } from 'ws';

const SELF = fileURLToPath(import.meta.url);
const TIMEOUT_MS = 30_000;

// ─── the server (child process) ──────────────────────────────────────────────────────────────

type ServerRequest = { type: 'memory' } | { type: 'counters' } | { type: 'snapshot'; path: string } | { type: 'stop' };
interface ServerMemory {
  type: 'memory';
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Event-loop delay since the previous report: p99 and max (ms); GC pauses: longest and total (ms). */
  loopP99: number;
  loopMax: number;
  gcMax: number;
  gcTotal: number;
  /** CPU time the server has used since it started (user + system, ms). */
  cpuMs: number;
}
type ServerReply = { type: 'ready'; url: string } | ServerMemory;

/** What the child serves: the whole of Lantern, or only its channel with an echo bot. */
interface Served {
  url: string;
  stop(): Promise<void>;
}

/** Lantern (startLantern: the real bot, every area). */
async function serveLantern(backlog: number | undefined): Promise<Served> {
  const { startLantern } = await import('../server/Lantern.js');
  return startLantern({
    redisUrl: process.env.PROBE_REDIS_URL,
    keyPrefix: `probe:${process.pid}:`,
    port: 0,
    host: '127.0.0.1',
    logLevel: process.env.PROBE_LOG_LEVEL ?? 'warn',
    ...(backlog ? { listenBacklog: backlog } : {}),
  });
}

/**
 * Only the Direct Line channel (`--echo`), as server/Lantern.ts wires it, with a bot that costs
 * nothing: a welcome on start, `echo: <text>` for every message. What is slow here is the channel's.
 */
async function serveEcho(backlog: number | undefined): Promise<Served> {
  const [{ default: Fastify }, { default: fastifyWebsocket }, { Redis }, { RedisKeys }, hubModule, { directLinePlugin }, { RedisConversationStore }, { TokenService }, { TypingRelay }] = await Promise.all([
    import('fastify'),
    import('@fastify/websocket'),
    import('ioredis'),
    import('../contracts/RedisKeys.js'),
    import('../directline/ActivityStreamHub.js'),
    import('../directline/directLinePlugin.js'),
    import('../directline/RedisConversationStore.js'),
    import('../directline/TokenService.js'),
    import('../directline/TypingRelay.js'),
  ]);
  const redis = new Redis(process.env.PROBE_REDIS_URL!, { maxRetriesPerRequest: 20 });
  const keys = new RedisKeys(`probe:${process.pid}:`);
  const store = new RedisConversationStore({ redis, keys, ttlSeconds: 3600 });
  const tokens = new TokenService({ redis, keys, ttlSeconds: 3600 });
  const hub = new hubModule.ActivityStreamHub({ redis, keys });
  const typing = new TypingRelay({ redis, channel: keys.directLineTypingChannel() });
  const app = Fastify({ logger: false });
  await app.register(fastifyWebsocket, { options: { maxPayload: 16 * 1024, perMessageDeflate: false } });
  const bot = { id: 'lantern', name: 'Lantern', role: 'bot' };
  await app.register(directLinePlugin, {
    store,
    tokens,
    hub,
    typing,
    rateLimit: { max: 20, windowMs: 60_000, redis, keyPrefix: keys.rateLimitPrefix() },
    onActivity: async (activity) => {
      const conversationId = activity.conversation.id;
      if (activity.type === 'conversationUpdate') await store.append(conversationId, { type: 'message', from: bot, text: 'welcome' });
      else if (activity.type === 'message') await store.append(conversationId, { type: 'message', from: bot, replyToId: activity.id, text: `echo: ${activity.text ?? ''}` });
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1', ...(backlog ? { backlog } : {}) });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await app.close();
      await hub.close();
      await typing.close();
      await redis.quit();
    },
  };
}

async function serve(): Promise<void> {
  const backlog = process.env.PROBE_BACKLOG ? Number(process.env.PROBE_BACKLOG) : undefined;
  const lantern = process.env.PROBE_ECHO ? await serveEcho(backlog) : await serveLantern(backlog);
  const send = (message: ServerReply) => process.send?.(message);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let gcMax = 0;
  let gcTotal = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMax = Math.max(gcMax, entry.duration);
      gcTotal += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const report = (): ServerMemory => {
    const usage = process.memoryUsage();
    const reply: ServerMemory = {
      type: 'memory',
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
      loopP99: loop.percentile(99) / 1e6,
      loopMax: loop.max / 1e6,
      gcMax,
      gcTotal,
      cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    };
    loop.reset();
    gcMax = 0;
    gcTotal = 0;
    return reply;
  };
  process.on('message', (message: ServerRequest) => {
    if (message.type === 'memory') {
      for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
      send(report());
    } else if (message.type === 'counters') {
      send(report());
    } else if (message.type === 'snapshot') {
      writeHeapSnapshot(message.path);
      send(report());
    } else if (message.type === 'stop') {
      const timer = setTimeout(() => process.exit(0), 10_000);
      void lantern.stop().finally(() => {
        clearTimeout(timer);
        process.exit(0);
      });
    }
  });
  send({ type: 'ready', url: lantern.url });
}

/** A Lantern in a child process. */
class ServerProcess {
  private readonly waiting: ((reply: ServerReply) => void)[] = [];

  private constructor(private readonly child: ChildProcess, readonly url: string) {
    child.on('message', (reply: ServerReply) => this.waiting.shift()?.(reply));
  }

  static async start(redisUrl: string, options: { cpuProfDir?: string; backlog?: number; logLevel?: string }): Promise<ServerProcess> {
    const execArgv = ['--import', 'tsx', '--expose-gc'];
    if (options.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
    const child = fork(SELF, ['--serve'], {
      execArgv,
      env: {
        ...process.env,
        PROBE_REDIS_URL: redisUrl,
        ...(options.backlog ? { PROBE_BACKLOG: String(options.backlog) } : {}),
        ...(options.logLevel ? { PROBE_LOG_LEVEL: options.logLevel } : {}),
        ...(process.argv.includes('--echo') ? { PROBE_ECHO: '1' } : {}),
      },
      // The server's log (LOG_LEVEL, `--log-level`; default warn) is written and thrown away, as a log collector would take it.
      stdio: ['ignore', options.logLevel ? 'ignore' : 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (reply: ServerReply) => (reply.type === 'ready' ? resolve(reply.url) : reject(new Error('unexpected'))));
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    return new ServerProcess(child, url);
  }

  /** The server's memory after a full GC, and its event-loop delay and GC pauses since the previous call. */
  async memory(): Promise<ServerMemory> {
    const reply = new Promise<ServerReply>((resolve) => this.waiting.push(resolve));
    this.child.send({ type: 'memory' } satisfies ServerRequest);
    return (await reply) as ServerMemory;
  }

  /** The same without a GC first (event-loop delay and GC pauses since the previous call). */
  async counters(): Promise<ServerMemory> {
    const reply = new Promise<ServerReply>((resolve) => this.waiting.push(resolve));
    this.child.send({ type: 'counters' } satisfies ServerRequest);
    return (await reply) as ServerMemory;
  }

  /** Writes a heap snapshot of the server (`--heap-snapshot DIR` of `idle`). */
  async snapshot(path: string): Promise<void> {
    const reply = new Promise<ServerReply>((resolve) => this.waiting.push(resolve));
    this.child.send({ type: 'snapshot', path } satisfies ServerRequest);
    await reply;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies ServerRequest);
    await exited;
  }
}

// ─── the young people (this process) ─────────────────────────────────────────────────────────

/** The i-th young person's own loopback address (127.10.0.1, 127.10.0.2, …). */
const addressOf = (i: number) => `127.${10 + Math.floor(i / 62_500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;

/** One HTTP request on a new connection from `localAddress` (a phone does not share connections). */
function request(url: string, init: { method: string; token?: string; json?: unknown; localAddress?: string }): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const body = init.json === undefined ? undefined : JSON.stringify(init.json);
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = http.request(url, { method: init.method, headers, agent: false, localAddress: init.localAddress, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** A young person's open stream. */
interface Arrival {
  conversationId: string;
  token: string;
  socket: WebSocket;
  /** ms from opening the WebSocket connection to `open`. */
  openMs: number;
  /** ms from the first request to `open`. */
  totalMs: number;
}

class ArrivalError extends Error {
  constructor(readonly kind: string) {
    super(kind);
  }
}

/** generate → start → open the stream. */
async function arrive(base: string, localAddress: string | undefined, onMessage?: (socket: WebSocket, data: string) => void): Promise<Arrival> {
  const started = performance.now();
  const generated = await request(`${base}/v3/directline/tokens/generate`, { method: 'POST', localAddress }).catch((e: Error) => {
    throw new ArrivalError(`generate:${e.message.includes('timeout') ? 'timeout' : (e as NodeJS.ErrnoException).code ?? 'error'}`);
  });
  if (generated.status !== 200) throw new ArrivalError(`generate:${generated.status}`);
  const token = generated.body.token as string;
  const startedConversation = await request(`${base}/v3/directline/conversations`, { method: 'POST', token, json: { locale: 'en' }, localAddress }).catch((e: Error) => {
    throw new ArrivalError(`start:${e.message.includes('timeout') ? 'timeout' : (e as NodeJS.ErrnoException).code ?? 'error'}`);
  });
  if (startedConversation.status !== 201) throw new ArrivalError(`start:${startedConversation.status}`);
  const streamUrl = startedConversation.body.streamUrl as string;
  const wsStarted = performance.now();
  const socket = new WebSocket(streamUrl, { localAddress, perMessageDeflate: false, handshakeTimeout: TIMEOUT_MS });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_req, res) => reject(new ArrivalError(`ws:${res.statusCode}`)));
    socket.once('error', (e: NodeJS.ErrnoException) => reject(new ArrivalError(`ws:${e.message.includes('timed out') ? 'timeout' : e.code ?? 'error'}`)));
  });
  const opened = performance.now();
  socket.on('error', () => undefined);
  if (onMessage) socket.on('message', (data) => onMessage(socket, String(data)));
  return { conversationId: startedConversation.body.conversationId, token, socket, openMs: opened - wsStarted, totalMs: opened - started };
}

/** Commands the probe's redis-server has run so far (INFO commandstats; those inside scripts included). */
async function redisCommands(redisUrl: string): Promise<number> {
  const { Redis } = await import('ioredis');
  const client = new Redis(redisUrl);
  try {
    const info = await client.info('commandstats');
    let calls = 0;
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (match[1] !== 'info') calls += Number(match[2]);
    return calls;
  } finally {
    client.disconnect();
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${quantile(sorted, 0.5).toFixed(0)} ms, p99 ${quantile(sorted, 0.99).toFixed(0)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(0)} ms (n=${sorted.length})`;
};

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** A seeded random number generator (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function surge(server: ServerProcess, redisUrl: string): Promise<void> {
  const n = Number(argument('n', '1000'));
  const seconds = Number(argument('seconds', '10'));
  const sameAddress = process.argv.includes('--same-address');
  const idleFirst = Number(argument('idle-first', '0'));
  const idleSockets = idleFirst > 0 ? await openIdle(server, idleFirst, 500_000) : [];
  if (idleFirst > 0) console.log(`  (${idleSockets.length} idle conversations open before the surge)`);
  const next = random(14);
  const offsets = Array.from({ length: n }, () => next() * seconds * 1000).sort((a, b) => a - b);
  const arrivals: Arrival[] = [];
  const failures: Record<string, number> = {};
  const cpuBefore = (await server.counters()).cpuMs;
  const commandsBefore = await redisCommands(redisUrl);
  const t0 = performance.now();
  await Promise.all(
    offsets.map(async (offset, i) => {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, offset - (performance.now() - t0))));
      try {
        arrivals.push(await arrive(server.url, sameAddress ? '127.0.0.1' : addressOf(i)));
      } catch (error) {
        const kind = error instanceof ArrivalError ? error.kind : `other:${(error as Error).message}`;
        failures[kind] = (failures[kind] ?? 0) + 1;
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const counters = await server.counters();
  const commands = (await redisCommands(redisUrl)) - commandsBefore;
  console.log(`surge: ${n} young people within ${seconds} s, ${sameAddress ? 'all from 127.0.0.1' : 'each from an address of their own'}`);
  console.log(`  connected:        ${arrivals.length}/${n} (all done after ${(elapsed / 1000).toFixed(1)} s)`);
  console.log(`  WebSocket open:   ${summary(arrivals.map((a) => a.openMs))}`);
  console.log(`  arrival → open:   ${summary(arrivals.map((a) => a.totalMs))}`);
  console.log(`  failures:         ${Object.keys(failures).length === 0 ? 'none' : JSON.stringify(failures)}`);
  console.log(`  server:           CPU ${((counters.cpuMs - cpuBefore) / n).toFixed(2)} ms per arrival; event-loop delay p99 ${counters.loopP99.toFixed(0)} ms, max ${counters.loopMax.toFixed(0)} ms; Redis ${(commands / n).toFixed(1)} commands per arrival`);
  for (const a of [...arrivals, ...idleSockets]) a.socket.terminate();
}

/** Opens `count` idle conversations, `concurrency` at a time. */
async function openIdle(server: ServerProcess, count: number, first: number): Promise<Arrival[]> {
  const opened: Arrival[] = [];
  let nextIndex = 0;
  let failed = 0;
  const lane = async () => {
    while (nextIndex < count) {
      const i = first + nextIndex++;
      try {
        opened.push(await arrive(server.url, addressOf(i)));
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: 32 }, lane));
  if (failed > 0) console.log(`  (${failed} idle conversations failed to open)`);
  return opened;
}

type Seen = { from?: { role?: string }; type?: string; id?: string };

/**
 * Turn latency: POST a message → the bot's first reply on the WebSocket; and the delivery of that
 * reply alone: from its entry's Redis time (the watermark's milliseconds) to its arrival here.
 */
async function turns(server: ServerProcess, count: number, first: number): Promise<{ turn: number[]; delivery: number[] }> {
  const waiters = new Map<WebSocket, (activity: Seen, arrived: number) => void>();
  const onMessage = (socket: WebSocket, data: string) => {
    if (!data) return;
    const arrived = Date.now();
    const set = JSON.parse(data) as { activities: Seen[] };
    for (const activity of set.activities) waiters.get(socket)?.(activity, arrived);
  };
  const talkers = await Promise.all(Array.from({ length: 8 }, (_, i) => arrive(server.url, addressOf(first + i), onMessage)));
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the welcome has arrived
  const times: number[] = [];
  const delivery: number[] = [];
  for (let i = 0; i < count; i++) {
    const talker = talkers[i % talkers.length]!;
    const replied = new Promise<void>((resolve) => {
      waiters.set(talker.socket, (activity, arrived) => {
        if (activity.type !== 'message' || activity.from?.role !== 'bot') return;
        const written = Number((activity.id ?? '').split('|')[1]?.split('-')[0]);
        if (Number.isFinite(written)) delivery.push(arrived - written);
        resolve();
      });
    });
    const started = performance.now();
    const posted = await request(`${server.url}/v3/directline/conversations/${talker.conversationId}/activities`, {
      method: 'POST',
      token: talker.token,
      json: { type: 'message', text: 'what are my rights', from: { id: 'u' } },
      localAddress: addressOf(first + (i % talkers.length)),
    });
    if (posted.status !== 200) throw new Error(`post failed: ${posted.status}`);
    await replied;
    times.push(performance.now() - started);
    waiters.delete(talker.socket);
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  for (const t of talkers) t.socket.terminate();
  return { turn: times, delivery };
}

async function idle(redisUrl: string): Promise<void> {
  const levels = argument('idle', '0,2000,5000').split(',').map(Number);
  const turnCount = Number(argument('turns', '40'));
  for (const level of levels) {
    const server = await ServerProcess.start(redisUrl, {});
    try {
      // Warm up (the bot's first turns load the dialogs and texts; 300 conversations come and go,
      // so the heap's young generation has grown as it will under load), then the floor.
      await turns(server, 8, 900_000);
      for (const warm of await openIdle(server, 300, 800_000)) warm.socket.terminate();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const before = await server.memory();
      const snapshots = process.argv.includes('--heap-snapshot') ? path.resolve(argument('heap-snapshot', 'snapshots')) : undefined;
      if (snapshots) await server.snapshot(path.join(snapshots, `idle-${level}-before.heapsnapshot`));
      const sockets = await openIdle(server, level, level * 10);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const after = await server.memory();
      // 16 s of silence: one keep-alive round of every socket (and half a sweep of the hub).
      const silentCommands = await redisCommands(redisUrl);
      await new Promise((resolve) => setTimeout(resolve, 16_000));
      const silent = await server.counters();
      const silence = { cpu: (silent.cpuMs - after.cpuMs) / 16_000, commands: ((await redisCommands(redisUrl)) - silentCommands) / 16 };
      if (snapshots) await server.snapshot(path.join(snapshots, `idle-${level}-after.heapsnapshot`));
      const perIdle = level > 0 ? (after.rss - before.rss) / sockets.length / 1024 : 0;
      const heapPerIdle = level > 0 ? (after.heapUsed - before.heapUsed) / sockets.length / 1024 : 0;
      // Forced GCs' reports arrive late: let them, then count from zero.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await server.counters();
      const measured = await turns(server, turnCount, 950_000);
      const during = await server.counters();
      console.log(`idle ${level}: ${sockets.length} open; RSS ${(after.rss / 2 ** 20).toFixed(0)} MiB; per idle conversation RSS ${perIdle.toFixed(1)} KiB, heap ${heapPerIdle.toFixed(1)} KiB`);
      console.log(`  16 s of silence: server CPU ${(silence.cpu * 100).toFixed(1)} % of a core, Redis ${silence.commands.toFixed(0)} commands/s`);
      console.log(`  single turn (POST → first bot reply on the socket): ${summary(measured.turn)}`);
      console.log(`  delivery (bot replies written → on the socket): ${summary(measured.delivery)}`);
      console.log(`  server during the turns: event-loop delay p99 ${during.loopP99.toFixed(0)} ms, max ${during.loopMax.toFixed(0)} ms; GC pauses longest ${during.gcMax.toFixed(0)} ms, total ${during.gcTotal.toFixed(0)} ms`);
      for (const s of sockets) s.socket.terminate();
    } finally {
      await server.stop();
    }
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--serve')) return serve();
  const { RedisServerProcess } = await import('../server/RedisServerProcess.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-surge-'));
  const redis = await RedisServerProcess.start({ dir, appendOnly: false });
  const mode = process.argv[2] ?? 'surge';
  try {
    if (mode === 'idle') {
      await idle(redis.url);
    } else {
      const cpuProfDir = process.argv.includes('--cpu-prof') ? path.resolve(argument('cpu-prof', 'profiles')) : undefined;
      const backlog = process.argv.includes('--backlog') ? Number(argument('backlog', '511')) : undefined;
      const logLevel = process.argv.includes('--log-level') ? argument('log-level', 'info') : undefined;
      const server = await ServerProcess.start(redis.url, { cpuProfDir, backlog, logLevel });
      try {
        await surge(server, redis.url);
      } finally {
        await server.stop();
      }
      if (cpuProfDir) console.log(`  CPU profile of the server in ${cpuProfDir}`);
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});

/**
 * `npm run bench`: Lantern's speed and size figures, measured on this machine.
 * - screening: NLP start-up (modules + lexicons + model) and time per message over the labelled set;
 * - a Direct Line round trip through the real bot (message → first bot reply), p50/p99;
 * - the same for other young people while one token floods with 4,000-character messages, against
 *   the same without the flood (loopback only, bounded in count and time);
 * - the chat page's gzipped size.
 * Prints a table; nothing here is asserted in tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { LANGUAGES } from '../contracts/languages.js';
import { readLabelled } from '../screening/evaluation.js';
import { RedisServerProcess } from '../server/RedisServerProcess.js';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

function benchScreeningStartup(): number[] {
  const script = `
    const t0 = performance.now();
    const { Screener } = await import('./screening/Screener.ts');
    const t1 = performance.now();
    Screener.load();
    const t2 = performance.now();
    console.log(JSON.stringify([t1 - t0, t2 - t1]));`;
  const runs: number[][] = [];
  for (let i = 0; i < 5; i += 1) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    runs.push(JSON.parse(out.trim().split('\n').pop() ?? '[0,0]') as number[]);
  }
  const imports = runs.map((r) => r[0] ?? 0).sort((a, b) => a - b);
  const loads = runs.map((r) => r[1] ?? 0).sort((a, b) => a - b);
  return [quantile(imports, 0.5), quantile(loads, 0.5)];
}

async function benchScreeningPerMessage(): Promise<{ mean: number; p50: number; p99: number; n: number }> {
  const { Screener } = await import('../screening/Screener.js');
  const screener = Screener.load();
  const messages = LANGUAGES.flatMap((language) => readLabelled(language).map((m) => m.text));
  for (const text of messages) screener.screen(text); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 20; round += 1) {
    for (const text of messages) {
      const t0 = performance.now();
      screener.screen(text);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  return { mean: times.reduce((s, t) => s + t, 0) / times.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), n: times.length };
}

async function benchDirectLineRoundTrip(): Promise<{ p50: number; p99: number; n: number; readyMs: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-'));
  const redis = await RedisServerProcess.start({ dir, appendOnly: false });
  const { startLantern } = await import('../server/Lantern.js');
  const t0 = performance.now();
  const lantern = await startLantern({ redisUrl: redis.url, port: 0, host: '127.0.0.1', logLevel: 'silent', tokenRateLimitMax: 10_000 });
  const readyMs = performance.now() - t0;
  const times: number[] = [];
  try {
    for (let i = 0; i < 40; i += 1) {
      const { token, conversationId } = (await (await fetch(`${lantern.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as {
        token: string;
        conversationId: string;
      };
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      await fetch(`${lantern.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      const base = `${lantern.url}/v3/directline/conversations/${conversationId}/activities`;
      await fetch(base, { method: 'POST', headers, body: JSON.stringify({ type: 'event', name: 'lantern.language', value: 'en', from: { id: 'u' } }) });
      const started = performance.now();
      // The POST returns once the bot's turn has written its replies to the stream.
      await fetch(base, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text: 'they will stab me if i do not bring the money', from: { id: 'u' } }) });
      const { activities } = (await (await fetch(base, { headers: { authorization: `Bearer ${token}` } })).json()) as { activities: unknown[] };
      times.push(performance.now() - started);
      if (activities.length < 3) throw new Error('no bot reply');
    }
  } finally {
    await lantern.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), n: times.length, readyMs };
}

/** Two instances on one Redis: enqueue → console, and relay latencies both ways. */
async function benchHandoff(): Promise<{ visible: number[]; toCounsellor: number[]; toYoung: number[] }> {
  const { WebSocket } = await import('ws');
  const { OpeningHours } = await import('../handoff/OpeningHours.js');
  const { startLantern } = await import('../server/Lantern.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-handoff-'));
  const redis = await RedisServerProcess.start({ dir, appendOnly: false });
  const shared = { redisUrl: redis.url, port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false, tokenRateLimitMax: 10_000, keyPrefix: 'bench:' };
  const a = await startLantern(shared, { openingHours: OpeningHours.always() });
  const b = await startLantern(shared, { openingHours: OpeningHours.always() });
  const visible: number[] = [];
  const toCounsellor: number[] = [];
  const toYoung: number[] = [];
  try {
    await b.app.staffStore.create({ username: 'bench', role: 'counsellor', languages: ['en'], password: 'bench password 1234' });
    const login = await fetch(`${b.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench password 1234' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const staff = { cookie, 'x-csrf-token': csrfToken };
    const socket = new WebSocket(`${b.url.replace('http', 'ws')}/api/staff/live`, { headers: { cookie } });
    const waiters: Array<{ match: (m: string) => boolean; resolve: () => void }> = [];
    socket.on('message', (data) => {
      const text = String(data);
      for (const w of [...waiters]) if (w.match(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const until = (match: (m: string) => boolean) => new Promise<void>((resolve) => waiters.push({ match, resolve }));
    for (let i = 0; i < 30; i += 1) {
      const { token, conversationId } = (await (await fetch(`${a.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string; conversationId: string };
      const auth = { authorization: `Bearer ${token}` };
      const json = { ...auth, 'content-type': 'application/json' };
      await fetch(`${a.url}/v3/directline/conversations`, { method: 'POST', headers: auth });
      const base = `${a.url}/v3/directline/conversations/${conversationId}/activities`;
      await fetch(base, { method: 'POST', headers: json, body: JSON.stringify({ type: 'event', name: 'lantern.language', value: 'en', from: { id: 'u' } }) });
      const seen = until((m) => m.includes('"type":"queue"') && m.includes(conversationId));
      const t0 = performance.now();
      await fetch(base, { method: 'POST', headers: json, body: JSON.stringify({ type: 'message', text: 'x', value: { command: 'talk_to_human' }, from: { id: 'u' } }) });
      await seen;
      visible.push(performance.now() - t0);
      await fetch(`${b.url}/api/staff/conversations/${conversationId}/claim`, { method: 'POST', headers: staff });
      socket.send(JSON.stringify({ type: 'subscribe', conversationId, watermark: '0-0' }));
      await new Promise((resolve) => setTimeout(resolve, 30));
      // Young person (instance A) → counsellor console (instance B).
      const marker = `bench-${i}-${Date.now()}`;
      const arrived = until((m) => m.includes(marker));
      const t1 = performance.now();
      await fetch(base, { method: 'POST', headers: json, body: JSON.stringify({ type: 'message', text: marker, from: { id: 'u' } }) });
      await arrived;
      toCounsellor.push(performance.now() - t1);
      // Counsellor (instance B) → young person's stream, read on instance A.
      const reply = `reply-${marker}`;
      const t2 = performance.now();
      await fetch(`${b.url}/api/staff/conversations/${conversationId}/messages`, { method: 'POST', headers: { ...staff, 'content-type': 'application/json' }, body: JSON.stringify({ text: reply }) });
      for (;;) {
        const set = (await (await fetch(base, { headers: auth })).json()) as { activities: Array<{ text?: string }> };
        if (set.activities.some((x) => x.text === reply)) break;
      }
      toYoung.push(performance.now() - t2);
      await fetch(`${b.url}/api/staff/conversations/${conversationId}/end`, { method: 'POST', headers: { ...staff, 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'information_given' }) });
    }
    socket.close();
  } finally {
    await a.stop();
    await b.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const list of [visible, toCounsellor, toYoung]) list.sort((x, y) => x - y);
  return { visible, toCounsellor, toYoung };
}

/** Latencies (ms) of other young people's bot replies: POST a message → the bot's replies are readable. */
async function youngPeopleRound(url: string, options: { conversations: number; lanes: number; messages: number; thinkMs: number }): Promise<number[]> {
  const texts = ['what are my rights', 'i need help', 'someone keeps my money and says i owe him', 'menu', 'can i talk to someone'];
  const times: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < options.conversations) {
      next += 1;
      const { token, conversationId } = (await (await fetch(`${url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string; conversationId: string };
      const auth = { authorization: `Bearer ${token}` };
      const headers = { ...auth, 'content-type': 'application/json' };
      await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: auth });
      const base = `${url}/v3/directline/conversations/${conversationId}/activities`;
      await fetch(base, { method: 'POST', headers, body: JSON.stringify({ type: 'event', name: 'lantern.language', value: 'en', from: { id: 'u' } }) });
      let seen = ((await (await fetch(base, { headers: auth })).json()) as { activities: unknown[] }).activities.length;
      for (let m = 0; m < options.messages; m += 1) {
        const text = texts[(next + m) % texts.length] ?? 'help';
        const started = performance.now();
        // The POST returns once the bot's turn has written its replies to the stream.
        const posted = await fetch(base, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text, from: { id: 'u' } }) });
        const { activities } = (await (await fetch(base, { headers: auth })).json()) as { activities: unknown[] };
        times.push(performance.now() - started);
        if (posted.status !== 200 || activities.length < seen + 2) throw new Error(`no bot reply (HTTP ${posted.status})`);
        seen = activities.length;
        await new Promise((resolve) => setTimeout(resolve, options.thinkMs));
      }
    }
  };
  await Promise.all(Array.from({ length: options.lanes }, lane));
  return times.sort((a, b) => a - b);
}

/** Sends one 4,000-character message in a conversation of its own. */
async function longMessage(url: string): Promise<void> {
  const { token, conversationId } = (await (await fetch(`${url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string; conversationId: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const base = `${url}/v3/directline/conversations/${conversationId}/activities`;
  await fetch(base, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text: FLOOD_TEXT, from: { id: 'u' } }) });
}

const FLOOD_WORDS = 'they take my money and say i owe them and if i do not work they will hurt me ';
/** 4,000 characters, with danger words (the bot's most expensive path). */
const FLOOD_TEXT = FLOOD_WORDS.repeat(Math.ceil(4000 / FLOOD_WORDS.length)).slice(0, 4000);

/**
 * A flooding client in its own thread (so its own work does not slow the server's event loop):
 * `concurrency` loops POST 4,000-character messages with one token as fast as the server answers,
 * until told to stop, at most `maxRequests` requests and `maxMs` milliseconds.
 */
function startFlood(url: string, token: string, conversationId: string, limits: { concurrency: number; maxRequests: number; maxMs: number }) {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { url, token, conversationId, text, concurrency, maxRequests, maxMs } = workerData;
    let stop = false;
    parentPort.on('message', () => { stop = true; });
    const body = JSON.stringify({ type: 'message', text, from: { id: 'flood' } });
    const headers = { authorization: 'Bearer ' + token, 'content-type': 'application/json' };
    const target = url + '/v3/directline/conversations/' + conversationId + '/activities';
    const counts = {};
    let sent = 0;
    const started = Date.now();
    const lane = async () => {
      while (!stop && sent < maxRequests && Date.now() - started < maxMs) {
        sent += 1;
        try {
          const response = await fetch(target, { method: 'POST', headers, body });
          await response.arrayBuffer();
          counts[response.status] = (counts[response.status] || 0) + 1;
        } catch {
          counts.failed = (counts.failed || 0) + 1;
        }
        if (sent === concurrency) parentPort.postMessage({ started: true });
      }
    };
    Promise.all(Array.from({ length: concurrency }, lane)).then(() => parentPort.postMessage({ done: true, counts, sent, ms: Date.now() - started }));
  `;
  const worker = new Worker(code, { eval: true, workerData: { url, token, conversationId, text: FLOOD_TEXT, ...limits } });
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  const done = new Promise<{ counts: Record<string, number>; sent: number; ms: number }>((resolve, reject) => {
    worker.on('message', (message: { started?: boolean; done?: boolean; counts: Record<string, number>; sent: number; ms: number }) => {
      if (message.started) onStarted();
      if (message.done) resolve(message);
    });
    worker.on('error', reject);
  });
  return {
    started,
    async stop() {
      worker.postMessage('stop');
      const result = await done;
      await worker.terminate();
      return result;
    },
  };
}

/**
 * Fairness under a flood: other young people's bot reply latency while one token floods with
 * 4,000-character messages (16 loops, at most 40,000 requests and 90 s), and the same without.
 */
async function benchFlood(): Promise<{ baseline: number[]; flooded: number[]; flood: { counts: Record<string, number>; sent: number; ms: number } }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-flood-'));
  const redis = await RedisServerProcess.start({ dir, appendOnly: false });
  const { startLantern } = await import('../server/Lantern.js');
  // The Direct Line flood limits are the plugin's defaults (8 per 5 s, 40 per minute, 3 in flight).
  const lantern = await startLantern({ redisUrl: redis.url, port: 0, host: '127.0.0.1', logLevel: 'silent', tokenRateLimitMax: 10_000 });
  const round = { conversations: 60, lanes: 4, messages: 5, thinkMs: 100 };
  try {
    // Warm-up, also of the code paths of a long message (the first one compiles them: a one-off).
    await youngPeopleRound(lantern.url, round);
    await longMessage(lantern.url);
    const baseline = await youngPeopleRound(lantern.url, round);
    const { token, conversationId } = (await (await fetch(`${lantern.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    await fetch(`${lantern.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const flooder = startFlood(lantern.url, token, conversationId, { concurrency: 16, maxRequests: 40_000, maxMs: 90_000 });
    await flooder.started;
    const flooded = await youngPeopleRound(lantern.url, round);
    const flood = await flooder.stop();
    return { baseline, flooded, flood };
  } finally {
    await lantern.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function chatPageSize(): string {
  const manifest = JSON.parse(readFileSync('web/dist/manifest.json', 'utf8')) as { js: string; css: string };
  const files = [manifest.js, manifest.css];
  const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(path.join('web/dist', file)), { level: 9 }).length, 0);
  return `${(bytes / 1024).toFixed(1)} KB gzipped (JS + CSS, ${files.length} files)`;
}

// `npm run bench` runs everything; `npm run bench -- flood` (or screening, directline, handoff, page) only those parts.
const only = new Set(process.argv.slice(2));
const run = (part: string) => only.size === 0 || only.has(part);
const pq = (list: number[]) => `p50 ${quantile(list, 0.5).toFixed(1)} ms, p99 ${quantile(list, 0.99).toFixed(1)} ms (n=${list.length})`;
const lines: string[] = [];
if (run('screening')) {
  const [importMs, loadMs] = benchScreeningStartup();
  const perMessage = await benchScreeningPerMessage();
  lines.push(`screening start-up, fresh process: import ${fmt(importMs ?? NaN)} + lexicons and model ${fmt(loadMs ?? NaN)} (median of 5)`);
  lines.push(`screening per message: mean ${fmt(perMessage.mean)}, p50 ${fmt(perMessage.p50)}, p99 ${fmt(perMessage.p99)} (${perMessage.n} messages)`);
}
if (run('directline')) {
  const roundTrip = await benchDirectLineRoundTrip();
  lines.push(`server start (in-process, Redis running): ${roundTrip.readyMs.toFixed(0)} ms`);
  lines.push(`Direct Line message → bot replies stored: p50 ${roundTrip.p50.toFixed(1)} ms, p99 ${roundTrip.p99.toFixed(1)} ms (${roundTrip.n} conversations)`);
}
if (run('handoff')) {
  const handoff = await benchHandoff();
  lines.push(`handoff enqueue → visible in a console on another instance: ${pq(handoff.visible)}`);
  lines.push(`relay young person (instance A) → counsellor console (instance B): ${pq(handoff.toCounsellor)}`);
  lines.push(`relay counsellor (instance B) → young person's stream (read on A): ${pq(handoff.toYoung)}`);
}
if (run('flood')) {
  const flood = await benchFlood();
  const floodCounts = Object.entries(flood.flood.counts)
    .map(([status, n]) => `${n}×${status}`)
    .join(', ');
  lines.push(`other young people's bot replies, no flood: ${pq(flood.baseline)}`);
  lines.push(`other young people's bot replies, one token flooding: ${pq(flood.flooded)}`);
  lines.push(
    `  flood: ${flood.flood.sent} POSTs of 4,000 characters in ${(flood.flood.ms / 1000).toFixed(1)} s (${floodCounts}); ` +
      `p99 flooded / no flood: ${(quantile(flood.flooded, 0.99) / quantile(flood.baseline, 0.99)).toFixed(2)}x`,
  );
}
if (run('page')) {
  try {
    lines.push(`chat page: ${chatPageSize()}`);
  } catch {
    lines.push('chat page: not built (npm run build)');
  }
}
console.log('Lantern benchmarks (this machine)\n');
for (const line of lines) console.log(line);

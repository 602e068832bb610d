/**
 * `npx tsx scripts/redis-turn-cost.ts`: what one young person's message costs Redis, measured on a
 * real Lantern (startLantern, the real bot, the Direct Line routes over HTTP).
 *
 * A young person starts a conversation in English and presses "rights" in the menu; the POST of
 * that button (it returns after the bot's turn) is measured on the app's main Redis connection:
 * - commands: every command sent (MULTI, EXEC and the commands between them counted one by one);
 * - round trips: how often the app had to wait for Redis before it could send more (a command sent
 *   while none is outstanding starts a round trip; a pipeline or Promise.all is one);
 * - the commands by name.
 * A first conversation warms up (scripts loaded, the secret read), a second one is measured.
 *
 * One Redis: REDIS_URL, or a private redis-server. A cluster: REDIS_CLUSTER_NODES (see README).
 * `--verbose` lists the commands in order, each with its round trip.
 * Other connections (BullMQ, the stream hub's reads, pub/sub) are not counted there; the second
 * figure, from INFO commandstats of the server (of every master of a cluster), counts every command
 * of every connection from just before the POST until Redis has been quiet for 300 ms after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { Redis, type Cluster, type Command } from 'ioredis';
import { startLantern } from '../server/Lantern.js';
import { RedisServerProcess } from '../server/RedisServerProcess.js';

interface Counter {
  commands: Map<string, number>;
  roundTrips: number;
  /** Every command in order, with its round trip (for --verbose). */
  log: string[];
}

/** Wraps `sendCommand` of the main connection (or of every node of a cluster) to count. */
function instrument(target: { sendCommand: (command: Command, ...rest: unknown[]) => unknown }, counter: { current: Counter | undefined }, outstanding: { n: number }): void {
  const original = target.sendCommand.bind(target);
  target.sendCommand = (command: Command, ...rest: unknown[]) => {
    const current = counter.current;
    if (current) {
      if (outstanding.n === 0) current.roundTrips += 1;
      const name = command.name.toLowerCase();
      current.commands.set(name, (current.commands.get(name) ?? 0) + 1);
      current.log.push(`${current.roundTrips}: ${name} ${command.args.slice(0, 3).map((a) => String(a).slice(0, 60)).join(' ')}`);
      outstanding.n += 1;
      command.promise.then(
        () => (outstanding.n -= 1),
        () => (outstanding.n -= 1),
      );
    }
    return original(command, ...rest);
  };
}

/** Every command Redis has run, by name (INFO commandstats), summed over the given servers. */
async function commandStats(servers: Redis[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const server of servers) {
    for (const match of String(await server.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      totals.set(match[1]!, (totals.get(match[1]!) ?? 0) + Number(match[2]));
    }
  }
  return totals;
}

async function main(): Promise<void> {
  const clustered = Boolean(process.env.REDIS_CLUSTER_NODES);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-turn-cost-'));
  const redisProcess = process.env.REDIS_URL || clustered ? undefined : await RedisServerProcess.start({ dir, appendOnly: false });
  const lantern = await startLantern(
    { port: 0, host: '127.0.0.1', keyPrefix: `turn-cost:${process.pid}:`, ...(redisProcess ? { redisUrl: redisProcess.url } : {}), dataDir: dir, logLevel: 'warn' },
    { logStream: process.stderr },
  );
  const counter: { current: Counter | undefined } = { current: undefined };
  const outstanding = { n: 0 };
  const redis = lantern.redis as unknown as { sendCommand: (command: Command, ...rest: unknown[]) => unknown; nodes?: (role: string) => Array<{ sendCommand: (command: Command, ...rest: unknown[]) => unknown }> };
  if (typeof redis.nodes === 'function') {
    // A cluster sends through its nodes' connections (pipelines too): count there.
    const seen = new Set<unknown>();
    const wrapNodes = () => {
      for (const node of redis.nodes!('all')) {
        if (seen.has(node)) continue;
        seen.add(node);
        instrument(node, counter, outstanding);
      }
    };
    wrapNodes();
    (redis as unknown as { on: (event: string, fn: () => void) => void }).on('+node', wrapNodes);
  } else instrument(redis, counter, outstanding);

  try {
    const conversation = async () => {
      const generated = (await (await fetch(`${lantern.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string; conversationId: string };
      const headers = { authorization: `Bearer ${generated.token}`, 'content-type': 'application/json' };
      const base = `${lantern.url}/v3/directline/conversations/${generated.conversationId}/activities`;
      await fetch(`${lantern.url}/v3/directline/conversations`, { method: 'POST', headers, body: JSON.stringify({ locale: 'en' }) });
      let watermark: string | undefined;
      const post = async (activity: Record<string, unknown>) => {
        const response = await fetch(base, { method: 'POST', headers, body: JSON.stringify({ from: { id: 'x' }, ...activity }) });
        if (!response.ok) throw new Error(`POST answered ${response.status}`);
      };
      const replies = async (): Promise<Activity[]> => {
        const query = watermark ? `?watermark=${encodeURIComponent(watermark)}` : '';
        const set = (await (await fetch(`${base}${query}`, { headers })).json()) as { activities: Activity[]; watermark?: string };
        watermark = set.watermark ?? watermark;
        return set.activities;
      };
      const button = (activities: Activity[], choice: string) => {
        for (const activity of [...activities].reverse()) {
          const action = activity.suggestedActions?.actions?.find((a) => (a.value as { choice?: string } | undefined)?.choice === choice);
          if (action) return { type: 'message', text: String(action.text ?? action.title), value: action.value };
        }
        throw new Error(`no "${choice}" button`);
      };
      await post({ type: 'event', name: 'lantern.language', value: 'en' });
      return { post, replies, button };
    };

    // Warm-up: scripts loaded, the token secret read, a turn of each kind once.
    const warm = await conversation();
    await warm.post(warm.button(await warm.replies(), 'rights'));
    await warm.post(warm.button(await warm.replies(), 'menu'));

    const measured = await conversation();
    const rights = measured.button(await measured.replies(), 'rights');
    // Let anything the previous POSTs started settle (the hub's reads run on their own connection).
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Connections of their own to read the server statistics (not counted: INFO and CONFIG are left out).
    const servers = lantern.redis.isCluster
      ? (lantern.redis as Cluster).nodes('master').map((node) => new Redis(node.options.port!, node.options.host!))
      : [new Redis((lantern.redis as Redis).options.port!, (lantern.redis as Redis).options.host!)];
    await Promise.all(servers.map((server) => server.config('RESETSTAT')));
    const result: Counter = { commands: new Map(), roundTrips: 0, log: [] };
    counter.current = result;
    await measured.post(rights);
    counter.current = undefined;
    let stats = await commandStats(servers);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const again = await commandStats(servers);
      const quiet = [...again].every(([name, n]) => name === 'info' || stats.get(name) === n);
      stats = again;
      if (quiet) break;
    }
    for (const server of servers) server.disconnect();
    stats.delete('info');
    stats.delete('config|resetstat');
    stats.delete('config');
    const serverTotal = [...stats.values()].reduce((a, b) => a + b, 0);
    const total = [...result.commands.values()].reduce((a, b) => a + b, 0);
    const texts = (await measured.replies()).filter((a) => a.type === 'message').length;
    console.log(`Redis: ${clustered ? 'cluster' : 'one server'}`);
    console.log(`"rights" turn (POST of the button, ${texts} bot messages): ${result.roundTrips} round trips, ${total} commands`);
    for (const [name, n] of [...result.commands.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(12)} ${n}`);
    if (process.argv.includes('--verbose')) for (const line of result.log) console.log(`    ${line}`);
    console.log(`Redis itself, every connection (INFO commandstats): ${serverTotal} commands`);
    for (const [name, n] of [...stats.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(12)} ${n}`);
  } finally {
    await lantern.stop();
    await redisProcess?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});

/**
 * A real Redis Cluster for the tests: three masters (no replicas) on loopback ports, each a
 * redis-server child process with `--cluster-enabled yes`, joined by `redis-cli --cluster create`;
 * ready once every node's `CLUSTER INFO` says `cluster_state:ok` and every node knows all three.
 * Data in a temporary directory, nothing saved; `stop()` ends the nodes and removes it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { RedisServerProcess } from '../../server/RedisServerProcess.js';

const run = promisify(execFile);

/** Whether a TCP port on 127.0.0.1 can be listened on now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) {
      taken.add(port);
      taken.add(port + 10_000);
      return port;
    }
  }
  throw new Error('no free port pair for a cluster node');
}

/** A running three-master cluster. */
export class RedisClusterProcess {
  private constructor(
    private readonly nodes: RedisServerProcess[],
    private readonly dir: string,
  ) {}

  /** `127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`, as REDIS_CLUSTER_NODES takes it. */
  get nodeList(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  /** Starts three masters, creates the cluster and waits until every node says it is ok. */
  static async start(masters = 3, timeoutMs = 30_000): Promise<RedisClusterProcess> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-test-cluster-'));
    const taken = new Set<number>();
    const nodes: RedisServerProcess[] = [];
    const cluster = new RedisClusterProcess(nodes, dir);
    try {
      for (let i = 0; i < masters; i++) {
        const port = await clusterPort(taken);
        const nodeDir = path.join(dir, String(port));
        nodes.push(
          await RedisServerProcess.start({
            port,
            dir: nodeDir,
            appendOnly: false,
            extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(nodeDir, 'nodes.conf'), '--cluster-node-timeout', '5000'],
          }),
        );
      }
      try {
        await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: timeoutMs });
      } catch (error) {
        const { code, stderr, stdout } = error as { code?: string; stderr?: string; stdout?: string };
        if (code === 'ENOENT') throw new Error('redis-cli is missing (Debian: apt-get install redis-tools, which redis-server brings)');
        throw new Error(`redis-cli --cluster create failed: ${(stderr || stdout || String(error)).slice(-500)}`);
      }
      await cluster.untilOk(timeoutMs);
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Waits (polling, not a fixed sleep) until every node reports cluster_state:ok and knows every master. */
  private async untilOk(timeoutMs: number): Promise<void> {
    const clients = this.nodes.map((node) => new Redis(node.port, '127.0.0.1', { maxRetriesPerRequest: 1, lazyConnect: false }));
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          clients.map(async (client) => {
            const info = String(await client.cluster('INFO'));
            const known = Number(/cluster_known_nodes:(\d+)/.exec(info)?.[1] ?? 0);
            return /cluster_state:ok/.test(info) && known === this.nodes.length;
          }),
        );
        if (states.every(Boolean)) return;
        if (Date.now() > deadline) throw new Error('the test cluster did not reach cluster_state:ok');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      for (const client of clients) client.disconnect();
    }
  }

  /** Stops every node and removes the data directory. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

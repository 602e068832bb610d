/**
 * One target as the orchestrator sees it: a private redis-server (append-only file on, as
 * `npm start` runs its own) and the target's server in a process of its own (targetChild.ts).
 * It takes the readings around a measurement window: the server's CPU, memory and event-loop
 * delay (asked over IPC) and its redis-server's counters.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisServerProcess } from '../../../server/RedisServerProcess.js';
import { forkTs, stopChild, type ForkedChild } from '../childProcess.js';
import type { ServerSample, TargetKind, TargetSnapshot, TargetSpec } from '../messages.js';
import { readRedisStats } from './redisStats.js';
import type { CounsellorAccount } from './RunningTarget.js';

const CHILD = fileURLToPath(new URL('./targetChild.ts', import.meta.url));
/** Node's flags for the product's server process, as `npm start` and the Dockerfile give them. */
const nodeFlags = JSON.parse(readFileSync(new URL('../../../config/node-flags.json', import.meta.url), 'utf8')) as { server: string[] };

/** How to start a target. */
export interface TargetOptions {
  logLevel: string;
  counsellorsOnDuty: boolean;
}

/** A running target: redis-server + server process. */
export class TargetProcess {
  private constructor(
    readonly kind: TargetKind,
    readonly url: string,
    private readonly server: ForkedChild<{ url: string }>,
    private readonly redisServer: RedisServerProcess,
    private readonly probe: Redis,
    private readonly dir: string,
  ) {}

  /** Starts the target's redis-server and server; resolves once the server listens. */
  static async start(kind: TargetKind, options: TargetOptions): Promise<TargetProcess> {
    const dir = mkdtempSync(path.join(os.tmpdir(), `lantern-bench-${kind}-`));
    const redisServer = await RedisServerProcess.start({ dir, appendOnly: true });
    const spec: TargetSpec = { kind, redisUrl: redisServer.url, keyPrefix: `bench-${kind}:`, logLevel: options.logLevel, counsellorsOnDuty: options.counsellorsOnDuty };
    try {
      // Every target runs with the Node flags `npm start` gives the server, so only the code differs.
      const server = await forkTs<{ url: string }>(CHILD, [JSON.stringify(spec)], {}, nodeFlags.server);
      const probe = new Redis(redisServer.url, { connectionName: 'bench-probe' });
      return new TargetProcess(kind, server.ready.url, server, redisServer, probe, dir);
    } catch (error) {
      await redisServer.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The server's and its Redis's readings now (`gc`: collect garbage in the server first). */
  async snapshot(gc = false): Promise<TargetSnapshot> {
    const [server, redis] = await Promise.all([this.server.peer.request<ServerSample>('sample', { gc }), readRedisStats(this.probe)]);
    return { server, redis };
  }

  /** When each conversation was put in the handoff queue (the server's clock, ms), or null. */
  handoffEnqueuedAt(conversationIds: string[]): Promise<Record<string, number | null>> {
    return this.server.peer.request('handoffEnqueuedAt', conversationIds);
  }

  /** Creates a counsellor account (full target only). */
  createCounsellor(account: CounsellorAccount): Promise<void> {
    return this.server.peer.request('createCounsellor', account);
  }

  /** Stops the server, then its redis-server, and removes the data directory. */
  async stop(): Promise<void> {
    await stopChild(this.server);
    await this.probe.quit().catch(() => undefined);
    await this.redisServer.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A private redis-server child process: the embedded default when REDIS_URL is unset,
 * and the real Redis every test runs against.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';

/** Options of a private redis-server. */
export interface RedisServerOptions {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Data directory (AOF files live here). */
  dir: string;
  /** Append-only file on (durable) or off (throw-away test data). */
  appendOnly?: boolean;
  /** Path of the redis-server binary. */
  binary?: string;
  /** More arguments (e.g. `--cluster-enabled yes` for a node of a test cluster). */
  extraArgs?: string[];
}

/** Raised when redis-server cannot be started. */
export class RedisServerStartError extends Error {
  override name = 'RedisServerStartError';
}

/** Finds a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running redis-server child process bound to 127.0.0.1. */
export class RedisServerProcess {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number, private readonly options: RedisServerOptions) {}

  /** The URL clients connect to. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server and resolves once it accepts connections. */
  static async start(options: RedisServerOptions): Promise<RedisServerProcess> {
    const port = options.port || (await freePort());
    mkdirSync(options.dir, { recursive: true });
    const instance = new RedisServerProcess(port, options);
    await instance.spawn();
    return instance;
  }

  private spawn(): Promise<void> {
    const args = [
      '--port', String(this.port),
      '--bind', '127.0.0.1',
      '--protected-mode', 'yes',
      '--dir', this.options.dir,
      '--appendonly', this.options.appendOnly === false ? 'no' : 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      '--daemonize', 'no',
      '--loglevel', 'warning',
      ...(this.options.extraArgs ?? []),
    ];
    const child = spawn(this.options.binary ?? 'redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    return new Promise((resolve, reject) => {
      let output = '';
      const fail = (reason: string) => reject(new RedisServerStartError(`redis-server did not start: ${reason}`));
      child.once('error', (error) => fail(error.message));
      child.once('exit', (code) => fail(`exited with code ${code}: ${output.slice(-500)}`));
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      const deadline = Date.now() + 10_000;
      const probe = () => {
        const socket = net.connect(this.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.write('PING\r\n');
        });
        socket.once('data', (data) => {
          socket.destroy();
          if (data.toString().startsWith('+PONG')) {
            child.removeAllListeners('exit');
            resolve();
          } else retry();
        });
        socket.once('error', () => {
          socket.destroy();
          retry();
        });
      };
      const retry = () => {
        if (Date.now() > deadline) fail('no PONG within 10 s');
        else setTimeout(probe, 50);
      };
      probe();
    });
  }

  /** Stops redis-server (it rewrites nothing; AOF is already on disk) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

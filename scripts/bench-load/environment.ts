/**
 * The machine a run was measured on, and warnings when its limits would cut a scenario short:
 * open files per process (`ulimit -n`: every WebSocket is one in the generator and one in the
 * server) and loopback's ephemeral ports (every WebSocket and pooled HTTP connection takes one).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** What the results record about the machine. */
export interface Environment {
  date: string;
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverage: number[];
  /** Soft limit of open files of this process (its children inherit it). */
  openFilesLimit: number;
  /** net.ipv4.ip_local_port_range, as "first last". */
  ephemeralPorts: string;
  /** net.core.somaxconn (the most a listen backlog can be). */
  somaxconn: string;
  redisServer: string;
  /** The commit measured, and the product files changed in the working tree on top of it (measured as they were). */
  gitCommit: string;
  uncommittedFiles: number;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().replace(/\s+/g, ' ');
  } catch {
    return 'unknown';
  }
}

/** The soft limit in /proc/self/limits ("Max open files  <soft>  <hard>  files"); NaN when unknown or unlimited. */
function openFilesLimit(): number {
  return Number(/Max open files\s+(\d+)/.exec(read('/proc/self/limits'))?.[1] ?? NaN);
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** Reads the machine. */
export function environment(): Environment {
  let redisServer = 'unknown';
  try {
    redisServer = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // not installed: the run fails when it starts a target
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
    openFilesLimit: openFilesLimit(),
    ephemeralPorts: read('/proc/sys/net/ipv4/ip_local_port_range'),
    somaxconn: read('/proc/sys/net/core/somaxconn'),
    redisServer,
    gitCommit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    uncommittedFiles: git(['status', '--porcelain', '--untracked-files=no']).split('\n').filter(Boolean).length,
  };
}

/** Connections the generator holds at most at once: its WebSockets plus its HTTP pool (1 024). */
export function warnings(env: Environment, mostWebSockets: number): string[] {
  const needed = mostWebSockets + 1_024 + 64;
  const found: string[] = [];
  if (Number.isFinite(env.openFilesLimit) && needed > env.openFilesLimit) {
    found.push(`ulimit -n is ${env.openFilesLimit}; up to ${needed} connections are needed: raise it (ulimit -n 65536) or lower the sizes`);
  }
  const [first, last] = env.ephemeralPorts.split(' ').map(Number);
  if (first !== undefined && last !== undefined && needed > last - first + 1) {
    found.push(`loopback has ${last - first + 1} ephemeral ports (${env.ephemeralPorts}); up to ${needed} are needed at once`);
  }
  return found;
}

/**
 * Repeatable background jobs on BullMQ, run by exactly one app instance per repetition (keeping
 * waiting young people informed, data retention). Each area adds its own tasks before the start.
 */
import { Queue, Worker } from 'bullmq';
import { duplicateConnection, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';

/** A repeatable task. */
export interface MaintenanceTask {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

/** Options of MaintenanceJobs. */
export interface MaintenanceJobsOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Tasks known from the start (more can be added before `start`). */
  tasks?: MaintenanceTask[];
  /** Called with the task name and an error name when a run fails (never data). */
  onError?: (task: string, error: string) => void;
}

/** Schedules and runs the maintenance tasks. */
export class MaintenanceJobs {
  private readonly tasks = new Map<string, MaintenanceTask>();
  private readonly connection: RedisHandle;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private workerConnection: RedisHandle | undefined;

  constructor(private readonly options: MaintenanceJobsOptions) {
    // BullMQ's own connections (on a cluster too: its prefix carries the {bull} hash tag).
    this.connection = duplicateConnection(options.redis, { maxRetriesPerRequest: null, connectionName: 'lantern-maintenance-queue' });
    this.queue = new Queue('maintenance', { connection: this.connection, prefix: options.keys.bullPrefix() });
    for (const task of options.tasks ?? []) this.add(task);
  }

  /** Adds a task; throws after `start` (a task must be known before the worker takes jobs). */
  add(task: MaintenanceTask): void {
    if (this.worker) throw new Error(`maintenance already started: cannot add ${task.name}`);
    if (this.tasks.has(task.name)) throw new Error(`maintenance task ${task.name} added twice`);
    this.tasks.set(task.name, task);
  }

  /** Starts this instance's worker and registers the schedules (idempotent across instances). */
  async start(): Promise<void> {
    if (this.worker) return;
    const { onError, keys } = this.options;
    this.workerConnection = duplicateConnection(this.connection, { maxRetriesPerRequest: null, connectionName: 'lantern-maintenance-worker' });
    this.worker = new Worker(
      'maintenance',
      async (job) => {
        await this.tasks.get(job.name)?.run();
      },
      { connection: this.workerConnection, prefix: keys.bullPrefix(), concurrency: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 50, age: 24 * 3600 } },
    );
    this.worker.on('failed', (job, error) => onError?.(job?.name ?? 'unknown', error.name));
    this.worker.on('error', (error) => onError?.('worker', error.name));
    for (const task of this.tasks.values()) {
      await this.queue.upsertJobScheduler(task.name, { every: task.everyMs }, { name: task.name });
    }
  }

  /** Stops this instance's worker (the schedules stay for the other instances). */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    await Promise.all([this.connection, this.workerConnection].map((c) => c?.quit().catch(() => c.disconnect())));
  }
}

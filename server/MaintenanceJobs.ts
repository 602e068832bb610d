/**
 * Repeatable background jobs on BullMQ, run by exactly one app instance per repetition:
 * keeping waiting young people informed (handoff tick) and, later, data retention.
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../contracts/RedisKeys.js';

/** A repeatable task. */
export interface MaintenanceTask {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

/** Options of MaintenanceJobs. */
export interface MaintenanceJobsOptions {
  redis: Redis;
  keys: RedisKeys;
  tasks: MaintenanceTask[];
  /** Called with the task name and an error name when a run fails (never data). */
  onError?: (task: string, error: string) => void;
}

/** Schedules and runs the maintenance tasks. */
export class MaintenanceJobs {
  private readonly queue: Queue;
  private readonly worker: Worker;
  private readonly connections: Redis[];

  constructor(private readonly options: MaintenanceJobsOptions) {
    const connection = options.redis.duplicate({ maxRetriesPerRequest: null });
    const workerConnection = connection.duplicate();
    this.connections = [connection, workerConnection];
    const prefix = options.keys.bullPrefix();
    this.queue = new Queue('maintenance', { connection, prefix });
    const byName = new Map(options.tasks.map((task) => [task.name, task]));
    this.worker = new Worker(
      'maintenance',
      async (job) => {
        await byName.get(job.name)?.run();
      },
      { connection: workerConnection, prefix, concurrency: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 50, age: 24 * 3600 } },
    );
    this.worker.on('failed', (job, error) => options.onError?.(job?.name ?? 'unknown', error.name));
    this.worker.on('error', (error) => options.onError?.('worker', error.name));
  }

  /** Registers the schedules (idempotent across instances). */
  async start(): Promise<void> {
    for (const task of this.options.tasks) {
      await this.queue.upsertJobScheduler(task.name, { every: task.everyMs }, { name: task.name });
    }
  }

  /** Stops this instance's worker (the schedules stay for the other instances). */
  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
    await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
  }
}

/**
 * The handoff queue on BullMQ. One job per waiting conversation (job id = conversation id), with a
 * BullMQ priority: danger now 1, exploitation signals 2, everything else 3 (lower runs first, and
 * within a priority first come, first served). Jobs are never processed by a background worker:
 * a counsellor's claim moves exactly that job to active and completes it at once (so a long chat
 * never hangs on a job lock), under a short queue-wide claim lock, so two counsellors can never
 * take one conversation.
 */
import { randomBytes } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { duplicateConnection, redisScript, runScript, type RedisHandle } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import type { HandoffContext } from './HandoffGateway.js';
import type { Priority } from '../contracts/profileCodes.js';
import { ClaimBusyError, NotWaitingError } from './errors.js';
export { ClaimBusyError, NotWaitingError };

/** BullMQ priority of each handoff priority (lower runs first). */
export const BULL_PRIORITY: Record<Priority, number> = { danger: 1, raised: 2, normal: 3 };

/** A waiting conversation's job data: the handoff context and where to reach the young person. */
export interface HandoffJobData extends HandoffContext {
  requestedAt: number;
  /** Conversation reference for proactive messages to the young person. */
  reference: { userId: string; serviceUrl: string };
  /** How often it came back to the list (a counsellor left or passed it back). */
  returned?: number;
  /**
   * Offered first to the counsellor who had the conversation last (a new request while they were on
   * duty with room), until `until` (ms). Changes nothing of its place in line; never in a session.
   */
  preferred?: PreferredCounsellor;
}

/** Who a returning conversation is offered to first, and until when (ms). */
export interface PreferredCounsellor {
  counsellor: string;
  until: number;
}

/** One entry of the waiting list. */
export interface WaitingEntry {
  conversationId: string;
  data: HandoffJobData;
  priority: number;
  /** 1-based place in line (across all languages). */
  position: number;
}



/** What orders the waiting list: priority (lower first), then when the request was made, then when the job was added. */
interface OrderFacts {
  priority: number;
  requestedAt: number;
  timestamp: number;
}

/** The waiting list's order (a stable sort keeps BullMQ's own order for equal facts). */
const inLine = (a: OrderFacts, b: OrderFacts) => a.priority - b.priority || a.requestedAt - b.requestedAt || a.timestamp - b.timestamp;

/** Options of HandoffQueue. */
export interface HandoffQueueOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  /** Queue name (default "handoff"). */
  name?: string;
}

// KEYS: BullMQ's prioritized (sorted set), wait and paused (lists) of the queue. ARGV: the prefix of
// its job keys (same hash tag). Returns [id, priority, requestedAt, timestamp, …] of every waiting job,
// in the order BullMQ's getJobs(['prioritized', 'waiting'], 0, -1, true) lists them: the facts that
// order the list, without the rest of each job (its place in line, for a turn, in one round trip).
const ORDER = redisScript(
  'lanternHandoffOrder',
  `
local result = {}
local function add(id)
  local job = redis.call('HMGET', ARGV[1] .. id, 'priority', 'timestamp', 'data')
  if not job[3] then return end
  local ok, data = pcall(cjson.decode, job[3])
  local requestedAt = ok and type(data) == 'table' and tonumber(data.requestedAt) or 0
  result[#result + 1] = id
  result[#result + 1] = tonumber(job[1]) or 0
  result[#result + 1] = requestedAt
  result[#result + 1] = tonumber(job[2]) or 0
end
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do add(id) end
for k = 2, 3 do
  local ids = redis.call('LRANGE', KEYS[k], 0, -1)
  for i = #ids, 1, -1 do add(ids[i]) end
end
return result
`,
);

// KEYS: the claim lock. ARGV: token. Deletes it only while it is still this holder's.
const RELEASE = redisScript('lanternClaimLockRelease', `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`);

/** The queue of conversations waiting for a counsellor. */
export class HandoffQueue {
  readonly queue: Queue<HandoffJobData>;
  private readonly worker: Worker<HandoffJobData>;
  private readonly connections: RedisHandle[];

  constructor(private readonly options: HandoffQueueOptions) {
    const name = options.name ?? 'handoff';
    // BullMQ's own connections (on a cluster too: its prefix carries the {bull} hash tag).
    const connection = duplicateConnection(options.redis, { maxRetriesPerRequest: null, connectionName: 'lantern-handoff-queue' });
    const workerConnection = duplicateConnection(connection, { maxRetriesPerRequest: null, connectionName: 'lantern-handoff-worker' });
    this.connections = [connection, workerConnection];
    // Its events stream names job ids (= conversation ids): keep it short (BullMQ trims it to about
    // this many entries); the eraser and the retention job remove what names a gone conversation.
    this.queue = new Queue<HandoffJobData>(name, { connection, prefix: options.keys.bullPrefix(), streams: { events: { maxLen: 1_000 } } });
    // A worker without a processor: it only moves the claimed job to active so it can be completed.
    this.worker = new Worker<HandoffJobData>(name, null, { connection: workerConnection, prefix: options.keys.bullPrefix(), autorun: false });
  }

  /** Puts a conversation in line (once: a second request while waiting changes nothing). Returns its position. */
  async enqueue(data: HandoffJobData): Promise<number> {
    await this.queue.add('handoff', data, {
      jobId: data.conversationId,
      priority: BULL_PRIORITY[data.priority],
      removeOnComplete: true,
      removeOnFail: true,
    });
    return (await this.positionOf(data.conversationId)) ?? 1;
  }

  /** The waiting list, in the order counsellors get it: priority, then first come. */
  async waiting(): Promise<WaitingEntry[]> {
    const jobs = (await this.queue.getJobs(['prioritized', 'waiting'], 0, -1, true)).filter((job): job is Job<HandoffJobData> => Boolean(job?.id));
    const ordered = jobs.map((job) => ({ job, priority: job.priority || 0, requestedAt: job.data.requestedAt, timestamp: job.timestamp })).sort(inLine);
    return ordered.map(({ job }, index) => ({ conversationId: String(job.id), data: job.data, priority: job.priority, position: index + 1 }));
  }

  /**
   * 1-based place in line of a conversation, or undefined when it is not waiting: the same order as
   * `waiting`, read from only the facts that make it (one round trip, nothing of the jobs parsed).
   */
  async positionOf(conversationId: string): Promise<number | undefined> {
    const { keys } = this.queue;
    const flat = (await runScript(this.options.redis, ORDER, [keys.prioritized!, keys.wait!, keys.paused!], [this.queue.toKey('')])) as Array<string | number>;
    const line: Array<OrderFacts & { id: string }> = [];
    for (let i = 0; i < flat.length; i += 4) line.push({ id: String(flat[i]), priority: Number(flat[i + 1]), requestedAt: Number(flat[i + 2]), timestamp: Number(flat[i + 3]) });
    const index = line.sort(inLine).findIndex((entry) => entry.id === conversationId);
    return index < 0 ? undefined : index + 1;
  }

  /**
   * Takes one waiting conversation for a counsellor: moves its job to active and completes it
   * (result: the counsellor's username). Throws NotWaitingError when it is not waiting any more.
   * Under the claim lock, `admit` may refuse first (e.g. the counsellor is at capacity) and
   * `taken` records the claim (opens the session), so checks and the claim cannot interleave.
   */
  async claim(
    conversationId: string,
    counsellor: string,
    hooks: { admit?: (data: HandoffJobData) => Promise<void>; taken?: (data: HandoffJobData) => Promise<void> } = {},
  ): Promise<HandoffJobData> {
    return this.withClaimLock(async () => {
      const job = await this.queue.getJob(conversationId);
      const state = job ? await job.getState() : 'unknown';
      if (!job || (state !== 'waiting' && state !== 'prioritized')) throw new NotWaitingError('This conversation is not waiting any more');
      await hooks.admit?.(job.data);
      // Priority 0 + LIFO puts it at the head of the wait list, which a worker takes before any priority.
      await job.changePriority({ priority: 0, lifo: true });
      const token = randomBytes(12).toString('hex');
      const taken = await this.worker.getNextJob(token, { block: false });
      if (!taken) throw new NotWaitingError('This conversation is not waiting any more');
      if (taken.id !== conversationId) {
        await taken.moveToWait(token);
        throw new NotWaitingError('The queue changed during the claim; try again');
      }
      await taken.moveToCompleted(counsellor, token, false);
      await hooks.taken?.(taken.data);
      return taken.data;
    });
  }

  /**
   * Raises the priority of a waiting conversation (never lowers it): danger typed while waiting
   * moves the young person to the front. True when it was raised.
   */
  async raise(conversationId: string, priority: Priority): Promise<boolean> {
    return this.withClaimLock(async () => {
      const job = await this.queue.getJob(conversationId);
      if (!job) return false;
      const state = await job.getState();
      if (state !== 'waiting' && state !== 'prioritized') return false;
      if (BULL_PRIORITY[priority] >= BULL_PRIORITY[job.data.priority]) return false;
      await job.updateData({ ...job.data, priority });
      await job.changePriority({ priority: BULL_PRIORITY[priority] });
      return true;
    });
  }

  /** Jobs left active longer than `olderThanMs` (a claim interrupted by a crash: claims take milliseconds). */
  async interruptedClaims(olderThanMs: number): Promise<Array<{ conversationId: string; data: HandoffJobData }>> {
    const jobs = await this.queue.getJobs(['active'], 0, -1);
    const limit = Date.now() - olderThanMs;
    return jobs.filter((job): job is Job<HandoffJobData> => Boolean(job?.id) && (job.processedOn ?? job.timestamp) < limit).map((job) => ({ conversationId: String(job.id), data: job.data }));
  }

  /** Removes a job whatever its state (an interrupted claim); its lock has expired by then. */
  async drop(conversationId: string): Promise<void> {
    await this.withClaimLock(async () => {
      const job = await this.queue.getJob(conversationId);
      if (job) await job.remove().catch(() => this.queue.remove(conversationId, { removeChildren: false }).catch(() => undefined));
    });
  }

  /** Removes a waiting conversation from the line (the young person cancelled, or left). True when it was waiting. */
  async cancel(conversationId: string): Promise<boolean> {
    return (await this.withdraw(conversationId)) !== undefined;
  }

  /** Like `cancel`, with the job's data (language, priority) when it was waiting; undefined otherwise. */
  async withdraw(conversationId: string): Promise<HandoffJobData | undefined> {
    return this.withClaimLock(async () => {
      const job = await this.queue.getJob(conversationId);
      if (!job) return undefined;
      const state = await job.getState();
      if (state !== 'waiting' && state !== 'prioritized') return undefined;
      await job.remove();
      return job.data;
    });
  }

  /** Runs `work` under the queue-wide claim lock (transfers check capacity under it, like claims). */
  underClaimLock<T>(work: () => Promise<T>): Promise<T> {
    return this.withClaimLock(work);
  }

  private async withClaimLock<T>(work: () => Promise<T>): Promise<T> {
    const key = this.options.keys.handoffClaimLock();
    const token = randomBytes(9).toString('hex');
    const deadline = Date.now() + 5_000;
    while ((await this.options.redis.set(key, token, 'PX', 5_000, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new ClaimBusyError('The queue is busy; try again');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    try {
      return await work();
    } finally {
      await runScript(this.options.redis, RELEASE, [key], [token]);
    }
  }

  /** Closes BullMQ's connections. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
    // BullMQ leaves connections it was given open: they are ours to close.
    await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
  }
}

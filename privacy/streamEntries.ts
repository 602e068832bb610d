/**
 * Removing single entries from Redis Streams that name conversations: BullMQ's events streams
 * (`<bullPrefix>:<queue>:events`) carry job ids, and a handoff job's id is the conversation id.
 * The streams are bounded (see HandoffQueue), so reading one whole is cheap.
 */
import type { RedisHandle } from '../contracts/RedisHandle.js';

/** One stream entry: its id and its fields as Redis returns them (name, value, name, value…). */
export type StreamEntry = [id: string, fields: string[]];

const PAGE = 500;

/** Every entry of a stream, oldest first (nothing when the key is missing or not a stream). */
export async function readStream(redis: RedisHandle, stream: string): Promise<StreamEntry[]> {
  if ((await redis.type(stream)) !== 'stream') return [];
  const entries: StreamEntry[] = [];
  let start = '-';
  for (;;) {
    const page = (await redis.xrange(stream, start, '+', 'COUNT', PAGE)) as StreamEntry[];
    entries.push(...page);
    if (page.length < PAGE) return entries;
    start = `(${page[page.length - 1]![0]}`;
  }
}

/** Deletes the given entries (XDEL, in batches). Returns how many were deleted. */
export async function deleteEntries(redis: RedisHandle, stream: string, ids: string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += PAGE) deleted += await redis.xdel(stream, ...ids.slice(i, i + PAGE));
  return deleted;
}

/** Deletes every entry whose field names or values contain `text` (e.g. a conversation id). Returns how many. */
export async function deleteEntriesNaming(redis: RedisHandle, stream: string, text: string): Promise<number> {
  const ids = (await readStream(redis, stream)).filter(([, fields]) => fields.some((field) => field.includes(text))).map(([id]) => id);
  return deleteEntries(redis, stream, ids);
}

/** The job ids an events entry names (`jobId`, and `deduplicatedJobId` of dedup events). */
export function jobIdsOf(fields: string[]): string[] {
  const ids: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'jobId' || fields[i] === 'deduplicatedJobId') ids.push(fields[i + 1]!);
  }
  return ids;
}

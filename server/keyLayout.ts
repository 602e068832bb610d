/**
 * From the key layout without hash tags (Lantern before it could run on a Redis Cluster) to today's
 * (contracts/RedisKeys.ts): at start, on one Redis, every key under the prefix that has an older
 * name is renamed (RENAMENX keeps its value and its TTL) — staff accounts, sessions, the audit's
 * companions, metrics, the handoff queue, live conversations — and the layout is recorded, so later
 * starts do not scan again. Keys whose names did not change (secrets, the audit trail, tombstones,
 * token rate-limit counters) are left alone.
 *
 * One Redis only: on a cluster a key cannot be renamed into another slot. To move an existing
 * installation to a cluster, start this version once on its Redis (the keys are renamed), stop it,
 * and import the data into the cluster (docs/deployment.md).
 *
 * Stop every instance of the older version first: one still running would write old names again.
 */
import type { Redis } from 'ioredis';
import { scanKeys } from '../contracts/RedisHandle.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';

/** The layout RedisKeys writes. */
export const KEY_LAYOUT = '2';

/** What a migration did. */
export interface KeyLayoutReport {
  /** Keys renamed to their new names. */
  renamed: number;
  /** Keys left under their old names because the new name exists already (reported, never overwritten). */
  kept: number;
}

/** The new name of a key of the old layout (its name after the prefix), or undefined when it did not change. */
export function renamedKey(keys: RedisKeys, name: string): string | undefined {
  if (name.includes('{') || name.includes('}')) return undefined;
  let m: RegExpExecArray | null;
  if ((m = /^dl:conv:([^:]+):activities$/.exec(name))) return keys.conversationActivities(m[1]!);
  if ((m = /^dl:conv:([^:]+):meta$/.exec(name))) return keys.conversationMeta(m[1]!);
  if ((m = /^dl:ratelimit:activities:([^:]+):([bw])$/.exec(name))) {
    const { burst, window } = (keys.constructor as typeof RedisKeys).activityRateLimit(keys.rateLimitPrefix(), m[1]!);
    return m[2] === 'b' ? burst : window;
  }
  if ((m = /^state:([^/]*\/conversations\/[^/]+\/.*)$/s.exec(name))) return keys.botState(m[1]!);
  if ((m = /^turnlock:(.+)$/.exec(name))) return keys.turnLock(m[1]!);
  if ((m = /^handoff:(wait|notes|flags):(.+)$/.exec(name))) {
    const id = m[2]!;
    return m[1] === 'wait' ? keys.handoffWaitState(id) : m[1] === 'notes' ? keys.handoffNotes(id) : keys.handoffFlags(id);
  }
  // Everything else of the handoff, the staff, the metrics and BullMQ: the same name in its group's tag.
  if ((m = /^(handoff|staff|metrics|bull):(.+)$/s.exec(name))) return `${keys.prefix}{${m[1]}}:${m[2]}`;
  return undefined;
}

/**
 * Renames the keys of the old layout under `keys.prefix` (once: a recorded layout skips it). Only for
 * one Redis; returns what it did.
 */
export async function migrateKeyLayout(redis: Redis, keys: RedisKeys): Promise<KeyLayoutReport> {
  const report: KeyLayoutReport = { renamed: 0, kept: 0 };
  if ((await redis.get(keys.keyLayout())) === KEY_LAYOUT) return report;
  // Glob: escape the prefix's own glob characters.
  const pattern = `${keys.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  for (const key of await scanKeys(redis, pattern)) {
    const target = renamedKey(keys, key.slice(keys.prefix.length));
    if (target === undefined || target === key) continue;
    try {
      if ((await redis.renamenx(key, target)) === 1) report.renamed += 1;
      else report.kept += 1;
    } catch {
      // Gone meanwhile (expired, or another instance renamed it first).
    }
  }
  await redis.set(keys.keyLayout(), KEY_LAYOUT);
  return report;
}

/**
 * Target (a), the full bot: Lantern as `npm start` runs it (`startLantern` with the environment's
 * configuration), on the target's private redis-server, with the benchmark's flood limits.
 *
 * Opening hours: in the handoff scenario counsellors are always on duty. In every other scenario
 * they are off duty as at night, whatever the time of day the benchmark runs: the schedule opens
 * (for one minute a day) twelve hours after the target started. A young person whose walk reaches
 * the handoff (e.g. "yes" to "are you in danger right now?") hears when people are back, and
 * nobody is queued. Not "never open": the handoff's search for the next opening would then walk
 * 14 days minute by minute on every such turn (see docs/performance.md).
 */
import { OpeningHours } from '../../../handoff/OpeningHours.js';
import { startLantern } from '../../../server/Lantern.js';
import type { TargetSpec } from '../messages.js';
import { BENCH_CONFIG_LIMITS } from './benchLimits.js';
import type { RunningTarget } from './RunningTarget.js';

const TIME_ZONE = 'Europe/Amsterdam';
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Off duty now, as at night: on duty one minute a day, twelve hours from `now`. */
function offDutyForTwelveHours(now: number): OpeningHours {
  const local = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(now + 12 * 3600_000));
  const [hours, minutes] = local.split(':').map(Number) as [number, number];
  const opens = hours * 60 + minutes;
  const hhmm = (total: number) => `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
  const window: [string, string] = [hhmm(opens), hhmm(opens + 1)];
  return new OpeningHours({ timeZone: TIME_ZONE, weekly: Object.fromEntries(DAYS.map((day) => [day, [window]])), holidays: [] });
}

/** Starts the whole product. */
export async function startFull(spec: TargetSpec): Promise<RunningTarget> {
  const lantern = await startLantern(
    { redisUrl: spec.redisUrl, keyPrefix: spec.keyPrefix, port: 0, host: '127.0.0.1', logLevel: spec.logLevel, ...BENCH_CONFIG_LIMITS },
    { openingHours: spec.counsellorsOnDuty ? OpeningHours.always() : offDutyForTwelveHours(Date.now()) },
  );
  return {
    url: lantern.url,
    stop: () => lantern.stop(),
    async createCounsellor(account) {
      if (!(await lantern.app.staffStore.get(account.username))) await lantern.app.staffStore.create({ ...account, role: 'counsellor' });
    },
    async handoffEnqueuedAt(conversationIds) {
      const jobs = await Promise.all(conversationIds.map((id) => lantern.app.handoffQueue.queue.getJob(id)));
      return Object.fromEntries(conversationIds.map((id, index) => [id, jobs[index]?.timestamp ?? null]));
    },
  };
}

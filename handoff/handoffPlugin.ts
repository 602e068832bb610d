/**
 * The handoff area as a Fastify plugin: the queue of waiting young people, the counsellors'
 * sessions and presence, the HandoffService, the bus between instances, the counsellors' API and
 * live view, the team lead's view, the interpreters' links and API, and the handoff tick (a
 * repeatable job). Shares `app.handoff` (the counsellors' side) and `app.handoffGateway` (the bot's
 * side). Needs the channel, the staff, the metrics, the audit trail and the jobs.
 */
import { EventEmitter } from 'node:events';
import { QueueEvents } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { duplicateConnection, type RedisHandle } from '../contracts/RedisHandle.js';
import { isLanguage } from '../contracts/languages.js';
import type { RedisKeys } from '../contracts/RedisKeys.js';
import type {} from '../audit/auditPlugin.js';
import type { InterpretingService } from '../contracts/counsellorApi.js';
import type {} from '../directline/channelPlugin.js';
import type {} from '../jobs/jobsPlugin.js';
import type {} from '../metrics/metricsPlugin.js';
import type {} from '../staff/staffAuthPlugin.js';
import type { Translator } from '../texts/Translator.js';
import { counsellorApiPlugin } from './counsellorApiPlugin.js';
import { CounsellorPresence } from './CounsellorPresence.js';
import type { HandoffGateway } from './HandoffGateway.js';
import { HandoffBus } from './HandoffBus.js';
import { HandoffQueue } from './HandoffQueue.js';
import { HandoffService } from './HandoffService.js';
import { HandoffSessions } from './HandoffSessions.js';
import { interpreterApiPlugin } from './interpreterApiPlugin.js';
import { TeamLead } from './TeamLead.js';
import type { OpeningHours } from './OpeningHours.js';
import { QueueHandoffGateway } from './QueueHandoffGateway.js';
import { WaitEstimator } from './WaitEstimator.js';

/** Options of handoffPlugin (the times in seconds, as configured). */
export interface HandoffPluginOptions {
  redis: RedisHandle;
  keys: RedisKeys;
  translator: Translator;
  /** When counsellors are on duty. */
  openingHours: OpeningHours;
  /** How long conversations (and so their notes and sessions) are kept. */
  conversationTtlSeconds: number;
  handoffWaitTimeoutSeconds: number;
  dangerWaitTimeoutSeconds: number;
  dangerRealertSeconds: number;
  counsellorGraceSeconds: number;
  youngPersonAwaySeconds: number;
  /** Open conversations per counsellor unless their account says otherwise. */
  counsellorMaxConversations: number;
  /** How often the handoff tick runs (ms). */
  handoffTickMs: number;
  /** Longest life of an interpreter's link (hours); it also ends with the conversation. */
  interpreterLinkHours: number;
  /**
   * A conversation that asks for a person again is offered first, this long, to the counsellor who
   * had it last when they are on duty with room (seconds; 0: never).
   */
  preferredCounsellorSeconds: number;
  /** The telephone interpreting service shown in the console (config/interpreting.json). */
  interpreting: InterpretingService;
  /** Mark the interpreter's cookie `Secure`. */
  secureCookies: boolean;
  /** Clock (tests). */
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The counsellors' side of the handoff (claims, messages, returns, the tick). */
    handoff: HandoffService;
    /** The bot's side of the handoff (join the line, can someone come?). */
    handoffGateway: HandoffGateway;
    /** The BullMQ queue of waiting young people (its events are cleaned by the retention job). */
    handoffQueue: HandoffQueue;
  }
}

const plugin: FastifyPluginAsync<HandoffPluginOptions> = async (app, options) => {
  const { redis, keys, now } = options;
  const queue = new HandoffQueue({ redis, keys });
  const presence = new CounsellorPresence({ redis, keys, now, windowMs: options.counsellorGraceSeconds * 1000 });
  const estimator = new WaitEstimator({ redis, keys });
  const bus = new HandoffBus({ redis, keys, onError: (code) => app.log.warn({ event: 'handoff_bus_error', code }, 'handoff bus') });
  const sessions = new HandoffSessions({ redis, keys, ttlSeconds: options.conversationTtlSeconds });
  const account = async (username: string) => {
    const user = await app.staffStore.get(username);
    if (!user || (user.role !== 'counsellor' && user.role !== 'teamlead' && user.role !== 'admin')) return user ? { isCounsellor: false, signedIn: false, maxConversations: 0 } : undefined;
    return {
      isCounsellor: true,
      role: user.role,
      signedIn: (await app.staffSessions.countLive(username)) > 0,
      maxConversations: user.maxConversations ?? options.counsellorMaxConversations,
    };
  };
  const service = new HandoffService({
    redis,
    keys,
    queue,
    sessions,
    presence,
    estimator,
    store: app.channel.store,
    translator: options.translator,
    bus,
    account,
    waitTimeoutMs: options.handoffWaitTimeoutSeconds * 1000,
    dangerWaitTimeoutMs: options.dangerWaitTimeoutSeconds * 1000,
    counsellorGraceMs: options.counsellorGraceSeconds * 1000,
    youngPersonAwayMs: options.youngPersonAwaySeconds * 1000,
    notesTtlSeconds: options.conversationTtlSeconds,
    metrics: app.metrics,
    isOpen: (at) => options.openingHours.isOpen(at),
    interpreterLinkMaxMs: options.interpreterLinkHours * 3600_000,
    preferredCounsellorMs: options.preferredCounsellorSeconds * 1000,
    now,
  });
  const reference = (conversationId: string) => app.audit.reference(conversationId);
  const audit = (entry: Parameters<typeof app.audit.record>[0]) => app.audit.record(entry);
  app.decorate('handoff', service);
  app.decorate('handoffQueue', queue);
  app.decorate(
    'handoffGateway',
    new QueueHandoffGateway({ queue, presence, estimator, openingHours: options.openingHours, now, flag: (conversationId, activityId, screening) => service.flagMessage(conversationId, activityId, screening),
      watched: (conversationId) => service.markMayBeWatched(conversationId),
      prefer: (conversationId) => service.preferenceFor(conversationId),
      onUnreached: (data, why) => app.metrics.record({ name: 'handoff_unreached', lang: data.language, priority: data.priority, why }),
    }),
  );

  // Logging out or removing an account returns the counsellor's conversations to the list at once
  // (the tick catches the rest: expired sessions, accounts removed on the command line, closed consoles).
  app.onStaffLeave(async (username, reason) => {
    // A disabled account has left like a removed one; sessions ended by an admin like expired ones.
    await service.releaseAll(username, reason === 'disabled' ? 'removed' : reason === 'revoked' ? 'session_expired' : reason);
  });
  app.jobs.add({ name: 'handoff-tick', everyMs: options.handoffTickMs, run: () => service.tick() });

  // Changes of the queue, from this instance and every other one (BullMQ's own event stream and
  // the bus), refresh the counsellors' consoles.
  const consoleChanges = new EventEmitter();
  const eventsConnection = duplicateConnection(redis, { maxRetriesPerRequest: null, connectionName: 'lantern-handoff-events' });
  const queueEvents = new QueueEvents('handoff', { connection: eventsConnection, prefix: keys.bullPrefix() });
  // An announced conversation (the events' jobId) lets the consoles read its row with the list.
  for (const event of ['waiting', 'removed', 'completed', 'added'] as const) queueEvents.on(event, (args: { jobId?: string }) => consoleChanges.emit('change', event === 'added' || event === 'waiting' ? args?.jobId : undefined));
  await bus.listening();
  app.addHook('onClose', async () => {
    await queueEvents.close();
    await eventsConnection.quit().catch(() => eventsConnection.disconnect());
    await queue.close();
    await bus.close();
  });

  await app.register(counsellorApiPlugin, {
    service,
    presence,
    hub: app.channel.hub,
    bus,
    dangerRealertMs: options.dangerRealertSeconds * 1000,
    translator: options.translator,
    onChange: (listener) => consoleChanges.on('change', (conversationId?: unknown) => listener(typeof conversationId === 'string' ? conversationId : undefined)),
    teamLead: new TeamLead({ service, sessions, presence, store: app.channel.store, account, reference, now }),
    reference,
    audit,
    interpreting: options.interpreting,
    interpreterPagePath: '/interpreter',
    authenticateSocket: async (cookieHeader) => {
      const session = await app.verifyStaffSessionCookie(cookieHeader);
      if (!session || !['counsellor', 'teamlead', 'admin'].includes(session.role)) return undefined;
      return { username: session.username, languages: session.languages.filter(isLanguage), role: session.role };
    },
  });
  await app.register(interpreterApiPlugin, { service, reference, audit, secureCookies: options.secureCookies });
};

/** The handoff area (shares `app.handoff`, `app.handoffGateway` and `app.handoffQueue`). */
export const handoffPlugin = fastifyPlugin(plugin, {
  name: 'lantern-handoff',
  fastify: '5.x',
  dependencies: ['lantern-channel', 'lantern-staff-auth', 'lantern-metrics', 'lantern-jobs', 'lantern-audit'],
});

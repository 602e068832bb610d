/**
 * Lantern's configuration: one options object, defaults in one place.
 * Every other module receives the part it needs; nothing else reads process.env.
 */
import path from 'node:path';
import { checkRetentions } from '../directline/ConversationRetention.js';
import { DIRECT_LINE_LIMITS } from '../directline/limits.js';
import { checkAllowedHost, checkAllowedOrigin, checkPublicUrl, checkTokenTtl, listFrom } from '../directline/settings.js';

/** Everything the running product can be configured with. */
export interface LanternConfig {
  /** HTTP port of the Fastify server. */
  port: number;
  /** Interface to listen on. */
  host: string;
  /**
   * Length of the kernel's queue of connections not yet accepted (`listen(backlog)`): a surge of
   * young people arriving at once waits there instead of being dropped. The kernel caps it at
   * net.core.somaxconn (4096 on current Linux).
   */
  listenBacklog: number;
  /** Redis connection URL. Unset (and no cluster) means: start a private redis-server (the embedded default). */
  redisUrl: string | undefined;
  /**
   * A Redis Cluster instead of one Redis: some of its nodes, `host:port` or `redis://[user:pass@]host:port`
   * (`rediss://` for TLS), as REDIS_CLUSTER_NODES gives them; empty = no cluster. Checked at start.
   */
  redisClusterNodes: string[];
  /** Directory for the embedded redis-server's data (AOF). */
  dataDir: string;
  /** Prefix for every Redis key this product writes. */
  keyPrefix: string;
  /** How long a conversation (its activities and bot state) is kept after its last activity, in seconds. */
  conversationTtlSeconds: number;
  /**
   * How long a conversation is kept after its last activity once the young person chose, once, to
   * keep it longer ("keep_longer"), in seconds; at least `conversationTtlSeconds`.
   */
  conversationTtlExtendedSeconds: number;
  /** How long a Direct Line token is valid, in seconds. */
  tokenTtlSeconds: number;
  /** Anonymous token generation: max requests per window per client. */
  tokenRateLimitMax: number;
  /** Window of that rate limit, in milliseconds. */
  tokenRateLimitWindowMs: number;
  /** Messages and events a young person's page may post per `activityBurstWindowMs` (per token, all instances). */
  activityBurstMax: number;
  /** Window of that burst limit, in milliseconds. */
  activityBurstWindowMs: number;
  /** Messages and events a young person's page may post per `activityRateLimitWindowMs` (per token, all instances). */
  activityRateLimitMax: number;
  /** Window of that limit, in milliseconds. */
  activityRateLimitWindowMs: number;
  /** Posts of one conversation that may wait for the bot at once on one instance; more get 429 at once. */
  activityMaxInFlight: number;
  /**
   * The HMAC key of the stored return-code hashes (at least 32 characters); undefined = the Direct
   * Line token secret kept in Redis (then a copy of the database with it could test codes offline).
   */
  returnCodeKey: string | undefined;
  /** Wrong return codes one client may try per `returnCodeGuessWindowSeconds`. */
  returnCodeGuessesPerClient: number;
  /** Wrong return codes everyone together may try per `returnCodeGuessWindowSeconds`. */
  returnCodeGuessesGlobal: number;
  /** Window of both return-code limits, in seconds. */
  returnCodeGuessWindowSeconds: number;
  /** Where the quick exit sends the young person (a neutral site). */
  quickExitUrl: string;
  /** Log level for the structured (text-free) log. */
  logLevel: string;
  /**
   * Behind a reverse proxy: trust X-Forwarded-For from these proxy addresses (comma-separated IPs or
   * CIDRs, as Fastify's trustProxy), or true for any. Only the token rate limit and the staff login's failure counts (as a keyed hash) use the client address.
   */
  trustProxy: boolean | string;
  /**
   * Public base URL of the site (e.g. `https://lantern.example`): every Direct Line `streamUrl`
   * points there, whatever Host header a request has. Undefined: see `allowedHosts`.
   */
  publicUrl: string | undefined;
  /** Without `publicUrl`: the host names a `streamUrl` may name (a request for another host gets 400); empty = loopback only. */
  allowedHosts: string[];
  /** Origins (`https://partner.example`) whose pages may call the Direct Line channel (CORS); none by default. */
  allowedOrigins: string[];
  /** Opening hours of the counsellors (a JSON schedule); undefined = config/opening-hours.json. */
  openingHoursFile: string | undefined;
  /** After this long in line, the young person is offered the 24/7 alternatives and the choice to keep waiting. */
  handoffWaitTimeoutSeconds: number;
  /** How often waiting young people get their place in line updated (ms). */
  handoffTickMs: number;
  /** The same offer for a young person who said they are in danger now, sooner (seconds). */
  dangerWaitTimeoutSeconds: number;
  /** A waiting danger conversation alerts every open console again this often until someone takes it (seconds). */
  dangerRealertSeconds: number;
  /** A counsellor whose console has sent nothing this long loses their conversations to the list (seconds). */
  counsellorGraceSeconds: number;
  /** Most conversations one counsellor has open at once (an account may set its own). */
  counsellorMaxConversations: number;
  /** A waiting young person whose page has been gone this long leaves the list (seconds). */
  youngPersonAwaySeconds: number;
  /**
   * A conversation that asks for a person again is offered first, this long, to the counsellor who had
   * it last when they are on duty with room (seconds; 0: never). Anyone may still claim it meanwhile.
   */
  preferredCounsellorSeconds: number;
  /** Staff cookies only over HTTPS (browsers also accept them on http://localhost). */
  secureCookies: boolean;
  /** How long the anonymous daily counters are kept (days). */
  metricsRetentionDays: number;
  /** How often the retention job and the metrics rollup run (ms). */
  retentionEveryMs: number;
  /** How long the audit trail keeps an entry (days). */
  auditRetentionDays: number;
  /** Admins must turn on two-factor login (TOTP) before they can do anything else. */
  staffTotpRequiredForAdmins: boolean;
  /** The key that seals two-factor secrets in Redis; undefined = a random key kept in Redis. */
  staffTotpKey: string | undefined;
  /** Longest life of an interpreter's one-time link (hours); it also ends with the conversation. */
  interpreterLinkHours: number;
  /** The telephone interpreting service's file; undefined = config/interpreting.json. */
  interpretingFile: string | undefined;
}

/** The defaults, documented in README.md ("Configuration"). */
export const defaultConfig: LanternConfig = {
  port: 3000,
  host: '0.0.0.0',
  // Node's default is 511: a thousand phones connecting within seconds overflowed it.
  listenBacklog: 4096,
  redisUrl: undefined,
  redisClusterNodes: [],
  dataDir: path.resolve('data'),
  keyPrefix: 'lantern:',
  // 48 hours: long enough for a young person to come back to a conversation the same or the next
  // day, and for a counsellor to finish a handoff; short enough that little can be found on a server.
  conversationTtlSeconds: 48 * 3600,
  // 7 days: a young person who got a return code may choose, once, to come back later than 48 hours.
  // When unset it is never less than CONVERSATION_TTL_SECONDS.
  conversationTtlExtendedSeconds: 7 * 24 * 3600,
  tokenTtlSeconds: 3600,
  tokenRateLimitMax: 20,
  tokenRateLimitWindowMs: 60_000,
  // Flood limits of the Direct Line channel: their defaults live with the channel (directline/limits.ts).
  activityBurstMax: DIRECT_LINE_LIMITS.activityBurstMax,
  activityBurstWindowMs: DIRECT_LINE_LIMITS.activityBurstWindowMs,
  activityRateLimitMax: DIRECT_LINE_LIMITS.activityRateLimitMax,
  activityRateLimitWindowMs: DIRECT_LINE_LIMITS.activityRateLimitWindowMs,
  activityMaxInFlight: DIRECT_LINE_LIMITS.maxActivitiesInFlight,
  quickExitUrl: 'https://www.buienradar.nl/',
  logLevel: 'info',
  trustProxy: false,
  publicUrl: undefined,
  allowedHosts: [],
  allowedOrigins: [],
  openingHoursFile: undefined,
  handoffWaitTimeoutSeconds: 600,
  handoffTickMs: 10_000,
  // Someone in danger hears the 24/7 options again after three minutes, not ten.
  dangerWaitTimeoutSeconds: 180,
  dangerRealertSeconds: 60,
  // Four missed heartbeats (15 s each): a reload or a short network drop does not cost a conversation.
  counsellorGraceSeconds: 60,
  counsellorMaxConversations: 3,
  youngPersonAwaySeconds: 300,
  // Two minutes: long enough to see the alert and finish a sentence elsewhere, short enough that a
  // young person who came back is not kept waiting for one person.
  preferredCounsellorSeconds: 120,
  secureCookies: true,
  // Counts only, no conversation can be found in them: kept long enough to compare year on year.
  metricsRetentionDays: 400,
  retentionEveryMs: 10 * 60_000,
  // A year: long enough to answer a complaint or an inspection about who handled a conversation.
  auditRetentionDays: 365,
  staffTotpRequiredForAdmins: false,
  staffTotpKey: undefined,
  returnCodeKey: undefined,
  returnCodeGuessesPerClient: DIRECT_LINE_LIMITS.returnCodeGuessesPerClient,
  returnCodeGuessesGlobal: DIRECT_LINE_LIMITS.returnCodeGuessesGlobal,
  returnCodeGuessWindowSeconds: DIRECT_LINE_LIMITS.returnCodeGuessWindowSeconds,
  // An interpreted chat rarely lasts longer; a new link is one click.
  interpreterLinkHours: 3,
  interpretingFile: undefined,
};

function positiveIntFrom(value: string | undefined, fallback: number, name: string): number {
  const parsed = intFrom(value, fallback, name);
  if (parsed === 0) throw new Error(`Configuration: ${name} must be a positive integer, got "${value}"`);
  return parsed;
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`Configuration: ${name} must be a non-negative integer, got "${value}"`);
  }
  return parsed;
}

/** Builds the configuration from environment variables on top of the defaults. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<LanternConfig> = {}): LanternConfig {
  const fromEnv: LanternConfig = {
    port: intFrom(env.PORT, defaultConfig.port, 'PORT'),
    host: env.HOST || defaultConfig.host,
    listenBacklog: positiveIntFrom(env.LISTEN_BACKLOG, defaultConfig.listenBacklog, 'LISTEN_BACKLOG'),
    redisUrl: env.REDIS_URL || undefined,
    redisClusterNodes: env.REDIS_CLUSTER_NODES ? listFrom(env.REDIS_CLUSTER_NODES) : defaultConfig.redisClusterNodes,
    dataDir: env.DATA_DIR ? path.resolve(env.DATA_DIR) : defaultConfig.dataDir,
    keyPrefix: env.KEY_PREFIX || defaultConfig.keyPrefix,
    conversationTtlSeconds: intFrom(env.CONVERSATION_TTL_SECONDS, defaultConfig.conversationTtlSeconds, 'CONVERSATION_TTL_SECONDS'),
    conversationTtlExtendedSeconds: intFrom(env.CONVERSATION_TTL_EXTENDED_SECONDS, defaultConfig.conversationTtlExtendedSeconds, 'CONVERSATION_TTL_EXTENDED_SECONDS'),
    tokenTtlSeconds: intFrom(env.TOKEN_TTL_SECONDS, defaultConfig.tokenTtlSeconds, 'TOKEN_TTL_SECONDS'),
    tokenRateLimitMax: intFrom(env.TOKEN_RATE_LIMIT_MAX, defaultConfig.tokenRateLimitMax, 'TOKEN_RATE_LIMIT_MAX'),
    tokenRateLimitWindowMs: intFrom(env.TOKEN_RATE_LIMIT_WINDOW_MS, defaultConfig.tokenRateLimitWindowMs, 'TOKEN_RATE_LIMIT_WINDOW_MS'),
    activityBurstMax: positiveIntFrom(env.ACTIVITY_BURST_MAX, defaultConfig.activityBurstMax, 'ACTIVITY_BURST_MAX'),
    activityBurstWindowMs: positiveIntFrom(env.ACTIVITY_BURST_WINDOW_MS, defaultConfig.activityBurstWindowMs, 'ACTIVITY_BURST_WINDOW_MS'),
    activityRateLimitMax: positiveIntFrom(env.ACTIVITY_RATE_LIMIT_MAX, defaultConfig.activityRateLimitMax, 'ACTIVITY_RATE_LIMIT_MAX'),
    activityRateLimitWindowMs: positiveIntFrom(env.ACTIVITY_RATE_LIMIT_WINDOW_MS, defaultConfig.activityRateLimitWindowMs, 'ACTIVITY_RATE_LIMIT_WINDOW_MS'),
    activityMaxInFlight: positiveIntFrom(env.ACTIVITY_MAX_IN_FLIGHT, defaultConfig.activityMaxInFlight, 'ACTIVITY_MAX_IN_FLIGHT'),
    returnCodeKey: env.RETURN_CODE_KEY || defaultConfig.returnCodeKey,
    returnCodeGuessesPerClient: positiveIntFrom(env.RETURN_CODE_GUESSES_PER_CLIENT, defaultConfig.returnCodeGuessesPerClient, 'RETURN_CODE_GUESSES_PER_CLIENT'),
    returnCodeGuessesGlobal: positiveIntFrom(env.RETURN_CODE_GUESSES_GLOBAL, defaultConfig.returnCodeGuessesGlobal, 'RETURN_CODE_GUESSES_GLOBAL'),
    returnCodeGuessWindowSeconds: positiveIntFrom(env.RETURN_CODE_GUESS_WINDOW_SECONDS, defaultConfig.returnCodeGuessWindowSeconds, 'RETURN_CODE_GUESS_WINDOW_SECONDS'),
    quickExitUrl: env.QUICK_EXIT_URL || defaultConfig.quickExitUrl,
    logLevel: env.LOG_LEVEL || defaultConfig.logLevel,
    openingHoursFile: env.OPENING_HOURS_FILE || undefined,
    handoffWaitTimeoutSeconds: intFrom(env.HANDOFF_WAIT_TIMEOUT_SECONDS, defaultConfig.handoffWaitTimeoutSeconds, 'HANDOFF_WAIT_TIMEOUT_SECONDS'),
    handoffTickMs: intFrom(env.HANDOFF_TICK_MS, defaultConfig.handoffTickMs, 'HANDOFF_TICK_MS'),
    dangerWaitTimeoutSeconds: intFrom(env.DANGER_WAIT_TIMEOUT_SECONDS, defaultConfig.dangerWaitTimeoutSeconds, 'DANGER_WAIT_TIMEOUT_SECONDS'),
    dangerRealertSeconds: intFrom(env.DANGER_REALERT_SECONDS, defaultConfig.dangerRealertSeconds, 'DANGER_REALERT_SECONDS'),
    counsellorGraceSeconds: intFrom(env.COUNSELLOR_GRACE_SECONDS, defaultConfig.counsellorGraceSeconds, 'COUNSELLOR_GRACE_SECONDS'),
    counsellorMaxConversations: intFrom(env.COUNSELLOR_MAX_CONVERSATIONS, defaultConfig.counsellorMaxConversations, 'COUNSELLOR_MAX_CONVERSATIONS'),
    youngPersonAwaySeconds: intFrom(env.YOUNG_PERSON_AWAY_SECONDS, defaultConfig.youngPersonAwaySeconds, 'YOUNG_PERSON_AWAY_SECONDS'),
    preferredCounsellorSeconds: intFrom(env.PREFERRED_COUNSELLOR_SECONDS, defaultConfig.preferredCounsellorSeconds, 'PREFERRED_COUNSELLOR_SECONDS'),
    metricsRetentionDays: intFrom(env.METRICS_RETENTION_DAYS, defaultConfig.metricsRetentionDays, 'METRICS_RETENTION_DAYS'),
    interpreterLinkHours: positiveIntFrom(env.INTERPRETER_LINK_HOURS, defaultConfig.interpreterLinkHours, 'INTERPRETER_LINK_HOURS'),
    interpretingFile: env.INTERPRETING_FILE || undefined,
    auditRetentionDays: positiveIntFrom(env.AUDIT_RETENTION_DAYS, defaultConfig.auditRetentionDays, 'AUDIT_RETENTION_DAYS'),
    staffTotpRequiredForAdmins: env.STAFF_TOTP_REQUIRED_FOR_ADMINS ? env.STAFF_TOTP_REQUIRED_FOR_ADMINS === 'true' : defaultConfig.staffTotpRequiredForAdmins,
    staffTotpKey: env.STAFF_TOTP_KEY || defaultConfig.staffTotpKey,
    retentionEveryMs: intFrom(env.RETENTION_EVERY_MS, defaultConfig.retentionEveryMs, 'RETENTION_EVERY_MS'),
    secureCookies: env.SECURE_COOKIES ? env.SECURE_COOKIES !== 'false' : defaultConfig.secureCookies,
    trustProxy: !env.TRUST_PROXY || env.TRUST_PROXY === 'false' ? defaultConfig.trustProxy : env.TRUST_PROXY === 'true' ? true : env.TRUST_PROXY,
    publicUrl: env.PUBLIC_URL || defaultConfig.publicUrl,
    allowedHosts: env.ALLOWED_HOSTS ? listFrom(env.ALLOWED_HOSTS) : defaultConfig.allowedHosts,
    allowedOrigins: env.ALLOWED_ORIGINS ? listFrom(env.ALLOWED_ORIGINS) : defaultConfig.allowedOrigins,
  };
  const merged = { ...fromEnv, ...overrides };
  // Unset, the longer retention is never shorter than the default one.
  if (!env.CONVERSATION_TTL_EXTENDED_SECONDS && overrides.conversationTtlExtendedSeconds === undefined) {
    merged.conversationTtlExtendedSeconds = Math.max(defaultConfig.conversationTtlExtendedSeconds, merged.conversationTtlSeconds);
  }
  return checkRedisSettings(checkChannelSettings(merged));
}

/** One node of REDIS_CLUSTER_NODES, read. */
export interface ClusterNodeAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/**
 * Reads one entry of REDIS_CLUSTER_NODES: `host:port`, `[ipv6]:port`, or a `redis://` / `rediss://`
 * URL with a port (and optionally `user:password@`).
 */
export function parseClusterNode(entry: string): ClusterNodeAddress {
  const text = entry.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `redis://${text}`);
  } catch {
    throw new Error(`REDIS_CLUSTER_NODES: "${text}" is not host:port or a redis:// URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`REDIS_CLUSTER_NODES: "${text}" must be host:port, redis:// or rediss://`);
  const port = Number(url.port);
  if (!url.hostname || !url.port || !Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`REDIS_CLUSTER_NODES: "${text}" needs a host and a port (1–65535)`);
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) throw new Error(`REDIS_CLUSTER_NODES: "${text}" may not name a database, query or fragment (a cluster has database 0 only)`);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    tls: url.protocol === 'rediss:',
  };
}

/** Redis settings, checked at start: one Redis or a cluster, never both; nodes readable; a prefix without braces. */
function checkRedisSettings(config: LanternConfig): LanternConfig {
  if (config.redisUrl && config.redisClusterNodes.length > 0) {
    throw new Error('Configuration: set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both');
  }
  if (/[{}]/.test(config.keyPrefix)) {
    throw new Error(`Configuration: KEY_PREFIX may not contain { or } (Redis Cluster reads them as a hash tag), got "${config.keyPrefix}"`);
  }
  try {
    const nodes = config.redisClusterNodes.map(parseClusterNode);
    const credentials = new Set(nodes.map((n) => `${n.tls}|${n.username ?? ''}|${n.password ?? ''}`));
    if (credentials.size > 1) throw new Error('REDIS_CLUSTER_NODES: every node must use the same scheme and credentials');
  } catch (error) {
    throw new Error(`Configuration: ${(error as Error).message}`);
  }
  return config;
}

/** RETURN_CODE_KEY: unset, or a secret long enough to be one (at least 32 characters). */
function checkReturnCodeKey(key: string | undefined): string | undefined {
  if (key !== undefined && key.length < 32) throw new RangeError('RETURN_CODE_KEY must be at least 32 characters (a long random secret)');
  return key;
}

/** The Direct Line settings, checked at start: a mistake stops the server with a clear message. */
function checkChannelSettings(config: LanternConfig): LanternConfig {
  try {
    checkRetentions(config.conversationTtlSeconds, config.conversationTtlExtendedSeconds);
    return {
      ...config,
      tokenTtlSeconds: checkTokenTtl(config.tokenTtlSeconds),
      publicUrl: config.publicUrl === undefined ? undefined : checkPublicUrl(config.publicUrl),
      allowedHosts: config.allowedHosts.map(checkAllowedHost),
      allowedOrigins: config.allowedOrigins.map(checkAllowedOrigin),
      returnCodeKey: checkReturnCodeKey(config.returnCodeKey),
    };
  } catch (error) {
    throw new Error(`Configuration: ${(error as Error).message}`);
  }
}

/**
 * Defaults of the Direct Line channel's flood limits, in one place: directLinePlugin uses them
 * when an option is not given, and server/config.ts uses them as the defaults of its settings.
 * No imports: server/config.ts can read this without loading the channel.
 */
export const DIRECT_LINE_LIMITS = {
  /** POST …/activities (message, event) per conversation token: at most this many per `activityBurstWindowMs`… */
  activityBurstMax: 8,
  activityBurstWindowMs: 5_000,
  /** …and at most this many per `activityRateLimitWindowMs`. Counted in Redis, so across instances. */
  activityRateLimitMax: 40,
  activityRateLimitWindowMs: 60_000,
  /** An activity counts once per started this many characters of its text (a 4 000-character message: 4). */
  activityCharactersPerCount: 500,
  /** A POST refused for the rate is answered after this pause (ms), so a looping flooder slows itself down. */
  rateLimitedDelayMs: 1_000,
  /** POST …/activities of one conversation awaiting the bot at the same time on one instance. */
  maxActivitiesInFlight: 3,
  /**
   * `typing` activities of one conversation per `typingWindowMs`, per instance (Web Chat sends one
   * at most every few seconds while someone types; each is echoed to every stream of the conversation).
   */
  typingMax: 10,
  typingWindowMs: 10_000,
  /** A WebSocket client sending more than this many messages within `streamMessageWindowMs` is closed (1008). */
  streamMessageMax: 20,
  streamMessageWindowMs: 10_000,
  /** `markSeen` at most once per this many ms per conversation and instance. */
  seenThrottleMs: 10_000,
  /** Deepest nesting of objects and arrays a request body may have (a button's value is 2 or 3 deep). */
  maxJsonDepth: 32,
  /**
   * Wrong return codes (12 digits, ≈ 39.9 bits) one client (IPv4 address or IPv6 /64) may try per
   * `returnCodeGuessWindowSeconds`, and everyone together: over either, every code is refused (429)
   * until the window ends. With 1 000 live codes, the global limit lets an attacker find one with a
   * chance of about 1 000 × 500 × 24 × 365 / 10^12 ≈ 0.4 % a year (docs/protocol.md, "Return code").
   */
  returnCodeGuessesPerClient: 10,
  returnCodeGuessesGlobal: 500,
  returnCodeGuessWindowSeconds: 3_600,
} as const;

/**
 * botframework-directlinejs (and so Web Chat) refreshes its token every 15 minutes, without
 * looking at `expires_in`: a conversation token that lives shorter breaks every such client.
 * The shortest `tokenTtlSeconds` the channel (and server/config.ts) accepts.
 */
export const MIN_TOKEN_TTL_SECONDS = 900;

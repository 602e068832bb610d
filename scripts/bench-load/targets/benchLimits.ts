/**
 * The flood limits of the full and echo targets. The product's defaults (20 token requests per
 * minute per client, 8 messages per 5 s and 40 per minute per young person) would refuse the
 * benchmark itself: every simulated phone comes from 127.0.0.1, and a young person "typing without
 * pause" is, on purpose, faster than a person. So they are raised out of the way; the checks still
 * run (the same Redis script per message), only nobody is refused.
 */

/** High enough never to refuse the generator. */
const NEVER_REACHED = 1_000_000_000;

/** `LanternConfig` overrides of both targets that run the product's channel. */
export const BENCH_CONFIG_LIMITS = {
  tokenRateLimitMax: NEVER_REACHED,
  activityBurstMax: NEVER_REACHED,
  activityRateLimitMax: NEVER_REACHED,
} as const;

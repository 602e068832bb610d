/**
 * A whole Lantern for a test over real HTTP: on the test Redis under its own key prefix, on a free
 * loopback port, silent, without secure cookies (plain HTTP), open around the clock.
 */
import { inject } from 'vitest';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import type { LanternConfig } from '../../server/config.js';
import { startLantern, type LanternInstance, type LanternRuntimeOptions } from '../../server/Lantern.js';

/** Starts Lantern under `keyPrefix`, with `config` over the test defaults and `runtime` over "open around the clock". */
export function startTestLantern(keyPrefix: string, config: Partial<LanternConfig> = {}, runtime: LanternRuntimeOptions = {}): Promise<LanternInstance> {
  return startLantern(
    { redisUrl: inject('redisUrl'), keyPrefix, port: 0, host: '127.0.0.1', logLevel: 'silent', secureCookies: false, ...config },
    { openingHours: OpeningHours.always(), ...runtime },
  );
}

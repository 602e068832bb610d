/**
 * botbuilder 4.23.3's EventFactory stamps every handoff event (the request for a person, and each
 * "accepted", "completed" or "failed") with the server's time zone, asked anew each time through
 * dayjs' `tz.guess()`: a new `Intl.DateTimeFormat` per event, about 0.1 ms of CPU each, and the
 * single costliest call of a turn that asks for a person (3 % of the server's CPU in a burst of
 * such turns, docs/performance.md). The zone changes only with the process's TZ, so it is kept per
 * TZ value instead.
 */
import { sdkModule } from '../dialogs/sdkModule.js';

/** Marks the kept version of `tz.guess`, so it is never wrapped twice. */
export const KEPT_TIMEZONE = Symbol.for('lantern.keptTimezone');

interface TimezonePlugin {
  tz?: { guess?: () => string };
}

/**
 * Keeps the zone EventFactory's dayjs guesses, once per process (true when done). With a botbuilder
 * that uses no dayjs `tz.guess`, nothing changes (and its test fails).
 */
export function rememberEventTimezone(): boolean {
  // The dayjs botbuilder itself loads (and extended with the timezone plugin when it loaded).
  sdkModule('botbuilder');
  const dayjs = sdkModule<TimezonePlugin>('dayjs', 'botbuilder');
  const tz = dayjs?.tz;
  const guess = tz?.guess;
  if (!tz || typeof guess !== 'function') return false;
  if (KEPT_TIMEZONE in guess) return true;
  let keptFor: string | undefined;
  let zone = '';
  tz.guess = function keptGuess() {
    const tzVariable = process.env.TZ ?? '';
    if (keptFor !== tzVariable) {
      zone = guess.call(this);
      keptFor = tzVariable;
    }
    return zone;
  };
  Object.defineProperty(tz.guess, KEPT_TIMEZONE, { value: guess });
  return true;
}

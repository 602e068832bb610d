/**
 * The handoff events' time zone is asked once per TZ value, not once per event, and is still the
 * zone Intl gives (botbuilder's own EventFactory).
 */
import { EventFactory } from 'botbuilder';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rememberEventTimezone } from '../../bot/eventTimezone.js';

describe('rememberEventTimezone', () => {
  const tzBefore = process.env.TZ;
  afterEach(() => {
    vi.restoreAllMocks();
    if (tzBefore === undefined) delete process.env.TZ;
    else process.env.TZ = tzBefore;
  });

  it('keeps the zone botbuilder stamps on handoff events, per TZ value', () => {
    expect(rememberEventTimezone()).toBe(true);
    expect(rememberEventTimezone()).toBe(true); // once per process
    process.env.TZ = 'Europe/Amsterdam';
    const RealFormat = Intl.DateTimeFormat;
    const asked = vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(function format(...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      return new RealFormat(...args);
    } as typeof Intl.DateTimeFormat);
    const conversation = { id: 'c1', isGroup: false, conversationType: 'personal', name: '' };
    const events = [1, 2, 3].map(() => EventFactory.createHandoffStatus(conversation, 'failed', 'away'));
    expect(events.map((event) => event.localTimezone)).toEqual(['Europe/Amsterdam', 'Europe/Amsterdam', 'Europe/Amsterdam']);
    expect(asked.mock.calls.length).toBeLessThanOrEqual(1);

    vi.restoreAllMocks();
    process.env.TZ = 'Asia/Kabul';
    expect(EventFactory.createHandoffStatus(conversation, 'accepted').localTimezone).toBe('Asia/Kabul');
    expect(EventFactory.createHandoffStatus(conversation, 'accepted').localTimezone).toBe(new Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});

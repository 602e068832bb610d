import { describe, expect, it } from 'vitest';
import { OpeningHours, OpeningHoursError } from '../../handoff/OpeningHours.js';

const hours = new OpeningHours({
  timeZone: 'Europe/Amsterdam',
  weekly: { mon: [['09:00', '17:00']], sat: [['12:00', '14:00'], ['18:00', '24:00']] },
  holidays: ['2026-12-28'],
});

describe('OpeningHours (Europe/Amsterdam)', () => {
  it.each([
    ['2026-11-23T08:00:00Z', true], // Monday 09:00 CET
    ['2026-11-23T07:59:00Z', false], // Monday 08:59 CET
    ['2026-11-23T16:00:00Z', false], // Monday 17:00 CET (end is exclusive)
    ['2026-07-06T07:30:00Z', true], // Monday 09:30 CEST (summer time)
    ['2026-12-28T10:00:00Z', false], // a Monday, but a holiday
    ['2026-11-28T22:30:00Z', true], // Saturday 23:30 CET
    ['2026-11-28T15:00:00Z', false], // Saturday 16:00, between intervals
  ])('%s open: %s', (iso, open) => {
    expect(hours.isOpen(new Date(iso))).toBe(open);
  });

  it('says when people are back, across a holiday and a DST change', () => {
    expect(hours.nextOpening(new Date('2026-11-22T12:00:00Z'))?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(hours.nextOpening(new Date('2026-12-27T20:00:00Z'))?.toISOString()).toBe('2027-01-02T11:00:00.000Z');
    expect(hours.nextOpening(new Date('2026-03-28T14:00:00Z'))?.toISOString()).toBe('2026-03-28T17:00:00.000Z');
  });

  it('answers from its last walk exactly as a fresh walk does, at any moment, in any order', () => {
    const schedule = { timeZone: 'Europe/Amsterdam', weekly: { mon: [['09:00', '17:00']], sat: [['12:00', '14:00'], ['18:00', '24:00']] }, holidays: ['2026-12-28'] } as const;
    const kept = new OpeningHours(structuredClone(schedule) as never);
    // Every 71 minutes (so every minute of the hour comes round) over a closed weekend and a holiday,
    // forwards, then some moments backwards. (Each fresh walk costs milliseconds: kept to a few hundred.)
    const start = Date.parse('2026-12-26T00:00:00Z');
    const moments = Array.from({ length: 150 }, (_, i) => start + i * 71 * 60_000 + (i % 60) * 1_000);
    for (const time of [...moments, ...moments.slice(0, 40).reverse()]) {
      const fresh = new OpeningHours(structuredClone(schedule) as never);
      expect(kept.nextOpening(new Date(time))?.toISOString(), new Date(time).toISOString()).toBe(fresh.nextOpening(new Date(time))?.toISOString());
    }
    const never = new OpeningHours({ timeZone: 'Europe/Amsterdam', weekly: {}, holidays: [] });
    expect(never.nextOpening(new Date(start))).toBeUndefined();
    expect(never.nextOpening(new Date(start + 60_000))).toBeUndefined();
  });

  it('rejects an empty interval', () => {
    expect(() => new OpeningHours({ timeZone: 'Europe/Amsterdam', weekly: { mon: [['10:00', '09:00']] }, holidays: [] })).toThrow(OpeningHoursError);
  });
});

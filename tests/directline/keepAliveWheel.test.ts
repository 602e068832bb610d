import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeepAliveWheel, type KeepAliveMember } from '../../directline/KeepAliveWheel.js';

const member = (rounds: number[]): KeepAliveMember => ({ keepAliveRound: () => rounds.push(Date.now()) });

describe('KeepAliveWheel (one timer for every socket’s keep-alive)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('visits each member once per period, the first time one period after it joined', () => {
    const wheel = new KeepAliveWheel(15_000);
    const rounds: number[] = [];
    const start = Date.now();
    wheel.add(member(rounds));
    vi.advanceTimersByTime(14_800);
    expect(rounds).toEqual([]);
    vi.advanceTimersByTime(45_300);
    expect(rounds).toHaveLength(4);
    rounds.forEach((at, i) => expect(Math.abs(at - start - 15_000 * (i + 1))).toBeLessThanOrEqual(150));
    wheel.close();
  });

  it('spreads the rounds of sockets that joined at different moments over the period', () => {
    const wheel = new KeepAliveWheel(15_000);
    const rounds: number[] = [];
    for (let i = 0; i < 1_500; i++) {
      wheel.add(member(rounds));
      vi.advanceTimersByTime(10);
    }
    const since = Date.now();
    rounds.length = 0;
    vi.advanceTimersByTime(15_000);
    expect(rounds).toHaveLength(1_500);
    // No 100 ms slot holds more than a tenth of them.
    const perSlot = new Map<number, number>();
    for (const at of rounds) perSlot.set(Math.floor((at - since) / 100), (perSlot.get(Math.floor((at - since) / 100)) ?? 0) + 1);
    expect(Math.max(...perSlot.values())).toBeLessThanOrEqual(150);
    wheel.close();
  });

  it('forgets a member that leaves, keeps going when one throws, and runs no timer when empty', () => {
    const wheel = new KeepAliveWheel(300);
    const kept: number[] = [];
    const left: number[] = [];
    const leaving = member(left);
    wheel.add({ keepAliveRound: () => { throw new Error('broken socket'); } });
    wheel.add(leaving);
    wheel.add(member(kept));
    vi.advanceTimersByTime(300);
    expect(kept).toHaveLength(1);
    expect(left).toHaveLength(1);
    wheel.remove(leaving);
    vi.advanceTimersByTime(600);
    expect(kept).toHaveLength(3);
    expect(left).toHaveLength(1);
    expect(wheel.size).toBe(2);
    wheel.close();
    expect(wheel.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

/**
 * A seeded random number generator (mulberry32), so that every target of a round meets the same
 * young people making the same choices.
 */

/** Random numbers from a seed. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A number in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    const item = list[Math.floor(this.next() * list.length)];
    if (item === undefined) throw new RangeError('Random.pick: empty list');
    return item;
  }

  /** A new generator for one of many (young person `index`), independent of the others. */
  fork(index: number): Random {
    return new Random(Math.imul(this.state ^ (index + 1), 0x9e3779b1));
  }
}

/**
 * One timer for the keep-alives of every WebSocket of a route, instead of one interval per socket:
 * a wheel of slots that turns one slot per `periodMs / slots`. A member joins the slot that has just
 * been visited, so its first round comes one period later, and every period after that; the
 * rounds of many sockets are spread over the period instead of falling on one moment.
 */

/** What the wheel visits once per period. */
export interface KeepAliveMember {
  /** One keep-alive round. Errors it throws are swallowed. */
  keepAliveRound(): void;
}

/** A slot per this many ms of the period (15 s: 150 slots), at most MAX_SLOTS. */
const SLOT_MS = 100;
const MAX_SLOTS = 150;

/** Shared keep-alive timer. */
export class KeepAliveWheel {
  private readonly slots: Set<KeepAliveMember>[];
  /** Where each member is (to leave in O(1)). */
  private readonly slotOf = new Map<KeepAliveMember, Set<KeepAliveMember>>();
  private readonly tickMs: number;
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly periodMs: number) {
    if (!Number.isFinite(periodMs) || periodMs <= 0) throw new RangeError('KeepAliveWheel: periodMs must be positive');
    const count = Math.max(1, Math.min(MAX_SLOTS, Math.floor(periodMs / SLOT_MS)));
    this.slots = Array.from({ length: count }, () => new Set<KeepAliveMember>());
    this.tickMs = periodMs / count;
  }

  /** Members on the wheel. */
  get size(): number {
    return this.slotOf.size;
  }

  /** Puts a member on the wheel: its first round comes one period from now. */
  add(member: KeepAliveMember): void {
    if (this.slotOf.has(member)) return;
    const slot = this.slots[this.cursor]!;
    slot.add(member);
    this.slotOf.set(member, slot);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref();
    }
  }

  /** Takes a member off the wheel (a no-op when it is not on it). */
  remove(member: KeepAliveMember): void {
    const slot = this.slotOf.get(member);
    if (!slot) return;
    slot.delete(member);
    this.slotOf.delete(member);
    if (this.slotOf.size === 0) this.stop();
  }

  /** Takes every member off and stops the timer. */
  close(): void {
    for (const slot of this.slots) slot.clear();
    this.slotOf.clear();
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    this.cursor = (this.cursor + 1) % this.slots.length;
    for (const member of this.slots[this.cursor]!) {
      try {
        member.keepAliveRound();
      } catch {
        // One socket's failure is its own; the others still get their round.
      }
    }
  }
}

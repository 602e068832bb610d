/**
 * The order of the targets in each round: rotated by one per round (a, b, c; then b, c, a; then
 * c, a, b …), so that no target is always first (fresh) or last (after the others warmed the machine).
 */
import type { TargetKind } from './messages.js';

/** The targets in the order of round `round` (0-based). */
export function roundOrder(targets: readonly TargetKind[], round: number): TargetKind[] {
  return targets.map((_, index) => targets[(index + round) % targets.length]!);
}

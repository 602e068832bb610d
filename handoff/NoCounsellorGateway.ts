/**
 * The gateway while no counsellor console is connected to Lantern: it says so, truthfully,
 * so the bot gives the external help lines instead of letting the young person wait for nobody.
 */
import type { HandoffGateway, HandoffOutcome } from './HandoffGateway.js';

/** A gateway with no counsellors behind it. */
export class NoCounsellorGateway implements HandoffGateway {
  /** Always answers that nobody can come to this chat. */
  async request(): Promise<HandoffOutcome> {
    return { status: 'unavailable', reason: 'not_connected' };
  }

  /** Nobody waits here. */
  async cancel(): Promise<boolean> {
    return false;
  }

  /** Nobody waits here. */
  async raise(): Promise<boolean> {
    return false;
  }

  /** Nobody was waiting. */
  async left(): Promise<boolean> {
    return false;
  }

  /** Nobody is in a chat here. */
  async flagDuringChat(): Promise<void> {}

  /** Nobody to tell here. */
  async mayBeWatched(): Promise<void> {}
}

/**
 * What the turns of a measurement window come down to: how many per second, and how long from
 * the POST of the young person's message to the last reply of the bot on the WebSocket.
 */
import { distribution, type Distribution } from '../stats.js';
import type { Turn } from './DirectLineConversation.js';

/** The figures of the turns posted within a window. */
export interface TurnFigures {
  /** Turns posted in the window that got at least one reply. */
  turns: number;
  turnsPerSecond: number;
  /** POST → the last reply of the turn on the WebSocket (ms). */
  latency: Distribution;
  /** POST → the first reply (ms). */
  firstReply: Distribution;
  /** POST → its HTTP answer (ms). */
  post: Distribution;
  /** POSTs refused (not 200) or without an answer. */
  failed: number;
  /** POSTs answered 200 that got no reply within the timeout. */
  noReply: number;
  /** Replies that came after the young person had moved on (the quiet period was too short for them). */
  lateReplies: number;
}

/** Figures of the turns posted in [from, to) (performance.now() times). */
export function turnFigures(turns: readonly Turn[], from: number, to: number): TurnFigures {
  const inWindow = turns.filter((turn) => turn.postedAt >= from && turn.postedAt < to);
  const answered = inWindow.filter((turn) => turn.status === 200);
  const replied = answered.filter((turn) => (turn.replies?.count ?? 0) > 0);
  return {
    turns: replied.length,
    turnsPerSecond: replied.length / ((to - from) / 1000),
    latency: distribution(replied.map((turn) => turn.replies!.lastAt - turn.postedAt)),
    firstReply: distribution(replied.map((turn) => turn.replies!.firstAt - turn.postedAt)),
    post: distribution(answered.map((turn) => turn.answeredAt! - turn.postedAt)),
    failed: inWindow.length - answered.length,
    noReply: answered.length - replied.length,
    lateReplies: inWindow.reduce((sum, turn) => sum + (turn.replies?.late ?? 0), 0),
  };
}

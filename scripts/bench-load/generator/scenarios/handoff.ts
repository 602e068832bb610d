/**
 * Handoff (the full target only; counsellors on duty): from a young person's "talk to a person"
 * (the page's button: a message with `value.command = talk_to_human`) to the conversation
 * appearing in the list of a logged-in counsellor's console (a `queue` message on its live
 * WebSocket, `/api/staff/live`). First `sequential` young people one at a time, then `burst` at
 * once. After each measurement the young people stop waiting (`cancel_handoff`) and the list is
 * empty again before the next one.
 */
import { LANGUAGES } from '../../../../contracts/languages.js';
import { distribution, type Distribution } from '../../stats.js';
import type { CounsellorAccount } from '../../targets/RunningTarget.js';
import { count, inParallel } from '../crowd.js';
import { CounsellorConsole } from '../CounsellorConsole.js';
import { DirectLineConversation } from '../DirectLineConversation.js';
import type { Scenario, ScenarioContext } from '../ScenarioContext.js';

/** Parameters of the handoff scenario. */
export interface HandoffParams {
  sequential: number;
  burst: number;
  timeoutMs: number;
}

/** Figures of one way of asking. */
export interface HandoffFigures {
  requests: number;
  /** "Talk to a person" POSTed → listed in the console (ms). */
  visible: Distribution;
  /** "Talk to a person" POSTed → its HTTP answer (ms). */
  post: Distribution;
  /**
   * Put in the queue (the job's timestamp, taken by the server just before it adds the job) →
   * listed in the console (ms, both on the machine's wall clock: whole milliseconds).
   */
  enqueuedToVisible: Distribution;
  failures: Record<string, number>;
}

/** Its figures. */
export interface HandoffResult {
  sequential: HandoffFigures;
  burst: HandoffFigures;
}

const COUNSELLOR: CounsellorAccount = { username: 'bench-counsellor', password: 'bench counsellor password 2024', languages: [...LANGUAGES] };
const TALK_TO_HUMAN = { type: 'message', text: 'talk to a person', value: { command: 'talk_to_human' } };
const STOP_WAITING = { type: 'message', text: 'stop waiting', value: { command: 'cancel_handoff' } };

/** Young people with a started conversation and an open WebSocket, each in one of the five languages. */
async function youngPeople(context: ScenarioContext, total: number, timeoutMs: number): Promise<DirectLineConversation[]> {
  const { results } = await inParallel(total, 16, async (index) => {
    const conversation = await DirectLineConversation.start(context.http, LANGUAGES[index % LANGUAGES.length]);
    await conversation.openStream(timeoutMs);
    return conversation;
  });
  return results;
}

/** What was measured so far. */
interface Measured {
  visible: number[];
  post: number[];
  enqueuedToVisible: number[];
  failures: Record<string, number>;
}

const nothingYet = (): Measured => ({ visible: [], post: [], enqueuedToVisible: [], failures: {} });

/** Asks for a person in each conversation at once; measures into `into`; lets them all stop waiting again. */
async function askAtOnce(context: ScenarioContext, counsellor: CounsellorConsole, conversations: DirectLineConversation[], timeoutMs: number, into: Measured): Promise<void> {
  const seen = new Map<string, number>();
  await Promise.all(
    conversations.map(async (conversation) => {
      const listed = counsellor.when(conversation.conversationId, true, timeoutMs);
      const turn = await conversation.send(TALK_TO_HUMAN);
      try {
        if (turn.status !== 200) throw new Error(`HTTP ${turn.status || turn.failure}`);
        into.post.push(turn.answeredAt! - turn.postedAt);
        const at = await listed;
        into.visible.push(at.at - turn.postedAt);
        seen.set(conversation.conversationId, at.wallMs);
      } catch (error) {
        listed.catch(() => undefined);
        count(into.failures, (error as Error).message);
      }
    }),
  );
  // While they still wait: when the server put each in the queue.
  const enqueued = await context.orchestrator.request<Record<string, number | null>>('handoffEnqueuedAt', [...seen.keys()]);
  for (const [conversationId, wallMs] of seen) {
    const at = enqueued[conversationId];
    if (typeof at === 'number') into.enqueuedToVisible.push(wallMs - at);
    else count(into.failures, 'not in the queue when listed');
  }
  await Promise.all(
    conversations.map(async (conversation) => {
      const gone = counsellor.when(conversation.conversationId, false, timeoutMs);
      await conversation.send(STOP_WAITING);
      await gone.catch(() => undefined);
    }),
  );
}

function figures(requests: number, measured: Measured): HandoffFigures {
  return {
    requests,
    visible: distribution(measured.visible),
    post: distribution(measured.post),
    enqueuedToVisible: distribution(measured.enqueuedToVisible),
    failures: measured.failures,
  };
}

/** Runs the handoff scenario. */
export const handoff: Scenario<HandoffParams, HandoffResult> = async (context, params) => {
  if (context.target.kind !== 'full') throw new Error('the handoff scenario needs the full target');
  await context.orchestrator.request('createCounsellor', COUNSELLOR);
  const counsellor = await CounsellorConsole.open(context.http, COUNSELLOR);
  try {
    const sequential = nothingYet();
    for (const conversation of await youngPeople(context, params.sequential, params.timeoutMs)) {
      await askAtOnce(context, counsellor, [conversation], params.timeoutMs, sequential);
      conversation.close();
    }
    const crowd = await youngPeople(context, params.burst, params.timeoutMs);
    const burst = nothingYet();
    await askAtOnce(context, counsellor, crowd, params.timeoutMs, burst);
    for (const conversation of crowd) conversation.close();
    context.log(`handoff: ${sequential.visible.length} one at a time, ${burst.visible.length} at once`);
    return { sequential: figures(params.sequential, sequential), burst: figures(params.burst, burst) };
  } finally {
    counsellor.close();
  }
};

/**
 * A turn's plain messages (texts without buttons) wait until the turn sends anything else (a
 * question with its buttons, an event) or ends, and then go out with it, in the order they were
 * sent, in one batch: the channel writes a batch to the conversation's stream in one script and
 * delivers it to the young person's socket in one read, where a topic's texts and the question
 * after them were two of each (docs/performance.md). Nothing is held past the turn: the bot sends
 * what is held before it saves the turn's state, or when the turn ends, failed or not; from then on
 * nothing waits (a failed turn's apology goes out at once).
 */
import type { Activity, ResourceResponse, TurnContext } from 'botbuilder';

const HELD = Symbol('lantern.heldReplies');

/** What a turn holds, and whether it still holds (not after sendHeldMessages). */
interface Held {
  activities: Array<Partial<Activity>>;
  released: boolean;
}

/** A message with no buttons: it may wait for what the turn sends next. */
function isPlainMessage(activity: Partial<Activity>): boolean {
  return activity.type === 'message' && !activity.suggestedActions?.actions?.length;
}

/**
 * From now on in this turn, plain messages wait for the next send (see above). Sending them answers
 * with empty ids (nothing in Lantern reads them; the channel has not stored them yet).
 */
export function holdPlainMessages(context: TurnContext): void {
  if (context.turnState.has(HELD)) return;
  const held: Held = { activities: [], released: false };
  context.turnState.set(HELD, held);
  context.onSendActivities(async (turn, activities, next): Promise<ResourceResponse[]> => {
    if (!held.released && activities.length > 0 && activities.every(isPlainMessage)) {
      held.activities.push(...activities);
      // The turn has answered, as if they were sent (a prompt does not also say "not understood").
      turn.responded = true;
      return activities.map(() => ({ id: '' }));
    }
    const waited = held.activities.length;
    if (waited > 0) activities.unshift(...held.activities.splice(0));
    // The caller is answered for its own activities only.
    return (await next()).slice(waited);
  });
}

/**
 * Sends what waits, and holds nothing more in this turn: what is sent after it (after the state
 * is saved, or a failed turn's apology) goes out at once.
 */
export async function sendHeldMessages(context: TurnContext): Promise<void> {
  const held = context.turnState.get(HELD) as Held | undefined;
  if (!held || held.released) return;
  held.released = true;
  if (held.activities.length > 0) await context.sendActivities([]);
}

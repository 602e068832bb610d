/**
 * The echo target's bot: an ActivityHandler that says every message back, and welcomes the
 * young person when the conversation starts. No state, no dialogs, no screening.
 */
import { ActivityHandler } from 'botbuilder';

/** Replies with the text it was sent; a welcome on conversationUpdate. */
export class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const bot = context.activity.recipient?.id;
      if (context.activity.membersAdded?.some((member) => member.id !== bot)) await context.sendActivity('Welcome.');
      await next();
    });
  }
}

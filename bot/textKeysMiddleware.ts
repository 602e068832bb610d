/**
 * Lets every message the bot sends carry the keys of the texts it is made of, in
 * `channelData.lantern.texts` (with `textLanguage`), so the counsellors' console can show what the
 * bot said in Dutch or English beside the young person's language. The page never shows channelData.
 * Recorded per turn (proactive turns too) in the turn's text log (texts/textLog.ts), which every
 * caller making a text for the turn hands to the Translator; only keys and numeric or code values.
 */
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { startTextLog } from '../texts/textLog.js';
import type { RecordedText, TextUse } from '../texts/Translator.js';

/** The texts an activity's text is made of, in the order they appear (longest match first). */
export function textsOf(text: string, used: readonly RecordedText[]): RecordedText[] {
  const candidates = [...used].filter((use) => use.text.trim().length > 0).sort((a, b) => b.text.length - a.text.length);
  const taken: Array<{ start: number; end: number; use: RecordedText }> = [];
  for (const use of candidates) {
    let from = 0;
    for (;;) {
      const start = text.indexOf(use.text, from);
      if (start < 0) break;
      const end = start + use.text.length;
      if (!taken.some((t) => start < t.end && end > t.start)) {
        taken.push({ start, end, use });
        break;
      }
      from = start + 1;
    }
  }
  return taken.sort((a, b) => a.start - b.start).map((t) => t.use);
}

/** Adds the text keys to one outgoing activity (messages with text only). */
export function annotate(activity: Partial<Activity>, used: readonly RecordedText[]): void {
  if (activity.type !== 'message' || !activity.text) return;
  const texts = textsOf(activity.text, used);
  if (texts.length === 0) return;
  const channelData = (activity.channelData ?? {}) as { lantern?: Record<string, unknown> };
  activity.channelData = {
    ...channelData,
    lantern: {
      ...channelData.lantern,
      textLanguage: texts[0]!.language,
      texts: texts.map(({ key, params }): TextUse => (params ? { key, params } : { key })),
    },
  };
}

/** Bot Framework middleware starting each turn's text log and annotating what is sent. */
export class TextKeysMiddleware implements Middleware {
  /** Starts the turn's text log; every send is annotated with the texts used so far. */
  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const used = startTextLog(context);
    context.onSendActivities(async (_context, activities, nextSend) => {
      for (const activity of activities) annotate(activity, used);
      return nextSend();
    });
    await next();
  }
}

/**
 * The transcript as the counsellor console shows it: who said it (young person, bot, counsellor),
 * the text exactly as written, and for the young person's free text the language it is written in.
 */
import type { Activity } from 'botbuilder';
import { identifyLanguage, type IdentifiedLanguage } from '../language/identifyLanguage.js';

/** One line of a console transcript. */
export interface TranscriptLine {
  id: string;
  at: string;
  sender: 'young_person' | 'bot' | 'counsellor' | 'system';
  text?: string;
  /** For the young person's messages: the language the text looks written in. */
  language?: IdentifiedLanguage;
  /** Whether the young person pressed a button (the text is the button's label). */
  button?: boolean;
  /** For system lines: what happened (e.g. handoff.initiate, endOfConversation). */
  event?: string;
}

/** Converts stored activities to transcript lines (typing and other noise left out). */
export function consoleTranscript(activities: Activity[]): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  for (const activity of activities) {
    const base = { id: activity.id ?? '', at: String(activity.timestamp ?? '') };
    const isCounsellor = (activity.channelData as { lantern?: { sender?: string } } | undefined)?.lantern?.sender === 'counsellor';
    if (activity.type === 'message') {
      if (activity.from?.role === 'user') {
        const text = activity.text ?? '';
        const button = Boolean(activity.value && typeof activity.value === 'object');
        lines.push({ ...base, sender: 'young_person', text, button, language: button ? undefined : identifyLanguage(text) });
      } else {
        lines.push({ ...base, sender: isCounsellor ? 'counsellor' : 'bot', text: activity.text ?? '' });
      }
    } else if (activity.type === 'endOfConversation' || activity.type === 'event') {
      lines.push({ ...base, sender: 'system', event: activity.type === 'event' ? activity.name ?? 'event' : 'endOfConversation' });
    }
  }
  return lines;
}

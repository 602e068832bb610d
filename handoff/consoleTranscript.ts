/**
 * The transcript as the counsellor console shows it: who said it (young person, bot, counsellor),
 * the text exactly as written, for the young person's free text the language it is written in and
 * what the screening read in it, and for the bot's texts (and phrasebook phrases) the same text in
 * Dutch and English, from the keys the bot put in `channelData.lantern.texts`.
 */
import type { Activity } from 'botbuilder';
import type { MessageScreening, TranscriptLine } from '../contracts/counsellorApi.js';
import { isLanguage, type Language } from '../contracts/languages.js';
import { identifyLanguage } from '../language/identifyLanguage.js';
import type { TextUse, Translator } from '../texts/Translator.js';
import { staffText, type StaffLanguage } from './staffTexts.js';

export type { TranscriptLine };

/** What the transcript needs besides the activities. */
export interface TranscriptOptions {
  /** Renders the bot's texts in Dutch and English. */
  translator?: Pick<Translator, 'render'>;
  /** What the screening read in the young person's messages (activity id → codes). */
  flags?: ReadonlyMap<string, MessageScreening>;
}

interface LanternChannelData {
  sender?: string;
  textLanguage?: string;
  texts?: TextUse[];
}

/** "Acuut gevaar: opgesloten / mag niet weg" in a staff language. */
export function screeningLabel(language: StaffLanguage, screening: MessageScreening): string {
  const level = staffText(language, `screeningLevel.${screening.level}`);
  const section = screening.level === 'exploitation' ? 'intents' : 'dangerCategories';
  const categories = screening.categories.map((code) => staffText(language, `${section}.${code}`));
  return categories.length > 0 ? `${level}: ${categories.join(', ')}` : level;
}

/** The activity's text with each of its texts replaced by the same text in `target`. */
function renderIn(target: StaffLanguage, text: string, source: Language, uses: TextUse[], translator: Pick<Translator, 'render'>): string | undefined {
  let result = text;
  let replaced = false;
  for (const use of uses) {
    if (typeof use?.key !== 'string') continue;
    const original = translator.render(source, use);
    const translated = translator.render(target, use);
    if (!original || original === use.key || translated === use.key || !result.includes(original)) continue;
    result = result.replace(original, translated);
    replaced = true;
  }
  return replaced ? result : undefined;
}

/** The Dutch and English of a bot or phrasebook line, when its texts are known. */
function translations(activity: Activity, lantern: LanternChannelData | undefined, translator: Pick<Translator, 'render'> | undefined): Pick<TranscriptLine, 'nl' | 'en'> {
  const uses = Array.isArray(lantern?.texts) ? lantern.texts : [];
  const source = lantern?.textLanguage;
  if (!translator || uses.length === 0 || !isLanguage(source) || !activity.text) return {};
  const nl = source === 'nl' ? activity.text : renderIn('nl', activity.text, source, uses, translator);
  const en = source === 'en' ? activity.text : renderIn('en', activity.text, source, uses, translator);
  return { ...(nl ? { nl } : {}), ...(en ? { en } : {}) };
}

/** Converts stored activities to transcript lines (typing and other noise left out). */
export function consoleTranscript(activities: Activity[], options: TranscriptOptions = {}): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  for (const activity of activities) {
    const base = { id: activity.id ?? '', at: String(activity.timestamp ?? '') };
    const lantern = (activity.channelData as { lantern?: LanternChannelData } | undefined)?.lantern;
    if (activity.type === 'message') {
      if (activity.from?.role === 'user') {
        const text = activity.text ?? '';
        const button = Boolean(activity.value && typeof activity.value === 'object');
        const flag = options.flags?.get(base.id);
        lines.push({
          ...base,
          sender: 'young_person',
          text,
          button,
          language: button ? undefined : identifyLanguage(text),
          ...(flag ? { screening: { ...flag, nl: screeningLabel('nl', flag), en: screeningLabel('en', flag) } } : {}),
        });
      } else {
        const person = lantern?.sender === 'counsellor' || lantern?.sender === 'interpreter' ? lantern.sender : undefined;
        lines.push({ ...base, sender: person ?? 'bot', text: activity.text ?? '', ...translations(activity, lantern, options.translator) });
      }
    } else if (activity.type === 'endOfConversation' || activity.type === 'event') {
      lines.push({ ...base, sender: 'system', event: activity.type === 'event' ? activity.name ?? 'event' : 'endOfConversation' });
    }
  }
  return lines;
}

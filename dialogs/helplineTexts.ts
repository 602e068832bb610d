/**
 * What the bot says about help lines that depends on the clock: for each line where a young person
 * can talk to someone (De Kindertelefoon, Chat met Fier, Keerpunt, CoMensha) its description and
 * whether it is open at this moment in Europe/Amsterdam ("Open now", "Closed now, open again
 * Friday 11:00", or, when config/helplines.json has no verified hours, "Opening times are on the
 * website"). Nothing here ever says "now" for a line that is closed or whose hours are unknown.
 */
import { LANGUAGE_INFO, type Language } from '../contracts/languages.js';
import { helplineOpen, helplineOpensAt, type HelplineId } from '../texts/helplines.js';
import type { RecordedText, Translator } from '../texts/Translator.js';

/** Lines where a young person can talk to someone without giving a name, in the order they are offered. */
export const TALK_LINES = ['kindertelefoon', 'fier', 'keerpunt'] as const satisfies readonly HelplineId[];

/** Options of helplineLines. */
export interface HelplineLinesOptions {
  /** Leave out lines that are closed at this moment (when someone needs a person now); all lines when every one is closed. */
  reachableOnly?: boolean;
  /** The turn's text log (texts/textLog.ts): the texts used are noted there. */
  log?: RecordedText[];
}

/** One date format per language (making an Intl.DateTimeFormat costs far more than using one). */
const whenFormats = new Map<Language, Intl.DateTimeFormat>();

/** "Monday 09:00" in the young person's language, in Europe/Amsterdam; "—" when unknown. */
export function formatWhen(language: Language, at: Date | string | undefined): string {
  if (!at) return '—';
  let format = whenFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(LANGUAGE_INFO[language].intlLocale, {
      numberingSystem: 'latn',
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Amsterdam',
    });
    whenFormats.set(language, format);
  }
  return format.format(typeof at === 'string' ? new Date(at) : at);
}

/** One line's description followed by its state at `at`. */
export function helplineLine(translator: Translator, language: Language, id: HelplineId, at: Date, log?: RecordedText[]): string {
  const t = translator.forLanguage(language, log);
  const line = translator.helplines[id];
  const open = helplineOpen(line, at);
  const status =
    open === true ? t('help:status.open') : open === false ? t('help:status.closed', { when: formatWhen(language, helplineOpensAt(line, at)) }) : t('help:status.unknown');
  return `${t(`help:lines.${id}`)} ${status}`;
}

/** The talk-to-someone lines as one message: a heading, then one line per help line. */
export function helplineLines(translator: Translator, language: Language, at: Date, options: HelplineLinesOptions = {}): string {
  const t = translator.forLanguage(language, options.log);
  let ids: HelplineId[] = [...TALK_LINES];
  if (options.reachableOnly) {
    const reachable = ids.filter((id) => helplineOpen(translator.helplines[id], at) !== false);
    if (reachable.length > 0) ids = reachable;
  }
  return [t('help:lines.intro'), ...ids.map((id) => helplineLine(translator, language, id, at, options.log))].join('\n');
}

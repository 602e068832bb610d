/**
 * The danger lexicons of all five languages (locales/<lng>/screening/danger.json), compiled.
 * Content people edit those files; the syntax of a term is in LexiconPattern.ts and docs/screening.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGES, type Language } from '../bot/languages.js';
import { LOCALES_DIR } from '../bot/localeFiles.js';
import { compilePattern, LexiconSyntaxError, type LexiconPattern } from './LexiconPattern.js';

/** Danger categories, strongest first. */
export const DANGER_CATEGORIES = [
  'threat',
  'violence',
  'sexual_violence',
  'confinement',
  'forced_car',
  'suicide',
  'self_harm',
  'followed',
  'danger_generic',
  'urgent_help',
  'fear',
] as const;
export type DangerCategory = (typeof DANGER_CATEGORIES)[number];

/** Categories that mean acute danger: the bot gives 112 first and asks. The others lead to the question. */
export const URGENT_CATEGORIES: ReadonlySet<DangerCategory> = new Set([
  'threat',
  'violence',
  'sexual_violence',
  'confinement',
  'forced_car',
  'suicide',
  'self_harm',
]);

/** Categories a "not in danger" / "I am safe" phrase cancels. */
export const CANCELLED_BY_NOT_DANGER: ReadonlySet<DangerCategory> = new Set(['danger_generic', 'fear']);

/** Shape of a danger.json file. */
export interface DangerLexiconFile {
  $comment?: string;
  categories: Partial<Record<DangerCategory, string[]>>;
  /** Phrases that say the opposite ("I am not in danger", "I am safe now"). */
  notDanger: string[];
  /** Harmless look-alikes ("this game is killing me", "my phone is dead"): matches inside them do not count. */
  benign: string[];
}

/** A compiled term with its category and language. */
export interface CategoryPattern extends LexiconPattern {
  category: DangerCategory;
  language: Language;
}

/** All lexicons, compiled. */
export interface CompiledDangerLexicon {
  danger: CategoryPattern[];
  notDanger: LexiconPattern[];
  benign: LexiconPattern[];
}

/** Path of a language's danger lexicon. */
export function dangerLexiconFile(language: Language, dir = LOCALES_DIR): string {
  return path.join(dir, language, 'screening', 'danger.json');
}

/** Reads and compiles the lexicons of every language; throws LexiconSyntaxError naming file and term. */
export function loadDangerLexicon(dir = LOCALES_DIR): CompiledDangerLexicon {
  const compiled: CompiledDangerLexicon = { danger: [], notDanger: [], benign: [] };
  for (const language of LANGUAGES) {
    const file = dangerLexiconFile(language, dir);
    if (!existsSync(file)) continue;
    const data = JSON.parse(readFileSync(file, 'utf8')) as DangerLexiconFile;
    const options = { latinIsTransliteration: language === 'ar' || language === 'prs', persian: language === 'prs' };
    const compile = (term: string) => {
      try {
        return compilePattern(term, options);
      } catch (error) {
        throw new LexiconSyntaxError(`${path.relative(process.cwd(), file)}: ${(error as Error).message}`);
      }
    };
    for (const [category, terms] of Object.entries(data.categories ?? {})) {
      if (!(DANGER_CATEGORIES as readonly string[]).includes(category)) {
        throw new LexiconSyntaxError(`${file}: unknown category "${category}"`);
      }
      for (const term of terms ?? []) compiled.danger.push({ ...compile(term), category: category as DangerCategory, language });
    }
    compiled.notDanger.push(...(data.notDanger ?? []).map(compile));
    compiled.benign.push(...(data.benign ?? []).map(compile));
  }
  return compiled;
}

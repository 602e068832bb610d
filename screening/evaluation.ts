/**
 * Evaluation of the screening on a labelled set (tests/fixtures/screening/<lng>.jsonl):
 * per language danger recall, false-danger rate on non-danger messages, intent accuracy,
 * language-id accuracy on messages of three or more words, and time per message.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, type Language } from '../bot/languages.js';
import type { Intent } from './IntentClassifier.js';
import type { Screener } from './Screener.js';

/** One labelled message. */
export interface LabelledMessage {
  text: string;
  lang: Language;
  danger: boolean;
  intent: Intent;
}

/** Figures of one language. */
export interface LanguageScores {
  language: Language;
  messages: number;
  dangerMessages: number;
  dangerRecall: number;
  nonDangerMessages: number;
  falseDangerRate: number;
  intentAccuracy: number;
  langIdMessages: number;
  langIdAccuracy: number;
  meanMs: number;
  /** Danger messages the screening missed (for the people improving the lexicons). */
  missedDanger: string[];
  /** Non-danger messages it flagged. */
  falseDanger: string[];
}

/** Directory of the labelled sets. */
export const FIXTURES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'fixtures', 'screening');

/** Directory of the development sets (messy, tagged by form; written apart from the training data). */
export const DEV_DIR = path.join(FIXTURES_DIR, 'dev');

/** Reads the labelled set of one language ([] when there is none). */
export function readLabelled(language: Language, dir = FIXTURES_DIR): LabelledMessage[] {
  const file = path.join(dir, `${language}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledMessage);
}

function intentCorrect(expected: Intent, predicted: Intent[]): boolean {
  return predicted.includes(expected);
}

/** Evaluates the screener on every language's labelled set. */
export function evaluate(screener: Screener, dir = FIXTURES_DIR): LanguageScores[] {
  return LANGUAGES.map((language) => {
    const set = readLabelled(language, dir);
    let dangerHit = 0;
    let falseDanger = 0;
    let intentHit = 0;
    let langIdTotal = 0;
    let langIdHit = 0;
    const missed: string[] = [];
    const flagged: string[] = [];
    const started = performance.now();
    for (const message of set) {
      const result = screener.screen(message.text);
      if (message.danger) {
        if (result.danger) dangerHit += 1;
        else missed.push(message.text);
      } else if (result.danger) {
        falseDanger += 1;
        flagged.push(message.text);
      }
      if (intentCorrect(message.intent, result.intents)) intentHit += 1;
      if (result.words >= 3) {
        langIdTotal += 1;
        if (result.lang === message.lang) langIdHit += 1;
      }
    }
    const elapsed = performance.now() - started;
    const dangerMessages = set.filter((m) => m.danger).length;
    const nonDanger = set.length - dangerMessages;
    return {
      language,
      messages: set.length,
      dangerMessages,
      dangerRecall: dangerMessages ? dangerHit / dangerMessages : 1,
      nonDangerMessages: nonDanger,
      falseDangerRate: nonDanger ? falseDanger / nonDanger : 0,
      intentAccuracy: set.length ? intentHit / set.length : 0,
      langIdMessages: langIdTotal,
      langIdAccuracy: langIdTotal ? langIdHit / langIdTotal : 1,
      meanMs: set.length ? elapsed / set.length : 0,
      missedDanger: missed,
      falseDanger: flagged,
    };
  });
}

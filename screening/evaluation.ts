/**
 * Evaluation of the screening on a labelled set (tests/fixtures/screening/<lng>.jsonl):
 * per language danger recall, false-danger rate on non-danger messages, intent accuracy,
 * language-id accuracy on messages of three or more words, and time per message.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import type { Intent } from './IntentClassifier.js';
import type { Screener } from './Screener.js';

/** One labelled message. */
export interface LabelledMessage {
  text: string;
  lang: Language;
  danger: boolean;
  intent: Intent;
  /** How it is written (development sets): plain, typo, slang, dialect, arabizi, finglish, translit, codeswitch, indirect, negation, exaggeration, long, short, emoji. */
  form?: string;
}

/** Counts of one group of messages (a language, or a form within it). */
export interface GroupCounts {
  messages: number;
  dangerMessages: number;
  dangerHits: number;
  nonDangerMessages: number;
  falseDanger: number;
  /** Messages about exploitation (any subtype) and how many got an exploitation reading. */
  signalMessages: number;
  signalHits: number;
  intentHits: number;
  langIdMessages: number;
  langIdHits: number;
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
  /** Share of exploitation messages read as exploitation (or danger). */
  signalRecall: number;
  /** The same counts per form of writing (development sets). */
  byForm: Record<string, GroupCounts>;
  /** Messages whose language was taken for another one (3+ words), with what it was taken for. */
  wrongLanguage: string[];
  /** Messages whose intent was missed, with what was found. */
  wrongIntent: string[];
}

const EXPLOITATION_FAMILY: readonly Intent[] = ['exploitation', 'criminal', 'sexual', 'labour', 'debt'];

function emptyCounts(): GroupCounts {
  return { messages: 0, dangerMessages: 0, dangerHits: 0, nonDangerMessages: 0, falseDanger: 0, signalMessages: 0, signalHits: 0, intentHits: 0, langIdMessages: 0, langIdHits: 0 };
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
    let signalTotal = 0;
    let signalHit = 0;
    const missed: string[] = [];
    const flagged: string[] = [];
    const wrongLanguage: string[] = [];
    const wrongIntent: string[] = [];
    const byForm: Record<string, GroupCounts> = {};
    const started = performance.now();
    for (const message of set) {
      const result = screener.screen(message.text);
      const form = (byForm[message.form ?? 'plain'] ??= emptyCounts());
      form.messages += 1;
      const tag = message.form ? `[${message.form}] ` : '';
      if (message.danger) {
        form.dangerMessages += 1;
        if (result.danger) {
          dangerHit += 1;
          form.dangerHits += 1;
        } else missed.push(`${tag}${message.text}`);
      } else {
        form.nonDangerMessages += 1;
        if (result.danger) {
          falseDanger += 1;
          form.falseDanger += 1;
          flagged.push(`${tag}${message.text} (${result.level}${result.categories.length ? `: ${result.categories.join(', ')}` : ''})`);
        }
      }
      if (EXPLOITATION_FAMILY.includes(message.intent)) {
        signalTotal += 1;
        form.signalMessages += 1;
        if (result.intents.includes('exploitation') || result.danger) {
          signalHit += 1;
          form.signalHits += 1;
        }
      }
      if (intentCorrect(message.intent, result.intents)) {
        intentHit += 1;
        form.intentHits += 1;
      } else wrongIntent.push(`${tag}${message.text} (expected ${message.intent}, got ${result.intents.join('+')})`);
      if (result.words >= 3) {
        langIdTotal += 1;
        form.langIdMessages += 1;
        if (result.lang === message.lang) {
          langIdHit += 1;
          form.langIdHits += 1;
        } else wrongLanguage.push(`${tag}${message.text} (taken for ${result.lang})`);
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
      signalRecall: signalTotal ? signalHit / signalTotal : 1,
      byForm,
      wrongLanguage,
      wrongIntent,
    };
  });
}

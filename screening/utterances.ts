/**
 * The labelled training utterances of the intent classifier: locales/<lng>/screening/intents.json.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { LOCALES_DIR } from '../texts/localeFiles.js';
import { INTENTS, type Intent } from './IntentClassifier.js';

/** One training utterance. */
export interface Utterance {
  text: string;
  intent: Intent;
  language: Language;
}

function file(language: Language, dir: string): string {
  return path.join(dir, language, 'screening', 'intents.json');
}

/** Reads every language's utterances; unknown intent names are an error. */
export function readUtterances(dir = LOCALES_DIR): Utterance[] {
  const all: Utterance[] = [];
  for (const language of LANGUAGES) {
    const source = file(language, dir);
    if (!existsSync(source)) continue;
    const data = JSON.parse(readFileSync(source, 'utf8')) as Record<string, unknown>;
    for (const [intent, texts] of Object.entries(data)) {
      if (intent.startsWith('$')) continue;
      if (!(INTENTS as readonly string[]).includes(intent)) throw new Error(`${source}: unknown intent "${intent}"`);
      for (const text of texts as string[]) all.push({ text, intent: intent as Intent, language });
    }
  }
  return all;
}

/** A fingerprint of the utterance files (the model records the one it was trained on). */
export function utterancesFingerprint(dir = LOCALES_DIR): string {
  const hash = createHash('sha256');
  for (const language of LANGUAGES) {
    const source = file(language, dir);
    hash.update(language).update(existsSync(source) ? readFileSync(source) : '');
  }
  return hash.digest('hex').slice(0, 16);
}

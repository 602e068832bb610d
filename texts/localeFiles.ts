/**
 * Reading the locale files: locales/<language>/<namespace>.json hold texts;
 * locales/<language>/review.json holds who reviewed which namespace and when (the phrasebook: which
 * phrase);
 * locales/sources.json holds the source note of every factual text.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, type Language } from '../contracts/languages.js';

/** Directory of the locale files. */
export const LOCALES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'locales');

/** Files in a language folder that are not text namespaces. */
const NOT_NAMESPACES = new Set(['review.json']);

/** A nested JSON object of texts. */
export interface TextTree {
  [key: string]: string | string[] | TextTree;
}

/** Namespace → texts, for one language. */
export type LanguageResources = Record<string, TextTree>;

/** Review record of one text (`group.key`) of a namespace reviewed text by text (the phrasebook). */
export interface KeyReview {
  status: 'reviewed' | 'unreviewed';
  /** Who reviewed it (a role, not a personal detail), or null. */
  reviewer: string | null;
  /** When (YYYY-MM-DD), or null. */
  date: string | null;
}

/** Review record of one namespace in one language. */
export interface NamespaceReview {
  /** reviewed: a fluent reviewer signed it off; unreviewed: draft, must not be trusted blindly. */
  status: 'reviewed' | 'unreviewed';
  /** Who wrote or reviewed it (a role, not a personal detail). */
  reviewer: string | null;
  /** When (YYYY-MM-DD), or null. */
  date: string | null;
  /** How the text came to be: "original", "translated from en (machine-assisted)", ... */
  origin: string;
  /**
   * Per text (`group.key` → review), for namespaces reviewed text by text (the phrasebook): every
   * text of the namespace has one, and it wins over the namespace's status.
   */
  keys?: Record<string, KeyReview>;
}

/** The review record of a language: namespace → review. */
export type LanguageReview = Record<string, NamespaceReview>;

/** Lists the namespaces (file names without .json) of one language. */
export function namespacesOf(language: Language, dir = LOCALES_DIR): string[] {
  const folder = path.join(dir, language);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file.endsWith('.json') && !NOT_NAMESPACES.has(file))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** Reads all text namespaces of one language. */
export function readLanguage(language: Language, dir = LOCALES_DIR): LanguageResources {
  const resources: LanguageResources = {};
  for (const ns of namespacesOf(language, dir)) {
    resources[ns] = JSON.parse(readFileSync(path.join(dir, language, `${ns}.json`), 'utf8')) as TextTree;
  }
  return resources;
}

/** Reads all five languages. */
export function readAllLanguages(dir = LOCALES_DIR): Record<Language, LanguageResources> {
  return Object.fromEntries(LANGUAGES.map((language) => [language, readLanguage(language, dir)])) as Record<Language, LanguageResources>;
}

/** Reads the review record of one language ({} when there is none). */
export function readReview(language: Language, dir = LOCALES_DIR): LanguageReview {
  const file = path.join(dir, language, 'review.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LanguageReview) : {};
}

/** Whether one text of a namespace is reviewed: its own record when the namespace has per-text records, else the namespace's. */
export function reviewStatus(review: LanguageReview, ns: string, key: string): 'reviewed' | 'unreviewed' {
  const record = review[ns];
  const own = record?.keys?.[key];
  if (own) return own.status === 'reviewed' ? 'reviewed' : 'unreviewed';
  return record && !record.keys && record.status === 'reviewed' ? 'reviewed' : 'unreviewed';
}

/** Reads the source notes: `namespace:key.path` → source. */
export function readSources(dir = LOCALES_DIR): Record<string, string> {
  const file = path.join(dir, 'sources.json');
  if (!existsSync(file)) return {};
  const { $comment: _comment, ...sources } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  return sources;
}

/** Flattens a text tree into `a.b.c` → value. Arrays stay values. */
export function flatten(tree: TextTree, prefix = ''): Record<string, string | string[]> {
  const flat: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string' || Array.isArray(value)) flat[full] = value;
    else Object.assign(flat, flatten(value, full));
  }
  return flat;
}

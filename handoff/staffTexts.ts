/**
 * Staff texts (Dutch, with English) from locales/staff/{nl,en}.json, for the console and the
 * coordinators' dashboard, and the summary a counsellor reads of what the young person did.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCALES_DIR } from '../texts/localeFiles.js';

/** The languages staff read. */
export type StaffLanguage = 'nl' | 'en';

type Tree = { [key: string]: string | Tree };

const cache = new Map<StaffLanguage, Tree>();

/** The staff texts of one language (nested object). */
export function staffTexts(language: StaffLanguage): Tree {
  let tree = cache.get(language);
  if (!tree) {
    tree = JSON.parse(readFileSync(path.join(LOCALES_DIR, 'staff', `${language}.json`), 'utf8')) as Tree;
    cache.set(language, tree);
  }
  return tree;
}

/** One staff text by dotted key, with {{placeholders}} filled; the key itself when missing. */
export function staffText(language: StaffLanguage, key: string, variables: Record<string, string | number> = {}): string {
  let node: string | Tree | undefined = staffTexts(language);
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  const text = typeof node === 'string' ? node : key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(variables[name] ?? ''));
}

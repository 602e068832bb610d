/**
 * An index over lexicon terms by their first word, so a message is only tried against the terms
 * that could start at one of its words (a few dozen out of more than a thousand). Exact words are
 * looked up whole; prefix words (and long Ethiopic skeletons) by their first two characters.
 * A term's matcher is only built the first time a message needs it, which keeps start-up fast.
 */
import { compilePrepared, firstWordKeys, type IndexKey, type LexiconPattern, type PreparedTerm } from './LexiconPattern.js';
import type { TokenForms } from './TokenForms.js';

const head = (value: string) => [...value].slice(0, 2).join('');

function keyOf(form: IndexKey['form'], value: string, prefix: boolean): string {
  return `${prefix ? 'p' : 'x'}|${form}|${value}`;
}

/** The index ids of a word's keys (computed once, at build time for shipped lexicons). */
export function indexIds(keys: readonly IndexKey[]): string[] {
  return [...new Set(keys.map((key) => keyOf(key.form, key.prefix ? head(key.value) : key.value, key.prefix)))];
}

/** The index ids of a prepared term's first word. */
export function termIndexIds(prepared: PreparedTerm): string[] {
  return indexIds(firstWordKeys(compilePrepared({ term: prepared.term, steps: [prepared.steps[0]!] })));
}

/** An entry of the index: its ids and how to get its matcher. */
export interface IndexEntry<P extends LexiconPattern> {
  ids: readonly string[];
  pattern: () => P;
}

/** Terms by the keys of their first word. */
export class LexiconIndex<P extends LexiconPattern> {
  private readonly buckets = new Map<string, Array<IndexEntry<P>>>();

  constructor(entries: ReadonlyArray<IndexEntry<P>>) {
    for (const entry of entries) {
      for (const id of entry.ids) {
        const bucket = this.buckets.get(id);
        if (bucket) bucket.push(entry);
        else this.buckets.set(id, [entry]);
      }
    }
  }

  /** An index over patterns that are already compiled. */
  static of<P extends LexiconPattern>(patterns: readonly P[]): LexiconIndex<P> {
    return new LexiconIndex(patterns.map((pattern) => ({ ids: indexIds(firstWordKeys(pattern)), pattern: () => pattern })));
  }

  /** The patterns that may match somewhere in these tokens (each once). */
  candidates(tokens: readonly TokenForms[]): Set<P> {
    const found = new Set<IndexEntry<P>>();
    const add = (id: string) => {
      const bucket = this.buckets.get(id);
      if (bucket) for (const entry of bucket) found.add(entry);
    };
    for (const token of tokens) {
      const lookups: Array<[IndexKey['form'], string]> = [['text', token.text]];
      for (const stem of token.stems) lookups.push(['stem', stem]);
      for (const stem of token.persianStems) lookups.push(['pstem', stem]);
      for (const skeleton of token.skeletons) lookups.push(['skel', skeleton]);
      if (token.latinSkeleton) lookups.push(['latin', token.latinSkeleton]);
      for (const [form, value] of lookups) {
        add(keyOf(form, value, false));
        add(keyOf(form, head(value), true));
        if ([...value].length > 1) add(keyOf(form, [...value][0]!, true)); // one-character prefix words
      }
    }
    return new Set([...found].map((entry) => entry.pattern()));
  }
}

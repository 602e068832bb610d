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
    for (const token of tokens) {
      this.lookUp(found, 'text', token.text);
      for (const stem of token.stems) this.lookUp(found, 'stem', stem);
      for (const stem of token.persianStems) this.lookUp(found, 'pstem', stem);
      for (const skeleton of token.skeletons) this.lookUp(found, 'skel', skeleton);
      if (token.latinSkeleton) this.lookUp(found, 'latin', token.latinSkeleton);
    }
    const patterns = new Set<P>();
    for (const entry of found) patterns.add(entry.pattern());
    return patterns;
  }

  /** Adds the entries a word form may start: whole, by its first two characters, by its first one. */
  private lookUp(found: Set<IndexEntry<P>>, form: IndexKey['form'], value: string): void {
    this.add(found, keyOf(form, value, false));
    const chars = Array.from(value);
    this.add(found, keyOf(form, chars.length > 2 ? `${chars[0]}${chars[1]}` : value, true));
    if (chars.length > 1) this.add(found, keyOf(form, chars[0]!, true)); // one-character prefix words
  }

  private add(found: Set<IndexEntry<P>>, id: string): void {
    const bucket = this.buckets.get(id);
    if (bucket) for (const entry of bucket) found.add(entry);
  }
}

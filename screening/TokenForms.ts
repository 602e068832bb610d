/**
 * The forms a token can be matched in: as written (normalised), without Arabic-script clitics,
 * as an Ethiopic consonant skeleton (with and without Tigrinya prefixes), as an Arabizi/Finglish skeleton.
 * A lexicon term and a message token match when they share a form of the same kind.
 */
import { arabiziSkeleton, ethiopicSkeleton, isEthiopic } from '../language/skeletons.js';

/** How a token is written. */
export type Script = 'arabic' | 'ethiopic' | 'latin' | 'other';

/** One token, prepared for matching. */
export interface TokenForms {
  text: string;
  script: Script;
  /** Arabic script: the token and its stems without Arabic proclitics (و ف ب ل ك ال س …). */
  stems: string[];
  /** Arabic script: the token and its stems without the Persian proclitics (و, ب) only. */
  persianStems: string[];
  /** Ethiopic: skeletons of the token and of it without common Tigrinya prefixes. */
  skeletons: string[];
  /** Latin: the Arabizi/Finglish skeleton (vowels dropped, digraphs folded). */
  latinSkeleton: string;
}

const ARABIC_PROCLITICS = ['وبال', 'وال', 'بال', 'فال', 'كال', 'لل', 'ال', 'و', 'ف', 'ب', 'ل', 'ك', 'س'];
/** Dari/Persian has far fewer: "و" (and) and the verbal/prepositional "ب". */
const PERSIAN_PROCLITICS = ['و', 'ب'];
/** Tigrinya prefixes (prepositions, conjunctions, verb prefixes), as skeletons of their first syllables. */
const TIGRINYA_PREFIXES = ['ክ', 'ን', 'ብ', 'ዝ', 'ከም', 'ምስ', 'ኣብ', 'ናብ', 'ዘይ', 'ኣይ', 'እን', 'ይ', 'ት', 'ም', 'ተ', 'ኣ'].map(ethiopicSkeleton);

function scriptOf(token: string): Script {
  const first = token.codePointAt(0) ?? 0;
  if (first >= 0x0600 && first <= 0x06ff) return 'arabic';
  if (isEthiopic(token[0] ?? '')) return 'ethiopic';
  if (/^[a-z0-9$]+$/.test(token)) return 'latin';
  return 'other';
}

/** Stems of an Arabic-script word: itself, then without each matching proclitic (keeping ≥ 2 letters). */
export function arabicStems(token: string, proclitics: readonly string[] = ARABIC_PROCLITICS): string[] {
  const stems = new Set([token]);
  for (const clitic of proclitics) {
    if (token.startsWith(clitic) && token.length - clitic.length >= 2) stems.add(token.slice(clitic.length));
  }
  return [...stems];
}

/** Skeletons of an Ethiopic word: itself, then without each matching prefix (keeping ≥ 2 syllables). */
export function ethiopicSkeletons(token: string): string[] {
  const skeleton = ethiopicSkeleton(token);
  const all = new Set([skeleton]);
  for (const prefix of TIGRINYA_PREFIXES) {
    if (skeleton.startsWith(prefix) && [...skeleton].length - [...prefix].length >= 2) all.add(skeleton.slice(prefix.length));
  }
  return [...all];
}

/** Prepares a normalised token for matching. */
export function tokenForms(token: string): TokenForms {
  const script = scriptOf(token);
  return {
    text: token,
    script,
    stems: script === 'arabic' ? arabicStems(token) : [token],
    persianStems: script === 'arabic' ? arabicStems(token, PERSIAN_PROCLITICS) : [token],
    skeletons: script === 'ethiopic' ? ethiopicSkeletons(token) : [],
    latinSkeleton: script === 'latin' ? arabiziSkeleton(token) : '',
  };
}

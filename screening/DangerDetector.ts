/**
 * Danger rules, before any classifier: the lexicons of all five languages are applied to every
 * message (a wrong language guess must never hide a threat). Harmless look-alikes are taken out,
 * "I am not in danger" cancels only the generic words, and what is left decides:
 * an acute category → "urgent" (112 first, then the question), anything else → "check" (ask).
 *
 * Negation and joking lower a reading, never to silence on their own: an acute match with a
 * negation in the three words before it ("nobody hit me") is only a "check" (a gentle question);
 * a threat or violence match in a joking message ("lol", laughing emoji) is a "check" too; a
 * negated or joking match in a message that also says "I am safe" counts as nothing. Suicide,
 * self-harm, sexual violence, being locked in and being forced into a car never become "none" by a
 * joke marker.
 */
import { findPattern, type LexiconPattern, type PatternMatch } from './LexiconPattern.js';
import { CANCELLED_BY_NOT_DANGER, URGENT_CATEGORIES, type CategoryPattern, type CompiledDangerLexicon, type DangerCategory } from './DangerLexicon.js';
import type { LexiconIndex } from './LexiconIndex.js';
import type { TokenForms } from './TokenForms.js';

/** What the danger rules found. */
export interface DangerResult {
  danger: boolean;
  level: 'urgent' | 'check' | 'none';
  categories: DangerCategory[];
  /** The message says the young person is not in danger / is safe. */
  saysSafe: boolean;
  /** A danger match was negated ("nobody hit me") or the message jokes ("lol", 😂). */
  softened: boolean;
  /** The message jokes (joke markers or laughing emoji). */
  joking: boolean;
  /** Every match was softened (negated or joking): the reading rests on nothing plain. */
  onlySoftened: boolean;
}

/** Options of one detection. */
export interface DetectOptions {
  /** The raw message has laughing emoji (tokens do not keep emoji). */
  laughing?: boolean;
}

/** Categories a joke marker may soften (never suicide, self-harm, sexual violence, confinement, forced car). */
const JOKE_SOFTENS: ReadonlySet<DangerCategory> = new Set(['threat', 'violence', 'danger_generic', 'fear', 'followed', 'urgent_help']);
/** Acute categories a joke turns from "112 first" into the gentle question. */
const JOKE_ASKS: ReadonlySet<DangerCategory> = new Set(['suicide', 'self_harm']);
/** How many words may stand between a negation and the match it negates. */
const NEGATION_WINDOW = 3;
/** Conditional words of the five languages (normalised; Latin transliterations too): "if you don't …". */
const CONDITIONALS: ReadonlySet<string> = new Set(['if', 'unless', 'als', 'tenzij', 'anders', 'agar', 'aga', 'eger', 'iza', 'eza', 'law', 'lw', 'اگر', 'اگه', 'اذا', 'ان', 'لو', 'لاو', 'እንተ', 'ente', 'ente', 'inte']);

const within = (inner: PatternMatch, outer: PatternMatch) => outer.start <= inner.start && inner.end <= outer.end;

/** Applies the compiled lexicons to a message's tokens. */
export class DangerDetector {
  private readonly danger: LexiconIndex<CategoryPattern>;
  private readonly benign: LexiconIndex<LexiconPattern>;
  private readonly notDanger: LexiconIndex<LexiconPattern>;
  private readonly negations: LexiconIndex<LexiconPattern> | undefined;
  private readonly jokeMarkers: LexiconIndex<LexiconPattern> | undefined;

  constructor(lexicon: Pick<CompiledDangerLexicon, 'danger' | 'benign' | 'notDanger'> & Partial<Pick<CompiledDangerLexicon, 'negations' | 'jokeMarkers'>>) {
    this.danger = lexicon.danger;
    this.benign = lexicon.benign;
    this.notDanger = lexicon.notDanger;
    this.negations = lexicon.negations;
    this.jokeMarkers = lexicon.jokeMarkers;
  }

  /** Finds danger in tokens (see screening/TokenForms.ts). */
  detect(tokens: TokenForms[], options: DetectOptions = {}): DangerResult {
    const benign = [...this.benign.candidates(tokens)].flatMap((pattern) => findPattern(pattern, tokens));
    const saysSafe = [...this.notDanger.candidates(tokens)].some((pattern) => findPattern(pattern, tokens).length > 0);
    const negations = this.negations ? [...this.negations.candidates(tokens)].flatMap((pattern) => findPattern(pattern, tokens)) : [];
    const joking = options.laughing === true || (this.jokeMarkers ? [...this.jokeMarkers.candidates(tokens)].some((pattern) => findPattern(pattern, tokens).length > 0) : false);
    // "If you don't pay we kill you" is a threat, not a negated harm: a negation right after a
    // conditional word does not count.
    const negated = (match: PatternMatch) =>
      negations.some((n) => n.end <= match.start && match.start - n.end < NEGATION_WINDOW && !CONDITIONALS.has(tokens[n.start - 1]?.text ?? '') && !CONDITIONALS.has(tokens[n.start - 2]?.text ?? ''));
    /** Categories with a plain match, and those whose every match was softened. */
    const plain = new Set<DangerCategory>();
    const soft = new Set<DangerCategory>();
    for (const pattern of this.danger.candidates(tokens)) {
      if (plain.has(pattern.category)) continue;
      if (saysSafe && CANCELLED_BY_NOT_DANGER.has(pattern.category)) continue;
      const matches = findPattern(pattern, tokens).filter((match) => !benign.some((b) => within(match, b)));
      for (const match of matches) {
        if (negated(match) || (joking && JOKE_SOFTENS.has(pattern.category))) soft.add(pattern.category);
        else plain.add(pattern.category);
      }
    }
    for (const category of plain) soft.delete(category);
    const found = [...plain];
    let level: DangerResult['level'] = found.some((c) => URGENT_CATEGORIES.has(c)) ? 'urgent' : found.length > 0 ? 'check' : 'none';
    // "I'll kill myself 😂": suicide and self-harm are never dismissed, but a joking one is asked about
    // gently (the question) rather than answered with 112 first.
    if (level === 'urgent' && joking && found.every((c) => !URGENT_CATEGORIES.has(c) || JOKE_ASKS.has(c))) level = 'check';
    // Softened matches alone: a gentle question, or nothing when the message also says "I am safe".
    if (level === 'none' && soft.size > 0 && !saysSafe) level = 'check';
    const categories = level === 'none' ? [] : [...found, ...(found.length ? [] : [...soft])];
    return { danger: level !== 'none', level, categories, saysSafe, softened: soft.size > 0, joking, onlySoftened: found.length === 0 && soft.size > 0 };
  }
}

/**
 * The counsellors' phrasebook: short phrases grouped by the moment of a conversation
 * (locales/<lng>/phrases.json, groups in PHRASE_GROUPS order), each with its meaning in Dutch and
 * English, the text the young person gets in their language, and whether that text was reviewed
 * (locales/<lng>/review.json records the phrasebook phrase by phrase). One job: list the phrases,
 * validate a key, give the text of a key. The texts do not change while the server runs: read once.
 */
import { PHRASE_GROUPS, type Phrase, type PhrasebookAnswer, type PhraseGroupId, type PhraseReviewAnswer } from '../contracts/counsellorApi.js';
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { readReview, reviewStatus, type LanguageReview } from '../texts/localeFiles.js';
import type { Translator } from '../texts/Translator.js';

/** The namespace of the phrases: a phrase `safety.safeNow` is the text `phrases:safety.safeNow`. */
export const PHRASES_NAMESPACE = 'phrases';

/**
 * The nine quick replies the console had before the phrasebook, by their old key: the
 * quick-replies routes still accept them.
 */
export const FORMER_QUICK_REPLIES: Readonly<Record<string, string>> = Object.freeze({
  hello: 'opening.hello',
  tellMore: 'opening.tellMore',
  noDetails: 'opening.noDetails',
  safeNow: 'safety.safeNow',
  call112: 'safety.call112',
  interpreter: 'interpreter.notMyLanguage',
  takeTime: 'waiting.takeTime',
  endingSoon: 'closing.endingSoon',
  goodbye: 'closing.goodbye',
});

/** What the phrasebook is built from besides the texts. */
export interface PhrasebookOptions {
  /** The review record of a language (default: locales/<lng>/review.json). */
  review?: (language: Language) => LanguageReview;
}

/** The phrases, by group, for the console and the coordinators. */
export class Phrasebook {
  private readonly groups: Array<{ id: PhraseGroupId; keys: string[] }>;
  private readonly known: ReadonlySet<string>;
  private readonly reviews: ReadonlyMap<Language, LanguageReview>;

  constructor(
    private readonly translator: Pick<Translator, 'namespace' | 'forLanguage'>,
    options: PhrasebookOptions = {},
  ) {
    // English is the reference: the locale check keeps every language to its keys.
    const tree = translator.namespace('en', PHRASES_NAMESPACE);
    this.groups = PHRASE_GROUPS.map((id) => {
      const group = tree[id];
      const names = group && typeof group === 'object' && !Array.isArray(group) ? Object.keys(group).filter((name) => typeof (group as Record<string, unknown>)[name] === 'string') : [];
      return { id, keys: names.map((name) => `${id}.${name}`) };
    }).filter((group) => group.keys.length > 0);
    this.known = new Set(this.groups.flatMap((group) => group.keys));
    const review = options.review ?? ((language: Language) => readReview(language));
    this.reviews = new Map(LANGUAGES.map((language) => [language, review(language)]));
  }

  /** Every phrase key (`group.name`), in order. */
  keys(): string[] {
    return this.groups.flatMap((group) => group.keys);
  }

  /**
   * The phrase a key stands for: a phrase key (`safety.safeNow`) or a former quick reply's key
   * (`safeNow`); undefined for anything else.
   */
  resolve(key: unknown): string | undefined {
    if (typeof key !== 'string') return undefined;
    if (this.known.has(key)) return key;
    const former = Object.hasOwn(FORMER_QUICK_REPLIES, key) ? FORMER_QUICK_REPLIES[key] : undefined;
    return former && this.known.has(former) ? former : undefined;
  }

  /** The text of a phrase in one language (help lines filled in), or undefined when that language has none. */
  text(language: Language, key: string): string | undefined {
    if (!this.known.has(key)) return undefined;
    const [group, name] = key.split('.') as [string, string];
    const texts = this.translator.namespace(language, PHRASES_NAMESPACE)[group] as Record<string, unknown> | undefined;
    if (typeof texts?.[name] !== 'string' || !(texts[name] as string).trim()) return undefined;
    return String(this.translator.forLanguage(language)(`${PHRASES_NAMESPACE}:${key}`));
  }

  /** Whether a fluent reviewer signed off the phrase's text in that language. */
  reviewed(language: Language, key: string): boolean {
    return reviewStatus(this.reviews.get(language) ?? {}, PHRASES_NAMESPACE, key) === 'reviewed';
  }

  /** The phrasebook for a young person's language: each group with its phrases. */
  list(language: Language): PhrasebookAnswer {
    return {
      language,
      groups: this.groups.map((group) => ({ id: group.id, phrases: group.keys.map((key) => this.phrase(language, key)) })),
    };
  }

  /** One phrase: its meaning in Dutch and English, its text in the young person's language, and whether that text was reviewed. */
  phrase(language: Language, key: string): Phrase {
    const text = this.text(language, key);
    return {
      key,
      nl: this.text('nl', key) ?? key,
      en: this.text('en', key) ?? key,
      ...(text === undefined ? {} : { text }),
      reviewed: text !== undefined && this.reviewed(language, key),
    };
  }

  /** For coordinators: per language, how many phrases there are and which are not reviewed yet. */
  review(): PhraseReviewAnswer {
    const keys = this.keys();
    const languages = LANGUAGES.map((language) => {
      const unreviewed = keys.filter((key) => this.text(language, key) === undefined || !this.reviewed(language, key));
      return { language, phrases: keys.length, reviewed: keys.length - unreviewed.length, unreviewed };
    });
    const meanings = Object.fromEntries(keys.map((key) => [key, { nl: this.text('nl', key) ?? key, en: this.text('en', key) ?? key }]));
    return { languages, meanings };
  }
}

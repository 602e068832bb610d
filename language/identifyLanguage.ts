/**
 * Which of Lantern's five languages a message is in: script first, then words.
 * - Ethiopic script → Tigrinya (general language-id libraries call Tigrinya Amharic; never ask them).
 * - Arabic script → Dari when Persian letters (پ چ ژ گ ی ک) or Dari function words appear, else Arabic.
 * - Latin script, two words or more → a character n-gram model trained on the Latin-letter
 *   writing of all five languages (language/LatinLanguageModel.ts: English, Dutch, Arabizi,
 *   Finglish, Tigrinya in Latin letters); one word → Arabizi/Finglish cues, else English or Dutch
 *   by word lists and franc-min limited to those two.
 * Returns "und" when a message has too little to go on.
 */
import { franc } from 'franc-min';
import type { Language } from '../contracts/languages.js';
import { LatinLanguageModel, latinWords } from './LatinLanguageModel.js';
import { tokenize } from './normalize.js';

let latinModel: LatinLanguageModel | undefined | null = null;
/**
 * Loads the shipped Latin-letter model (undefined before `npm run build:model`). Called at start-up
 * by Screener.load, so the first young person's message does not pay for it; otherwise on first use.
 */
export function loadLanguageModel(): LatinLanguageModel | undefined {
  if (latinModel === null) latinModel = LatinLanguageModel.load();
  return latinModel;
}

/** A language code, or "und" (undetermined). */
export type IdentifiedLanguage = Language | 'und';

const PERSIAN_LETTERS = /[پچژگیک]/;
/** Dari/Persian function words that Arabic does not have (normalised spelling: ي, ك). */
const DARI_WORDS = new Set(['است', 'هستم', 'هست', 'نيست', 'ميخواهم', 'ميكنم', 'من', 'تو', 'او', 'ما', 'شما', 'اين', 'آن', 'ان', 'را', 'كه', 'با', 'از', 'به', 'در', 'چي', 'چه', 'كجا', 'چطور', 'مره', 'برايم', 'برا', 'نميخواهم', 'ميشه', 'ميشود', 'بسيار', 'خيلي', 'هم', 'يك', 'كمك', 'پول', 'گپ', 'نفر', 'بچه', 'مي', 'نمي', 'شد', 'شده', 'كرد', 'كردم', 'دارم', 'ندارم', 'باشم', 'هستي']);
/** Arabic function words that Dari does not use. */
const ARABIC_WORDS = new Set(['انا', 'انت', 'هو', 'هي', 'نحن', 'هذا', 'هذه', 'الذي', 'التي', 'في', 'على', 'الى', 'عن', 'مع', 'لا', 'لم', 'لن', 'ما', 'ماذا', 'كيف', 'اين', 'هل', 'يا', 'اريد', 'بدي', 'عندي', 'ليس', 'كان', 'كانت', 'قد', 'حتى', 'لكن', 'او', 'اذا', 'لو', 'الان', 'شي', 'شو', 'مش', 'كتير', 'انو']);
/** Words typical of Arabizi (Arabic in Latin letters). */
const ARABIZI_WORDS = new Set(['ana', 'enta', 'inta', 'enti', 'howa', 'hiya', 'ma3', 'fi', 'fe', 'mesh', 'mish', 'msh', 'bidi', 'baddi', 'biddi', 'badi', '3andi', 'andi', 'wallah', 'walla', 'yalla', 'habibi', 'shu', 'sho', 'eh', 'la2', 'khalas', 'kteer', 'ktir', 'kter', 'ahlan', 'marhaba', 'salam', 'shukran', 'ya', 'leh', 'lesh', 'leish', 'keef', 'kif', 'kifak', 'ento', 'hay', 'hada', 'hadi', 'hal2', 'halla2', 'lazem', 'lazim', 'ba3d', 'bas', 'momken', 'mumkin', 'ayez', 'aiz', 'bade', 'ahl', 'khatar', '5atar', 'sa3idni', 'sa3dni', 'musa3ada', 'mosa3ada', 'el', 'al', 'wa', 'ma', 'bi', 'b', 'ila', 'ala', '3ala', 'min', 'mn', 'eza', 'iza', '3am', 'ma3i', 'l', 'shi', 'wen', 'hon', 'hek', 'kaman', 'kamen', 'b3d', '2al', '3a', '3al', 'ya3ni', 'yani', 'akid', 'tayeb', 'aywa', '2ana', 'hal', 'lazm', 'ma3', 'wla', 'wala', 'ba3rf', 'ba3ref', 'mafi', 'ma fi', 'fi', 'bas', 'meen', 'min', 'leh', 'elly', 'illi', 'yalli']);
/** Words typical of Finglish (Dari/Persian in Latin letters). */
const FINGLISH_WORDS = new Set(['man', 'man', 'hastam', 'hastum', 'ast', 'mekhaham', 'mikhaham', 'mikham', 'mekhayum', 'komak', 'kumak', 'lotfan', 'khatar', 'chi', 'chera', 'kojas', 'koja', 'mara', 'ra', 'ba', 'az', 'dar', 'kho', 'khob', 'bale', 'baleh', 'nist', 'nistam', 'mekonam', 'mikonam', 'ye', 'yak', 'pisa', 'paisa', 'gap', 'bezanam', 'chetor', 'chitor', 'tashakor', 'tashakur', 'salam', 'jan', 'bacha', 'khana', 'kar', 'mitarsam', 'metarsam', 'tars']);

/** Frequent Dutch and English words that the other language does not share. */
const DUTCH_WORDS = new Set(['ik', 'je', 'jij', 'jou', 'jouw', 'het', 'een', 'niet', 'ben', 'bent', 'de', 'van', 'mijn', 'en', 'wat', 'waar', 'hoe', 'met', 'op', 'dat', 'die', 'er', 'maar', 'ze', 'zij', 'hij', 'wij', 'mij', 'kan', 'wil', 'heb', 'moet', 'nu', 'geen', 'ook', 'als', 'dan', 'naar', 'bij', 'voor', 'zijn', 'hebben', 'gaan', 'word', 'wordt', 'mag', 'hallo', 'hoi', 'doei', 'bang', 'geld', 'hulp', 'mensen', 'iemand', 'waarom', 'wie']);
const ENGLISH_WORDS = new Set(['i', 'you', 'the', 'a', 'an', 'am', 'are', 'not', 'my', 'and', 'what', 'where', 'how', 'with', 'on', 'that', 'they', 'he', 'she', 'we', 'me', 'can', 'want', 'have', 'must', 'now', 'no', 'dont', 'im', 'to', 'of', 'in', 'for', 'is', 'it', 'be', 'will', 'would', 'do', 'does', 'if', 'hello', 'hi', 'please', 'scared', 'money', 'someone', 'people', 'why', 'who', 'help']);

/** Share of a message's Latin tokens that are Arabizi: a digit inside a word (3, 7, 2, 5, 9) or a known word. */
function arabiziScore(tokens: string[]): number {
  if (tokens.length === 0) return 0;
  const hits = tokens.filter((t) => ARABIZI_WORDS.has(t) || /[a-z][2-9]|[2-9][a-z]/.test(t)).length;
  return hits / tokens.length;
}

function finglishScore(tokens: string[]): number {
  if (tokens.length === 0) return 0;
  return tokens.filter((t) => FINGLISH_WORDS.has(t)).length / tokens.length;
}

/** Identifies the language of a message (raw text, as typed; `tokens`: its `tokenize`, when the caller has it). */
export function identifyLanguage(text: string, tokens?: readonly string[]): IdentifiedLanguage {
  let ethiopic = 0;
  let arabic = 0;
  let latin = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x1200 && code <= 0x139f) ethiopic += 1;
    else if ((code >= 0x0600 && code <= 0x06ff) || (code >= 0x0750 && code <= 0x077f) || (code >= 0xfb50 && code <= 0xfeff)) arabic += 1;
    else if (/\p{Script=Latin}/u.test(char)) latin += 1;
  }
  const letters = ethiopic + arabic + latin;
  if (letters === 0) return 'und';
  tokens ??= tokenize(text);
  // Code-switching: a young person who writes two or more words in Ge'ez or Arabic script, amid
  // English or Dutch ones, writes in their own language (an Ethiopic syllable is about two Latin letters).
  const ethiopicWords = tokens.filter((t) => /^[\u1200-\u139f]/u.test(t)).length;
  const arabicWords = tokens.filter((t) => /^[\u0600-\u06ff\u0750-\u077f]/u.test(t)).length;
  if ((ethiopic * 2 >= arabic && ethiopic * 2 >= latin) || (ethiopicWords >= 2 && ethiopicWords >= arabicWords)) return 'ti';
  if (arabic >= latin || arabicWords >= 2) {
    if (PERSIAN_LETTERS.test(text)) return 'prs';
    const dari = tokens.filter((t) => DARI_WORDS.has(t)).length;
    const arab = tokens.filter((t) => ARABIC_WORDS.has(t) || t.startsWith('ال')).length;
    return dari > arab ? 'prs' : 'ar';
  }
  const latinTokens = tokens.filter((t) => /^[a-z0-9]+$/.test(t));
  // Two or more words: the character n-gram model trained on every language's Latin-letter writing
  // (English, Dutch, Arabizi, Finglish, Tigrinya in Latin letters).
  const words = latinWords(text);
  if (words.length >= 2) {
    const guess = loadLanguageModel()?.guess(words);
    if (guess) return guess.language;
  }
  const arabizi = arabiziScore(latinTokens);
  const finglish = finglishScore(latinTokens);
  if (arabizi >= 0.3 && arabizi >= finglish) return 'ar';
  if (finglish >= 0.34) return 'prs';
  if (latinTokens.length === 0) return 'und';
  const dutch = latinTokens.filter((t) => DUTCH_WORDS.has(t)).length;
  const english = latinTokens.filter((t) => ENGLISH_WORDS.has(t)).length;
  if (dutch >= 2 * Math.max(english, 1) - 1 && dutch > english) return 'nl';
  if (english >= 2 * Math.max(dutch, 1) - 1 && english > dutch) return 'en';
  const guess = franc(text, { only: ['eng', 'nld'], minLength: 1 });
  if (guess === 'nld') return 'nl';
  if (guess === 'eng') return 'en';
  return 'und';
}

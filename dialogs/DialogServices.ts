/**
 * What every dialog gets: texts, the conversation profile, and the handoff gateway.
 * Passed in once (like a typed context), so dialogs hold no globals.
 */
import type { TurnContext } from 'botbuilder';
import type { ConversationProfile } from './ConversationProfile.js';
import type { SafeWords } from './SafeWords.js';
import type { LocalizedChoices } from './localizedChoices.js';
import type { Language } from '../contracts/languages.js';
import type { Translate, Translator } from '../texts/Translator.js';
import type { HandoffGateway } from '../handoff/HandoffGateway.js';
import type { MetricsRecorder } from '../metrics/MetricsRecorder.js';
import type { ConversationEraser } from '../privacy/ConversationEraser.js';
import type { Screener } from '../screening/Screener.js';
import type { ReturnCodes } from '../directline/ReturnCodes.js';
import type { ConversationRetention } from '../directline/ConversationRetention.js';
import { textLogOf } from '../texts/textLog.js';

/** Services shared by all dialogs. */
export interface DialogServices {
  translator: Translator;
  /** Every language's buttons, made once. */
  choices: LocalizedChoices;
  /** The clock (tests fix it): what is open "now" depends on it. */
  now: () => Date;
  profile: ConversationProfile;
  handoff: HandoffGateway;
  screener: Screener;
  metrics: MetricsRecorder;
  eraser: ConversationEraser;
  /** The conversation's safe word (kept as a hash in its state). */
  safeWords: SafeWords;
  /** Return codes (absent: the bot says it cannot give one). */
  returnCodes?: Pick<ReturnCodes, 'issue' | 'revoke' | 'ttlSeconds'> & Partial<Pick<ReturnCodes, 'lifetime'>>;
  /** The conversations' retention: keeping one longer, once (absent: the bot says it cannot). */
  retention?: Pick<ConversationRetention, 'extend' | 'isExtended' | 'available' | 'extendedTtlSeconds'>;
}

/** Records that the young person entered a node of the tree (an anonymous count, with the node it came from). */
export async function enterNode(services: DialogServices, context: TurnContext, node: string): Promise<void> {
  const profile = await services.profile.get(context);
  const from = profile.lastNode ?? 'start';
  profile.lastNode = node;
  await services.metrics.record({ name: 'node', lang: profile.language ?? 'en', node, from });
}

/** The conversation's language, falling back to English before one is chosen. */
export async function languageOf(services: DialogServices, context: TurnContext): Promise<Language> {
  return (await services.profile.language(context)) ?? 'en';
}

/** The translate function for this turn's conversation. */
export async function textsFor(services: DialogServices, context: TurnContext): Promise<Translate> {
  return services.translator.forLanguage(await languageOf(services, context), textLogOf(context));
}

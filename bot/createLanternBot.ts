/**
 * Builds the bot and everything it needs, in one place, for the server and for tests alike.
 */
import type { ConversationState, Storage } from 'botbuilder';
import { LanternConversationState } from './LanternConversationState.js';
import { MainDialog } from '../dialogs/MainDialog.js';
import type { MetricsRecorder } from '../metrics/MetricsRecorder.js';
import type { ConversationEraser } from '../privacy/ConversationEraser.js';
import type { ReturnCodes } from '../directline/ReturnCodes.js';
import type { ConversationRetention } from '../directline/ConversationRetention.js';
import { Screener } from '../screening/Screener.js';
import type { HandoffGateway } from '../handoff/HandoffGateway.js';
import { CommandRecognizer } from '../dialogs/CommandRecognizer.js';
import { ConversationProfile } from '../dialogs/ConversationProfile.js';
import { SafeWords } from '../dialogs/SafeWords.js';
import { LocalizedChoices } from '../dialogs/localizedChoices.js';
import { LanternBot } from './LanternBot.js';
import { ChatScreening } from './chatScreening.js';
import { SafeWordSignal } from './safeWordSignal.js';
import { createTurnErrorHandler, type ErrorLog } from './turnErrorHandler.js';
import { rememberEventTimezone } from './eventTimezone.js';
import { Translator } from '../texts/Translator.js';

/** Options of createLanternBot. */
export interface LanternBotParts {
  storage: Storage;
  handoff: HandoffGateway;
  /** Hours messages are kept (shown to the young person). */
  retentionHours: number;
  log: ErrorLog;
  translator?: Translator;
  /** Free-text screening (default: lexicons from locales/ and the shipped model). */
  screener?: Screener;
  /** Anonymous counters. */
  metrics: MetricsRecorder;
  /** "Delete my conversation". */
  eraser: ConversationEraser;
  /** Return codes (absent: the bot says it cannot give one). */
  returnCodes?: ReturnCodes;
  /** The conversations' retention, to keep one longer (absent: the bot says it cannot). */
  retention?: ConversationRetention;
  /** The clock for what depends on the time (which help lines are open now); tests fix it. */
  now?: () => Date;
}

/** The bot with its state, dialogs and error handler. */
export interface BuiltBot {
  bot: LanternBot;
  translator: Translator;
  conversationState: ConversationState;
  profile: ConversationProfile;
  onTurnError: ReturnType<typeof createTurnErrorHandler>;
  mainDialog: MainDialog;
  /** The clock the dialogs use. */
  now: () => Date;
}

/** Wires the bot from its parts. */
export function createLanternBot(parts: LanternBotParts): BuiltBot {
  rememberEventTimezone();
  const translator = parts.translator ?? new Translator({ variables: { retentionHours: parts.retentionHours } });
  const conversationState = new LanternConversationState(parts.storage);
  const profile = new ConversationProfile(conversationState);
  const now = parts.now ?? (() => new Date());
  const safeWords = new SafeWords(conversationState);
  const services = { translator, choices: new LocalizedChoices(translator), now, profile, handoff: parts.handoff, screener: parts.screener ?? Screener.load(), metrics: parts.metrics, eraser: parts.eraser, returnCodes: parts.returnCodes, retention: parts.retention, safeWords };
  const commands = new CommandRecognizer(translator);
  const mainDialog = new MainDialog(services, commands);
  const chatScreening = new ChatScreening({ screener: services.screener, handoff: parts.handoff, profile, metrics: parts.metrics });
  const safeWord = new SafeWordSignal({ safeWords, profile, handoff: parts.handoff, translator, metrics: parts.metrics });
  const bot = new LanternBot({ conversationState, profile, translator, mainDialog, handoff: parts.handoff, metrics: parts.metrics, commands, chatScreening, returnCodes: parts.returnCodes, safeWord });
  const onTurnError = createTurnErrorHandler({ conversationState, profile, translator, log: parts.log });
  return { bot, translator, conversationState, profile, onTurnError, mainDialog, now };
}

/**
 * Screening while a counsellor has the chat: the bot stays silent, but every message the young
 * person types is still screened, and a danger or exploitation reading goes to the counsellor's
 * side (shown on the message, priority raised, the counsellor alerted). Codes only.
 */
import type { TurnContext } from 'botbuilder';
import type { MessageScreening } from '../contracts/counsellorApi.js';
import type { ConversationProfile } from '../dialogs/ConversationProfile.js';
import { freeTextRoute } from '../dialogs/freeTextRoute.js';
import type { HandoffGateway } from '../handoff/HandoffGateway.js';
import type { MetricsRecorder } from '../metrics/MetricsRecorder.js';
import { EXPLOITATION_SUBTYPES } from '../screening/IntentClassifier.js';
import type { Screener, ScreeningResult } from '../screening/Screener.js';

/** What a screening result means for the counsellor: danger, exploitation, or nothing to show. */
export function readingForCounsellor(result: ScreeningResult): MessageScreening | undefined {
  const route = freeTextRoute(result);
  if (route?.menu.goto === 'danger') return { level: result.level === 'urgent' ? 'urgent' : 'check', categories: [...result.categories] };
  if (route?.raisePriority) {
    const subtypes = result.intents.filter((intent) => EXPLOITATION_SUBTYPES.includes(intent));
    return { level: 'exploitation', categories: subtypes.length > 0 ? subtypes : ['exploitation'] };
  }
  return undefined;
}

/** Screens one typed message of a chat with a counsellor and reports a reading. */
export class ChatScreening {
  constructor(
    private readonly parts: { screener: Screener; handoff: HandoffGateway; profile: ConversationProfile; metrics: MetricsRecorder },
  ) {}

  /** Screens the turn's message (typed text only, not buttons). */
  async screen(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (typeof activity.text !== 'string' || !activity.text.trim() || (activity.value && typeof activity.value === 'object')) return;
    const result = this.parts.screener.screen(activity.text);
    await this.parts.profile.recordFreeText(context, result);
    const lang = (await this.parts.profile.language(context)) ?? 'en';
    await this.parts.metrics.record({ name: 'screening', lang, result: result.level, categories: result.categories });
    const reading = readingForCounsellor(result);
    if (reading && activity.id) await this.parts.handoff.flagDuringChat(activity.conversation.id, activity.id, reading);
  }
}

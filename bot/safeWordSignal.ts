/**
 * The safe word, typed at any time (in any dialog, while waiting, during a counsellor's chat): the
 * screen shows nothing unusual, but the counsellors' side learns that someone may be watching.
 *
 * - The conversation's profile gets the caution `may_be_watched` and the priority of danger.
 * - Nobody on it yet: a person is asked for, as "talk to a person" does (reason `safe_word`), but
 *   without the texts and the `handoff.initiate` / `handoff.status` events that would show it on
 *   the page; the waiting young person's later messages get an ordinary-looking answer (MainDialog)
 *   and the handoff's news is kept off the screen (HandoffNotifier).
 * - The counsellors' side marks the conversation "may be watched" (waiting list, chat panel, the
 *   neutral phrases), raises it and alerts (HandoffGateway.mayBeWatched).
 * - The young person sees an ordinary chat answer (`privacy:safeWord.reply`), never a warning or
 *   "safe word received"; with a counsellor in the chat the bot stays silent, as always.
 *
 * This is where "may be watched" happens (`handle` returning true); it is counted once per
 * conversation (`may_be_watched`, a language code and nothing else).
 */
import type { TurnContext } from 'botbuilder';
import type { ConversationProfile } from '../dialogs/ConversationProfile.js';
import type { SafeWords } from '../dialogs/SafeWords.js';
import type { HandoffContext, HandoffGateway } from '../handoff/HandoffGateway.js';
import type { MetricsRecorder } from '../metrics/MetricsRecorder.js';
import type { Translator } from '../texts/Translator.js';
import { textLogOf } from '../texts/textLog.js';

/** What the safe word's handling needs. */
export interface SafeWordSignalParts {
  safeWords: SafeWords;
  profile: ConversationProfile;
  handoff: HandoffGateway;
  translator: Translator;
  metrics: MetricsRecorder;
}

/** Recognises the safe word and tells the counsellors' side, discreetly. */
export class SafeWordSignal {
  constructor(private readonly parts: SafeWordSignalParts) {}

  /** True when this turn's message is the conversation's safe word (then it was handled: nothing else may answer it). */
  async handle(context: TurnContext): Promise<boolean> {
    const { safeWords, profile, handoff, translator } = this.parts;
    if (!(await safeWords.matches(context))) return false;
    if (!(await profile.mayBeWatched(context))) {
      await this.parts.metrics.record({ name: 'may_be_watched', lang: (await profile.language(context)) ?? 'und' });
    }
    await profile.markMayBeWatched(context);
    const status = await profile.handoffStatus(context);
    if (status === undefined) await this.askForPerson(context);
    await handoff.mayBeWatched(context.activity.conversation.id);
    if (status !== 'accepted') {
      const language = (await profile.language(context)) ?? 'en';
      await context.sendActivity({ type: 'message', text: translator.forLanguage(language, textLogOf(context))('privacy:safeWord.reply') });
    }
    return true;
  }

  /** Asks for a person without a word on the screen; outside opening hours nothing is queued (the texts say so beforehand). */
  private async askForPerson(context: TurnContext): Promise<void> {
    const profile = await this.parts.profile.get(context);
    const activity = context.activity;
    const handoffContext: HandoffContext = {
      conversationId: activity.conversation.id,
      language: profile.language ?? 'en',
      priority: profile.priority,
      topics: [...profile.topics],
      screening: JSON.parse(JSON.stringify(profile.screening)) as HandoffContext['screening'],
      reason: 'safe_word',
    };
    await this.parts.metrics.record({ name: 'handoff_requested', lang: handoffContext.language, priority: handoffContext.priority });
    const outcome = await this.parts.handoff.request(handoffContext, { userId: activity.from.id, serviceUrl: activity.serviceUrl });
    if (outcome.status === 'queued') await this.parts.profile.setHandoffStatus(context, 'waiting');
  }
}

/**
 * The root of the dialog tree: language (from the page, the client's locale, or a choice),
 * a welcome that explains honestly what this chat is, then the menu. Commands interrupt from
 * anywhere (see InterruptibleDialog).
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import {
  DialogSet,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogContext,
  type DialogState,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { LANGUAGE_EVENT, type ChatCommand } from '../contracts/ChatCommand.js';
import type { CommandRecognizer } from './CommandRecognizer.js';
import { isLanguage, languageFromLocale, type Language } from '../contracts/languages.js';
import { EventFactory } from 'botbuilder';
import type { ScreeningResult } from '../screening/Screener.js';
import { activeDialogIds } from './activeDialogIds.js';
import { DangerDialog, SCREENING_TURN_KEY } from './DangerDialog.js';
import { commandButton, commandButtons } from './commandButtons.js';
import { textsFor, type DialogServices } from './DialogServices.js';
import { deleteConversation } from './deleteConversation.js';
import { keepConversationLonger } from './keepLonger.js';
import { giveReturnCode } from './returnCode.js';
import { DialogStateConfiguration } from './DialogStateConfiguration.js';
import { dangerPriority, freeTextRoute } from './freeTextRoute.js';
import { InterruptibleDialog } from './InterruptibleDialog.js';
import { LanguageDialog } from './LanguageDialog.js';
import { MenuDialog, type MenuOptions } from './MenuDialog.js';
import { SAFE_WORD_OWN_PROMPT } from './SafeWordDialog.js';
import { textLogOf } from '../texts/textLog.js';

const WATERFALL = 'mainWaterfall';
/**
 * Turn state: the conversation's first locale, set by the bot only in the turn of the first
 * activity that carries one (the start's `conversationUpdate`, or else the first message or event).
 * Only that locale may choose the language; later ones (Web Chat's `en-US` on every activity) never do.
 */
export const FIRST_LOCALE_TURN_KEY = Symbol('lantern.firstLocale');
/** Words in another language it takes before the bot offers to switch. */
const LANGUAGE_SWITCH_MIN_WORDS = 4;

/** Options of the main waterfall. */
export interface MainOptions {
  /** Ask for the language first (the "language" command). */
  chooseLanguage?: boolean;
  /** Where the menu should go straight away. */
  menu?: MenuOptions;
  /** A command that arrived while no dialog was active (after "stop", or after a counsellor took over). */
  pendingCommand?: ChatCommand;
}

export class MainDialog extends InterruptibleDialog {
  static readonly id = 'mainDialog';
  /** The SDK's memory scopes, built in the first turn and lent to the others. */
  private readonly stateConfiguration = new DialogStateConfiguration();

  constructor(services: DialogServices, commands: CommandRecognizer) {
    super(MainDialog.id, services, commands);
    this.addDialog(new LanguageDialog(services))
      .addDialog(new MenuDialog(services))
      .addDialog(
        new WaterfallDialog(WATERFALL, [this.languageStep.bind(this), this.welcomeStep.bind(this), this.menuStep.bind(this), this.endStep.bind(this)]),
      );
    this.initialDialogId = WATERFALL;
  }

  /** Runs the tree for one turn (begins it when nothing is active). */
  async run(context: TurnContext, accessor: StatePropertyAccessor<DialogState>): Promise<void> {
    let buttonsShown = false;
    context.onSendActivities(async (_ctx, activities, next) => {
      if (activities.some((activity) => activity.suggestedActions?.actions?.length)) buttonsShown = true;
      return next();
    });
    const dialogSet = new DialogSet(accessor);
    dialogSet.add(this);
    this.stateConfiguration.lend(context);
    const dc = await dialogSet.createContext(context);
    this.stateConfiguration.keep(dc);

    const command = this.commands.recognize(context.activity);
    const screening = await this.screenTypedText(context, command !== undefined);
    // While waiting for a person, what the young person types is for the counsellor: a short
    // acknowledgement (danger moves them to the front), whatever dialog is open.
    if (screening && !command && (await this.services.profile.handoffStatus(context)) === 'waiting') {
      await this.acknowledgeWhileWaiting(context, screening);
      return;
    }
    // A question that asks for the young person's own words (their safe word) keeps what they type,
    // unless it reads as danger: a topic guessed from a few words of their own is not a request.
    const ownWords = activeDialogIds(dc).includes(SAFE_WORD_OWN_PROMPT);
    const found = screening && !command ? freeTextRoute(screening) : undefined;
    const route = found && (!ownWords || found.menu.goto === 'danger') ? found : undefined;
    // Danger typed anywhere raises the priority of a later handoff, whatever is answered next.
    const priority = screening && !command ? dangerPriority(screening) : undefined;
    if (priority) await this.services.profile.raisePriority(context, priority);
    if (route && !(route.menu.goto === 'danger' && activeDialogIds(dc).includes(DangerDialog.id))) {
      if (route.raisePriority) await this.services.profile.raisePriority(context, route.raisePriority);
      await dc.cancelAllDialogs();
      await dc.beginDialog(this.id, { menu: route.menu } satisfies MainOptions);
    } else if (!dc.activeDialog && command) {
      // Commands work from every state, also when no dialog is active.
      await dc.beginDialog(this.id, { pendingCommand: command } satisfies MainOptions);
    } else {
      const result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
      // A message always ends with the current question's buttons in view, even when something else
      // (a personal-details warning) was said first and the prompt therefore stayed silent.
      else if (result.status === DialogTurnStatus.waiting && context.activity.type === 'message' && !buttonsShown) {
        await dc.repromptDialog();
      }
    }
    if (screening) await this.offerLanguageSwitch(context, screening);
  }

  /** Acknowledges a message typed while waiting, with the waiting buttons; a danger reading raises the priority. */
  private async acknowledgeWhileWaiting(context: TurnContext, screening: ScreeningResult): Promise<void> {
    const t = await textsFor(this.services, context);
    let keys = ['handoff:waitingAck'];
    // Danger words (the rules) move them to the front; the classifier alone, less sure, moves them
    // up a step and reminds them of 112: never silence, never a false "front of the line".
    const priority = dangerPriority(screening);
    if (priority) {
      await this.services.profile.raisePriority(context, priority);
      await this.services.handoff.raise(context.activity.conversation.id, priority);
      keys = priority === 'danger' ? ['handoff:waitingDanger'] : ['handoff:waitingAck', 'handoff:danger112'];
    }
    if (screening.categories.includes('fear')) keys.unshift('danger:detected.fear');
    // Someone may be reading along (the safe word): an ordinary-looking answer, no words about
    // waiting for a person, no buttons; danger words they typed themselves still get their answer.
    if (!priority && (await this.services.profile.mayBeWatched(context))) {
      await context.sendActivity({ type: 'message', text: t('privacy:safeWord.reply') });
      return;
    }
    const last = keys.pop()!;
    await context.sendActivities([
      ...keys.map((key) => ({ type: 'message', text: t(key) })),
      { type: 'message', text: t(last), suggestedActions: { to: [], actions: commandButtons(t, ['menu', 'cancel_waiting']) } },
    ]);
  }

  /**
   * Screens a typed message (not a button), records its codes, and leaves the result in turn state.
   * Before a language is chosen, a clearly identified language is taken (so a first message in
   * danger is answered in the young person's language without a language question first).
   */
  private async screenTypedText(context: TurnContext, isCommand = false): Promise<ScreeningResult | undefined> {
    const activity = context.activity;
    if (activity.type !== 'message' || typeof activity.text !== 'string' || !activity.text.trim()) return undefined;
    if (activity.value && typeof activity.value === 'object') return undefined;
    const result = this.services.screener.screen(activity.text);
    context.turnState.set(SCREENING_TURN_KEY, result);
    // A command's words ("return code", "keep my chat longer") are not what the young person told us:
    // they never reach the counsellor's "read in the text".
    if (!isCommand) await this.services.profile.recordFreeText(context, result);
    if (!(await this.services.profile.language(context)) && result.lang !== 'und' && (result.words >= 2 || result.danger)) {
      await this.services.profile.setLanguage(context, result.lang);
    }
    const lang = (await this.services.profile.language(context)) ?? 'en';
    await this.services.metrics.record({ name: 'screening', lang, result: result.level, categories: result.categories });
    return result;
  }

  /** Offers (once per language) to switch when several words are clearly in another language; never switches silently. */
  private async offerLanguageSwitch(context: TurnContext, screening: ScreeningResult): Promise<void> {
    const profile = await this.services.profile.get(context);
    const detected = screening.lang;
    if (detected === 'und' || !profile.language || detected === profile.language || screening.words < LANGUAGE_SWITCH_MIN_WORDS) return;
    profile.offeredLanguages ??= [];
    if (profile.offeredLanguages.includes(detected)) return;
    profile.offeredLanguages.push(detected);
    const button = (language: Language) => commandButton(this.services.translator.forLanguage(language, textLogOf(context)), `lang_${language}`, 'language', { language });
    await context.sendActivity({
      type: 'message',
      text: this.services.translator.forLanguage(detected, textLogOf(context))('language:offerSwitch'),
      suggestedActions: { to: [], actions: [button(detected), button(profile.language)] },
    });
  }

  private async languageStep(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    if (step.options?.pendingCommand) return this.onCommand(step, step.options.pendingCommand);
    if (step.options?.chooseLanguage) return step.beginDialog(LanguageDialog.id);
    if (await this.services.profile.language(step.context)) return step.next();
    const activity = step.context.activity;
    const fromEvent = activity.type === 'event' && activity.name === LANGUAGE_EVENT && isLanguage(activity.value) ? activity.value : undefined;
    const language = fromEvent ?? languageFromLocale(step.context.turnState.get(FIRST_LOCALE_TURN_KEY) as string | undefined);
    if (language) {
      await this.services.profile.setLanguage(step.context, language);
      return step.next();
    }
    return step.beginDialog(LanguageDialog.id);
  }

  private async welcomeStep(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    const profile = await this.services.profile.get(step.context);
    if (!profile.greeted) {
      profile.greeted = true;
      await this.services.metrics.record({ name: 'conversation_started', lang: profile.language ?? 'en' });
      // Someone who writes about danger first gets the danger question first, not a welcome.
      if (step.options?.menu?.goto === 'danger') return step.next();
      // At most three messages with the menu's question, so the first buttons (danger first) fit
      // on the first screen of a phone.
      await this.say(step.context, ['welcome:hello', 'welcome:anonymous']);
    }
    return step.next();
  }

  private async menuStep(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    return step.beginDialog(MenuDialog.id, step.options?.menu ?? {});
  }

  private async endStep(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    return step.endDialog();
  }

  protected override async onCommand(innerDc: DialogContext, command: ChatCommand): Promise<DialogTurnResult> {
    switch (command) {
      case 'emergency':
        return this.sayAndReprompt(innerDc, ['common:emergency.call', 'common:emergency.safe']);
      case 'help':
        return this.sayAndReprompt(innerDc, ['common:help.what', 'common:help.buttons', 'common:help.danger']);
      case 'stop':
        await innerDc.cancelAllDialogs();
        await this.say(innerDc.context, ['common:stopped', 'common:emergency.call']);
        return { status: DialogTurnStatus.complete };
      case 'menu':
        return this.restart(innerDc, { menu: { again: true } });
      case 'language': {
        const chosen = (innerDc.context.activity.value as { language?: unknown } | undefined)?.language;
        if (isLanguage(chosen)) return this.onLanguageChosen(innerDc, chosen);
        return this.restart(innerDc, { chooseLanguage: true });
      }
      case 'talk_to_human':
        return this.restart(innerDc, { menu: { goto: 'human', reason: 'talk_to_human' } });
      case 'safe_word':
        return this.restart(innerDc, { menu: { goto: 'safe_word' } });
      case 'cancel_handoff': {
        if (await this.services.handoff.cancel(innerDc.context.activity.conversation.id)) {
          await this.services.metrics.record({ name: 'handoff_cancelled', lang: (await this.services.profile.language(innerDc.context)) ?? 'en' });
        }
        await this.services.profile.setHandoffStatus(innerDc.context, undefined);
        await innerDc.context.sendActivity(EventFactory.createHandoffStatus(innerDc.context.activity.conversation, 'failed', 'cancelled'));
        return this.sayAndReprompt(innerDc, ['handoff:cancelled']);
      }
      case 'keep_waiting':
        return this.sayAndReprompt(innerDc, ['handoff:keepWaiting']);
      case 'delete_conversation':
        await innerDc.cancelAllDialogs();
        await deleteConversation(this.services, innerDc.context);
        return { status: DialogTurnStatus.complete };
      case 'return_code': {
        // With a counsellor in the chat, the bot asks nothing again (and offers no menu).
        const inChat = (await this.services.profile.handoffStatus(innerDc.context)) === 'accepted';
        // The offer to keep the conversation longer has its own buttons: no question after it.
        const offered = await giveReturnCode(this.services, innerDc.context, !inChat);
        if (!inChat && !offered) await innerDc.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      }
      case 'keep_longer':
        await keepConversationLonger(this.services, innerDc.context);
        if ((await this.services.profile.handoffStatus(innerDc.context)) !== 'accepted') await innerDc.repromptDialog();
        return { status: DialogTurnStatus.waiting };
    }
  }

  protected override async onLanguageChosen(innerDc: DialogContext, language: Language): Promise<DialogTurnResult> {
    await innerDc.cancelAllDialogs();
    // The page's own language (its picker) while the bot's language question of the start is still
    // open: that is the answer, taken as the start takes it (no "okay, we continue in …"), then the welcome.
    const activity = innerDc.context.activity;
    if (activity.type === 'event' && activity.name === LANGUAGE_EVENT && !(await this.services.profile.language(innerDc.context))) {
      await this.services.profile.setLanguage(innerDc.context, language);
      return innerDc.beginDialog(WATERFALL, {} satisfies MainOptions);
    }
    await LanguageDialog.applyLanguage(this.services, innerDc, language);
    return innerDc.beginDialog(WATERFALL, { menu: { again: true } } satisfies MainOptions);
  }

  private async restart(innerDc: DialogContext, options: MainOptions): Promise<DialogTurnResult> {
    await innerDc.cancelAllDialogs();
    return innerDc.beginDialog(WATERFALL, options);
  }
}

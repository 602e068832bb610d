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
import { LANGUAGE_EVENT, type ChatCommand } from '../bot/ChatCommand.js';
import type { CommandRecognizer } from '../bot/CommandRecognizer.js';
import { isLanguage, languageFromLocale, type Language } from '../bot/languages.js';
import type { DialogServices } from './DialogServices.js';
import { InterruptibleDialog } from './InterruptibleDialog.js';
import { LanguageDialog } from './LanguageDialog.js';
import { MenuDialog, type MenuOptions } from './MenuDialog.js';

const WATERFALL = 'mainWaterfall';

/** Options of the main waterfall. */
export interface MainOptions {
  /** Ask for the language first (the "language" command). */
  chooseLanguage?: boolean;
  /** Where the menu should go straight away. */
  menu?: MenuOptions;
}

export class MainDialog extends InterruptibleDialog {
  static readonly id = 'mainDialog';

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
    const dc = await dialogSet.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
    // A message always ends with the current question's buttons in view, even when something else
    // (a personal-details warning) was said first and the prompt therefore stayed silent.
    else if (result.status === DialogTurnStatus.waiting && context.activity.type === 'message' && !buttonsShown) {
      await dc.repromptDialog();
    }
  }


  private async languageStep(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    if (step.options?.chooseLanguage) return step.beginDialog(LanguageDialog.id);
    if (await this.services.profile.language(step.context)) return step.next();
    const activity = step.context.activity;
    const fromEvent = activity.type === 'event' && activity.name === LANGUAGE_EVENT && isLanguage(activity.value) ? activity.value : undefined;
    const language = fromEvent ?? languageFromLocale(activity.locale);
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
      await this.say(step.context, ['welcome:hello', 'welcome:what', 'welcome:anonymous', 'welcome:emergency']);
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
      case 'language':
        return this.restart(innerDc, { chooseLanguage: true });
      case 'talk_to_human':
        return this.restart(innerDc, { menu: { goto: 'human', reason: 'talk_to_human' } });
    }
  }

  protected override async onLanguageChosen(innerDc: DialogContext, language: Language): Promise<DialogTurnResult> {
    await innerDc.cancelAllDialogs();
    await LanguageDialog.applyLanguage(this.services, innerDc, language);
    return innerDc.beginDialog(WATERFALL, { menu: { again: true } } satisfies MainOptions);
  }

  private async restart(innerDc: DialogContext, options: MainOptions): Promise<DialogTurnResult> {
    await innerDc.cancelAllDialogs();
    return innerDc.beginDialog(WATERFALL, options);
  }
}

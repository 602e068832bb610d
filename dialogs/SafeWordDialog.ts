/**
 * "Safe word": the young person agrees on a message that, typed later as a whole message anywhere,
 * tells the counsellors' side "may be watched" while the screen shows nothing unusual
 * (bot/safeWordSignal.ts). First what it does and, honestly, what it does not (someone holding the
 * unlocked phone still sees the page and the chat); then the everyday phrase offered in the young
 * person's language (`privacy:safeWord.offered`: a greeting and a question about the weather) or a
 * word of their own. Opened from the menu and by the typed request (the command `safe_word`).
 * The word is kept only as a hash in the conversation's state (SafeWords).
 */
import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CommandRecognizer } from './CommandRecognizer.js';
import { commandButtons } from './commandButtons.js';
import { enterNode, languageOf, textsFor, type DialogServices } from './DialogServices.js';
import { usableSafeWord } from './SafeWords.js';
import { TopicDialog } from './TopicDialog.js';
import { textKeysData } from '../texts/textLog.js';

const WATERFALL = 'safeWordWaterfall';
/** The question for a word of one's own (MainDialog lets what is typed here reach it, danger aside). */
export const SAFE_WORD_OWN_PROMPT = 'safeWordOwnPrompt';

/** The buttons of the choice: the offered phrase, a word of one's own, or back to the menu. */
export const SAFE_WORD_CHOICES = ['safe_word_offered', 'safe_word_own', 'menu'] as const;

/** Agrees on the conversation's safe word (the offered phrase or one's own) after saying honestly what it does. */
export class SafeWordDialog extends TopicDialog {
  static readonly id = 'safeWordDialog';
  private readonly commands: CommandRecognizer;

  constructor(services: DialogServices) {
    super(SafeWordDialog.id, services);
    this.commands = new CommandRecognizer(services.translator);
    this.addDialog(new TextPrompt(SAFE_WORD_OWN_PROMPT, this.validateOwnWord.bind(this)));
    this.addDialog(new WaterfallDialog(WATERFALL, [this.explainStep.bind(this), this.choiceStep.bind(this), this.ownWordStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  /** What a safe word does and does not do, the phrase offered, and the choice. */
  private async explainStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await enterNode(this.services, step.context, 'safe_word');
    const t = await textsFor(this.services, step.context);
    await this.say(step.context, ['privacy:safeWord.what', 'privacy:safeWord.limits', 'privacy:safeWord.offer'], { phrase: t('privacy:safeWord.offered') });
    return this.ask(step, 'privacy:safeWord.choose', SAFE_WORD_CHOICES);
  }

  /** The offered phrase is agreed at once; a word of one's own is asked for. */
  private async choiceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const choice = this.chosen(step);
    if (choice === 'safe_word_offered') {
      const t = await textsFor(this.services, step.context);
      return this.agree(step, t('privacy:safeWord.offered'));
    }
    if (choice !== 'safe_word_own') return this.goto(step, 'menu');
    const t = await textsFor(this.services, step.context);
    // A way back (the menu command) under the question; the word itself is typed.
    const back = { to: [], actions: commandButtons(t, ['menu']) };
    // The SDK keeps both and sends them again as they are: they carry their text keys themselves.
    const language = await languageOf(this.services, step.context);
    return step.prompt(SAFE_WORD_OWN_PROMPT, {
      prompt: { type: 'message', text: t('privacy:safeWord.askOwn'), suggestedActions: back, channelData: textKeysData(language, ['privacy:safeWord.askOwn']) },
      retryPrompt: { type: 'message', text: t('privacy:safeWord.notUsable'), suggestedActions: back, channelData: textKeysData(language, ['privacy:safeWord.notUsable']) },
    });
  }

  /** The young person's own word, once it is usable. */
  private async ownWordStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return this.agree(step, String(step.result ?? ''));
  }

  /** Keeps the word (as a hash), says it back once, and returns to the menu. */
  private async agree(step: WaterfallStepContext, word: string): Promise<DialogTurnResult> {
    await this.services.safeWords.set(step.context, word);
    await this.say(step.context, ['privacy:safeWord.set'], { word: word.trim() });
    return this.goto(step, 'menu');
  }

  /** A usable own word: 2–60 characters after normalisation, not only digits, not a command word ("menu", "help"). */
  private async validateOwnWord(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const text = prompt.recognized.value;
    if (!prompt.recognized.succeeded || typeof text !== 'string') return false;
    return usableSafeWord(text) && this.commands.recognize({ type: 'message', text }) === undefined;
  }
}

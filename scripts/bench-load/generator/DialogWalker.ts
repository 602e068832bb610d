/**
 * What a simulated young person sends next, walking the real dialog tree: first the button of
 * their language (the bot's first question), then mostly a tap on one of the buttons the bot's
 * latest reply suggested, sometimes (and whenever there is no button) a typed text in their
 * language. Taps are sent as the chat page sends a messageBack: the title as text, `{choice}` as value.
 */
import { LANGUAGE_INFO, type Language } from '../../../contracts/languages.js';
import type { SuggestedAction } from './DirectLineConversation.js';
import { staysInTree } from './exampleTexts.js';
import type { Random } from './random.js';

/** The choice id of a button, if it is a tree button the walker may tap. */
function tappableChoice(action: SuggestedAction): string | undefined {
  const value = action.value;
  if (action.type !== 'messageBack' || !value || typeof value !== 'object' || !('choice' in value)) return undefined;
  const choice = (value as { choice: unknown }).choice;
  return typeof choice === 'string' && staysInTree(choice) ? choice : undefined;
}

/** One young person's way through the tree. */
export class DialogWalker {
  private started = false;

  constructor(
    readonly language: Language,
    private readonly texts: readonly string[],
    private readonly random: Random,
    /** Share of turns typed instead of tapped (0..1). */
    private readonly typedShare: number,
  ) {}

  /** The next activity, given the latest suggested actions. */
  next(actions: readonly SuggestedAction[]): Record<string, unknown> {
    if (!this.started) {
      this.started = true;
      return { type: 'message', text: LANGUAGE_INFO[this.language].nativeName, value: { choice: `lang_${this.language}` } };
    }
    const buttons = actions.filter((action) => tappableChoice(action) !== undefined);
    if (buttons.length === 0 || this.random.next() < this.typedShare) return { type: 'message', text: this.random.pick(this.texts) };
    const button = this.random.pick(buttons);
    return { type: 'message', text: button.text ?? button.title ?? '', value: button.value };
  }
}

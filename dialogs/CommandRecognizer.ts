/**
 * Recognises the commands that work from anywhere in the dialog (the CancelAndHelp pattern):
 * a button's `value.command`, or a whole message that is one of the command words of any of the
 * five languages (locales/<lng>/commands.json), or the emergency number from config/helplines.json
 * (so typing "112" works wherever the number is 112). Only whole messages count, so "they won't
 * stop calling me" is never taken for "stop".
 */
import type { Activity } from 'botbuilder';
import { CHAT_COMMANDS, isChatCommand, KEEP_LONGER_EVENT, RETURN_CODE_EVENT, type ChatCommand } from '../contracts/ChatCommand.js';
import { LANGUAGES } from '../contracts/languages.js';
import { normalizeCommand } from '../language/normalize.js';
import type { Translator } from '../texts/Translator.js';

/** Maps messages to commands. */
export class CommandRecognizer {
  private readonly phrases = new Map<string, ChatCommand>();

  constructor(translator: Translator) {
    for (const language of LANGUAGES) {
      for (const command of CHAT_COMMANDS) {
        for (const phrase of translator.list(language, `commands:${command}`)) {
          const key = normalizeCommand(phrase);
          if (key && !this.phrases.has(key)) this.phrases.set(key, command);
        }
      }
    }
    const emergency = translator.variable('emergencyPhone');
    if (emergency !== undefined) this.phrases.set(normalizeCommand(String(emergency)), 'emergency');
  }

  /** The command this activity carries, if any. */
  recognize(activity: Partial<Activity>): ChatCommand | undefined {
    const value = activity.value as { command?: unknown } | undefined;
    if (value && typeof value === 'object' && isChatCommand(value.command)) return value.command;
    if (activity.type === 'event' && activity.name === RETURN_CODE_EVENT) return 'return_code';
    if (activity.type === 'event' && activity.name === KEEP_LONGER_EVENT) return 'keep_longer';
    if (activity.type !== 'message' || typeof activity.text !== 'string') return undefined;
    // A pressed button carries its own meaning; its title may also be a command word ("Talk to a person").
    if (value && typeof value === 'object' && 'choice' in value) return undefined;
    return this.phrases.get(normalizeCommand(activity.text));
  }
}

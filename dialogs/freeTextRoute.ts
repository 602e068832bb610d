/**
 * Where a screened free-text message leads, before the active dialog sees it:
 * danger → the danger path from anywhere (112 first when urgent); exploitation → the right
 * explanation with a person offered (priority raised); talk to a person → the handoff; rights,
 * non-punishment, smuggling → that part of the tree. Anything else stays with the active dialog.
 */
import { EXPLOITATION_SUBTYPES, type Intent } from '../screening/IntentClassifier.js';
import type { ScreeningResult } from '../screening/Screener.js';
import { ExploitationDialog } from './ExploitationDialog.js';
import type { MenuOptions } from './MenuDialog.js';

/** Below this confidence an intent does not take the young person elsewhere. */
export const INTENT_ROUTING_CONFIDENCE = 0.5;
/** Shorter messages are left to the buttons' recogniser ("yes", "my rights"), except for danger. */
export const INTENT_ROUTING_MIN_WORDS = 3;

/** A route: where the menu should go, and whether the priority rises. */
export interface FreeTextRoute {
  menu: MenuOptions;
  raisePriority?: 'raised';
}

/**
 * The priority a danger reading gives a conversation: the rules' danger words (or an urgent
 * reading) make it danger, the classifier alone, less sure, raises it a step; otherwise none.
 */
export function dangerPriority(result: ScreeningResult): 'danger' | 'raised' | undefined {
  if (result.level === 'urgent' || result.categories.length > 0) return 'danger';
  return result.danger ? 'raised' : undefined;
}

/** The route for a screening result, or undefined to let the active dialog handle the message. */
export function freeTextRoute(result: ScreeningResult): FreeTextRoute | undefined {
  if (result.danger) {
    const fear = result.categories.includes('fear');
    return { menu: { goto: 'danger', topicOptions: { detected: result.level === 'urgent' ? 'urgent' : 'check', ...(fear ? { fear } : {}) } } };
  }
  if (result.words < INTENT_ROUTING_MIN_WORDS || result.confidence < INTENT_ROUTING_CONFIDENCE) return undefined;
  const top = result.intents[result.intents.length - 1] as Intent;
  if (top === 'exploitation' || EXPLOITATION_SUBTYPES.includes(top)) {
    return { menu: { goto: 'exploitation', topicOptions: ExploitationDialog.focusOn(top) }, raisePriority: 'raised' };
  }
  switch (top) {
    case 'smuggling_vs_trafficking':
      return { menu: { goto: 'exploitation', topicOptions: ExploitationDialog.focusOn(top) } };
    case 'talk_to_human':
      return { menu: { goto: 'human', reason: 'talk_to_human' } };
    case 'rights':
      return { menu: { goto: 'rights' } };
    case 'non_punishment':
      return { menu: { goto: 'non_punishment' } };
    default:
      return undefined;
  }
}

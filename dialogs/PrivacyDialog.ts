/**
 * "Is this chat anonymous?": what is stored and for how long (CONVERSATION_TTL_SECONDS, through the
 * Translator's `retentionHours`), when a person reads the chat (when asked for, and when the young
 * person says they are in danger now: see DangerDialog), then, on request, who exactly can read it
 * (counsellor, notes, screening answers, an interpreter, the audit trail without words) and what
 * the quick exit and a return code do and do not do. tests/dialogs/privacyTruth.test.ts holds these texts to the code.
 */
import type { DialogServices } from './DialogServices.js';
import { TopicTreeDialog } from './TopicTreeDialog.js';

export class PrivacyDialog extends TopicTreeDialog {
  static readonly id = 'privacyDialog';

  constructor(services: DialogServices) {
    super(PrivacyDialog.id, services, {
      topic: 'privacy',
      intro: ['privacy:stored', 'privacy:whoReads'],
      prompt: 'privacy:prompt',
      sections: {
        privacy_who: { topic: 'privacy', texts: ['privacy:who.counsellor', 'privacy:who.interpreter'] },
        privacy_phone: { topic: 'privacy', texts: ['privacy:phone.quickExit', 'privacy:phone.history'] },
        privacy_code: { topic: 'privacy', texts: ['privacy:phone.returnCode'] },
      },
      exits: ['delete_conversation', 'human', 'menu'],
    });
  }
}

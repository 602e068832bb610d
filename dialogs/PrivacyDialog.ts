/** "Is this chat anonymous?": what is stored, for how long, who can read it. */
import type { DialogServices } from './DialogServices.js';
import { TopicTreeDialog } from './TopicTreeDialog.js';

export class PrivacyDialog extends TopicTreeDialog {
  static readonly id = 'privacyDialog';

  constructor(services: DialogServices) {
    super(PrivacyDialog.id, services, {
      topic: 'privacy',
      intro: ['privacy:noName', 'privacy:stored', 'privacy:howLong', 'privacy:whoReads', 'privacy:phone', 'privacy:delete'],
      prompt: 'privacy:prompt',
      sections: {},
      exits: ['delete_conversation', 'human', 'menu'],
    });
  }
}

/** "Where can I get help?": 112, Veilig Thuis, anonymous chats, CoMensha, people around you. Sources: seeds 001, 003. */
import type { DialogServices } from './DialogServices.js';
import { TopicTreeDialog } from './TopicTreeDialog.js';

export class HelpDialog extends TopicTreeDialog {
  static readonly id = 'helpDialog';

  constructor(services: DialogServices) {
    super(HelpDialog.id, services, {
      topic: 'help',
      intro: ['help:emergency', 'help:veiligThuis', 'help:chats', 'help:comensha', 'help:people', 'help:location', 'help:language'],
      prompt: 'help:prompt',
      sections: {},
      exits: ['human', 'menu'],
    });
  }
}

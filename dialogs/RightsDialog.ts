/** "My rights": children's rights (IVRK), guardian and lawyer, protected reception, residence. Sources: seeds 002, 003, 004; IVRK. */
import type { DialogServices } from './DialogServices.js';
import { TopicTreeDialog } from './TopicTreeDialog.js';

export class RightsDialog extends TopicTreeDialog {
  static readonly id = 'rightsDialog';

  constructor(services: DialogServices) {
    super(RightsDialog.id, services, {
      topic: 'rights',
      intro: ['rights:intro.everyChild', 'rights:intro.papers'],
      prompt: 'rights:prompt',
      sections: {
        rights_children: {
          topic: 'rights_children',
          texts: ['rights:children.intro', 'rights:children.protection', 'rights:children.more'],
        },
        rights_guardian: {
          topic: 'rights_guardian',
          texts: ['rights:guardian.guardian', 'rights:guardian.mentor', 'rights:guardian.lawyer'],
        },
        rights_protected_reception: {
          topic: 'rights_protected_reception',
          texts: ['rights:protectedReception.what', 'rights:protectedReception.rest', 'rights:protectedReception.open'],
        },
        rights_residence: {
          topic: 'rights_residence',
          texts: ['rights:residence.two', 'rights:residence.police', 'rights:residence.check'],
        },
      },
      exits: ['non_punishment', 'human', 'menu'],
    });
  }
}

/** "Will I be punished?": the non-punishment principle, honest about its limits. Sources: seeds 000, 001; EU Directive 2011/36/EU art. 8; CoE Convention art. 26. */
import type { DialogServices } from './DialogServices.js';
import { TopicTreeDialog } from './TopicTreeDialog.js';

export class NonPunishmentDialog extends TopicTreeDialog {
  static readonly id = 'nonPunishmentDialog';

  constructor(services: DialogServices) {
    super(NonPunishmentDialog.id, services, {
      topic: 'non_punishment',
      intro: ['nonPunishment:principle', 'nonPunishment:notGuaranteed', 'nonPunishment:talkFirst', 'nonPunishment:stillVictim'],
      prompt: 'nonPunishment:prompt',
      sections: {},
      exits: ['help', 'human', 'menu'],
    });
  }
}

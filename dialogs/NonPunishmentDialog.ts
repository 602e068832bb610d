/**
 * "Will I be punished?": the non-punishment principle, honest about its limits (who decides: the
 * public prosecutor and a judge), and, on request, whether to go to the police first, with the
 * trade-off of the residence permit for victims. Sources: seeds 000, 001, 002; EU Directive
 * 2011/36/EU art. 8; CoE Convention art. 26; OM Aanwijzing mensenhandel; Vb 2000 art. 3.48.
 */
import type { DialogServices } from './DialogServices.js';
import { TopicTreeDialog } from './TopicTreeDialog.js';

export class NonPunishmentDialog extends TopicTreeDialog {
  static readonly id = 'nonPunishmentDialog';

  constructor(services: DialogServices) {
    super(NonPunishmentDialog.id, services, {
      topic: 'non_punishment',
      intro: ['nonPunishment:principle', 'nonPunishment:stillVictim', 'nonPunishment:notGuaranteed'],
      prompt: 'nonPunishment:prompt',
      sections: {
        np_police: { topic: 'non_punishment', texts: ['nonPunishment:police.talkFirst', 'nonPunishment:police.tradeOff'] },
      },
      exits: ['help', 'human', 'menu'],
    });
  }
}

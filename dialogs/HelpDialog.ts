/**
 * "Where can I get help?": 112 and Veilig Thuis (day and night), the lines where a young person can
 * talk to someone with whether each is open now (helplineTexts.ts), then, on request, the people
 * near them or more help lines. Sources: seeds 001, 003; config/helplines.json.
 */
import type { DialogServices } from './DialogServices.js';
import { helplineLine, helplineLines } from './helplineTexts.js';
import { TopicTreeDialog } from './TopicTreeDialog.js';

export class HelpDialog extends TopicTreeDialog {
  static readonly id = 'helpDialog';

  constructor(services: DialogServices) {
    super(HelpDialog.id, services, {
      topic: 'help',
      intro: ['help:emergency', (s, language, log) => helplineLines(s.translator, language, s.now(), { log })],
      prompt: 'help:prompt',
      sections: {
        help_people: { topic: 'help', texts: ['help:people', 'help:location'] },
        help_more: { topic: 'help', texts: [(s, language, log) => helplineLine(s.translator, language, 'comensha', s.now(), log), 'help:language'] },
      },
      exits: ['human', 'menu'],
    });
  }
}

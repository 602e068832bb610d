import { expect, it } from 'vitest';
import { identifyLanguage } from '../../language/identifyLanguage.js';

it.each([
  ['ti', 'ኣብ ሓደጋ ኣለኹ ሓግዙኒ'],
  ['ti', 'ሰብ ክዛረብ ደልየ ኣሎኹ'],
  ['ar', 'أنا في خطر الآن ساعدوني'],
  ['ar', 'بدي احكي مع حدا'],
  ['ar', 'ana b khatar sa3dooni'],
  ['ar', 'bdhom y2tlone eza ma jbt l masari'],
  ['prs', 'من در خطر هستم کمک کنید'],
  ['prs', 'من در خطر هستم كمك كنيد'],
  ['prs', 'می خواهم با یک نفر گپ بزنم'],
  ['prs', 'man dar khatar hastam komak'],
  ['en', 'they will stab me if I do not bring the money'],
  ['en', 'i want to talk to someone please'],
  ['nl', 'ze gaan me steken als ik het geld niet breng'],
  ['nl', 'ik wil met iemand praten alsjeblieft'],
])('%s: %s', (language, text) => {
  expect(identifyLanguage(text)).toBe(language);
});

it('says "und" when there is nothing to go on', () => {
  expect(identifyLanguage('112 !!')).toBe('und');
});

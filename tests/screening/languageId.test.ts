import { expect, it } from 'vitest';
import { identifyLanguage } from '../../language/identifyLanguage.js';

// Sentences written for this test, not taken from the word lists in identifyLanguage.ts or the
// training utterances (Latin-letter messages of two or more words go to the trained model).
it.each([
  ['ti', 'ኣብ ሓደጋ ኣለኹ ሓግዙኒ'],
  ['ti', 'ሰብ ክዛረብ ደልየ ኣሎኹ'],
  ['ar', 'أنا في خطر الآن ساعدوني'],
  ['ar', 'بدي احكي مع حدا'],
  ['ar', 'wallah ana mish 3aref shu a3mel hala2'],
  ['ar', 'el shab hada 3am yestanani barra el sakan'],
  ['ti', 'ane ab gezana ayfeqdulin iyom ziwetsie'],
  ['ti', 'selam kemey aleka, hagez yidelyeni alo'],
  ['prs', 'من در خطر هستم کمک کنید'],
  ['prs', 'من در خطر هستم كمك كنيد'],
  ['prs', 'می خواهم با یک نفر گپ بزنم'],
  ['prs', 'man dar khatar hastam komak'],
  ['prs', 'az shab ta sob kar mekonam wa paisa nemeta'],
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

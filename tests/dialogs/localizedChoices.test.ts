/**
 * Each language's buttons are made once per list of ids (titles, synonyms, their normalised forms)
 * and kept; what is sent is made new each time, so nothing sent shares the kept choices.
 */
import { defaultTokenizer, findChoices } from 'botbuilder-dialogs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contracts/languages.js';
import { LocalizedChoices } from '../../dialogs/localizedChoices.js';
import { normalizeForMatching } from '../../language/normalize.js';
import { Translator } from '../../texts/Translator.js';

const translator = new Translator();
const choices = new LocalizedChoices(translator);

describe('LocalizedChoices', () => {
  it('makes a list once per language, ids and aliases', () => {
    const menu = choices.get('ar', ['human', 'menu']);
    expect(choices.get('ar', ['human', 'menu'])).toBe(menu);
    expect(choices.get('ti', ['human', 'menu'])).not.toBe(menu);
    expect(choices.get('ar', ['menu', 'human'])).not.toBe(menu);
    expect(choices.get('ar', ['human', 'menu'], { human: ['yes'] })).not.toBe(menu);
  });

  it.each(LANGUAGES)('%s: buttons carry the id and show the translated title, new objects every time', (language) => {
    const t = translator.forLanguage(language);
    const list = choices.get(language, ['yes', 'no']);
    const buttons = list.buttons();
    expect(buttons).toEqual(
      ['yes', 'no'].map((id) => {
        const title = t(`choices:${id}.title`);
        return { value: id, action: { type: 'messageBack', title, text: title, displayText: title, value: { choice: id } } };
      }),
    );
    expect(list.buttons()[0]).not.toBe(buttons[0]);
    expect(list.buttons()[0]!.action).not.toBe(buttons[0]!.action);
  });

  it.each(LANGUAGES)('%s: recognises the normalised title, the synonyms and the aliases\' words', (language) => {
    const [human] = choices.get(language, ['human', 'menu'], { human: ['yes'] }).recognition;
    const words = [translator.forLanguage(language)('choices:human.title'), ...translator.list(language, 'choices:human.synonyms'), ...translator.list(language, 'choices:yes.synonyms')];
    for (const word of words) expect(human!.synonyms, word).toContain(normalizeForMatching(word));
    expect(new Set(human!.synonyms).size).toBe(human!.synonyms!.length);
  });

  it.each(LANGUAGES)('%s: the kept choices\' texts come tokenized once; an answer is tokenized anew and not kept', (language) => {
    const fresh = new LocalizedChoices(translator);
    const { recognition } = fresh.get(language, ['human', 'menu']);
    const title = recognition[0]!.action!.title!;
    const synonym = recognition[0]!.synonyms![0]!;
    for (const text of ['human', title, synonym]) {
      expect(fresh.tokenize(text), text).toEqual(defaultTokenizer(text));
      expect(fresh.tokenize(text), text).toBe(fresh.tokenize(text));
    }
    const answer = `${synonym} please`;
    expect(fresh.tokenize(answer)).toEqual(defaultTokenizer(answer));
    expect(fresh.tokenize(answer)).not.toBe(fresh.tokenize(answer));
    // The SDK finds the same choices with it as with its own tokenizer.
    expect(findChoices(answer, [...recognition], { tokenizer: fresh.tokenize })).toEqual(findChoices(answer, [...recognition]));
  });
});

import { describe, expect, it } from 'vitest';
import { tokenize } from '../../language/normalize.js';
import { DangerDetector } from '../../screening/DangerDetector.js';
import type { CategoryPattern } from '../../screening/DangerLexicon.js';
import { LexiconIndex } from '../../screening/LexiconIndex.js';
import { compilePattern } from '../../screening/LexiconPattern.js';
import { tokenForms } from '../../screening/TokenForms.js';

const detector = new DangerDetector({
  danger: LexiconIndex.of<CategoryPattern>([
    { ...compilePattern('kill* me'), category: 'threat', language: 'en' },
    { ...compilePattern('in danger'), category: 'danger_generic', language: 'en' },
    { ...compilePattern('scared'), category: 'fear', language: 'en' },
    { ...compilePattern('follow* me'), category: 'followed', language: 'en' },
  ]),
  notDanger: LexiconIndex.of([compilePattern('not in danger'), compilePattern('i am safe')]),
  benign: LexiconIndex.of([compilePattern('game ... killing me')]),
  negations: LexiconIndex.of([compilePattern('not|never|nobody|didnt|dont')]),
  jokeMarkers: LexiconIndex.of([compilePattern('lol|haha')]),
});
const detect = (text: string, laughing = false) => detector.detect(tokenize(text).map(tokenForms), { laughing });

describe('DangerDetector', () => {
  it('an acute category is urgent', () => {
    expect(detect('they will kill me')).toMatchObject({ danger: true, level: 'urgent', categories: ['threat'] });
  });

  it('a softer category leads to the question', () => {
    expect(detect('someone is following me')).toMatchObject({ danger: true, level: 'check' });
    expect(detect('i am scared')).toMatchObject({ danger: true, level: 'check' });
  });

  it('harmless look-alikes do not count', () => {
    expect(detect('this game is killing me')).toMatchObject({ danger: false, level: 'none' });
  });

  it('"not in danger" cancels the generic words only, never a threat', () => {
    expect(detect('i am not in danger')).toMatchObject({ danger: false });
    expect(detect('i am safe but scared')).toMatchObject({ danger: false });
    expect(detect('i am not in danger but they will kill me')).toMatchObject({ danger: true, level: 'urgent' });
  });

  it('a negated harm is not urgent: a gentle question, or nothing when the message also says it is safe', () => {
    expect(detect('nobody will kill me')).toMatchObject({ danger: true, level: 'check', softened: true });
    expect(detect('nobody will kill me, i am safe')).toMatchObject({ danger: false, level: 'none' });
    // A negation far before the harm does not count, nor one after a conditional: that is a threat.
    expect(detect('i did not sleep and they said they will kill me')).toMatchObject({ level: 'urgent' });
    expect(detect('if u dont pay we kill me')).toMatchObject({ level: 'urgent' });
  });

  it('joking lowers a threat to a question, never to silence on its own', () => {
    expect(detect('my sister will kill me lol')).toMatchObject({ danger: true, level: 'check' });
    expect(detect('my brother will kill me', true)).toMatchObject({ danger: true, level: 'check' });
    expect(detect('they will kill me')).toMatchObject({ level: 'urgent' });
  });
});

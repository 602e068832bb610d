/**
 * The locale check itself: green on the real texts, and red on each kind of fault it exists to
 * catch (a copy of locales/ in a temporary folder, broken one file at a time).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLocales, MAX_SENTENCE } from '../../texts/localeCheck.js';
import { LOCALES_DIR } from '../../texts/localeFiles.js';

type Json = Record<string, unknown>;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A copy of locales/ with one file changed by `change`, checked. */
function checkWith(file: string, change: (data: Json) => void): string[] {
  dir = mkdtempSync(path.join(tmpdir(), 'lantern-locales-'));
  cpSync(LOCALES_DIR, dir, { recursive: true });
  const target = path.join(dir, file);
  const data = JSON.parse(readFileSync(target, 'utf8')) as Json;
  change(data);
  writeFileSync(target, JSON.stringify(data, null, 2));
  return checkLocales(dir).errors;
}

const at = (data: Json, ...keys: string[]): Json => keys.reduce((node, key) => node[key] as Json, data);

describe('the locale check', () => {
  it('passes on the texts as they are', () => {
    expect(checkLocales().errors).toEqual([]);
  });

  describe('plural forms', () => {
    it('fails on a number placeholder without plural forms', () => {
      const errors = checkWith('en/common.json', (data) => {
        data.stopped = 'I will stop for {{minutes}} minutes.';
      });
      expect(errors).toContainEqual(expect.stringMatching(/en\/common\.json: "stopped" has a number placeholder \{minutes\} but no plural forms \(write stopped_one, stopped_other\)/));
    });

    it('fails when Arabic lacks one of zero/one/two/few/many/other', () => {
      const errors = checkWith('ar/handoff.json', (data) => {
        delete data.estimate_few;
      });
      expect(errors).toContainEqual('ar/handoff.json: "estimate" lacks the plural form estimate_few');
    });

    it('fails on a plural form the language does not use', () => {
      const errors = checkWith('ti/handoff.json', (data) => {
        data.estimate_few = data.estimate_other;
      });
      expect(errors).toContainEqual('ti/handoff.json: "estimate" has plural form this language does not use: estimate_few');
    });

    it('fails when a language writes plain text where en has plural forms', () => {
      const errors = checkWith('nl/privacy.json', (data) => {
        data.stored = data.stored_other;
        delete data.stored_one;
        delete data.stored_other;
      });
      expect(errors).toContainEqual(expect.stringMatching(/nl\/privacy\.json: "stored" must have plural forms \(stored_one, stored_other\)/));
    });

    it('fails when the general form does not show the number, or a form uses another number', () => {
      const hidden = checkWith('prs/handoff.json', (data) => {
        data.estimate_other = 'چند دقیقه.';
      });
      expect(hidden).toContainEqual('prs/handoff.json: "estimate_other" must show the number {{minutes}}');
      const other = checkWith('ar/handoff.json', (data) => {
        data.estimate_few = '{{position}} دقائق';
      });
      expect(other).toContainEqual(expect.stringMatching(/ar\/handoff\.json: "estimate_few" uses the number \{position\}, en uses \{minutes\}/));
    });
  });

  describe('numbers and links come from config/helplines.json', () => {
    it('fails on "112" typed into a text, in any script', () => {
      expect(checkWith('nl/danger.json', (data) => (data.question = 'Ben je in gevaar? Bel 112.'))).toContainEqual(expect.stringMatching(/nl\/danger\.json: "question" has the number 112 typed in/));
      expect(checkWith('ar/danger.json', (data) => (data.question = 'اتصل بالرقم ١١٢'))).toContainEqual(expect.stringMatching(/ar\/danger\.json: "question" has the number 112 typed in/));
      expect(checkWith('prs/danger.json', (data) => (data.question = 'به ۱۱۲ زنگ بزن'))).toContainEqual(expect.stringMatching(/prs\/danger\.json: "question" has the number 112 typed in/));
    });

    it('fails on a help-line number or any phone number typed in, also in the command words', () => {
      expect(checkWith('en/help.json', (data) => (data.language = 'Call 0800-0432.'))).toContainEqual(expect.stringMatching(/"language" has the number 08000432 typed in/));
      expect(checkWith('en/help.json', (data) => (data.language = 'Call 020 555 1234.'))).toContainEqual(expect.stringMatching(/"language" has the number 0205551234 typed in/));
      expect(checkWith('ti/commands.json', (data) => (data.emergency = ['112', 'ህጹጽ']))).toContainEqual(expect.stringMatching(/ti\/commands\.json: "emergency" has the number 112 typed in/));
    });

    it('fails on a link typed in, and lets article numbers, ages and 0 + 0 + 0 = 1 be', () => {
      expect(checkWith('en/help.json', (data) => (data.language = 'See https://www.kindertelefoon.nl'))).toContainEqual(expect.stringMatching(/"language" has a link typed in/));
      expect(checkWith('en/rights.json', (data) => (at(data, 'intro').papers = 'Article 35, under 18, 0 + 0 + 0 = 1.'))).toEqual([]);
    });
  });

  describe('terms and readability', () => {
    it('fails on Dari «قاچاق» on its own (read as smuggling) and on «قاعده» for a principle', () => {
      expect(checkWith('prs/nonPunishment.json', (data) => (data.principle = 'قربانیان قاچاق انسان نباید جزا ببینند.'))).toContainEqual(expect.stringMatching(/prs\/nonPunishment\.json: "principle" uses «قاچاق» on its own/));
      expect(checkWith('prs/nonPunishment.json', (data) => (data.principle = 'این یک قاعده است.'))).toContainEqual(expect.stringMatching(/calls something a rule «قاعده»/));
      expect(checkWith('prs/exploitation.json', (data) => (at(data, 'smuggling').smuggling = 'قاچاق مهاجر: یک قاچاقبر تو را آورد.'))).toEqual([]);
    });

    it('fails on the Tigrinya singular "you", in the language prompt of any file too', () => {
      expect(checkWith('en/language.json', (data) => (data.prompt = 'Choose your language · ቋንቋኻ ምረጽ · Kies je taal'))).toContainEqual(expect.stringMatching(/en\/language\.json: "prompt" uses the singular "you"/));
    });

    it('fails on another name for the quick exit ("stopknop")', () => {
      expect(checkWith('nl/common.json', (data) => (at(data, 'help').buttons = 'Met de stopknop sluit je de chat.'))).toContainEqual(expect.stringMatching(/nl\/common\.json: "help\.buttons" names the quick exit by another name/));
    });

    it(`fails on a sentence longer than ${MAX_SENTENCE} characters`, () => {
      expect(checkWith('en/rights.json', (data) => (at(data, 'intro').papers = `${'word '.repeat(45)}end.`))).toContainEqual(expect.stringMatching(/"intro\.papers" has a sentence of 229 characters/));
    });

    it('fails on a nested text that does not exist, or nested differently than in en', () => {
      expect(checkWith('en/common.json', (data) => (data.stopped = 'Tap “$t(web:noSuchButton)”.'))).toContainEqual(expect.stringMatching(/nests \$t\(web:noSuchButton\), which is not a text in en/));
      expect(checkWith('nl/common.json', (data) => (at(data, 'help').buttons = 'Tik op een knop.'))).toContainEqual(expect.stringMatching(/nl\/common\.json: "help\.buttons" nests \[\] but en nests \[choices:|nl\/common\.json: "help\.buttons" nests \[\] but en nests \[web:quickExit\]/));
    });
  });

  describe('sources', () => {
    it('fails on a text that names a help line without a source note', () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lantern-locales-'));
      cpSync(LOCALES_DIR, dir, { recursive: true });
      const file = path.join(dir, 'sources.json');
      const sources = JSON.parse(readFileSync(file, 'utf8')) as Json;
      delete sources['help:lines.kindertelefoon'];
      writeFileSync(file, JSON.stringify(sources));
      expect(checkLocales(dir).errors).toContainEqual('sources.json: factual text "help:lines.kindertelefoon" has no source note');
    });
  });
});

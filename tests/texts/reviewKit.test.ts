/**
 * The native speakers' review kit (texts/reviewKit.ts, texts/reviewKitHtml.ts, web/review/):
 * - for every language, the HTML has every text (plural texts as one, with their forms), English
 *   and Dutch beside it, the source notes, and where the code uses it;
 * - it is self-contained: no script, stylesheet, image or font from anywhere, a CSP that forbids
 *   any request;
 * - a round trip on a small locales folder: a reviewer approves some texts, changes a text, a
 *   plural text and a list of words, doubts one, answers for a text that changed since (stale),
 *   drops a placeholder, names a text that does not exist → the right texts change (the rest of
 *   each file as it was), review.json gets per-text records and honest namespace states, the
 *   stale, broken and unknown answers are refused; the command line does the same (--dry-run
 *   writes nothing);
 * - on a copy of the real locales, an import adds no locale-check error;
 * - in Chromium from file://: mark texts, get the placeholder warning, reload (answers kept),
 *   export the answers file (a download), and import it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../contracts/languages.js';
import { replaceJsonTexts } from '../../texts/jsonEdit.js';
import { checkLocales } from '../../texts/localeCheck.js';
import { LOCALES_DIR, readLanguage, readReview, readSources, reviewStatus } from '../../texts/localeFiles.js';
import {
  ANSWERS_KIND,
  AnswersFileError,
  applyAnswers,
  buildReviewKit,
  checkAnswers,
  describeImport,
  parseAnswers,
  textHash,
  textsOf,
  type ReviewAnswers,
  type ReviewKit,
} from '../../texts/reviewKit.js';
import { renderReviewKit, reviewPageScript } from '../../texts/reviewKitHtml.js';
import { launchBrowser } from '../helpers/browser.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const tempDirs: string[] = [];
let script: string;

beforeAll(() => {
  script = reviewPageScript();
});
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `lantern-review-${name}-`));
  tempDirs.push(dir);
  return dir;
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The kit's data block, as the page's script reads it. */
function kitData(html: string): { language: string; items: Array<{ id: string; hash: string; kind: string }> } {
  const match = /<script type="application\/json" id="kit-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(match![1]!) as { language: string; items: Array<{ id: string; hash: string; kind: string }> };
}

function json(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// A small locales folder: English, Dutch and Tigrinya, four namespaces.

const FIXTURE: Record<'en' | 'nl' | 'ti', Record<string, unknown>> = {
  en: {
    rights: { intro: { everyChild: 'You have rights.', papers: 'Also without papers.' }, prompt: 'Which rights?', guardian: { lawyer: 'Ask your lawyer, or call {{veiligThuisPhone}}.' } },
    handoff: { queued_one: 'You are number {{position}} in line.', queued_other: 'You are number {{position}} in line.', leave: 'Tap “$t(web:quickExit)” to hide this chat.' },
    choices: { yes: { title: 'Yes', synonyms: ['yes', 'yeah'] } },
    web: { quickExit: 'Quick exit' },
  },
  nl: {
    rights: { intro: { everyChild: 'Je hebt rechten.', papers: 'Ook zonder papieren.' }, prompt: 'Welke rechten?', guardian: { lawyer: 'Vraag je advocaat, of bel {{veiligThuisPhone}}.' } },
    handoff: { queued_one: 'Je bent nummer {{position}} in de rij.', queued_other: 'Je bent nummer {{position}} in de rij.', leave: 'Tik op “$t(web:quickExit)” om deze chat te verbergen.' },
    choices: { yes: { title: 'Ja', synonyms: ['ja', 'jawel'] } },
    web: { quickExit: 'Snel weg' },
  },
  ti: {
    rights: { intro: { everyChild: 'መሰላት ኣለኩም።', papers: 'ብዘይ ወረቐት እውን።' }, prompt: 'ኣየናይ መሰላት፧', guardian: { lawyer: 'ጠበቓኹም ሕተቱ፡ ወይ ናብ {{veiligThuisPhone}} ደውሉ።' } },
    handoff: { queued_one: 'ኣብ መስርዕ ቁጽሪ {{position}} ኢኹም።', queued_other: 'ኣብ መስርዕ ቁጽሪ {{position}} ኢኹም።', leave: 'ነዚ ዕላል ንምሕባእ “$t(web:quickExit)” ጠውቑ።' },
    choices: { yes: { title: 'እወ', synonyms: ['እወ', 'ewe'] } },
    web: { quickExit: 'ቅልጡፍ ምውጻእ' },
  },
};

const ORIGIN = "translated from en (machine-assisted draft); needs a native speaker's sign-off";

/** Writes the small locales folder (Tigrinya's lists on one line, as the real files have them). */
function writeFixture(): string {
  const dir = path.join(tempDir('fixture'), 'locales');
  for (const [language, namespaces] of Object.entries(FIXTURE)) {
    mkdirSync(path.join(dir, language), { recursive: true });
    for (const [ns, tree] of Object.entries(namespaces)) {
      let text = `${JSON.stringify(tree, null, 2)}\n`;
      if (language === 'ti' && ns === 'choices') text = '{\n  "yes": { "title": "እወ", "synonyms": ["እወ", "ewe"] }\n}\n';
      writeFileSync(path.join(dir, language, `${ns}.json`), text);
    }
    const reviewed = language !== 'ti';
    const review = Object.fromEntries(
      Object.keys(namespaces).map((ns) => [
        ns,
        { status: reviewed ? 'reviewed' : 'unreviewed', reviewer: reviewed ? 'author' : null, date: reviewed ? '2026-11-22' : null, origin: reviewed ? 'original' : ORIGIN },
      ]),
    );
    writeFileSync(path.join(dir, language, 'review.json'), `${JSON.stringify(review, null, 2)}\n`);
  }
  writeFileSync(
    path.join(dir, 'sources.json'),
    `${JSON.stringify({ $comment: 'Source notes.', 'rights:intro.everyChild': 'IVRK art. 2 (every child <18>)', 'handoff:queued': 'Lantern handoff queue' }, null, 2)}\n`,
  );
  return dir;
}

/** The answers a reviewer gives on the small folder's Tigrinya kit. */
function reviewerAnswers(kit: ReviewKit): ReviewAnswers {
  const hash = (id: string) => kit.namespaces.flatMap((ns) => ns.items).find((item) => item.id === id)!.hash;
  return {
    kind: ANSWERS_KIND,
    version: 1,
    language: 'ti',
    reviewer: 'Tigrinya interpreter (test)',
    date: '2026-12-05',
    kitGenerated: kit.generated,
    answers: {
      'rights:intro.everyChild': { decision: 'approved', comment: 'Good and clear.', hash: hash('rights:intro.everyChild') },
      'rights:intro.papers': { decision: 'changed', text: '  ወረቐት እንተዘይብልኩም እውን።  ', hash: hash('rights:intro.papers') },
      // The text is changed in the file after the kit was made (below): stale.
      'rights:prompt': { decision: 'approved', hash: hash('rights:prompt') },
      // Drops {{veiligThuisPhone}}: refused.
      'rights:guardian.lawyer': { decision: 'changed', text: 'ጠበቓኹም ሕተቱ።', hash: hash('rights:guardian.lawyer') },
      'handoff:queued': { decision: 'changed', text: { one: 'ሕጂ ቀዳማይ ኢኹም።', other: 'ኣብ መስርዕ {{position}}ይ ኢኹም።' }, hash: hash('handoff:queued') },
      'handoff:leave': { decision: 'not_sure', comment: 'Is “hide” the right word here?', hash: hash('handoff:leave') },
      'choices:yes.title': { decision: 'approved', hash: hash('choices:yes.title') },
      'choices:yes.synonyms': { decision: 'changed', text: ['እወ', 'ኣወ', 'ewe', ''], hash: hash('choices:yes.synonyms') },
      'web:quickExit': { decision: 'approved', hash: hash('web:quickExit') },
      'rights:nope': { decision: 'approved', hash: 'x' },
    },
  };
}

describe('the review kit of every language', () => {
  const all = Object.fromEntries(LANGUAGES.map((language) => [language, readLanguage(language)])) as Record<Language, ReturnType<typeof readLanguage>>;
  const sources = readSources();

  it.each(LANGUAGES)('%s: every text, English and Dutch beside it, source notes, where it is used', (language) => {
    const kit = buildReviewKit(language);
    const html = renderReviewKit(kit, script);
    const expected = new Set<string>();
    for (const [ns, tree] of [...Object.entries(all.en), ...Object.entries(all[language])]) for (const key of textsOf(tree).keys()) expected.add(`${ns}:${key}`);
    const data = kitData(html);
    expect(data.language).toBe(language);
    expect(new Set(data.items.map((item) => item.id))).toEqual(expected);
    for (const id of expected) expect(html, id).toContain(`data-id="${escapeHtml(id)}"`);
    // Every source note of a text in the kit is shown with it.
    for (const [id, note] of Object.entries(sources)) if (expected.has(id)) expect(html, id).toContain(escapeHtml(note));
    expect(html).toContain('web:quickExit');
    expect(html).toContain('phrases:safety.safeNow');
    // The language's own script and direction.
    const dir = language === 'ar' || language === 'prs' ? 'rtl' : 'ltr';
    expect(html).toContain(`class="target" lang="${language === 'prs' ? 'fa-AF' : language}" dir="${dir}"`);
    if (language !== 'en') expect(html).toContain('<span class="tag">EN</span>');
    if (language !== 'nl') expect(html).toContain('<span class="tag">NL</span>');
    // Where: the dialog and step from the code, the page for web.json, the console for the phrasebook.
    expect(html).toMatch(/Where \/ Waar:<\/b> MainDialog › welcomeStep/);
    expect(html).toMatch(/Where \/ Waar:<\/b> chat page/);
    expect(html).toContain('Counsellor console › phrasebook');
  });

  it('is one self-contained file: nothing is fetched from anywhere', () => {
    const html = renderReviewKit(buildReviewKit('ti'), script);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<(img|iframe|object|embed|audio|video|source)\b/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/\s(src|href|action|poster)="(https?:)?\/\//i);
    expect(html).not.toMatch(/fetch\(|XMLHttpRequest|WebSocket|sendBeacon|importScripts/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`);
    // System fonts with fallbacks for Ge'ez, Arabic and Persian script; no web font.
    expect(html).toMatch(/:lang\(ti\) \{ font-family: "Noto Sans Ethiopic", "Nyala", "Abyssinica SIL"/);
    expect(html).not.toMatch(/@font-face/);
    // The instructions in English and Dutch.
    expect(html).toContain('<div lang="en"><h2>How it works</h2>');
    expect(html).toContain('<div lang="nl"><h2>Zo werkt het</h2>');
    // No script ends early: the data block is valid JSON.
    expect(kitData(html).items.length).toBeGreaterThan(200);
  });
});

describe('importing a reviewer answers', () => {
  let dir: string;
  let kit: ReviewKit;
  let answers: ReviewAnswers;
  const files: Record<string, string> = {};

  beforeAll(() => {
    dir = writeFixture();
    kit = buildReviewKit('ti', { localesDir: dir, today: '2026-12-01' });
    answers = reviewerAnswers(kit);
    // Someone changes a text after the kit was made.
    const rights = path.join(dir, 'ti', 'rights.json');
    writeFileSync(rights, readFileSync(rights, 'utf8').replace('ኣየናይ መሰላት፧', 'ብዛዕባ ኣየናይ መሰላት ክትፈልጡ ትደልዩ፧'));
    for (const ns of ['rights', 'handoff', 'choices', 'web', 'review']) files[ns] = readFileSync(path.join(dir, 'ti', `${ns}.json`), 'utf8');
  });

  it('makes the kit of the small folder: plural texts as one, nested texts and placeholders to keep', () => {
    const items = kit.namespaces.flatMap((ns) => ns.items);
    expect(kit.namespaces.map((ns) => ns.ns)).toEqual(['rights', 'handoff', 'choices', 'web']);
    const queued = items.find((item) => item.id === 'handoff:queued')!;
    expect(queued).toMatchObject({ kind: 'plural', text: { one: 'ኣብ መስርዕ ቁጽሪ {{position}} ኢኹም።', other: 'ኣብ መስርዕ ቁጽሪ {{position}} ኢኹም።' }, keep: [], numbers: ['{{position}}'], source: 'Lantern handoff queue' });
    expect(queued.forms!.map((f) => f.form)).toEqual(['one', 'other']);
    expect(items.find((item) => item.id === 'handoff:leave')!.keep).toEqual(['$t(web:quickExit)']);
    expect(kit.nested['web:quickExit']).toBe('ቅልጡፍ ምውጻእ / Quick exit');
    expect(items.find((item) => item.id === 'choices:yes.synonyms')).toMatchObject({ kind: 'list', en: ['yes', 'yeah'], nl: ['ja', 'jawel'] });
    expect(items.find((item) => item.id === 'rights:guardian.lawyer')!.keep).toEqual(['{{veiligThuisPhone}}']);
    const html = renderReviewKit(kit, script);
    expect(html).toContain(escapeHtml('IVRK art. 2 (every child <18>)'));
    expect(html).toContain('title="0800-2000">{{veiligThuisPhone}}</span>');
  });

  it('accepts the good answers and refuses stale, broken and unknown ones', () => {
    const check = checkAnswers(answers, { localesDir: dir });
    expect(check.refused.map((r) => [r.id, r.reason])).toEqual([
      ['rights:prompt', 'stale'],
      ['rights:guardian.lawyer', 'placeholders'],
      ['rights:nope', 'unknown'],
    ]);
    expect(check.refused[1]!.message).toContain('lost {{veiligThuisPhone}}');
    expect(check.accepted.map((a) => [a.id, a.decision])).toEqual([
      ['rights:intro.everyChild', 'approved'],
      ['rights:intro.papers', 'changed'],
      ['handoff:queued', 'changed'],
      ['handoff:leave', 'not_sure'],
      ['choices:yes.title', 'approved'],
      ['choices:yes.synonyms', 'changed'],
      ['web:quickExit', 'approved'],
    ]);
    // Texts are trimmed, lists lose empty lines.
    expect(check.accepted[1]!.text).toBe('ወረቐት እንተዘይብልኩም እውን።');
    expect(check.accepted[5]!.text).toEqual(['እወ', 'ኣወ', 'ewe']);
  });

  it('refuses a plural text without the number in "other", a list given as a text, a lost nested text, an unknown decision', () => {
    const hash = (id: string) => kit.namespaces.flatMap((ns) => ns.items).find((item) => item.id === id)!.hash;
    const check = checkAnswers(
      {
        ...answers,
        answers: {
          'handoff:queued': { decision: 'changed', text: { one: 'ቀዳማይ {{position}}', other: 'ኣብ መስርዕ ኢኹም።' }, hash: hash('handoff:queued') },
          'handoff:leave': { decision: 'changed', text: 'ነዚ ዕላል ንምሕባእ ጠውቑ።', hash: hash('handoff:leave') },
          'choices:yes.synonyms': { decision: 'changed', text: { one: 'x' }, hash: hash('choices:yes.synonyms') },
          'web:quickExit': { decision: 'maybe' as never, hash: hash('web:quickExit') },
        },
      },
      { localesDir: dir },
    );
    expect(check.accepted).toEqual([]);
    expect(Object.fromEntries(check.refused.map((r) => [r.id, r.message]))).toEqual({
      'handoff:queued': 'form "other" lost {{position}}',
      'handoff:leave': 'lost $t(web:quickExit)',
      'choices:yes.synonyms': 'the new text must be a list of words',
      'web:quickExit': 'decision must be one of approved, changed, not_sure',
    });
  });

  it('refuses a file for no language, of another kind, without a reviewer', () => {
    expect(() => parseAnswers('not json')).toThrow(AnswersFileError);
    expect(() => parseAnswers(JSON.stringify({ ...answers, kind: 'other' }))).toThrow(/not an answers file/);
    expect(() => parseAnswers(JSON.stringify({ ...answers, language: 'fr' }))).toThrow(/unknown language "fr"/);
    expect(() => checkAnswers({ ...answers, reviewer: ' ' }, { localesDir: dir })).toThrow(/no reviewer/);
    expect(checkAnswers({ ...answers, reviewer: '' }, { localesDir: dir, reviewer: 'Tigrinya reviewer' }).reviewer).toBe('Tigrinya reviewer');
  });

  it('a dry run writes nothing and says what it would do', () => {
    const check = checkAnswers(answers, { localesDir: dir });
    const result = applyAnswers(check, { localesDir: dir, dryRun: true });
    for (const ns of Object.keys(files)) expect(readFileSync(path.join(dir, 'ti', `${ns}.json`), 'utf8')).toBe(files[ns]);
    expect(result.files).toEqual(['ti/rights.json', 'ti/handoff.json', 'ti/choices.json', 'ti/review.json']);
    const text = describeImport(check, result, { dryRun: true }).join('\n');
    expect(text).toContain('approved 3 · changed 3 · not sure 1 · refused 3');
    expect(text).toContain('  rights:intro.papers\n  - ብዘይ ወረቐት እውን።\n  + ወረቐት እንተዘይብልኩም እውን።');
    expect(text).toContain('  - [other] ኣብ መስርዕ ቁጽሪ {{position}} ኢኹም።\n  + [one] ሕጂ ቀዳማይ ኢኹም።\n  + [other] ኣብ መስርዕ {{position}}ይ ኢኹም።');
    expect(text).toContain('  - እወ | ewe\n  + እወ | ኣወ | ewe');
    expect(text).toContain('comment: Is “hide” the right word here?');
    expect(text).toContain('rights:prompt [stale]');
    expect(text).toContain('Dry run: nothing written.');
  });

  it('writes the changed texts and a review record per text; a namespace is reviewed only when all its texts are', () => {
    const check = checkAnswers(answers, { localesDir: dir });
    const result = applyAnswers(check, { localesDir: dir });
    expect(result.namespaces).toEqual([
      { ns: 'rights', reviewed: 2, total: 4, status: 'unreviewed', was: 'unreviewed' },
      { ns: 'handoff', reviewed: 1, total: 2, status: 'unreviewed', was: 'unreviewed' },
      { ns: 'choices', reviewed: 2, total: 2, status: 'reviewed', was: 'unreviewed' },
      { ns: 'web', reviewed: 1, total: 1, status: 'reviewed', was: 'unreviewed' },
    ]);
    const ti = readLanguage('ti', dir);
    expect(ti.rights).toEqual({ intro: { everyChild: 'መሰላት ኣለኩም።', papers: 'ወረቐት እንተዘይብልኩም እውን።' }, prompt: 'ብዛዕባ ኣየናይ መሰላት ክትፈልጡ ትደልዩ፧', guardian: { lawyer: 'ጠበቓኹም ሕተቱ፡ ወይ ናብ {{veiligThuisPhone}} ደውሉ።' } });
    expect(ti.handoff).toEqual({ queued_one: 'ሕጂ ቀዳማይ ኢኹም።', queued_other: 'ኣብ መስርዕ {{position}}ይ ኢኹም።', leave: 'ነዚ ዕላል ንምሕባእ “$t(web:quickExit)” ጠውቑ።' });
    // Only the changed lines differ; the list stays on one line like the rest of the file.
    const diff = (before: string, after: string) => after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(diff(files.rights!, readFileSync(path.join(dir, 'ti', 'rights.json'), 'utf8'))).toEqual(['    "papers": "ወረቐት እንተዘይብልኩም እውን።"']);
    expect(readFileSync(path.join(dir, 'ti', 'choices.json'), 'utf8')).toBe('{\n  "yes": { "title": "እወ", "synonyms": ["እወ", "ኣወ", "ewe"] }\n}\n');
    expect(readFileSync(path.join(dir, 'ti', 'web.json'), 'utf8')).toBe(files.web);

    const review = readReview('ti', dir);
    const by = { status: 'reviewed', reviewer: 'Tigrinya interpreter (test)', date: '2026-12-05' };
    const none = { status: 'unreviewed', reviewer: null, date: null };
    expect(review.rights).toEqual({
      status: 'unreviewed',
      reviewer: null,
      date: null,
      origin: ORIGIN,
      keys: { 'intro.everyChild': { ...by, comment: 'Good and clear.' }, 'intro.papers': by, prompt: none, 'guardian.lawyer': none },
    });
    expect(review.handoff!.keys).toEqual({ queued: by, leave: { ...none, comment: 'Is “hide” the right word here?' } });
    expect(review.choices).toEqual({ ...by, origin: ORIGIN, keys: { 'yes.title': by, 'yes.synonyms': by } });
    expect(review.web).toEqual({ ...by, origin: ORIGIN, keys: { quickExit: by } });
    expect(reviewStatus(review, 'rights', 'intro.papers')).toBe('reviewed');
    expect(reviewStatus(review, 'rights', 'prompt')).toBe('unreviewed');
    expect(reviewStatus(review, 'handoff', 'queued')).toBe('reviewed');
    // The next kit shows the new state, and a second review of the same texts is not stale.
    const next = buildReviewKit('ti', { localesDir: dir });
    const papers = next.namespaces.flatMap((ns) => ns.items).find((item) => item.id === 'rights:intro.papers')!;
    expect(papers.review).toEqual({ status: 'reviewed', reviewer: 'Tigrinya interpreter (test)', date: '2026-12-05' });
    expect(papers.hash).toBe(textHash('ወረቐት እንተዘይብልኩም እውን።'));
  });

  it('keeps per-text records of other reviewers and starts from a namespace reviewed as a whole', () => {
    const own = writeFixture();
    const reviewFile = path.join(own, 'ti', 'review.json');
    const review = json(reviewFile) as Record<string, Record<string, unknown>>;
    review.rights = { status: 'reviewed', reviewer: 'first reviewer', date: '2026-12-01', origin: ORIGIN };
    writeFileSync(reviewFile, JSON.stringify(review, null, 2));
    const kit2 = buildReviewKit('ti', { localesDir: own });
    const item = kit2.namespaces[0]!.items.find((i) => i.id === 'rights:prompt')!;
    expect(item.review).toEqual({ status: 'reviewed', reviewer: 'first reviewer', date: '2026-12-01' });
    const check = checkAnswers({ ...answers, answers: { 'rights:prompt': { decision: 'changed', text: 'መሰላት፧', hash: item.hash } } }, { localesDir: own });
    applyAnswers(check, { localesDir: own });
    const after = readReview('ti', own).rights!;
    expect(after.status).toBe('reviewed');
    expect(after.reviewer).toBe('first reviewer; Tigrinya interpreter (test)');
    expect(after.date).toBe('2026-12-05');
    expect(after.keys!['intro.papers']).toEqual({ status: 'reviewed', reviewer: 'first reviewer', date: '2026-12-01' });
  });

  it('works from the command line (npm run locales:review and locales:review:import)', { timeout: 120_000 }, () => {
    const run = (script: string, args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    const own = writeFixture();
    const out = path.join(tempDir('cli'), 'kit.html');
    const made = run('scripts/locales-review.ts', ['--lang', 'ti', '--out', out, '--locales-dir', own]);
    expect(made).toContain(out);
    expect(made).toContain('9 texts in 4 parts (0 reviewed, 9 not yet), 2 with a source note.');
    const kit3 = buildReviewKit('ti', { localesDir: own });
    expect(kitData(readFileSync(out, 'utf8')).items.map((i) => i.hash)).toEqual(kit3.namespaces.flatMap((ns) => ns.items.map((i) => i.hash)));
    const file = path.join(path.dirname(out), 'answers.json');
    writeFileSync(file, JSON.stringify(reviewerAnswers(kit3)));
    const before = readFileSync(path.join(own, 'ti', 'review.json'), 'utf8');
    const dry = run('scripts/locales-review-import.ts', [file, '--dry-run', '--locales-dir', own]);
    expect(dry).toContain('+ ወረቐት እንተዘይብልኩም እውን።');
    expect(dry).toContain('rights:guardian.lawyer [placeholders]');
    expect(readFileSync(path.join(own, 'ti', 'review.json'), 'utf8')).toBe(before);
    const real = run('scripts/locales-review-import.ts', [file, '--locales-dir', own, '--reviewer', 'native Tigrinya speaker']);
    expect(real).toContain('Written:');
    expect(readReview('ti', own).web!.reviewer).toBe('native Tigrinya speaker');
    let failed = '';
    try {
      run('scripts/locales-review-import.ts', [out, '--locales-dir', own]);
    } catch (error) {
      failed = String((error as { stderr?: string }).stderr);
    }
    expect(failed).toContain('not a JSON file');
  });
});

describe('an import on a copy of the real locales', () => {
  it('adds no locale-check error, and the reviewed texts count as reviewed', { timeout: 60_000 }, () => {
    const dir = path.join(tempDir('real'), 'locales');
    cpSync(LOCALES_DIR, dir, { recursive: true });
    const before = checkLocales(dir);
    const kit = buildReviewKit('ti', { localesDir: dir });
    const usable = kit.namespaces.filter((ns) => ns.ns !== 'phrases' && ns.items.length > 0 && ns.items.every((item) => item.problems.length === 0));
    const approve = usable[0]!;
    const change = usable.flatMap((ns) => ns.items).find((item) => item.kind === 'text' && item.ns !== approve.ns)!;
    expect(approve, 'a namespace to approve').toBeDefined();
    expect(change, 'a text to change').toBeDefined();
    const answers: ReviewAnswers = {
      kind: ANSWERS_KIND,
      version: 1,
      language: 'ti',
      reviewer: 'native Tigrinya speaker (test)',
      date: '2026-12-05',
      answers: {
        ...Object.fromEntries(approve.items.map((item) => [item.id, { decision: 'approved' as const, hash: item.hash }])),
        [change.id]: { decision: 'changed', text: `${change.text as string} ሰላም።`, hash: change.hash },
      },
    };
    const check = checkAnswers(answers, { localesDir: dir });
    expect(check.refused).toEqual([]);
    applyAnswers(check, { localesDir: dir });
    const after = checkLocales(dir);
    expect(after.errors.filter((error) => !before.errors.includes(error))).toEqual([]);
    const ti = (result: typeof before) => result.coverage.find((c) => c.language === 'ti')!;
    const wereUnreviewed = [...approve.items, change].filter((item) => item.review.status === 'unreviewed').length;
    expect(ti(after).reviewed - ti(before).reviewed).toBe(wereUnreviewed);
    expect(readReview('ti', dir)[approve.ns]!.status).toBe('reviewed');
  });
});

describe('the kit in Chromium, from file://', () => {
  it('marks texts, warns about a lost placeholder, keeps answers over a reload, exports the answers file', { timeout: 90_000 }, async () => {
    const dir = writeFixture();
    const kit = buildReviewKit('ti', { localesDir: dir });
    const file = path.join(tempDir('browser'), 'lantern-review-ti.html');
    writeFileSync(file, renderReviewKit(kit, script));
    const { context, page, requests, errors } = await launchBrowser({
      tempDirs,
      context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, acceptDownloads: true },
      ignoreConsole: /^$/,
    });
    try {
      await page.goto(pathToFileURL(file).href);
      const item = (id: string) => page.locator(`article[data-id="${id}"]`);
      await expect.poll(() => page.locator('#progress-count').textContent()).toBe('0 / 9');
      // The Tigrinya text is there, in its script and direction.
      await expect.poll(() => item('rights:intro.everyChild').locator('.target').getAttribute('lang')).toBe('ti');

      // Saving without a name asks for one.
      await page.click('#export');
      await expect.poll(() => page.locator('#reviewer-needed').isVisible()).toBe(true);
      await page.fill('#reviewer', 'Tigrinya interpreter (browser)');

      await item('rights:intro.everyChild').locator('label.approved').click();
      await item('web:quickExit').locator('label.approved').click();
      await item('handoff:leave').locator('label.not_sure').click();
      await item('handoff:leave').locator('textarea.comment').fill('Not sure about this word.');
      // A plural text: one box per form; dropping the number from "other" is flagged at once.
      const queued = item('handoff:queued');
      await queued.locator('label.changed').click();
      expect(await queued.locator('.edit textarea').count()).toBe(2);
      await queued.locator('.edit textarea[data-form="other"]').fill('ኣብ መስርዕ ኢኹም።');
      await expect.poll(() => queued.locator('.warn').textContent()).toContain('{{position}}');
      expect(await queued.getAttribute('data-problem')).toBe('1');
      await queued.locator('.edit textarea[data-form="other"]').fill('ኣብ መስርዕ {{position}}ይ ኢኹም።');
      await expect.poll(() => queued.locator('.warn').isVisible()).toBe(false);
      // A list of words: one a line.
      const synonyms = item('choices:yes.synonyms');
      await synonyms.locator('label.changed').click();
      await synonyms.locator('.edit textarea').fill('እወ\nኣወ\n\newe');
      await expect.poll(() => page.locator('#progress-count').textContent()).toBe('5 / 9');

      // Closing and opening the file loses nothing.
      // The page saves a moment after the last keystroke: wait until the last edit is stored.
      await expect.poll(() => page.evaluate("localStorage.getItem('lantern-review:ti') || ''"), { timeout: 5_000 }).toContain('ewe');
      await page.reload();
      await expect.poll(() => page.locator('#progress-count').textContent()).toBe('5 / 9');
      expect(await page.inputValue('#reviewer')).toBe('Tigrinya interpreter (browser)');
      expect(await queued.locator('label.changed input').isChecked()).toBe(true);
      expect(await queued.locator('.edit textarea[data-form="other"]').inputValue()).toBe('ኣብ መስርዕ {{position}}ይ ኢኹም።');
      expect(await item('handoff:leave').locator('textarea.comment').inputValue()).toBe('Not sure about this word.');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
      expect(download.suggestedFilename()).toMatch(/^lantern-review-ti-\d{4}-\d{2}-\d{2}\.json$/);
      const saved = path.join(path.dirname(file), download.suggestedFilename());
      await download.saveAs(saved);
      const exported = parseAnswers(readFileSync(saved, 'utf8'));
      expect(exported.reviewer).toBe('Tigrinya interpreter (browser)');
      expect(exported.kitGenerated).toBe(kit.generated);
      expect(Object.keys(exported.answers).sort()).toEqual(['choices:yes.synonyms', 'handoff:leave', 'handoff:queued', 'rights:intro.everyChild', 'web:quickExit']);
      expect(exported.answers['handoff:queued']).toMatchObject({ decision: 'changed', text: { one: 'ኣብ መስርዕ ቁጽሪ {{position}} ኢኹም።', other: 'ኣብ መስርዕ {{position}}ይ ኢኹም።' } });
      expect(exported.answers['choices:yes.synonyms']).toMatchObject({ decision: 'changed', text: ['እወ', 'ኣወ', 'ewe'] });
      expect(exported.answers['handoff:leave']).toMatchObject({ decision: 'not_sure', comment: 'Not sure about this word.' });

      // The import takes it as it is.
      const check = checkAnswers(exported, { localesDir: dir });
      expect(check.refused).toEqual([]);
      applyAnswers(check, { localesDir: dir });
      expect(readLanguage('ti', dir).handoff).toMatchObject({ queued_other: 'ኣብ መስርዕ {{position}}ይ ኢኹም።' });
      expect(reviewStatus(readReview('ti', dir), 'web', 'quickExit')).toBe('reviewed');

      // Nothing but the file itself (and the download's blob) was ever requested; no page error.
      expect(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

it('replaces a text in a locale file without touching the rest', () => {
  const original = '{\n  "a": { "b": "one", "list": ["x", "y"] },\n  "c": [\n    "p",\n    "q"\n  ],\n  "d": "say \\"hi\\""\n}\n';
  expect(replaceJsonTexts(original, [{ key: 'a.b', value: 'één "1"' }, { key: 'c', value: ['p', 'r', 's'] }, { key: 'a.list', value: ['z'] }])).toBe(
    '{\n  "a": { "b": "één \\"1\\"", "list": ["z"] },\n  "c": [\n    "p",\n    "r",\n    "s"\n  ],\n  "d": "say \\"hi\\""\n}\n',
  );
});

/**
 * The counsellors' phrasebook: the phrases in all five languages (enough of them, the same keys,
 * reviewed phrase by phrase, help lines from the configuration), the server class, and the routes
 * over real HTTP against real Redis: the groups for a language, sending a phrase (the young
 * person gets it in their language, the activity carries its text key), the former quick-reply
 * routes, and the coordinators' list of unreviewed phrases.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHRASE_GROUPS, type PhrasebookAnswer, type PhraseReviewAnswer, type QuickReplyItem } from '../../contracts/counsellorApi.js';
import { LANGUAGES } from '../../contracts/languages.js';
import { FORMER_QUICK_REPLIES, Phrasebook } from '../../handoff/Phrasebook.js';
import type { LanternInstance } from '../../server/Lantern.js';
import { startTestLantern } from '../helpers/testLantern.js';
import { loadHelplines } from '../../texts/helplines.js';
import { checkLocales, MIN_PHRASES } from '../../texts/localeCheck.js';
import { flatten, readLanguage, readReview } from '../../texts/localeFiles.js';
import { Translator } from '../../texts/Translator.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

const phrasesOf = (language: (typeof LANGUAGES)[number]) => flatten(readLanguage(language).phrases ?? {});

describe('the phrases in the locale files', () => {
  const reference = Object.keys(phrasesOf('en'));

  it(`has at least ${MIN_PHRASES} phrases in every language, with the same keys, grouped by moment`, () => {
    expect(reference.length).toBeGreaterThanOrEqual(MIN_PHRASES);
    for (const language of LANGUAGES) {
      const keys = Object.keys(phrasesOf(language));
      expect(keys.length, language).toBeGreaterThanOrEqual(MIN_PHRASES);
      expect(keys, language).toEqual(reference);
      for (const text of Object.values(phrasesOf(language))) expect(typeof text === 'string' && text.trim().length > 0).toBe(true);
    }
    expect([...new Set(reference.map((key) => key.split('.')[0]))]).toEqual([...PHRASE_GROUPS]);
    // The nine former quick replies are still there, in their groups.
    for (const key of Object.values(FORMER_QUICK_REPLIES)) expect(reference).toContain(key);
  });

  it('records the review of every phrase: Arabic, Tigrinya and Dari drafts unreviewed, Dutch and English reviewed', () => {
    for (const language of LANGUAGES) {
      const record = readReview(language).phrases;
      expect(record, language).toBeDefined();
      expect(Object.keys(record!.keys ?? {}).sort(), language).toEqual([...reference].sort());
      const statuses = new Set(Object.values(record!.keys!).map((own) => own.status));
      expect([...statuses], language).toEqual([language === 'en' || language === 'nl' ? 'reviewed' : 'unreviewed']);
      if (language !== 'en' && language !== 'nl') expect(record!.origin).toMatch(/machine-assisted/);
    }
    expect(checkLocales().errors.filter((error) => error.includes('phrases'))).toEqual([]);
  });

  it('types no number into a phrase, keeps Dari trafficking apart from smuggling and Tigrinya in the polite plural', () => {
    for (const language of LANGUAGES) {
      for (const [key, text] of Object.entries(phrasesOf(language))) {
        expect(String(text).replace(/\{\{\s*\w+\s*\}\}/g, ''), `${language} ${key}`).not.toMatch(/[0-9\u0660-\u0669\u06F0-\u06F9]/);
      }
    }
    const dari = Object.values(phrasesOf('prs')).join('\n');
    expect(dari).not.toContain('قاچاق'); // read as smuggling: trafficking is خرید و فروش انسان
    expect(dari).toContain('خرید و فروش انسان');
    // Tigrinya: "you" is the polite plural (-ኹም), never the singular -ካ/-ኪ endings of "you can".
    const tigrinya = Object.values(phrasesOf('ti')).join('\n');
    expect(tigrinya).not.toMatch(/ትኽእል(ካ|ኪ)|ኢኻ|ኢኺ/);
    expect(tigrinya).toContain('ትኽእሉ');
  });
});

describe('Phrasebook', () => {
  const translator = new Translator();
  const phrasebook = new Phrasebook(translator);

  it('lists the groups for a language with the Dutch and English meaning, the text and its review state', () => {
    const { groups } = phrasebook.list('ti');
    expect(groups.map((group) => group.id)).toEqual([...PHRASE_GROUPS]);
    const safeNow = groups.find((group) => group.id === 'safety')!.phrases.find((phrase) => phrase.key === 'safety.safeNow')!;
    expect(safeNow).toEqual({ key: 'safety.safeNow', nl: 'Ben je nu veilig?', en: 'Are you safe right now?', text: 'ሕጂ ውሑሳት ዲኹም ዘለኹም፧', reviewed: false });
    expect(phrasebook.phrase('nl', 'safety.safeNow').reviewed).toBe(true);
  });

  it('validates keys: phrase keys and the former quick-reply keys, nothing else', () => {
    expect(phrasebook.resolve('closing.goodbye')).toBe('closing.goodbye');
    expect(phrasebook.resolve('goodbye')).toBe('closing.goodbye');
    expect(phrasebook.resolve('interpreter')).toBe('interpreter.notMyLanguage');
    for (const bad of ['', 'safety', 'safety.nothing', '__proto__', 'toString', 'constructor', 42, undefined]) expect(phrasebook.resolve(bad)).toBeUndefined();
  });

  it('fills in the help lines from the configuration', () => {
    const helplines = loadHelplines();
    expect(phrasebook.text('ar', 'safety.call112')).toContain(helplines.emergency.phone!);
    expect(phrasebook.text('prs', 'practical.veiligThuis')).toContain(helplines.veiligThuis.phone!);
    const elsewhere = new Phrasebook(new Translator({ helplines: { ...helplines, emergency: { ...helplines.emergency, phone: '999' } } }));
    expect(elsewhere.text('nl', 'safety.call112')).toContain('999');
    for (const language of LANGUAGES) for (const key of phrasebook.keys()) expect(phrasebook.text(language, key), `${language} ${key}`).not.toMatch(/\{\{|\}\}/);
  });
});

describe('the phrasebook routes', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await startTestLantern(uniquePrefix('phrasebook'));
  });
  afterAll(async () => {
    await lantern?.stop();
  });

  it('gives the phrasebook by group for the young person\'s language', async () => {
    const counsellor = await CounsellorClient.login(lantern, 'phrase.reader', ['nl']);
    const answer = await counsellor.api<PhrasebookAnswer>('GET', '/api/staff/phrases?language=ar');
    expect(answer.status).toBe(200);
    expect(answer.body.language).toBe('ar');
    expect(answer.body.groups.map((group) => group.id)).toEqual([...PHRASE_GROUPS]);
    const all = answer.body.groups.flatMap((group) => group.phrases);
    expect(all.length).toBeGreaterThanOrEqual(MIN_PHRASES);
    for (const phrase of all) {
      expect(phrase.key).toMatch(/^\w+\.\w+$/);
      expect(phrase.nl && phrase.en && phrase.text).toBeTruthy();
      expect(phrase.reviewed).toBe(false);
    }
    const dutch = await counsellor.api<PhrasebookAnswer>('GET', '/api/staff/phrases?language=nl');
    expect(dutch.body.groups.flatMap((group) => group.phrases).every((phrase) => phrase.reviewed && phrase.text === phrase.nl)).toBe(true);

    // The former route: every phrase in one list.
    const flat = await counsellor.api<QuickReplyItem[]>('GET', '/api/staff/quick-replies?language=ar');
    expect(flat.status).toBe(200);
    expect(flat.body).toHaveLength(all.length);
    expect(flat.body).toContainEqual(expect.objectContaining({ key: 'safety.safeNow', group: 'safety', language: 'ar', text: all.find((p) => p.key === 'safety.safeNow')!.text }));

    expect((await fetch(`${lantern.url}/api/staff/phrases?language=ar`)).status).toBe(401);
  });

  it('sends a phrase in the young person\'s language, with its text key on the activity', async () => {
    const young = await YoungPersonClient.start(lantern, 'prs');
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor((a) => a.type === 'event' && a.name === 'handoff.status' && (a.value as { state?: string })?.state === 'waiting');
    const counsellor = await CounsellorClient.login(lantern, 'phrase.sender', ['nl']);
    expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);

    const sent = await counsellor.api<{ id: string }>('POST', `/api/staff/conversations/${young.conversationId}/phrases`, { key: 'safety.call112' });
    expect(sent.status).toBe(200);
    const dari = lantern.handoff.phrasebook.text('prs', 'safety.call112')!;
    expect(dari).toContain(loadHelplines().emergency.phone!);
    const received = await young.waitFor((a) => a.type === 'message' && a.text === dari);
    expect(received.id).toBe(sent.body.id);
    expect((received.channelData as { lantern?: unknown }).lantern).toEqual({ sender: 'counsellor', textLanguage: 'prs', texts: [{ key: 'phrases:safety.call112' }] });

    // The former route and key send the same phrase.
    const former = await counsellor.api<{ id: string }>('POST', `/api/staff/conversations/${young.conversationId}/quick-replies`, { key: 'goodbye' });
    expect(former.status).toBe(200);
    const goodbye = await young.waitFor((a: Activity) => a.id === former.body.id);
    expect(goodbye.text).toBe(lantern.handoff.phrasebook.text('prs', 'closing.goodbye'));
    expect((goodbye.channelData as { lantern?: { texts?: unknown } }).lantern?.texts).toEqual([{ key: 'phrases:closing.goodbye' }]);

    // The console's transcript has the counsellor's line as sent, with its Dutch and English meaning (from the key).
    const detail = await counsellor.api<{ transcript: Array<{ id: string; sender: string; text?: string; nl?: string; en?: string }> }>('GET', `/api/staff/conversations/${young.conversationId}`);
    expect(detail.body.transcript).toContainEqual(
      expect.objectContaining({ id: sent.body.id, sender: 'counsellor', text: dari, nl: lantern.handoff.phrasebook.text('nl', 'safety.call112'), en: lantern.handoff.phrasebook.text('en', 'safety.call112') }),
    );

    for (const key of ['safety.nothing', '__proto__', 7, '']) {
      const bad = await counsellor.api<{ error: { code: string } }>('POST', `/api/staff/conversations/${young.conversationId}/phrases`, { key });
      expect(bad.status, String(key)).toBe(400);
      expect(bad.body.error.code).toBe('HandoffRequestError');
    }
    // Only into a conversation you hold.
    const other = await CounsellorClient.login(lantern, 'phrase.other', ['nl']);
    expect((await other.api('POST', `/api/staff/conversations/${young.conversationId}/phrases`, { key: 'safety.safeNow' })).status).toBe(404);
    expect((await counsellor.api('POST', `/api/staff/conversations/${young.conversationId}/end`, { outcome: 'information_given' })).status).toBe(200);
  });

  it('tells coordinators which phrases are not reviewed, per language (not counsellors)', async () => {
    await lantern.app.staffStore.create({ username: 'phrase.coordinator', role: 'coordinator', languages: [], password: 'correct horse battery staple' });
    const coordinator = await CounsellorClient.login(lantern, 'phrase.coordinator', []);
    const answer = await coordinator.api<PhraseReviewAnswer>('GET', '/api/staff/phrases/review');
    expect(answer.status).toBe(200);
    const total = lantern.handoff.phrasebook.keys().length;
    expect(answer.body.languages.map((row) => row.language)).toEqual([...LANGUAGES]);
    for (const row of answer.body.languages) {
      expect(row.phrases).toBe(total);
      const drafted = row.language === 'ar' || row.language === 'ti' || row.language === 'prs';
      expect(row.unreviewed, row.language).toHaveLength(drafted ? total : 0);
      expect(row.reviewed).toBe(total - row.unreviewed.length);
    }
    expect(answer.body.languages.find((row) => row.language === 'ti')!.unreviewed).toContain('safety.safeNow');
    expect(answer.body.meanings['safety.safeNow']).toEqual({ nl: 'Ben je nu veilig?', en: 'Are you safe right now?' });

    const counsellor = await CounsellorClient.login(lantern, 'phrase.counsellor', ['nl']);
    expect((await counsellor.api('GET', '/api/staff/phrases/review')).status).toBe(403);
    expect((await fetch(`${lantern.url}/api/staff/phrases/review`)).status).toBe(401);
  });
});

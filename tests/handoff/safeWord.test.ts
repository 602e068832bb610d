/**
 * The safe word on the counsellors' side, over real HTTP against real Redis: a young person in
 * Dari agrees on the offered phrase and types it later. Nothing on their screen tells (no handoff
 * events, only the ordinary answer); the waiting list shows "may be watched" at the priority of
 * danger (every console is alerted), the conversation keeps the marker after it is claimed, the
 * neutral phrase set comes in Dari with its Dutch and English; typed during a chat it alerts the
 * counsellor who has it and raises the priority.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhrasebookAnswer, QueueItem, SessionItem } from '../../contracts/counsellorApi.js';
import type { LanternInstance } from '../../server/Lantern.js';
import { startTestLantern } from '../helpers/testLantern.js';
import { Translator } from '../../texts/Translator.js';
import { liveConsole, waitUntil } from '../helpers/liveConsole.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

const translator = new Translator();
const dari = translator.forLanguage('prs');
const OFFERED = dari('privacy:safeWord.offered');

/** Agrees on the offered phrase through the menu's buttons, as the page sends them. */
async function agreeOnOfferedPhrase(young: YoungPersonClient): Promise<void> {
  await young.say(dari('choices:safe_word.title'), { choice: 'safe_word' });
  await young.say(dari('choices:safe_word_offered.title'), { choice: 'safe_word_offered' });
  await young.waitFor((a) => a.type === 'message' && a.text === dari('privacy:safeWord.set', { word: OFFERED }));
}

const fromBot = (activities: Activity[]) => activities.filter((a) => a.from?.role === 'bot');

describe('the safe word reaches the console', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await startTestLantern(uniquePrefix('safeword'));
  });
  afterAll(() => lantern.stop());

  it('typed in the bot: an ordinary answer on the screen; the list shows "may be watched" as danger; the neutral phrases in Dari', async () => {
    const anna = await CounsellorClient.login(lantern, 'anna', ['prs', 'nl']);
    const live = liveConsole(lantern, anna);
    await live.opened;
    const young = await YoungPersonClient.start(lantern, 'prs');
    await agreeOnOfferedPhrase(young);
    await young.read();

    await young.say(OFFERED);
    const after = fromBot(await young.read());
    expect(after.map((a) => [a.type, a.text])).toEqual([['message', dari('privacy:safeWord.reply')]]);
    expect(after[0]!.suggestedActions?.actions ?? []).toEqual([]);

    const queue = await anna.api<QueueItem[]>('GET', '/api/staff/queue');
    const item = queue.body.find((entry) => entry.conversationId === young.conversationId);
    expect(item).toMatchObject({ language: 'prs', priority: 'danger', danger: true, mayBeWatched: true, triage: { reason: 'safe_word' } });
    await live.waitFor((m) => m.type === 'alert' && m.kind === 'danger' && m.conversationId === young.conversationId);

    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    const detail = await anna.api<SessionItem & { summary: { nl: Array<{ label: string; value: string }> } }>('GET', `/api/staff/conversations/${young.conversationId}`);
    expect(detail.body).toMatchObject({ mayBeWatched: true, priority: 'danger' });
    expect(detail.body.summary.nl).toContainEqual(expect.objectContaining({ value: 'typte het veilige woord' }));
    const sessions = await anna.api<SessionItem[]>('GET', '/api/staff/conversations');
    expect(sessions.body.find((s) => s.conversationId === young.conversationId)?.mayBeWatched).toBe(true);

    // The neutral set: yes/no questions and harmless lines, in Dari with their Dutch and English.
    const neutral = await anna.api<PhrasebookAnswer>('GET', '/api/staff/phrases?language=prs&set=neutral');
    expect(neutral.status).toBe(200);
    expect(neutral.body.groups.map((group) => group.id)).toEqual(['neutral']);
    const phrases = neutral.body.groups[0]!.phrases;
    expect(phrases.length).toBeGreaterThanOrEqual(5);
    for (const phrase of phrases) {
      expect(phrase.text, phrase.key).toBeTruthy();
      expect(phrase.nl).not.toBe(phrase.key);
      expect(phrase.en).not.toMatch(/help|danger|police|exploit|112/i);
    }
    // The whole phrasebook still has every group.
    const all = await anna.api<PhrasebookAnswer>('GET', '/api/staff/phrases?language=prs');
    expect(all.body.groups.map((group) => group.id)).toContain('safety');

    // A neutral phrase reaches the young person in Dari; the bot never said "a person is here".
    await anna.api('POST', `/api/staff/conversations/${young.conversationId}/phrases`, { key: 'neutral.goodMoment' });
    const goodMoment = lantern.handoff.phrasebook.text('prs', 'neutral.goodMoment');
    await young.waitFor((a) => a.text === goodMoment);
    expect(young.seen.filter((a) => a.type === 'event' && String(a.name).startsWith('handoff.'))).toEqual([]);
    expect(young.seen.map((a) => a.text)).not.toContain(dari('handoff:accepted'));
    live.socket.close();
  });

  it('typed during a chat: the counsellor who has it is alerted, the priority goes up, the panel gets the marker', async () => {
    const bea = await CounsellorClient.login(lantern, 'bea', ['prs']);
    const young = await YoungPersonClient.start(lantern, 'prs');
    await agreeOnOfferedPhrase(young);
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor((a) => a.type === 'event' && a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === 'waiting');
    const live = liveConsole(lantern, bea);
    await live.opened;
    expect((await bea.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    await young.waitFor((a) => a.type === 'event' && a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === 'accepted');
    const before = await bea.api<SessionItem>('GET', `/api/staff/conversations/${young.conversationId}`);
    expect(before.body.mayBeWatched).toBeUndefined();
    expect(before.body.priority).toBe('normal');
    // Before the safe word a counsellor's message comes named ("person" in Dari), for the page's label.
    expect((await bea.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: 'سلام' })).status).toBe(200);
    const named = await young.waitFor((a) => a.type === 'message' && a.text === 'سلام');
    expect(named.from).toMatchObject({ id: 'counsellor', name: dari('web:person') });
    expect(named.channelData).toEqual({ lantern: { sender: 'counsellor' } });

    await young.read();
    await young.say(OFFERED);
    await live.waitFor((m) => m.type === 'alert' && m.kind === 'watched' && m.conversationId === young.conversationId);
    const sessions = await waitUntil(async () => {
      const items = (await bea.api<SessionItem[]>('GET', '/api/staff/conversations')).body;
      const mine = items.find((s) => s.conversationId === young.conversationId);
      return mine?.mayBeWatched ? mine : undefined;
    }, 8_000, 'the marker on the session');
    expect(sessions).toMatchObject({ priority: 'danger', danger: true, mayBeWatched: true });
    // The bot stays silent in a counsellor's chat: nothing on the screen but their own message.
    expect(fromBot(await young.read())).toEqual([]);

    // From now on the counsellor's messages and phrases come discreet: no name, and the page shows
    // them like the bot's, without the visible "person" label.
    expect((await bea.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: 'خوب است' })).status).toBe(200);
    const discreet = await young.waitFor((a) => a.type === 'message' && a.text === 'خوب است');
    expect(discreet.from).toEqual({ id: 'counsellor', role: 'bot' });
    expect(discreet.channelData).toEqual({ lantern: { sender: 'counsellor', discreet: true } });
    await bea.api('POST', `/api/staff/conversations/${young.conversationId}/phrases`, { key: 'neutral.goodMoment' });
    const phrase = await young.waitFor((a) => a.text === lantern.handoff.phrasebook.text('prs', 'neutral.goodMoment'));
    expect(phrase.from?.name).toBeUndefined();
    expect(phrase.channelData).toMatchObject({ lantern: { sender: 'counsellor', discreet: true, textLanguage: 'prs' } });
    live.socket.close();
  });
});

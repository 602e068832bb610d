/**
 * The real Lantern (bot, dialogs, handoff, staff routes) as a standard Direct Line client sees it,
 * e.g. Microsoft's Web Chat on a partner's site, driven by botframework-directlinejs:
 * - the bot speaks first: on the conversation start, without a first message;
 * - the start's locale (`conversationStartProperties.locale`) chooses the language when it is one of
 *   the five; without one the language question comes, and Web Chat's `en-US` on every activity never
 *   chooses for the young person;
 * - typing is echoed (Web Chat waits for the echo);
 * - counsellors and interpreters are senders of their own, named in the young person's language, in plain text;
 * - CORS only on the Direct Line routes: the staff routes never allow another origin.
 */
import type { Activity } from 'botframework-directlinejs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LANGUAGES } from '../../contracts/languages.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { Translator } from '../../texts/Translator.js';
import { connectDirectLine, type TestDirectLineClient } from '../helpers/directLineClient.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

const PARTNER = 'https://partner.example';
const translator = new Translator({ variables: { retentionHours: 48 } });
let lantern: LanternInstance;
const clients: TestDirectLineClient[] = [];

beforeAll(async () => {
  lantern = await startLantern(
    {
      redisUrl: inject('redisUrl'),
      keyPrefix: uniquePrefix('dl-standard'),
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      secureCookies: false,
      allowedOrigins: [PARTNER],
    },
    { openingHours: OpeningHours.always() },
  );
});
afterAll(async () => {
  for (const client of clients) client.stop();
  await lantern.stop();
});

/** A Web Chat-like client: a token from /tokens/generate, then directlinejs with the given start properties. */
async function webChat(conversationStartProperties?: { locale?: string }): Promise<TestDirectLineClient & { conversationId: string; token: string }> {
  const generated = (await (await fetch(`${lantern.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string; conversationId: string };
  const client = connectDirectLine({ token: generated.token, domain: `${lantern.url}/v3/directline`, ...(conversationStartProperties ? { conversationStartProperties } : {}) });
  clients.push(client);
  return Object.assign(client, { conversationId: generated.conversationId, token: generated.token });
}

const text = (a: Activity) => (a as { text?: string }).text;
const botTexts = (client: TestDirectLineClient) => client.received.filter((a) => a.from.role === 'bot' && a.type === 'message').map(text);
const choices = (a: Activity) => ((a as { suggestedActions?: { actions: Array<{ value?: { choice?: string } }> } }).suggestedActions?.actions ?? []).map((x) => x.value?.choice);

describe('a standard Direct Line client', () => {
  it('is welcomed in the language of the start’s locale, without sending anything', async () => {
    for (const [locale, language] of [['ar-SY', 'ar'], ['ti-ER', 'ti'], ['fa-AF', 'prs'], ['nl-NL', 'nl'], ['en-GB', 'en']] as const) {
      const t = translator.forLanguage(language);
      const client = await webChat({ locale });
      const menu = await client.waitFor((a) => a.from.role === 'bot' && text(a) === t('menu:prompt'));
      expect(botTexts(client)[0], locale).toBe(t('welcome:hello'));
      expect(choices(menu).length).toBeGreaterThan(0);
      client.stop();
    }
  });

  it('without a locale, is asked for the language; Web Chat’s en-US on its messages never answers for the young person', async () => {
    const client = await webChat();
    const question = await client.waitFor((a) => a.from.role === 'bot' && choices(a).length > 0);
    expect(choices(question)).toEqual(LANGUAGES.map((l) => `lang_${l}`));
    // Nothing but the question: no welcome in a language nobody chose.
    expect(botTexts(client)).toEqual([translator.forLanguage('en')('language:prompt')]);

    // Web Chat sends its default locale with every activity.
    await client.post({ type: 'message', text: 'hi', locale: 'en-US' });
    await client.waitFor((a) => a.from.role === 'bot' && text(a) === translator.forLanguage('en')('common:notUnderstood'));
    const nl = translator.forLanguage('nl');
    await client.post({ type: 'message', text: 'Nederlands', value: { choice: 'lang_nl' }, locale: 'en-US' });
    await client.waitFor((a) => a.from.role === 'bot' && text(a) === nl('menu:prompt'));
    expect(botTexts(client)).toContain(nl('welcome:hello'));
    // Later activities with en-US do not change the chosen language either.
    const before = client.received.length;
    await client.post({ type: 'message', text: 'help', locale: 'en-US' });
    await client.waitFor((a) => client.received.indexOf(a) >= before && a.from.role === 'bot' && a.type === 'message');
    const after = client.received.slice(before).filter((a) => a.from.role === 'bot' && a.type === 'message').map(text);
    expect(after.some((x) => x === nl('common:help.what') || x === nl('common:notUnderstood') || (x ?? '').length > 0)).toBe(true);
    expect(after).not.toContain(translator.forLanguage('en')('common:help.what'));
  });

  it('keeps the language of the start when its messages say en-US', async () => {
    const client = await webChat({ locale: 'nl-NL' });
    const nl = translator.forLanguage('nl');
    await client.waitFor((a) => text(a) === nl('menu:prompt'));
    const before = client.received.length;
    await client.post({ type: 'message', text: 'help', value: { command: 'help' }, locale: 'en-US' });
    await client.waitFor((a) => client.received.indexOf(a) >= before && text(a) === nl('common:help.what'));
  });

  it('gets its typing echoed (Web Chat waits for it), never stored', async () => {
    const client = await webChat({ locale: 'en' });
    await client.waitFor((a) => text(a) === translator.forLanguage('en')('menu:prompt'));
    const id = await client.post({ type: 'typing', channelData: { clientActivityID: 'webchat-typing-1' } });
    const echo = await client.waitFor((a) => a.type === 'typing' && (a.channelData as { clientActivityID?: string } | undefined)?.clientActivityID === 'webchat-typing-1');
    expect(echo.id).toBe(id);
    const stored = (await lantern.store.read(client.conversationId, undefined, 1_000)).activities;
    expect(stored.some((a) => a.type === 'typing' && a.from?.role === 'user')).toBe(false);
  });
});

describe('counsellors and interpreters', () => {
  it('write as senders of their own, named in the young person’s language, in plain text', async () => {
    const young = await YoungPersonClient.start(lantern, 'ar');
    await young.say('x', { command: 'talk_to_human' });
    await young.waitFor((a) => a.type === 'event' && a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === 'waiting');
    const anna = await CounsellorClient.login(lantern, 'anna-dl', ['ar', 'nl']);
    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);

    // A text that is not a string is bad input, never a 500.
    for (const body of [{ text: { nested: true } }, { text: ['a'] }, { text: 42 }, { text: null }, {}]) {
      const refused = await anna.api<{ error: { code: string } }>('POST', `/api/staff/conversations/${young.conversationId}/messages`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }

    await anna.api('POST', `/api/staff/conversations/${young.conversationId}/messages`, { text: '**Hallo** _ik_ ben er' });
    const counsellor = await young.waitFor((a) => a.text === '**Hallo** _ik_ ben er');
    expect(counsellor.from).toEqual({ id: 'counsellor', name: translator.forLanguage('ar')('web:person'), role: 'bot' });
    expect(counsellor.textFormat).toBe('plain');
    expect(counsellor.channelData).toMatchObject({ lantern: { sender: 'counsellor' } });

    const link = await anna.api<{ url: string }>('POST', `/api/staff/conversations/${young.conversationId}/interpreter`);
    const joined = await fetch(`${lantern.url}/api/interpreter/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: link.body.url.split('#')[1] }) });
    expect(joined.status).toBe(201);
    const cookie = (joined.headers.get('set-cookie') ?? '').split(';')[0]!;
    const sent = await fetch(`${lantern.url}/api/interpreter/messages`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ text: 'مرحبا' }) });
    expect(sent.status).toBe(201);
    const interpreter = await young.waitFor((a) => a.text === 'مرحبا' && a.from?.id === 'interpreter');
    expect(interpreter.from).toEqual({ id: 'interpreter', name: translator.forLanguage('ar')('web:interpreter'), role: 'bot' });
    expect(interpreter.textFormat).toBe('plain');
    expect(interpreter.channelData).toMatchObject({ lantern: { sender: 'interpreter' } });
  });
});

describe('CORS on the whole server', () => {
  it('is on the Direct Line routes only: the staff routes never allow another origin', async () => {
    const preflight = await fetch(`${lantern.url}/v3/directline/conversations`, { method: 'OPTIONS', headers: { origin: PARTNER, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PARTNER);

    const staffPaths: [string, string][] = [
      ['POST', '/api/staff/login'],
      ['GET', '/api/staff/me'],
      ['GET', '/api/staff/queue'],
      ['GET', '/api/staff/conversations'],
      ['POST', '/api/staff/conversations/abc/messages'],
      ['POST', '/api/interpreter/session'],
      ['GET', '/api/interpreter/conversation'],
      ['GET', '/api/metrics'],
    ];
    for (const [method, path] of staffPaths) {
      const options = await fetch(`${lantern.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin: PARTNER, 'access-control-request-method': method, 'access-control-request-headers': 'content-type,x-csrf-token' },
      });
      expect(options.headers.get('access-control-allow-origin'), `OPTIONS ${path}`).toBeNull();
      expect(options.headers.get('access-control-allow-methods'), `OPTIONS ${path}`).toBeNull();
      expect(options.status, `OPTIONS ${path}`).toBeGreaterThanOrEqual(400);
      const direct = await fetch(`${lantern.url}${path}`, {
        method,
        headers: { origin: PARTNER, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(direct.headers.get('access-control-allow-origin'), `${method} ${path}`).toBeNull();
      expect(direct.status, `${method} ${path}`).toBeLessThan(500);
    }
  });
});

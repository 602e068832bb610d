/**
 * The real Lantern (bot, dialogs, Redis state, Direct Line channel) driven by Microsoft's
 * botframework-directlinejs client: a Tigrinya conversation to "My rights", then a reconnect
 * with the watermark that gets every activity missed while away, nothing twice.
 */
import { Writable } from 'node:stream';
import type { Activity } from 'botframework-directlinejs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Translator } from '../../texts/Translator.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { connectDirectLine } from '../helpers/directLineClient.js';
import { uniquePrefix } from '../helpers/redis.js';

const logLines: string[] = [];
let lantern: LanternInstance;
const t = new Translator({ variables: { retentionHours: 48 } }).forLanguage('ti');

beforeAll(async () => {
  lantern = await startLantern(
    { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('e2e'), port: 0, host: '127.0.0.1', logLevel: 'debug' },
    { logStream: new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }) },
  );
});
afterAll(() => lantern.stop());

async function token(): Promise<{ token: string; conversationId: string }> {
  const response = await fetch(`${lantern.url}/v3/directline/tokens/generate`, { method: 'POST' });
  expect(response.status).toBe(200);
  return (await response.json()) as { token: string; conversationId: string };
}

const isBotText = (text: string) => (a: Activity) => a.from.role === 'bot' && a.type === 'message' && a.text === text;

describe('Lantern over Direct Line with Microsoft\'s client', () => {
  it('converses in Tigrinya, walks to "My rights", and resumes from a watermark after a disconnect', async () => {
    const { token: tk, conversationId } = await token();
    // The language is known at the start (conversationStartProperties.locale): the welcome comes
    // without a first message; the page's own language event after it changes nothing.
    const client = connectDirectLine({ token: tk, domain: `${lantern.url}/v3/directline`, conversationStartProperties: { locale: 'ti-ER' } });
    await client.waitFor(isBotText(t('menu:prompt')));
    await client.post({ type: 'event', name: 'lantern.language', value: 'ti', locale: 'ti' });
    const greeting = client.received.filter((a) => a.from.role === 'bot').map((a) => (a as { text?: string }).text);
    expect(greeting).toEqual([t('welcome:hello'), t('welcome:anonymous'), t('menu:prompt')]);
    const menu = client.received.find(isBotText(t('menu:prompt'))) as { suggestedActions?: { actions: Array<{ value: { choice: string } }> } };
    expect(menu.suggestedActions?.actions.map((a) => a.value.choice)).toContain('rights');

    await client.post({ type: 'message', text: t('choices:rights.title'), value: { choice: 'rights' }, locale: 'ti' });
    await client.waitFor(isBotText(t('rights:prompt')));
    expect(client.received.some(isBotText(t('rights:intro.everyChild')))).toBe(true);
    // The young person's own message comes back through the stream too, with the server's user id.
    const echo = client.received.find((a) => a.type === 'message' && a.from.role === 'user');
    expect(echo?.from.id).toMatch(/^u_/);

    const watermark = client.watermark();
    const seenIds = new Set(client.received.map((a) => a.id));
    client.stop();

    // While the client is away, the conversation goes on (another tab, or the bot answering late).
    const post = await fetch(`${lantern.url}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tk}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'x' }, text: t('choices:rights_guardian.title'), value: { choice: 'rights_guardian' } }),
    });
    expect(post.status).toBe(200);

    const again = connectDirectLine({ token: tk, conversationId, watermark, domain: `${lantern.url}/v3/directline` });
    await again.waitFor(isBotText(t('rights:guardian.lawyer')));
    await again.waitFor(isBotText(t('rights:prompt')));
    const missed = again.received.map((a) => a.id);
    expect(missed.some((id) => seenIds.has(id))).toBe(false);
    expect(new Set(missed).size).toBe(missed.length);
    expect(again.received.filter((a) => a.from.role === 'bot').map((a) => (a as { text?: string }).text)).toEqual([
      t('rights:guardian.guardian'),
      t('rights:guardian.mentor'),
      t('rights:guardian.lawyer'),
      t('rights:prompt'),
    ]);
    again.stop();
  });

  it('ends the conversation on a quick exit: nothing more is accepted', async () => {
    const { token: tk, conversationId } = await token();
    const client = connectDirectLine({ token: tk, domain: `${lantern.url}/v3/directline` });
    await client.post({ type: 'event', name: 'lantern.language', value: 'ar' });
    await client.waitFor((a) => a.type === 'message' && a.from.role === 'bot');
    client.stop();
    const end = await fetch(`${lantern.url}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tk}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'endOfConversation', from: { id: 'x' } }),
    });
    expect(end.status).toBe(200);
    expect(await lantern.store.status(conversationId)).toBe('ended');
    const after = await fetch(`${lantern.url}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tk}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'x' }, text: 'hello' }),
    });
    expect(after.status).toBe(403);
    expect(await lantern.redis.keys(`${lantern.keys.prefix}state:*${conversationId}*`)).toEqual([]);
  });

  it('never writes message text, IP addresses or tokens to the log', async () => {
    const marker = `MARKER${Date.now()}zq`;
    const { token: tk } = await token();
    const client = connectDirectLine({ token: tk, domain: `${lantern.url}/v3/directline` });
    await client.post({ type: 'event', name: 'lantern.language', value: 'en' });
    await client.waitFor(isBotText(new Translator({ variables: { retentionHours: 48 } }).forLanguage('en')('menu:prompt')));
    await client.post({ type: 'message', text: `${marker} my number is 0612345678 and I live at Kerkstraat 1` });
    await client.waitFor((a) => a.from.role === 'bot' && (a as { text?: string }).text?.includes('personal') === true);
    client.stop();
    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThan(5);
    expect(log).not.toContain(marker);
    expect(log).not.toContain('0612345678');
    expect(log).not.toContain('Kerkstraat');
    expect(log).not.toContain(tk);
    expect(log).not.toMatch(/127\.0\.0\.1|::1|::ffff/);
    for (const line of logLines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).not.toHaveProperty('req');
      expect(entry).not.toHaveProperty('text');
    }
  });
});

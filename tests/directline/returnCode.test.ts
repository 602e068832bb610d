/**
 * Return codes over real HTTP on a real Lantern and the test Redis (docs/protocol.md, "Return
 * code"): the bot's answer to `lantern.returnCode` carries the code; `POST /tokens/generate` with
 * `{"returnCode"}` answers a token of the same conversation (once), from another client, with the
 * history readable; typed codes are normalised; wrong codes are refused and rate-limited per client
 * and for everyone; "delete my conversation" and the quick exit make a code useless at once; only a
 * keyed hash is stored, expiring with the conversation; the log never holds a code.
 */
import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { normalizeReturnCode } from '../../contracts/returnCode.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { amsterdamDay } from '../../metrics/calendar.js';
import { MetricsQuery } from '../../metrics/MetricsQuery.js';
import { configFromEnv } from '../../server/config.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import type { QueueItem, SessionItem } from '../../contracts/counsellorApi.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { expectStandsFor, rawCount } from '../helpers/metrics.js';
import { uniquePrefix } from '../helpers/redis.js';

const logLines: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

/** A Lantern with small guess limits, behind a "proxy" so each test picks its client address. */
async function lanternWith(env: Record<string, string>): Promise<LanternInstance> {
  const config = configFromEnv(
    { RETURN_CODE_KEY: 'test-return-code-key-0123456789abcdefghij', TOKEN_RATE_LIMIT_MAX: '1000', ...env },
    { redisUrl: inject('redisUrl'), keyPrefix: uniquePrefix('returncode'), port: 0, host: '127.0.0.1', logLevel: 'debug', trustProxy: true },
  );
  return startLantern(config, { openingHours: OpeningHours.always(), logStream });
}

/** `POST /tokens/generate` with a return code, from a client address. */
async function redeem(lantern: LanternInstance, returnCode: unknown, ip = '198.51.100.1'): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const response = await fetch(`${lantern.url}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ returnCode }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, retryAfter: response.headers.get('retry-after') };
}

/** Asks the bot for a code with the event and returns it as shown ("4821 0937 5562"). */
async function askCode(client: YoungPersonClient): Promise<string> {
  const before = client.seen.length;
  await client.post({ type: 'event', name: 'lantern.returnCode' });
  const reply = await client.waitFor((activity) => client.seen.indexOf(activity) >= before && typeof (activity.channelData as { returnCode?: unknown } | undefined)?.returnCode === 'string');
  return (reply.channelData as { returnCode: string }).returnCode;
}

/** Every activity of a conversation, read with a token. */
async function history(lantern: LanternInstance, conversationId: string, token: string): Promise<Activity[]> {
  const response = await fetch(`${lantern.url}/v3/directline/conversations/${conversationId}/activities`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { activities: Activity[] }).activities;
}

/** A wrong but well-shaped code (one digit changed). */
function wrong(code: string): string {
  const digits = normalizeReturnCode(code)!;
  return `${digits.slice(0, 11)}${(Number(digits[11]) + 1) % 10}`;
}

const toPersianDigits = (text: string) => text.replace(/\d/g, (d) => String.fromCodePoint(0x6f0 + Number(d)));
const toArabicIndicDigits = (text: string) => text.replace(/\d/g, (d) => String.fromCodePoint(0x660 + Number(d)));

describe('normalising typed codes', () => {
  it.each([
    ['1234 5678 9012', '123456789012'],
    ['123456789012', '123456789012'],
    ['1234-5678-9012', '123456789012'],
    [' 1234.5678.9012 ', '123456789012'],
    ['۱۲۳۴ ۵۶۷۸ ۹۰۱۲', '123456789012'],
    ['١٢٣٤-٥٦٧٨-٩٠١٢', '123456789012'],
    ['１２３４ ５６７８ ９０１２', '123456789012'],
    ['1234 5678 901', undefined],
    ['1234 5678 90123', undefined],
    ['1234 5678 901a', undefined],
    ['', undefined],
  ])('%j → %j', (typed, expected) => {
    expect(normalizeReturnCode(typed)).toBe(expected);
  });
});

describe('a return code on a running Lantern', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await lanternWith({ RETURN_CODE_GUESSES_PER_CLIENT: '3', RETURN_CODE_GUESSES_GLOBAL: '1000' });
  });
  afterAll(() => lantern.stop());

  it('opens the same conversation once, from another client, with its history; only a hash is stored; never logged', async () => {
    const young = await YoungPersonClient.start(lantern, 'prs');
    await young.say('سلام');
    const code = await askCode(young);
    expect(code).toMatch(/^\d{4} \d{4} \d{4}$/);
    const digits = normalizeReturnCode(code)!;

    // Stored: the hash only, naming the conversation, expiring with its retention.
    const hash = await lantern.redis.get(lantern.keys.returnCodeOfConversation(young.conversationId));
    expect(hash).toBeTruthy();
    expect(hash).not.toContain(digits);
    expect(await lantern.redis.get(lantern.keys.returnCode(hash!))).toBe(young.conversationId);
    const ttl = await lantern.redis.ttl(lantern.keys.returnCode(hash!));
    expect(ttl).toBeGreaterThan(lantern.config.conversationTtlSeconds - 60);
    expect(ttl).toBeLessThanOrEqual(lantern.config.conversationTtlSeconds);

    // Typed in Persian digits with dashes, from another address ("another device").
    const back = await redeem(lantern, toPersianDigits(code).replace(/ /g, '-'), '203.0.113.9');
    expect(back.status).toBe(200);
    expect(back.body.conversationId).toBe(young.conversationId);
    const earlier = await history(lantern, young.conversationId, String(back.body.token));
    expect(earlier.some((activity) => activity.text === 'سلام')).toBe(true);

    // Used up.
    const again = await redeem(lantern, code, '203.0.113.9');
    expect(again.status).toBe(403);
    expect(again.body).toEqual({ error: { code: 'ReturnCodeInvalid', message: expect.any(String) } });

    // The returned page continues the same conversation.
    const post = await fetch(`${lantern.url}/v3/directline/conversations/${young.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${String(back.body.token)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'menu' }),
    });
    expect(post.status).toBe(200);

    expect(logLines.join('\n')).not.toContain(digits);
    expect(logLines.join('\n')).not.toContain(code);
    expect(logLines.some((line) => line.includes('directline.returncode.redeemed'))).toBe(true);
  });

  it('asking again replaces the old code', async () => {
    const young = await YoungPersonClient.start(lantern, 'en');
    const first = await askCode(young);
    const second = await askCode(young);
    expect((await redeem(lantern, first, '203.0.113.20')).status).toBe(403);
    expect((await redeem(lantern, second, '203.0.113.20')).body.conversationId).toBe(young.conversationId);
  });

  it('refuses malformed requests with a Direct Line error, never a 500', async () => {
    for (const body of [123, '', 'x'.repeat(65)]) {
      const answer = await redeem(lantern, body, '203.0.113.30');
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: { code: 'BadArgument', message: expect.any(String) } });
    }
    const letters = await redeem(lantern, 'abcd efgh ijkl', '203.0.113.30');
    expect(letters.status).toBe(403);
    expect(letters.body).toMatchObject({ error: { code: 'ReturnCodeInvalid' } });
  });

  it('limits wrong codes per client: over the limit even the right code is refused there, not elsewhere', async () => {
    const young = await YoungPersonClient.start(lantern, 'ar');
    const code = await askCode(young);
    const guesser = '192.0.2.44';
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await redeem(lantern, wrong(code), guesser);
      expect(answer.status).toBe(403);
    }
    const limited = await redeem(lantern, code, guesser);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'TooManyRequests' } });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    // The code was not looked at, so it still works from another client.
    expect((await redeem(lantern, toArabicIndicDigits(code), '192.0.2.45')).body.conversationId).toBe(young.conversationId);
  });

  it('"delete my conversation" makes the code useless at once', async () => {
    const young = await YoungPersonClient.start(lantern, 'ti');
    const code = await askCode(young);
    await young.say('x', { command: 'delete_conversation' });
    const answer = await redeem(lantern, code, '203.0.113.40');
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: 'ReturnCodeInvalid' } });
    await expect.poll(() => lantern.redis.exists(lantern.keys.returnCodeOfConversation(young.conversationId))).toBe(0);
  });

  it('the quick exit (endOfConversation) makes the code useless at once', async () => {
    const young = await YoungPersonClient.start(lantern, 'nl');
    const code = await askCode(young);
    const exit = await young.post({ type: 'endOfConversation' });
    expect(exit.status).toBe(200);
    const answer = await redeem(lantern, code, '203.0.113.50');
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: 'ReturnCodeInvalid' } });
    expect(await lantern.redis.exists(lantern.keys.returnCodeOfConversation(young.conversationId))).toBe(0);
  });
});

describe('counting return codes', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await lanternWith({});
  });
  afterAll(() => lantern.stop());

  it('counts codes given (by language) and conversations reopened with one; never a code or an id', async () => {
    const young = await YoungPersonClient.start(lantern, 'prs');
    const given: string[] = [];
    for (let index = 0; index < 5; index++) {
      const code = await askCode(young);
      given.push(normalizeReturnCode(code)!);
      expect((await redeem(lantern, code, `203.0.113.${20 + index}`)).status).toBe(200);
    }
    const query = new MetricsQuery({ redis: lantern.redis, keys: lantern.keys });
    const today = amsterdamDay(new Date());
    // Five given, five used (the recorder writes in the background); shown with the noise and the
    // rounding, so each figure stands for 5 (10 would not).
    await expect.poll(async () => [await rawCount(lantern.redis, lantern.keys, 'return_code_given'), await rawCount(lantern.redis, lantern.keys, 'return_code_used')]).toEqual([5, 5]);
    const watched = (await query.report(today, today, null)).watchedPhone;
    expect(watched.mayBeWatched).toBe(0);
    expectStandsFor(watched.returnCodesGiven, 5, 'return codes given');
    expectStandsFor(watched.returnCodesUsed, 5, 'return codes used');
    // The channel does not know the language of a reopened conversation: not shown per language.
    expect((await query.report(today, today, 'prs')).watchedPhone).toEqual({ mayBeWatched: 0, returnCodesGiven: watched.returnCodesGiven, returnCodesUsed: null });
    // The counters hold codes and counts only.
    const hours = await lantern.redis.keys(lantern.keys.metricsHourPattern());
    const fields = (await Promise.all(hours.map((key) => lantern.redis.hkeys(key)))).flat();
    expect(fields).toContain('return_code_used');
    expect(fields).toContain('return_code_given|lang=prs');
    for (const text of [...hours, ...fields]) {
      for (const digits of given) expect(text).not.toContain(digits);
      expect(text).not.toContain(young.conversationId);
    }
  });
});

describe('the console: "came back with a code"', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await lanternWith({});
  });
  afterAll(() => lantern.stop());

  it('marks a conversation that came back with a code, in the waiting list and the chat, and no other', async () => {
    const young = await YoungPersonClient.start(lantern, 'prs');
    const code = await askCode(young);
    const back = await redeem(lantern, code, '203.0.113.60');
    expect(back.status).toBe(200);
    // From the "other device": ask for a person with the new token.
    const asked = await fetch(`${lantern.url}/v3/directline/conversations/${young.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${String(back.body.token)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x', value: { command: 'talk_to_human' } }),
    });
    expect(asked.status).toBe(200);
    const other = await YoungPersonClient.start(lantern, 'prs');
    await other.say('x', { command: 'talk_to_human' });

    const anna = await CounsellorClient.login(lantern, 'anna-returncode', ['nl', 'en']);
    const waiting = async () => (await anna.api<QueueItem[]>('GET', '/api/staff/queue')).body;
    await expect.poll(async () => (await waiting()).map((item) => item.conversationId).sort()).toEqual([young.conversationId, other.conversationId].sort());
    const list = await waiting();
    expect(list.find((item) => item.conversationId === young.conversationId)?.cameBackWithCode).toBe(true);
    expect(list.find((item) => item.conversationId === other.conversationId)?.cameBackWithCode).toBeUndefined();

    expect((await anna.api('POST', `/api/staff/conversations/${young.conversationId}/claim`)).status).toBe(200);
    const detail = await anna.api<SessionItem>('GET', `/api/staff/conversations/${young.conversationId}`);
    expect(detail.body.cameBackWithCode).toBe(true);
  });
});

describe('the global limit on wrong codes', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await lanternWith({ RETURN_CODE_GUESSES_PER_CLIENT: '100', RETURN_CODE_GUESSES_GLOBAL: '5' });
  });
  afterAll(() => lantern.stop());

  it('refuses every client once everyone together has tried too many wrong codes', async () => {
    const young = await YoungPersonClient.start(lantern, 'en');
    const code = await askCode(young);
    // Five clients, one wrong code each.
    for (let client = 1; client <= 5; client++) expect((await redeem(lantern, wrong(code), `198.18.0.${client}`)).status).toBe(403);
    const anyone = await redeem(lantern, code, '198.18.1.1');
    expect(anyone.status).toBe(429);
    expect(Number(anyone.retryAfter)).toBeGreaterThan(0);
    // The window passes (shortened here by hand): the right code works again.
    await lantern.redis.del(lantern.keys.returnCodeGuessesGlobal());
    expect((await redeem(lantern, code, '198.18.1.1')).body.conversationId).toBe(young.conversationId);
  });
});

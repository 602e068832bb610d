import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ForbiddenError,
  InvalidTokenError,
  MalformedTokenError,
  TokenExpiredError,
} from '../../directline/errors.js';
import { TokenService } from '../../directline/TokenService.js';
import { testKeys, testRedis } from '../helpers/redis.js';
import { call, startConversation, startHarness, StreamClient, type Harness } from './harness.js';

const redis = testRedis();
const keys = testKeys('dl-tokens');
const tokens = new TokenService({ redis, keys, ttlSeconds: 3600 });

/** Replaces one character of a token part with another base64url character. */
function flip(part: string, index = 5): string {
  const c = part[index] === 'A' ? 'B' : 'A';
  return part.slice(0, index) + c + part.slice(index + 1);
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ keys });
});
afterAll(async () => {
  await h.close();
  await redis.quit();
});

describe('TokenService', () => {
  it('generates a token for a new random conversation and anonymous user', async () => {
    const a = await tokens.generate();
    const b = await tokens.generate();
    expect(a.conversationId).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(a.userId).toMatch(/^u_[A-Za-z0-9_-]{8,}$/);
    expect(a.conversationId).not.toBe(b.conversationId);
    expect(a.userId).not.toBe(b.userId);
    expect(a.expiresIn).toBe(3600);
    const claims = await tokens.verify(a.token);
    expect(claims).toMatchObject({ conversationId: a.conversationId, userId: a.userId, scope: 'conversation' });
    expect(claims.expiresAt - claims.issuedAt).toBe(3600);
  });

  it('keeps the signing secret in Redis, created once and shared by every instance', async () => {
    const secret = await redis.get(keys.tokenSecret());
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = new TokenService({ redis, keys, ttlSeconds: 3600 });
    const issued = await other.generate();
    expect((await tokens.verify(issued.token)).conversationId).toBe(issued.conversationId);
    expect(await redis.get(keys.tokenSecret())).toBe(secret);
    // Another deployment (another secret) does not accept our tokens.
    const foreign = new TokenService({ redis, keys: testKeys('dl-tokens-foreign'), ttlSeconds: 3600 });
    await expect(foreign.verify(issued.token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('rejects tampered tokens', async () => {
    const { token } = await tokens.generate();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    await expect(tokens.verify(`${header}.${flip(payload)}.${signature}`)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(tokens.verify(`${header}.${payload}.${flip(signature)}`)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(tokens.verify(`${flip(header, 2)}.${payload}.${signature}`)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(tokens.verify(`${header}.${payload}.`)).rejects.toBeInstanceOf(MalformedTokenError);
    // A re-signed payload for another conversation without the secret is still just a bad signature.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, conv: 'A'.repeat(22) })).toString('base64url');
    await expect(tokens.verify(`${header}.${forged}.${signature}`)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('rejects things that are not tokens', async () => {
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', 'ä.b.c', 'x'.repeat(5_000)]) {
      await expect(tokens.verify(bad)).rejects.toBeInstanceOf(MalformedTokenError);
    }
  });

  it('rejects expired tokens with TokenExpired', async () => {
    const past = new TokenService({ redis, keys, ttlSeconds: 60, now: () => Date.now() - 61_000 });
    const { token } = await past.generate();
    await expect(tokens.verify(token)).rejects.toBeInstanceOf(TokenExpiredError);
    await expect(tokens.refresh(token)).rejects.toBeInstanceOf(TokenExpiredError);
  });

  it('refreshes a token for the same conversation and user with a new expiry', async () => {
    const early = new TokenService({ redis, keys, ttlSeconds: 3600, now: () => Date.now() - 600_000 });
    const old = await early.generate();
    const refreshed = await tokens.refresh(old.token);
    expect(refreshed.conversationId).toBe(old.conversationId);
    expect(refreshed.userId).toBe(old.userId);
    expect(refreshed.token).not.toBe(old.token);
    const a = await tokens.verify(old.token);
    const b = await tokens.verify(refreshed.token);
    expect(b.expiresAt - a.expiresAt).toBeGreaterThanOrEqual(599);
  });

  it('keeps stream tokens and conversation tokens apart', async () => {
    const issued = await tokens.generate();
    const stream = await tokens.streamToken(issued);
    expect(stream.expiresIn).toBe(60);
    await expect(tokens.verify(stream.token, 'conversation')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(tokens.verify(issued.token, 'stream')).rejects.toBeInstanceOf(ForbiddenError);
    expect((await tokens.verify(stream.token, 'stream')).conversationId).toBe(issued.conversationId);
  });

  it('makes stable keyed pseudonyms that do not contain the value', async () => {
    const other = new TokenService({ redis, keys, ttlSeconds: 3600 });
    const a = await tokens.pseudonym('ratelimit', '203.0.113.7');
    expect(a).toBe(await other.pseudonym('ratelimit', '203.0.113.7'));
    expect(a).not.toBe(await tokens.pseudonym('ratelimit', '203.0.113.8'));
    expect(a).not.toBe(await tokens.pseudonym('other', '203.0.113.7'));
    expect(a).not.toContain('203');
  });
});

describe('Direct Line token endpoints', () => {
  it('POST /tokens/generate answers {conversationId, token, expires_in} without any secret', async () => {
    const response = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ conversationId: expect.any(String), token: expect.any(String), expires_in: 3600 });
    expect((await h.tokens.verify(response.body.token)).conversationId).toBe(response.body.conversationId);
  });

  it('POST /tokens/refresh gives a new token for the same conversation', async () => {
    const c = await startConversation(h);
    const response = await call(`${h.baseUrl}/tokens/refresh`, { method: 'POST', token: c.token });
    expect(response.status).toBe(200);
    expect(response.body.conversationId).toBe(c.conversationId);
    expect(response.body.expires_in).toBe(3600);
    const posted = await call(`${h.baseUrl}/conversations/${c.conversationId}/activities`, {
      token: response.body.token,
      json: { type: 'message', text: 'with the new token' },
    });
    expect(posted.status).toBe(200);
  });

  it('answers 401 without a token and 403 for a bad or expired one, with a Direct Line error body', async () => {
    const c = await startConversation(h);
    const url = `${h.baseUrl}/conversations/${c.conversationId}/activities`;

    const missing = await call(url);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: { code: 'Unauthorized', message: expect.any(String) } });
    expect((await call(url, { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    expect((await call(url, { token: 'garbage' })).status).toBe(401);

    const [header, payload, signature] = c.token.split('.') as [string, string, string];
    const tampered = await call(url, { token: `${header}.${payload}.${flip(signature)}` });
    expect(tampered.status).toBe(403);
    expect(tampered.body.error.code).toBe('TokenInvalid');

    const past = new TokenService({ redis, keys, ttlSeconds: 60, now: () => Date.now() - 120_000 });
    const expired = await past.generate();
    const response = await call(`${h.baseUrl}/tokens/refresh`, { method: 'POST', token: expired.token });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('TokenExpired');
    expect((await call(`${h.baseUrl}/conversations`, { token: expired.token, json: {} })).status).toBe(403);
  });

  it('never opens another conversation with a token: every endpoint answers 403', async () => {
    const mine = await startConversation(h);
    const theirs = await startConversation(h);
    const base = `${h.baseUrl}/conversations/${theirs.conversationId}`;
    const responses = [
      await call(`${base}`, { token: mine.token }),
      await call(`${base}/activities`, { token: mine.token }),
      await call(`${base}/activities`, { token: mine.token, json: { type: 'message', text: 'hi' } }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('Forbidden');
    }
    // Nothing was written to their conversation.
    expect((await h.store.read(theirs.conversationId)).activities).toEqual([]);
    // And the stream of their conversation does not open with my stream token.
    const myStream = new URL(mine.streamUrl);
    const theirStreamUrl = `${h.wsBase}/v3/directline/conversations/${theirs.conversationId}/stream${myStream.search}`;
    await expect(StreamClient.open(theirStreamUrl)).rejects.toMatchObject({ status: 403 });
  });

  it('refuses a stream token as a bearer token', async () => {
    const c = await startConversation(h);
    const streamToken = new URL(c.streamUrl).searchParams.get('t')!;
    const response = await call(`${h.baseUrl}/conversations/${c.conversationId}/activities`, { token: streamToken });
    expect(response.status).toBe(403);
  });
});

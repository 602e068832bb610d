/**
 * Embedding the channel elsewhere: CORS for the configured origins only (with correct preflights),
 * where streamUrl points (a public URL or a host allowlist, never a forged Host header), the one
 * error shape everywhere (unknown routes, bad URLs, schema failures), security headers and no
 * caching on every answer, typing echoed on the stream without being stored, deep nesting refused,
 * and the WebSocket plugin required, never registered twice. Real Redis, real HTTP, real sockets.
 */
import http from 'node:http';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directLinePlugin } from '../../directline/directLinePlugin.js';
import { configFromEnv } from '../../server/config.js';
import { testKeys } from '../helpers/redis.js';
import { call, postMessage, startConversation, startHarness, StreamClient, type Harness } from './harness.js';

const keys = testKeys('dl-embed');
const PARTNER = 'https://partner.example';
let h: Harness;
let other: Harness;
let published: Harness;

beforeAll(async () => {
  h = await startHarness({ keys, plugin: { allowedOrigins: [PARTNER, 'http://localhost:8080'] } });
  other = await startHarness({ keys });
  published = await startHarness({ keys, plugin: { publicUrl: 'https://lantern.example/chat/' } });
});
afterAll(async () => {
  await h.close();
  await other.close();
  await published.close();
});

/** A request with headers fetch does not let us set (Host), answered as status, headers and JSON. */
function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: init.method ?? 'GET', headers: init.headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
      });
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

function expectSecurityHeaders(headers: Headers | http.IncomingHttpHeaders) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    const got = headers instanceof Headers ? headers.get(name) : headers[name];
    expect(got, name).toBe(value);
  }
}

describe('CORS', () => {
  it('answers the preflight of POST /conversations for an allowed origin, with what directlinejs sends', async () => {
    const response = await fetch(`${h.baseUrl}/conversations`, {
      method: 'OPTIONS',
      headers: { origin: PARTNER, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-requested-with,x-ms-bot-agent' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-requested-with', 'x-ms-bot-agent']));
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/origin/i);
    expectSecurityHeaders(response.headers);
    // Every Direct Line path, the stream's included.
    for (const path of ['/tokens/generate', '/tokens/refresh', '/conversations/abc/activities', '/conversations/abc']) {
      const preflight = await fetch(`${h.baseUrl}${path}`, { method: 'OPTIONS', headers: { origin: 'http://localhost:8080', 'access-control-request-method': 'POST' } });
      expect(preflight.status, path).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
    }
  });

  it('lets the allowed origin read the answers (and Retry-After)', async () => {
    const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST', headers: { origin: PARTNER } });
    expect(generated.status).toBe(200);
    expect(generated.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(generated.headers.get('access-control-expose-headers')).toBe('Retry-After');
    const started = await call(`${h.baseUrl}/conversations`, { token: generated.body.token, json: {}, headers: { origin: PARTNER } });
    expect(started.status).toBe(201);
    expect(started.headers.get('access-control-allow-origin')).toBe(PARTNER);
    // Errors too, or the page could not tell a 403 from a network failure.
    const refused = await call(`${h.baseUrl}/conversations/${started.body.conversationId}/activities`, { headers: { origin: PARTNER } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(PARTNER);
  });

  it('gives any other origin no CORS header, and its preflight the Direct Line 404', async () => {
    for (const origin of ['https://evil.example', 'https://partner.example.evil.example', 'null', 'https://PARTNER.example']) {
      const preflight = await call(`${h.baseUrl}/conversations`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(preflight.status, origin).toBe(404);
      expect(preflight.body).toEqual({ error: { code: 'NotFound', message: expect.any(String) } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expectSecurityHeaders(preflight.headers);
      const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST', headers: { origin } });
      expect(generated.status).toBe(200);
      expect(generated.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('allows no origin at all when none is configured', async () => {
    const preflight = await call(`${other.baseUrl}/conversations`, { method: 'OPTIONS', headers: { origin: PARTNER, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(404);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const generated = await call(`${other.baseUrl}/tokens/generate`, { method: 'POST', headers: { origin: PARTNER } });
    expect(generated.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses origins that are not written as origins, at start', () => {
    for (const bad of ['*', 'https://partner.example/', 'partner.example', 'https://Partner.example', 'ftp://partner.example', 'https://partner.example/path']) {
      expect(() => configFromEnv({ ALLOWED_ORIGINS: bad }), bad).toThrow(/ALLOWED_ORIGINS/);
    }
    expect(configFromEnv({ ALLOWED_ORIGINS: 'https://a.example, http://localhost:8080' }).allowedOrigins).toEqual(['https://a.example', 'http://localhost:8080']);
    expect(configFromEnv({}).allowedOrigins).toEqual([]);
  });
});

describe('streamUrl', () => {
  it('never follows a forged Host header', async () => {
    const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST' });
    const forged = await raw(`${h.baseUrl}/conversations`, { method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${generated.body.token}` } });
    expect(forged.status).toBe(400);
    expect(forged.body).toEqual({ error: { code: 'BadArgument', message: expect.any(String) } });
    expect(JSON.stringify(forged.body)).not.toContain('evil');
    // Nothing was started for it.
    expect(await h.store.status(generated.body.conversationId)).toBe('missing');
    // The same with a port, an X-Forwarded-Host (no trustProxy here), or a bracketed address.
    for (const host of ['evil.example:443', '127.0.0.1.evil.example', '[2001:db8::1]', 'localhost@evil.example']) {
      const answer = await raw(`${h.baseUrl}/conversations`, { method: 'POST', headers: { host, authorization: `Bearer ${generated.body.token}` } });
      expect(answer.status, host).toBe(400);
    }
    const proxied = await raw(`${h.baseUrl}/conversations`, { method: 'POST', headers: { 'x-forwarded-host': 'evil.example', authorization: `Bearer ${generated.body.token}` } });
    expect(proxied.status).toBe(201);
    expect(proxied.body.streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\//);
    // A reconnect with a forged host is refused too.
    const reconnect = await raw(`${h.baseUrl}/conversations/${generated.body.conversationId}`, { headers: { host: 'evil.example', authorization: `Bearer ${generated.body.token}` } });
    expect(reconnect.status).toBe(400);
  });

  it('with a public URL, always points there (wss for https), whatever the Host', async () => {
    const generated = await call(`${published.baseUrl}/tokens/generate`, { method: 'POST' });
    const forged = await raw(`${published.baseUrl}/conversations`, { method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${generated.body.token}` } });
    expect(forged.status).toBe(201);
    expect(forged.body.streamUrl).toMatch(/^wss:\/\/lantern\.example\/chat\/v3\/directline\/conversations\/[^/]+\/stream\?t=/);
  });

  it('answers the hosts of the allowlist', async () => {
    const listed = await startHarness({ keys, plugin: { allowedHosts: ['chat.example', 'localhost:9999'] } });
    try {
      const generated = await call(`${listed.baseUrl}/tokens/generate`, { method: 'POST' });
      const ok = await raw(`${listed.baseUrl}/conversations`, { method: 'POST', headers: { host: 'Chat.Example:8443', authorization: `Bearer ${generated.body.token}` } });
      expect(ok.status).toBe(201);
      expect(ok.body.streamUrl).toMatch(/^ws:\/\/chat\.example:8443\//);
      const port = await raw(`${listed.baseUrl}/conversations`, { method: 'POST', headers: { host: 'localhost:1234', authorization: `Bearer ${generated.body.token}` } });
      expect(port.status).toBe(400);
      // Loopback is not in this list.
      expect((await call(`${listed.baseUrl}/conversations`, { token: generated.body.token, json: {} })).status).toBe(400);
    } finally {
      await listed.close();
    }
  });

  it('refuses a public URL or host that is not one, at start', () => {
    for (const bad of ['lantern.example', 'ftp://lantern.example', 'https://lantern.example/?x=1', 'https://user:pw@lantern.example']) {
      expect(() => configFromEnv({ PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL/);
    }
    expect(configFromEnv({ PUBLIC_URL: 'https://lantern.example/' }).publicUrl).toBe('https://lantern.example');
    expect(() => configFromEnv({ ALLOWED_HOSTS: 'https://chat.example' })).toThrow(/ALLOWED_HOSTS/);
  });
});

describe('one error shape, headers on every answer', () => {
  it('answers unknown routes and methods with the Direct Line 404, without ids', async () => {
    const c = await startConversation(h);
    const cases: [string, string][] = [
      ['POST', `/conversations/${c.conversationId}/upload?userId=u_someone`],
      ['GET', '/session/getsessionid'],
      ['DELETE', `/conversations/${c.conversationId}/activities`],
      ['PUT', '/tokens/generate'],
      ['GET', '/tokens/generate'],
      ['GET', ''],
      ['GET', '/'],
    ];
    for (const [method, path] of cases) {
      const response = await call(`${h.baseUrl}${path}`, { method, token: c.token });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body).toEqual({ error: { code: 'NotFound', message: expect.any(String) } });
      expect(JSON.stringify(response.body)).not.toContain(c.conversationId);
      expectSecurityHeaders(response.headers);
    }
  });

  it('answers a URL that does not decode and a path part that is too long in the same shape, without the URL', async () => {
    const c = await startConversation(h);
    const bad = await raw(`${h.baseUrl}/conversations/${c.conversationId}/activities%zz`, { headers: { authorization: `Bearer ${c.token}` } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { code: 'BadArgument', message: expect.any(String) } });
    const long = await call(`${h.baseUrl}/conversations/${c.conversationId}${'x'.repeat(200)}/activities`, { token: c.token });
    expect(long.status).toBe(414);
    expect(long.body).toEqual({ error: { code: 'BadArgument', message: expect.any(String) } });
    expect(JSON.stringify([bad.body, long.body])).not.toContain(c.conversationId);
  });

  it('checks input against the route schemas without coercing it', async () => {
    const c = await startConversation(h);
    const url = `${h.baseUrl}/conversations/${c.conversationId}/activities`;
    const cases: unknown[] = [
      { type: 'message', text: 42 },
      { type: 'message', text: true },
      { type: 'message', text: ['hi'] },
      { type: 'event', name: 7 },
      { type: 'message', text: 'hi', replyToId: 1 },
      { type: 'message', text: 'hi', channelData: [] },
      { type: 'message', text: 'hi', locale: 'en_US' },
      { type: 'message', text: 'hi', ...Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, i])) },
    ];
    for (const body of cases) {
      const response = await call(url, { token: c.token, json: body });
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(response.body).toEqual({ error: { code: 'BadArgument', message: expect.any(String) } });
    }
    expect(await h.store.read(c.conversationId)).toMatchObject({ activities: [] });
    // Bad parameters: an id that is not one, a repeated or malformed query parameter.
    expect((await call(`${h.baseUrl}/conversations/${'%C3%A9'.repeat(3)}/activities`, { token: c.token })).status).toBe(400);
    expect((await call(`${url}?watermark=1-0&watermark=2-0`, { token: c.token })).status).toBe(400);
  });

  it('refuses a body nested deeper than 32 with 400, never a 500', async () => {
    const c = await startConversation(h);
    const url = `${h.baseUrl}/conversations/${c.conversationId}/activities`;
    for (const depth of [33, 1_000, 5_000]) {
      const object = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const array = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      for (const value of [object, array]) {
        const response = await call(url, { token: c.token, body: `{"type":"message","text":"x","value":${value}}` });
        expect(response.status, `depth ${depth}`).toBe(400);
        expect(response.body.error.code).toBe('BadArgument');
      }
    }
    // Brackets inside strings do not count; 31 levels inside the activity are fine.
    const deepEnough = `${'['.repeat(31)}${']'.repeat(31)}`;
    expect((await call(url, { token: c.token, body: `{"type":"message","text":"[[[[{{{{","value":${deepEnough}}` })).status).toBe(200);
  });

  it('puts security headers on successful answers and refused upgrades too', async () => {
    const generated = await call(`${h.baseUrl}/tokens/generate`, { method: 'POST' });
    expectSecurityHeaders(generated.headers);
    const c = await startConversation(h);
    expectSecurityHeaders((await call(`${h.baseUrl}/conversations/${c.conversationId}/activities`, { token: c.token })).headers);
    const refused = await raw(`${h.baseUrl}/conversations/${c.conversationId}/stream?t=nonsense`, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    expect(refused.status).toBe(401);
    expectSecurityHeaders(refused.headers);
  });
});

describe('typing', () => {
  it('is echoed on the stream with its clientActivityID, on every instance, but never stored or given to the bot', async () => {
    const c = await startConversation(h);
    const onOther = await StreamClient.open((await call(`${other.baseUrl}/conversations/${c.conversationId}`, { token: c.token })).body.streamUrl);
    const onSame = await StreamClient.open(c.streamUrl);
    // Both sockets are live once a message's echo has reached them.
    await postMessage(h, c, 'hello');
    await Promise.all([onOther, onSame].map((client) => client.waitFor((s) => s.activities.length >= 2)));
    const stored = (await h.store.read(c.conversationId)).activities.length;
    const bot = h.botActivities.length + other.botActivities.length;
    const posted = await call(`${h.baseUrl}/conversations/${c.conversationId}/activities`, {
      token: c.token,
      json: { type: 'typing', from: { id: 'whoever' }, channelData: { clientActivityID: 'typing-1' } },
    });
    expect(posted.status).toBe(200);
    for (const client of [onOther, onSame]) {
      await client.waitFor((s) => s.activities.some((a) => a.type === 'typing'));
      const set = client.sets.find((s) => s.activities[0]?.type === 'typing')!;
      // No watermark: it is not in the stream, a reconnect does not replay it.
      expect(set.watermark).toBeUndefined();
      expect(set.activities[0]).toMatchObject({ type: 'typing', id: posted.body.id, channelData: { clientActivityID: 'typing-1' }, from: { role: 'user' } });
      expect(set.activities[0]!.from.id).toMatch(/^u_/);
    }
    expect((await h.store.read(c.conversationId)).activities).toHaveLength(stored);
    expect(h.botActivities.length + other.botActivities.length).toBe(bot);
    // A message still comes after it, in order.
    await postMessage(h, c, 'after typing');
    await onSame.waitFor((s) => s.activities.some((a) => a.text === 'echo: after typing'));
    await onOther.close();
    await onSame.close();
  });
});

describe('a stream whose watermark Redis refuses', () => {
  it('is closed with 1008 (the client’s fault), not 1011', async () => {
    const c = await startConversation(h);
    const subscribe = h.hub.subscribe.bind(h.hub);
    h.hub.subscribe = (conversationId, afterId, listener, options) => {
      const subscription = subscribe(conversationId, afterId, listener, options);
      setTimeout(() => options?.onDropped?.('invalid_id'), 10);
      return subscription;
    };
    try {
      const client = await StreamClient.open(c.streamUrl);
      await client.waitFor((s) => s.closeCode !== undefined);
      expect(client.closeCode).toBe(1008);
    } finally {
      h.hub.subscribe = subscribe;
    }
  });
});

describe('the WebSocket plugin', () => {
  it('is required, never registered by the channel itself', async () => {
    const app = Fastify({ logger: false });
    const options = { store: h.store, tokens: h.tokens, hub: h.hub, onActivity: async () => undefined, rateLimit: { max: 1, windowMs: 1_000, redis: h.redis, keyPrefix: `${keys.prefix}x:` } };
    await expect(app.register(directLinePlugin, options).ready()).rejects.toThrow(/@fastify\/websocket/);
    await app.close();

    const withSocket = Fastify({ logger: false });
    await withSocket.register(fastifyWebsocket);
    await withSocket.register(directLinePlugin, options);
    await withSocket.ready();
    // One WebSocket server: the channel added no second one.
    expect(withSocket.websocketServer).toBeDefined();
    await withSocket.close();
  });
});

describe('token lifetime', () => {
  it('refuses to start with TOKEN_TTL_SECONDS under 900, directlinejs’ refresh interval', () => {
    expect(() => configFromEnv({ TOKEN_TTL_SECONDS: '600' })).toThrow(/TOKEN_TTL_SECONDS must be at least 900.*refresh their token every 15 minutes/);
    expect(() => configFromEnv({}, { tokenTtlSeconds: 899 })).toThrow(/at least 900/);
    expect(configFromEnv({ TOKEN_TTL_SECONDS: '900' }).tokenTtlSeconds).toBe(900);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKeys } from '../helpers/redis.js';
import { call, startHarness, type Harness } from './harness.js';

const keys = testKeys('dl-ratelimit');
let a: Harness;
let b: Harness;

beforeAll(async () => {
  // Two app instances on one Redis, behind a proxy that sets X-Forwarded-For.
  a = await startHarness({ keys, rateLimitMax: 3, rateLimitWindowMs: 60_000, trustProxy: true });
  b = await startHarness({ keys, rateLimitMax: 3, rateLimitWindowMs: 60_000, trustProxy: true });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

const generate = (h: Harness, ip: string) =>
  call(`${h.baseUrl}/tokens/generate`, { method: 'POST', headers: { 'x-forwarded-for': ip } });

describe('rate limit of /tokens/generate', () => {
  it('counts per client across app instances and answers 429 with a Direct Line body and Retry-After', async () => {
    const ip = '198.51.100.23';
    expect((await generate(a, ip)).status).toBe(200);
    expect((await generate(b, ip)).status).toBe(200);
    expect((await generate(a, ip)).status).toBe(200);
    const limited = await generate(b, ip);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { code: 'TooManyRequests', message: expect.any(String) } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await generate(a, ip)).status).toBe(429);
  });

  it('does not limit other clients', async () => {
    expect((await generate(a, '198.51.100.99')).status).toBe(200);
  });

  it('counts an IPv6 /64 as one client', async () => {
    expect((await generate(a, '2001:db8:1:2::1')).status).toBe(200);
    expect((await generate(a, '2001:db8:1:2:aaaa::2')).status).toBe(200);
    expect((await generate(b, '2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).status).toBe(200);
    expect((await generate(b, '2001:db8:1:2::42')).status).toBe(429);
    expect((await generate(b, '2001:db8:1:3::1')).status).toBe(200);
  });

  it('keeps counters in Redis under a salted hash, never the raw IP', async () => {
    const counters = await a.redis.keys(`${keys.prefix}dl:ratelimit:*`);
    expect(counters.length).toBeGreaterThanOrEqual(3);
    for (const key of counters) {
      expect(key).not.toMatch(/198\.51\.100|2001:db8|2001:0db8/);
      expect(await a.redis.pttl(key)).toBeGreaterThan(0);
    }
  });

  it('does not limit the other endpoints', async () => {
    const ip = '198.51.100.23';
    const refresh = await call(`${a.baseUrl}/tokens/refresh`, { method: 'POST', headers: { 'x-forwarded-for': ip } });
    expect(refresh.status).toBe(401);
  });
});

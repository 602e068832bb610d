/**
 * What every Direct Line answer says about itself, in the channel's encapsulated context only
 * (the staff routes, `/api/staff/*`, `/api/interpreter/*` and `/api/metrics`, never allow another
 * origin: they are outside this context):
 *
 * - CORS (`@fastify/cors`) for the configured origins (`ALLOWED_ORIGINS`; none by default), so a
 *   partner site or Microsoft's Web Chat on another origin can use the channel. The preflight of an
 *   allowed origin is `204` with the methods and headers directlinejs sends; any other origin gets
 *   no CORS header at all, and its preflight the Direct Line `404 NotFound`.
 * - Security headers and `Cache-Control: no-store` on every answer, errors and preflights included.
 */
import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { checkAllowedOrigin } from './settings.js';

/** The request headers directlinejs (and so Web Chat) sends: its rxjs ajax adds X-Requested-With. */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'X-Requested-With', 'x-ms-bot-agent'];

/** CORS for exactly these origins on the context's routes (an empty list: none). */
export async function useCors(fastify: FastifyInstance, allowedOrigins: readonly string[]): Promise<void> {
  const allowed = new Set(allowedOrigins.map(checkAllowedOrigin));
  await fastify.register(fastifyCors, {
    // false: no CORS headers, and the preflight goes on to the channel's 404.
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ['GET', 'POST'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: ['Retry-After'],
    credentials: false,
    maxAge: 600,
    // A preflight of an allowed origin without Access-Control-Request-Method is still answered 204
    // (the plugin's strict mode would answer it in text/plain, outside the channel's error shape).
    strictPreflight: false,
  });
}

/** Security headers and no caching on every answer of the context. */
export function useSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    return payload;
  });
}

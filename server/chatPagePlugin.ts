/**
 * Serves the chat page built by scripts/build-web.ts: `/` (index.html, with the quick exit URL
 * injected as `<meta name="lantern-quick-exit">`) and the content-hashed assets and fonts listed in
 * the build's manifest.json, from memory, with long immutable caching. Every response carries a
 * strict Content-Security-Policy and the other security headers; the page is never cached and no
 * cookie is ever set.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** Options of chatPagePlugin. */
export interface ChatPagePluginOptions {
  /** The build output (web/dist). */
  distDir: string;
  /** Where the quick exit sends the young person (a neutral http(s) site). */
  quickExitUrl: string;
}

interface Manifest {
  index: string;
  files: Record<string, unknown>;
}

interface ServedFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.html': 'text/html; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A Host header we are willing to put into the CSP (no spaces, quotes or semicolons). */
const SAFE_HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Content-Security-Policy of the page; WebSockets are allowed to the host the page came from. */
export function contentSecurityPolicy(host: string | undefined): string {
  const sockets = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "font-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function securityHeaders(reply: FastifyReply, request: FastifyRequest): void {
  reply.headers({
    'content-security-policy': contentSecurityPolicy(request.host),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  });
}

function acceptsGzip(request: FastifyRequest): boolean {
  const accept = request.headers['accept-encoding'];
  return typeof accept === 'string' && /\bgzip\b/.test(accept);
}

function send(request: FastifyRequest, reply: FastifyReply, file: ServedFile, cacheControl: string): FastifyReply {
  securityHeaders(reply, request);
  reply.header('content-type', file.type).header('cache-control', cacheControl);
  if (file.gzip) {
    reply.header('vary', 'Accept-Encoding');
    if (acceptsGzip(request)) return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

function servedFile(name: string, body: Buffer): ServedFile {
  const type = TYPES[path.extname(name)] ?? 'application/octet-stream';
  // woff2 is compressed already.
  const gzip = name.endsWith('.woff2') ? undefined : gzipSync(body, { level: 9 });
  return { body, gzip, type };
}

/** Reads the build; undefined when there is none. */
async function loadBuild(distDir: string, quickExitUrl: string): Promise<{ index: ServedFile; assets: Map<string, ServedFile> } | undefined> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(distDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  const meta = `<meta name="lantern-quick-exit" content="${escapeAttribute(quickExitUrl)}">`;
  const template = await readFile(path.join(distDir, manifest.index), 'utf8');
  const html = template.includes('<!--lantern:meta-->')
    ? template.replace('<!--lantern:meta-->', meta)
    : template.replace('</head>', `${meta}</head>`);
  const index = servedFile('index.html', Buffer.from(html));
  const assets = new Map<string, ServedFile>();
  for (const name of Object.keys(manifest.files)) {
    if (name === manifest.index) continue;
    // Only plain names inside assets/ and fonts/.
    if (!/^(assets|fonts)\/[\w.-]+$/.test(name) || name.includes('..')) continue;
    assets.set(`/${name}`, servedFile(name, await readFile(path.join(distDir, name))));
  }
  return { index, assets };
}

/** The Fastify plugin serving the chat page. */
export const chatPagePlugin: FastifyPluginAsync<ChatPagePluginOptions> = async (app, options) => {
  let exitUrl: URL;
  try {
    exitUrl = new URL(options.quickExitUrl);
  } catch {
    throw new Error(`chatPagePlugin: quickExitUrl is not a URL: "${options.quickExitUrl}"`);
  }
  if (exitUrl.protocol !== 'https:' && exitUrl.protocol !== 'http:') {
    throw new Error(`chatPagePlugin: quickExitUrl must be an http(s) URL, got "${options.quickExitUrl}"`);
  }

  const build = await loadBuild(path.resolve(options.distDir), exitUrl.href);
  if (!build) {
    app.log.error({ distDir: options.distDir }, 'chat page not built: run `npm run build`');
    const notBuilt = servedFile('index.html', Buffer.from('<!doctype html><title>Chat</title><p>Not available.</p>'));
    app.get('/', async (request, reply) => send(request, reply.code(503), notBuilt, 'no-store'));
    return;
  }

  app.get('/', async (request, reply) => send(request, reply, build.index, 'no-store'));

  const asset = async (request: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply, dir: string) => {
    const file = build.assets.get(`/${dir}/${request.params.file}`);
    if (!file) {
      securityHeaders(reply, request);
      return reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('Not found');
    }
    return send(request, reply, file, IMMUTABLE);
  };
  app.get<{ Params: { file: string } }>('/assets/:file', (request, reply) => asset(request, reply, 'assets'));
  app.get<{ Params: { file: string } }>('/fonts/:file', (request, reply) => asset(request, reply, 'fonts'));
};

export default chatPagePlugin;

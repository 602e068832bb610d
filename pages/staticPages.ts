/**
 * What the page plugins (chatPagePlugin, counsellorConsolePlugin, coordinatorDashboardPlugin) share:
 * reading a build's manifest.json, holding its files in memory (gzipped once, except fonts, which
 * are compressed already) and sending them with the strict security headers.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** A build's manifest.json (written by scripts/build-web.ts). */
export interface Manifest {
  index: string;
  files: Record<string, unknown>;
}

/** A file held in memory, with its gzipped body when it is worth compressing. */
export interface ServedFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
}

/** How a page's responses are headed. */
export interface PageHeaders {
  /** The Content-Security-Policy for this request. */
  csp: (request: FastifyRequest) => string;
  /** Adds `x-robots-tag: noindex, nofollow` (the staff pages). */
  noindex: boolean;
  /**
   * The page may be framed by the origins its CSP's `frame-ancestors` names (the chat page at
   * `/embed`): no `X-Frame-Options: DENY` then. Default: never framed.
   */
  frameable?: boolean;
  /** Any site may load this file (`Cross-Origin-Resource-Policy: cross-origin`: the partners' launcher). Default: same origin only. */
  crossOrigin?: boolean;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.html': 'text/html; charset=utf-8',
};

/** Cache-Control of the content-hashed assets. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The page's HTML, placeholder or asset named `name`, ready to serve. */
export function servedFile(name: string, body: Buffer): ServedFile {
  const type = TYPES[path.extname(name)] ?? 'application/octet-stream';
  // woff2 is compressed already.
  const gzip = name.endsWith('.woff2') ? undefined : gzipSync(body, { level: 9 });
  return { body, gzip, type };
}

/** Sets the security headers every response of a page carries. */
export function securityHeaders(reply: FastifyReply, request: FastifyRequest, headers: PageHeaders): void {
  reply.headers({
    'content-security-policy': headers.csp(request),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    ...(headers.frameable ? {} : { 'x-frame-options': 'DENY' }),
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': headers.crossOrigin ? 'cross-origin' : 'same-origin',
    ...(headers.noindex ? { 'x-robots-tag': 'noindex, nofollow' } : {}),
  });
}

function acceptsGzip(request: FastifyRequest): boolean {
  const accept = request.headers['accept-encoding'];
  return typeof accept === 'string' && /\bgzip\b/.test(accept);
}

/** Sends a file held in memory, gzipped when the client accepts it. */
export function send(request: FastifyRequest, reply: FastifyReply, file: ServedFile, cacheControl: string, headers: PageHeaders): FastifyReply {
  securityHeaders(reply, request, headers);
  reply.header('content-type', file.type).header('cache-control', cacheControl);
  if (file.gzip) {
    reply.header('vary', 'Accept-Encoding');
    if (acceptsGzip(request)) return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

/** The 404 of an unknown asset. */
export function notFound(request: FastifyRequest, reply: FastifyReply, headers: PageHeaders): FastifyReply {
  securityHeaders(reply, request, headers);
  return reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('Not found');
}

/** Reads `<dir>/manifest.json`; undefined when there is none (not built). */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/**
 * Reads the manifest's files other than the index whose names match `allowed` (and contain no
 * `..`), keyed by `key(name)`.
 */
export async function loadAssets(dir: string, manifest: Manifest, allowed: RegExp, key: (name: string) => string): Promise<Map<string, ServedFile>> {
  const assets = new Map<string, ServedFile>();
  for (const name of Object.keys(manifest.files)) {
    if (name === manifest.index) continue;
    if (!allowed.test(name) || name.includes('..')) continue;
    assets.set(key(name), servedFile(name, await readFile(path.join(dir, name))));
  }
  return assets;
}

/** The placeholder page served with 503 when the build is missing. */
export function notBuiltPage(title: string): ServedFile {
  return servedFile('index.html', Buffer.from(`<!doctype html><title>${title}</title><p>Not available.</p>`));
}

/** What registerBuiltPage serves. */
export interface BuiltPageOptions {
  /** The page's build folder (with manifest.json, the index and assets/). */
  dir: string;
  /** The URLs of the page itself (all serve the index). */
  pages: string[];
  /** The URL prefix of the content-hashed assets, e.g. `/counsellor/assets/`. */
  assetsPrefix: string;
  headers: PageHeaders;
  /** Logged (with distDir) when the build is missing. */
  notBuiltMessage: string;
  distDir: string;
}

/**
 * Registers a page built into its own folder (the counsellors' console, the coordinators'
 * dashboard): the index at each of `pages`, never cached, and its assets/ under `assetsPrefix`,
 * immutable. Without a build, the pages answer 503.
 */
export async function registerBuiltPage(app: FastifyInstance, options: BuiltPageOptions): Promise<void> {
  const { dir, pages, headers } = options;
  const manifest = await readManifest(dir);
  if (!manifest) {
    app.log.error({ distDir: options.distDir }, options.notBuiltMessage);
    const notBuilt = notBuiltPage('Lantern');
    for (const url of pages) app.get(url, async (request, reply) => send(request, reply.code(503), notBuilt, 'no-store', headers));
    return;
  }
  const index = servedFile('index.html', await readFile(path.join(dir, manifest.index)));
  // Only plain names inside assets/.
  const assets = await loadAssets(dir, manifest, /^assets\/[\w.-]+$/, (name) => name.slice('assets/'.length));
  for (const url of pages) app.get(url, async (request, reply) => send(request, reply, index, 'no-store', headers));
  app.get<{ Params: { file: string } }>(`${options.assetsPrefix}:file`, async (request, reply) => {
    const file = assets.get(request.params.file);
    if (!file) return notFound(request, reply, headers);
    return send(request, reply, file, IMMUTABLE, headers);
  });
}

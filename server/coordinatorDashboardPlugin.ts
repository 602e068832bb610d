/**
 * Serves the coordinators' dashboard built by scripts/build-web.ts into <distDir>/coordinator/:
 * `/coordinator` (the dashboard and its login) and its content-hashed assets under
 * `/coordinator/assets/`. The same strict headers as the chat page, with a Content-Security-Policy
 * whose connect-src is only 'self' (the dashboard only calls /api/staff/* and /api/metrics: no
 * WebSocket, no third party; uPlot is bundled in). The page is never cached, assets are immutable.
 * The page sets no cookie: the staff session cookie comes only from POST /api/staff/login.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** Options of coordinatorDashboardPlugin. */
export interface CoordinatorDashboardPluginOptions {
  /** The build output (web/dist); the dashboard is in its coordinator/ folder. */
  distDir: string;
}

interface DashboardManifest {
  index: string;
  files: Record<string, unknown>;
}

interface ServedFile {
  body: Buffer;
  gzip: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The dashboard's Content-Security-Policy: the chat page's, without WebSockets. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(reply: FastifyReply): void {
  reply.headers({
    'content-security-policy': DASHBOARD_CSP,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-robots-tag': 'noindex, nofollow',
  });
}

function servedFile(name: string, body: Buffer): ServedFile {
  return { body, gzip: gzipSync(body, { level: 9 }), type: TYPES[path.extname(name)] ?? 'application/octet-stream' };
}

function send(request: FastifyRequest, reply: FastifyReply, file: ServedFile, cacheControl: string): FastifyReply {
  securityHeaders(reply);
  reply.header('content-type', file.type).header('cache-control', cacheControl).header('vary', 'Accept-Encoding');
  const accept = request.headers['accept-encoding'];
  if (typeof accept === 'string' && /\bgzip\b/.test(accept)) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

/** Reads the dashboard's build; undefined when there is none. */
async function loadBuild(dir: string): Promise<{ index: ServedFile; assets: Map<string, ServedFile> } | undefined> {
  let manifest: DashboardManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as DashboardManifest;
  } catch {
    return undefined;
  }
  const index = servedFile('index.html', await readFile(path.join(dir, manifest.index)));
  const assets = new Map<string, ServedFile>();
  for (const name of Object.keys(manifest.files)) {
    // Only plain names inside assets/.
    if (!/^assets\/[\w.-]+$/.test(name) || name.includes('..')) continue;
    assets.set(name.slice('assets/'.length), servedFile(name, await readFile(path.join(dir, name))));
  }
  return { index, assets };
}

/** The Fastify plugin serving the dashboard. */
export const coordinatorDashboardPlugin: FastifyPluginAsync<CoordinatorDashboardPluginOptions> = async (app, options) => {
  const build = await loadBuild(path.join(path.resolve(options.distDir), 'coordinator'));
  const pages = ['/coordinator', '/coordinator/'];
  if (!build) {
    app.log.error({ distDir: options.distDir }, 'coordinator dashboard not built: run `npm run build`');
    const notBuilt = servedFile('index.html', Buffer.from('<!doctype html><title>Lantern</title><p>Not available.</p>'));
    for (const url of pages) app.get(url, async (request, reply) => send(request, reply.code(503), notBuilt, 'no-store'));
    return;
  }
  for (const url of pages) app.get(url, async (request, reply) => send(request, reply, build.index, 'no-store'));
  app.get<{ Params: { file: string } }>('/coordinator/assets/:file', async (request, reply) => {
    const file = build.assets.get(request.params.file);
    if (!file) {
      securityHeaders(reply);
      return reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('Not found');
    }
    return send(request, reply, file, IMMUTABLE);
  });
};

export default coordinatorDashboardPlugin;

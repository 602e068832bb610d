/**
 * Serves the chat page built by scripts/build-web.ts: `/` (index.html, with the quick exit URL
 * injected as `<meta name="lantern-quick-exit">`) and the content-hashed assets and fonts listed in
 * the build's manifest.json, from memory, with long immutable caching. Every response carries a
 * strict Content-Security-Policy and the other security headers; the page is never cached and no
 * cookie is ever set.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { IMMUTABLE, loadAssets, notBuiltPage, notFound, readManifest, send as sendFile, servedFile, type PageHeaders, type ServedFile } from './staticPages.js';

/** Options of chatPagePlugin. */
export interface ChatPagePluginOptions {
  /** The build output (web/dist). */
  distDir: string;
  /** Where the quick exit sends the young person (a neutral http(s) site). */
  quickExitUrl: string;
}

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

const HEADERS: PageHeaders = { csp: (request) => contentSecurityPolicy(request.host), noindex: false };

function send(request: FastifyRequest, reply: FastifyReply, file: ServedFile, cacheControl: string): FastifyReply {
  return sendFile(request, reply, file, cacheControl, HEADERS);
}

/** Reads the build; undefined when there is none. */
async function loadBuild(distDir: string, quickExitUrl: string): Promise<{ index: ServedFile; assets: Map<string, ServedFile> } | undefined> {
  const manifest = await readManifest(distDir);
  if (!manifest) return undefined;
  const meta = `<meta name="lantern-quick-exit" content="${escapeAttribute(quickExitUrl)}">`;
  const template = await readFile(path.join(distDir, manifest.index), 'utf8');
  const html = template.includes('<!--lantern:meta-->')
    ? template.replace('<!--lantern:meta-->', meta)
    : template.replace('</head>', `${meta}</head>`);
  const index = servedFile('index.html', Buffer.from(html));
  // Only plain names inside assets/ and fonts/.
  const assets = await loadAssets(distDir, manifest, /^(assets|fonts)\/[\w.-]+$/, (name) => `/${name}`);
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
    const notBuilt = notBuiltPage('Chat');
    app.get('/', async (request, reply) => send(request, reply.code(503), notBuilt, 'no-store'));
    return;
  }

  app.get('/', async (request, reply) => send(request, reply, build.index, 'no-store'));

  const asset = async (request: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply, dir: string) => {
    const file = build.assets.get(`/${dir}/${request.params.file}`);
    if (!file) return notFound(request, reply, HEADERS);
    return send(request, reply, file, IMMUTABLE);
  };
  app.get<{ Params: { file: string } }>('/assets/:file', (request, reply) => asset(request, reply, 'assets'));
  app.get<{ Params: { file: string } }>('/fonts/:file', (request, reply) => asset(request, reply, 'fonts'));
};

export default chatPagePlugin;

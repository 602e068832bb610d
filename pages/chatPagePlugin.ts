/**
 * Serves the chat page built by scripts/build-web.ts: `/` (index.html, with the quick exit URL
 * injected as `<meta name="lantern-quick-exit">`) and the content-hashed assets and fonts listed in
 * the build's manifest.json, from memory, with long immutable caching. Every response carries a
 * strict Content-Security-Policy and the other security headers; the page is never cached and no
 * cookie is ever set.
 *
 * For partner sites: `/embed.js`, the launcher (web/embed/embed.ts) with the origins that may frame
 * the chat and the quick exit URL filled in, loadable from any site (`Cross-Origin-Resource-Policy:
 * cross-origin`, cached for ten minutes); and `/embed`, the same chat page that only those origins
 * may frame (`frame-ancestors`; `'none'` when there are none, like `/`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { EMBED_FILE, EMBED_PLACEHOLDERS } from '../contracts/embed.js';
import { IMMUTABLE, loadAssets, notBuiltPage, notFound, readManifest, send as sendFile, servedFile, type PageHeaders, type ServedFile } from './staticPages.js';

/** Options of chatPagePlugin. */
export interface ChatPagePluginOptions {
  /** The build output (web/dist). */
  distDir: string;
  /** Where the quick exit sends the young person (a neutral http(s) site). */
  quickExitUrl: string;
  /** Origins (`https://partner.example`) that may frame the chat at /embed; default none. */
  frameOrigins?: readonly string[];
}

/** How long browsers may keep /embed.js (it is not content-hashed: partners link to its name). */
const EMBED_SCRIPT_CACHE = 'public, max-age=600';

/** A Host header we are willing to put into the CSP (no spaces, quotes or semicolons). */
const SAFE_HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The Content-Security-Policy of the page; WebSockets are allowed to the host the page came from.
 * `frameAncestors` are the origins that may frame it (none: `'none'`).
 */
export function contentSecurityPolicy(host: string | undefined, frameAncestors: readonly string[] = []): string {
  const sockets = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  const ancestors = frameAncestors.length ? frameAncestors.join(' ') : "'none'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "font-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

const HEADERS: PageHeaders = { csp: (request) => contentSecurityPolicy(request.host), noindex: false };

function send(request: FastifyRequest, reply: FastifyReply, file: ServedFile, cacheControl: string): FastifyReply {
  return sendFile(request, reply, file, cacheControl, HEADERS);
}

/**
 * The launcher with its placeholders filled in (contracts/embed.ts); undefined when the build has
 * none or a placeholder is missing.
 */
async function loadEmbedScript(distDir: string, frameOrigins: readonly string[], quickExitUrl: string): Promise<ServedFile | undefined> {
  let code: string;
  try {
    code = await readFile(path.join(distDir, EMBED_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const values: Record<keyof typeof EMBED_PLACEHOLDERS, string> = { frameOrigins: JSON.stringify(frameOrigins), quickExit: JSON.stringify(quickExitUrl) };
  for (const [name, placeholder] of Object.entries(EMBED_PLACEHOLDERS) as Array<[keyof typeof EMBED_PLACEHOLDERS, string]>) {
    const literal = JSON.stringify(placeholder);
    if (!code.includes(literal)) return undefined;
    code = code.split(literal).join(values[name]);
  }
  return servedFile(EMBED_FILE, Buffer.from(code));
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

  // Partner sites: the chat framed by the origins allowed to, and the launcher that frames it.
  const frameOrigins = options.frameOrigins ?? [];
  const framedHeaders: PageHeaders = { csp: (request) => contentSecurityPolicy(request.host, frameOrigins), noindex: false, frameable: frameOrigins.length > 0 };
  app.get('/embed', async (request, reply) => sendFile(request, reply, build.index, 'no-store', framedHeaders));
  const embedScript = await loadEmbedScript(path.resolve(options.distDir), frameOrigins, exitUrl.href);
  if (!embedScript) app.log.error({ distDir: options.distDir }, 'embed.js not built: run `npm run build`');
  // Any site may load the launcher as a script.
  const launcherHeaders: PageHeaders = { ...HEADERS, crossOrigin: true };
  app.get('/embed.js', async (request, reply) => (embedScript ? sendFile(request, reply, embedScript, EMBED_SCRIPT_CACHE, launcherHeaders) : notFound(request, reply, HEADERS)));

  const asset = async (request: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply, dir: string) => {
    const file = build.assets.get(`/${dir}/${request.params.file}`);
    if (!file) return notFound(request, reply, HEADERS);
    return send(request, reply, file, IMMUTABLE);
  };
  app.get<{ Params: { file: string } }>('/assets/:file', (request, reply) => asset(request, reply, 'assets'));
  app.get<{ Params: { file: string } }>('/fonts/:file', (request, reply) => asset(request, reply, 'fonts'));
};

export default chatPagePlugin;

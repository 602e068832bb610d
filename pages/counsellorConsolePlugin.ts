/**
 * Serves the counsellors' console built by scripts/build-web.ts into <distDir>/counsellor/:
 * `/counsellor` (the console and login) and `/counsellor/setup` (the first admin, with the one-time
 * token in the URL fragment) are the same page; its content-hashed assets are under
 * `/counsellor/assets/`. Same strict headers as the chat page (the CSP from chatPagePlugin, which
 * allows WebSockets to the page's own host for the live view); the page is never cached, assets are
 * immutable. The page sets no cookie: the staff session cookie comes only from POST /api/staff/login.
 */
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { contentSecurityPolicy } from './chatPagePlugin.js';
import { registerBuiltPage } from './staticPages.js';

/** Options of counsellorConsolePlugin. */
export interface CounsellorConsolePluginOptions {
  /** The build output (web/dist); the console is in its counsellor/ folder. */
  distDir: string;
}

/** The Fastify plugin serving the console. */
export const counsellorConsolePlugin: FastifyPluginAsync<CounsellorConsolePluginOptions> = async (app, options) => {
  await registerBuiltPage(app, {
    dir: path.join(path.resolve(options.distDir), 'counsellor'),
    pages: ['/counsellor', '/counsellor/', '/counsellor/setup'],
    assetsPrefix: '/counsellor/assets/',
    headers: { csp: (request) => contentSecurityPolicy(request.host), noindex: true },
    notBuiltMessage: 'counsellor console not built: run `npm run build`',
    distDir: options.distDir,
  });
};

export default counsellorConsolePlugin;

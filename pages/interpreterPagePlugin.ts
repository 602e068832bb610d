/**
 * Serves the interpreters' page built by scripts/build-web.ts into <distDir>/interpreter/:
 * `/interpreter` (the one-time link is `/interpreter#<token>`: the token stays in the fragment, so it
 * never reaches the server's log) and its content-hashed assets under `/interpreter/assets/`. The
 * dashboard's strict policy: the page only polls /api/interpreter/* (no WebSocket, no third party).
 */
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { DASHBOARD_CSP } from './coordinatorDashboardPlugin.js';
import { registerBuiltPage } from './staticPages.js';

/** Options of interpreterPagePlugin. */
export interface InterpreterPagePluginOptions {
  /** The build output (web/dist); the page is in its interpreter/ folder. */
  distDir: string;
}

/** The Fastify plugin serving the interpreters' page. */
export const interpreterPagePlugin: FastifyPluginAsync<InterpreterPagePluginOptions> = async (app, options) => {
  await registerBuiltPage(app, {
    dir: path.join(path.resolve(options.distDir), 'interpreter'),
    pages: ['/interpreter', '/interpreter/'],
    assetsPrefix: '/interpreter/assets/',
    headers: { csp: () => DASHBOARD_CSP, noindex: true },
    notBuiltMessage: 'interpreter page not built: run `npm run build`',
    distDir: options.distDir,
  });
};

export default interpreterPagePlugin;

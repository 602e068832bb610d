/**
 * Serves the coordinators' dashboard built by scripts/build-web.ts into <distDir>/coordinator/:
 * `/coordinator` (the dashboard and its login) and its content-hashed assets under
 * `/coordinator/assets/`. The same strict headers as the chat page, with a Content-Security-Policy
 * whose connect-src is only 'self' (the dashboard only calls /api/staff/* and /api/metrics: no
 * WebSocket, no third party; uPlot is bundled in). The page is never cached, assets are immutable.
 * The page sets no cookie: the staff session cookie comes only from POST /api/staff/login.
 */
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { registerBuiltPage } from './staticPages.js';

/** Options of coordinatorDashboardPlugin. */
export interface CoordinatorDashboardPluginOptions {
  /** The build output (web/dist); the dashboard is in its coordinator/ folder. */
  distDir: string;
}

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

/** The Fastify plugin serving the dashboard. */
export const coordinatorDashboardPlugin: FastifyPluginAsync<CoordinatorDashboardPluginOptions> = async (app, options) => {
  await registerBuiltPage(app, {
    dir: path.join(path.resolve(options.distDir), 'coordinator'),
    pages: ['/coordinator', '/coordinator/'],
    assetsPrefix: '/coordinator/assets/',
    headers: { csp: () => DASHBOARD_CSP, noindex: true },
    notBuiltMessage: 'coordinator dashboard not built: run `npm run build`',
    distDir: options.distDir,
  });
};

export default coordinatorDashboardPlugin;

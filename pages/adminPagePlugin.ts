/**
 * Serves the admin page built by scripts/build-web.ts into <distDir>/admin/: `/admin` (accounts and
 * the audit trail, with its login) and `/admin/reset` (choosing a password with a one-time link, the
 * token in the URL fragment) are the same page; its content-hashed assets are under `/admin/assets/`.
 * The dashboard's strict headers: a Content-Security-Policy whose connect-src is only 'self' (the
 * page only calls /api/staff/*), no framing, no referrer, noindex. The page is never cached, assets
 * are immutable. The page sets no cookie: the staff session cookie comes only from POST /api/staff/login.
 */
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { DASHBOARD_CSP } from './coordinatorDashboardPlugin.js';
import { registerBuiltPage } from './staticPages.js';

/** Options of adminPagePlugin. */
export interface AdminPagePluginOptions {
  /** The build output (web/dist); the admin page is in its admin/ folder. */
  distDir: string;
}

/** The Fastify plugin serving the admin page. */
export const adminPagePlugin: FastifyPluginAsync<AdminPagePluginOptions> = async (app, options) => {
  await registerBuiltPage(app, {
    dir: path.join(path.resolve(options.distDir), 'admin'),
    pages: ['/admin', '/admin/', '/admin/reset'],
    assetsPrefix: '/admin/assets/',
    headers: { csp: () => DASHBOARD_CSP, noindex: true },
    notBuiltMessage: 'admin page not built: run `npm run build`',
    distDir: options.distDir,
  });
};

export default adminPagePlugin;

/**
 * The pages as an area of the app: the young people's chat page (`/`, framed on partner sites as
 * `/embed` through their launcher `/embed.js`), the counsellors' console
 * (`/counsellor`), the coordinators' dashboard (`/coordinator`), the interpreters' page
 * (`/interpreter`) and the admin page (`/admin`), each served from the build in
 * `distDir` with strict security headers.
 */
import type { FastifyPluginAsync } from 'fastify';
import { adminPagePlugin } from './adminPagePlugin.js';
import { chatPagePlugin } from './chatPagePlugin.js';
import { coordinatorDashboardPlugin } from './coordinatorDashboardPlugin.js';
import { counsellorConsolePlugin } from './counsellorConsolePlugin.js';
import { interpreterPagePlugin } from './interpreterPagePlugin.js';

/** Options of pagesPlugin. */
export interface PagesPluginOptions {
  /** The build output (web/dist, written by `npm run build`). */
  distDir: string;
  /** Where the quick exit sends the young person (a neutral http(s) site). */
  quickExitUrl: string;
  /** Partner sites that may frame the chat through /embed.js (ALLOWED_ORIGINS); default none. */
  frameOrigins?: readonly string[];
}

/** Serves the three pages. */
export const pagesPlugin: FastifyPluginAsync<PagesPluginOptions> = async (app, options) => {
  await app.register(chatPagePlugin, { distDir: options.distDir, quickExitUrl: options.quickExitUrl, frameOrigins: options.frameOrigins ?? [] });
  await app.register(counsellorConsolePlugin, { distDir: options.distDir });
  await app.register(coordinatorDashboardPlugin, { distDir: options.distDir });
  await app.register(interpreterPagePlugin, { distDir: options.distDir });
  await app.register(adminPagePlugin, { distDir: options.distDir });
};

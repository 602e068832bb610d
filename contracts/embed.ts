/**
 * What the build (scripts/build-web.ts) and the server (pages/chatPagePlugin.ts) agree on about the
 * partners' launcher, web/embed/embed.ts.
 */

/** The launcher's file in the build, served as /embed.js (a fixed name: partners link to it). */
export const EMBED_FILE = 'embed.js';

/**
 * What the server puts into embed.js when it serves it: each placeholder is a JSON string literal
 * in the built file (exactly once), replaced by a JSON value.
 */
export const EMBED_PLACEHOLDERS = {
  /** The origins that may frame the chat (ALLOWED_ORIGINS), a JSON array. */
  frameOrigins: '@@LANTERN_FRAME_ORIGINS@@',
  /** Where the quick exit goes (QUICK_EXIT_URL), a JSON string. */
  quickExit: '@@LANTERN_QUICK_EXIT@@',
} as const;

/**
 * Constants the build (scripts/build-web.ts) puts into the partners' launcher with esbuild's `define`.
 */

/** The launcher's own texts (the `embed*` strings of locales/<language>/web.json). */
declare const __LANTERN_EMBED_STRINGS__: Record<
  import('../../contracts/languages.js').Language,
  { embedOpen: string; embedHide: string; embedTitle: string }
>;

/**
 * The partner origins that may frame the chat (ALLOWED_ORIGINS). The build leaves a placeholder
 * the server fills in when it serves /embed.js (pages/chatPagePlugin.ts, contracts/embed.ts).
 */
declare const __LANTERN_FRAME_ORIGINS__: string[];

/** Where the quick exit goes (QUICK_EXIT_URL); a placeholder the server fills in, like the origins. */
declare const __LANTERN_QUICK_EXIT__: string;

/**
 * Constants the build (scripts/build-web.ts) puts into the bundle with esbuild's `define`.
 */

/** The page's own strings from locales/<language>/web.json, with help line numbers filled in. */
declare const __LANTERN_STRINGS__: Record<
  import('../../contracts/languages.js').Language,
  typeof import('../../locales/en/web.json')
>;

/** Phone numbers from config/helplines.json: the emergency number and every number to turn into a link. */
declare const __LANTERN_PHONES__: { emergency: string; all: string[] };

/**
 * Constants the build (scripts/build-web.ts) puts into the admin page's bundle with esbuild's `define`.
 */

/** From locales/staff/{nl,en}.json: the admin page's own texts, "My account" and the names of languages. */
declare const __ADMIN_STRINGS__: Record<
  'nl' | 'en',
  {
    admin: (typeof import('../../locales/staff/nl.json'))['admin'];
    account: Record<string, string>;
    languages: Record<string, string>;
  }
>;

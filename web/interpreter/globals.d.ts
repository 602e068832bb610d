/**
 * Constants the build (scripts/build-web.ts) puts into the interpreter's page with esbuild's `define`.
 */

/** From locales/staff/{nl,en}.json: the page's own texts ("interpreter") and the names of languages. */
declare const __INTERPRETER_STRINGS__: Record<
  'nl' | 'en',
  {
    interpreter: (typeof import('../../locales/staff/nl.json'))['interpreter'];
    languages: Record<string, string>;
  }
>;

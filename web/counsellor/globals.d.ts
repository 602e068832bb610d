/**
 * Constants the build (scripts/build-web.ts) puts into the console's bundle with esbuild's `define`.
 */

/** From locales/staff/{nl,en}.json: the console's own texts, and the names of languages and priorities. */
declare const __CONSOLE_STRINGS__: Record<
  'nl' | 'en',
  {
    console: (typeof import('../../locales/staff/nl.json'))['console'];
    /** My account (web/shared/account.ts). */
    account: Record<string, string>;
    languages: Record<string, string>;
    priority: Record<string, string>;
    /** The staff names of triage and screening codes. */
    reason: Record<string, string>;
    answers: Record<string, string>;
    signals: Record<string, string>;
    dangerCategories: Record<string, string>;
    intents: Record<string, string>;
  }
>;

/**
 * Constants the build (scripts/build-web.ts) puts into the dashboard's bundle with esbuild's `define`.
 */

/**
 * From locales/staff/{nl,en}.json: the dashboard's own texts ("dashboard") and the names it shows
 * for languages, dialog-tree nodes (`funnel`, when present, then `topics`), outcomes and danger
 * categories.
 */
declare const __DASHBOARD_STRINGS__: Record<
  'nl' | 'en',
  {
    dashboard: (typeof import('../../locales/staff/nl.json'))['dashboard'];
    /** My account (web/shared/account.ts). */
    account: Record<string, string>;
    languages: Record<string, string>;
    topics: Record<string, string>;
    funnel: Record<string, string>;
    outcomes: Record<string, string>;
    dangerCategories: Record<string, string>;
  }
>;

/**
 * Builds the chat page into web/dist/ (run by `npm run build`):
 * - web/src/main.ts bundled and minified with esbuild, with the page strings of all five languages
 *   (locales/<language>/web.json) and the help line numbers (config/helplines.json) built in;
 * - web/shared/base.css and web/styles.css minified, with @font-face rules for the self-hosted
 *   Arabic-script and Ethiopic fonts, each limited by unicode-range so a font is only downloaded when
 *   its script is shown;
 * - content-hashed file names (served with immutable caching), web/dist/index.html and manifest.json;
 * - the partners' launcher web/embed/embed.ts into web/dist/embed.js (a fixed name partners link to,
 *   with the `embed*` strings of web.json and placeholders the server fills in, EMBED_PLACEHOLDERS);
 * - the counsellors' console (web/counsellor/, strings from the "console" section of
 *   locales/staff/{nl,en}.json) into web/dist/counsellor/ with its own manifest.json, sharing the fonts;
 *   its stylesheet is web/shared/base.css, web/shared/staff.css (what both staff pages share) and
 *   console.css, its index.html is filled in with the staff pages' shared parts (web/shared/*.html);
 * - the coordinators' dashboard (web/coordinator/, uPlot bundled in, strings from the "dashboard"
 *   section of locales/staff/{nl,en}.json) into web/dist/coordinator/ with its own manifest.json,
 *   built like the console.
 * - the admin page (web/admin/: accounts, the audit trail, the page of a password link; strings from
 *   the "admin" and "account" sections) into web/dist/admin/, built like the console, without fonts.
 * Every staff page also gets the "account" section (My account, web/shared/account.ts).
 * Fails when the chat page's JS + CSS are more than 60 KB gzipped (the console and the dashboard: 80 KB
 * each, the interpreters' and the admin page: 30 KB each).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';
import { helplineVariables, loadHelplines } from '../texts/helplines.js';
import { pluralKey } from '../texts/plurals.js';
import { EMBED_FILE, EMBED_PLACEHOLDERS } from '../contracts/embed.js';
import { LANGUAGES, type Language } from '../contracts/languages.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Largest allowed gzipped size of JS + CSS together. */
export const SIZE_LIMIT_BYTES = 60 * 1024;

/** Largest allowed gzipped size of the console's JS + CSS (staff laptops and tablets, not old phones). */
export const CONSOLE_SIZE_LIMIT_BYTES = 80 * 1024;

/**
 * Placeholders in locales/<language>/web.json the page fills in itself at run time (place in line,
 * minutes): the build leaves them as they are.
 */
const PAGE_VARIABLES: Record<string, string> = { position: '{{position}}', minutes: '{{minutes}}' };

/** Browsers the bundle must run in (old Android Chrome included). */
const TARGETS = ['chrome61', 'firefox60', 'safari12'];

/** Largest allowed gzipped size of the coordinators' dashboard's JS + CSS (uPlot included). */
export const DASHBOARD_SIZE_LIMIT_BYTES = 80 * 1024;
/** Most gzipped JS + CSS the interpreters' page may have (without fonts). */
export const INTERPRETER_SIZE_LIMIT_BYTES = 30 * 1024;

/** Most gzipped JS + CSS the admin page may have. */
export const ADMIN_SIZE_LIMIT_BYTES = 30 * 1024;

/** Browsers of the console (staff laptops and tablets, kept up to date). */
const CONSOLE_TARGETS = ['chrome100', 'firefox100', 'safari15'];

/**
 * The font files copied to web/dist/fonts. Ethiopic has no bold file: the page's few bold words
 * (quick exit, a person's name label) are synthesised from the regular one instead of downloading
 * another ~75 KB. The chat page's language picker uses none of them (system fonts, web/styles.css).
 */
const FONTS = [
  { pkg: 'vazirmatn', family: 'Vazirmatn', subset: 'arabic', weight: 400, local: [] as string[] },
  { pkg: 'vazirmatn', family: 'Vazirmatn', subset: 'arabic', weight: 700, local: [] as string[] },
  // Android ships Noto Sans Ethiopic: use it when it is there instead of downloading ~75 KB.
  { pkg: 'noto-sans-ethiopic', family: 'Noto Sans Ethiopic', subset: 'ethiopic', weight: 400, local: ['Noto Sans Ethiopic', 'NotoSansEthiopic-Regular'] },
];

/** What the server needs to know about a build. */
export interface WebManifest {
  index: string;
  js: string;
  css: string;
  fonts: string[];
  /** Every file the server may serve (paths relative to the dist dir), with sizes. */
  files: Record<string, { bytes: number; gzipBytes: number }>;
  /** Gzipped size of JS + CSS, without fonts. */
  gzipBytes: number;
  /** The counsellors' console (also written to <outDir>/counsellor/manifest.json). */
  console?: ConsoleManifest;
  /** The coordinators' dashboard (also written to <outDir>/coordinator/manifest.json). */
  dashboard?: DashboardManifest;
  /** The interpreters' page (also written to <outDir>/interpreter/manifest.json). */
  interpreter?: ConsoleManifest;
  /** The admin page (also written to <outDir>/admin/manifest.json). */
  admin?: ConsoleManifest;
}

/** The console's build: paths relative to <outDir>/counsellor/. */
export interface ConsoleManifest {
  index: string;
  js: string;
  css: string;
  files: Record<string, { bytes: number; gzipBytes: number }>;
  /** Gzipped size of JS + CSS, without fonts. */
  gzipBytes: number;
}

/** The dashboard's build: paths relative to <outDir>/coordinator/ (same shape as the console's). */
export type DashboardManifest = ConsoleManifest;

/** Options of buildWeb. */
export interface BuildWebOptions {
  /** Output directory (default web/dist). It is emptied first. */
  outDir?: string;
  /** Print the size summary (default true). */
  log?: boolean;
}

function hash(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('base64url').replace(/[-_]/g, '').slice(0, 10);
}

function interpolate(text: string, variables: Record<string, string>, where: string): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new Error(`${where}: unknown variable {{${name}}}`);
    return value;
  });
}

/** The text of web/<file>. */
function readWeb(file: string): string {
  return readFileSync(path.join(ROOT, 'web', file), 'utf8');
}

/** web/<file> with its `{{name}}` placeholders filled in, and its line breaks and indentation removed. */
function renderHtml(file: string, variables: Record<string, string>): string {
  return interpolate(readWeb(file), variables, `web/${file}`).replace(/\n\s*/g, '');
}

/** The stylesheets `parts`, in this order, minified for the browsers `target`. */
async function minifyCss(parts: string[], target: string[]): Promise<string> {
  const css = await transform(parts.join('\n'), { loader: 'css', minify: true, target, legalComments: 'none' });
  return css.code;
}

/** web/<entry> and what it imports bundled and minified into one script for the browsers `target`; `define` puts the page's strings in. */
async function bundleJs(entry: string, target: string[], define: Record<string, string>, label?: string): Promise<Buffer> {
  const bundle = await build({
    entryPoints: [path.join(ROOT, 'web', entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    target,
    platform: 'browser',
    write: false,
    legalComments: 'none',
    charset: 'utf8',
    tsconfig: path.join(ROOT, 'web', 'tsconfig.json'),
    define,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0];
  if (!js) throw new Error(label ? `esbuild produced no output for ${label}` : 'esbuild produced no output');
  return Buffer.from(js.contents);
}

/** The page's strings without the launcher's (`embed*`), and the launcher's alone. */
function splitEmbedStrings(strings: Record<Language, Record<string, string>>): { page: Record<Language, Record<string, string>>; embed: Record<Language, Record<string, string>> } {
  const page = {} as Record<Language, Record<string, string>>;
  const embed = {} as Record<Language, Record<string, string>>;
  for (const language of LANGUAGES) {
    page[language] = {};
    embed[language] = {};
    for (const [key, value] of Object.entries(strings[language])) (key.startsWith('embed') ? embed : page)[language]![key] = value;
  }
  return { page, embed };
}

/** Reads and checks locales/<language>/web.json of all five languages. */
export function readWebStrings(variables: Record<string, string>, root = ROOT): Record<Language, Record<string, string>> {
  const all = {} as Record<Language, Record<string, string>>;
  const read = (language: Language): Record<string, string> => {
    const file = path.join(root, 'locales', language, 'web.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string' || !value.trim()) throw new Error(`locales/${language}/web.json: "${key}" must be a non-empty string`);
      out[key] = interpolate(value, { ...PAGE_VARIABLES, ...variables }, `locales/${language}/web.json "${key}"`);
    }
    return out;
  };
  const english = read('en');
  // Texts with a number come in the plural forms of their language (`handoffEstimate_few` in
  // Arabic only): compared by their name; the locale check makes sure each has its forms.
  const nameOf = (key: string): string => pluralKey(key)?.base ?? key;
  const englishNames = new Set(Object.keys(english).map(nameOf));
  for (const language of LANGUAGES) {
    const strings = language === 'en' ? english : read(language);
    const names = new Set(Object.keys(strings).map(nameOf));
    const missing = [...englishNames].filter((name) => !names.has(name));
    const extra = [...names].filter((name) => !englishNames.has(name));
    if (missing.length || extra.length) {
      throw new Error(`locales/${language}/web.json: missing [${missing.join(', ')}], unknown [${extra.join(', ')}]`);
    }
    all[language] = strings;
  }
  return all;
}

/** The staff UI languages. */
const STAFF_LANGUAGES = ['nl', 'en'] as const;

type StaffLanguage = (typeof STAFF_LANGUAGES)[number];

type StaffTree = { [key: string]: string | StaffTree };

/**
 * Reads `sections` of locales/staff/{nl,en}.json (one in `optional` may be missing: then it is
 * empty). Every text must be a non-empty string, and both files must have the same keys.
 */
function readStaffSections<S extends string>(sections: readonly S[], optional: readonly S[], root: string): Record<StaffLanguage, Record<S, Record<string, string>>> {
  const out = {} as Record<StaffLanguage, Record<S, Record<string, string>>>;
  for (const language of STAFF_LANGUAGES) {
    const file = `locales/staff/${language}.json`;
    const data = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as StaffTree;
    out[language] = {} as Record<S, Record<string, string>>;
    for (const name of sections) {
      const tree = data[name] ?? (optional.includes(name) ? {} : undefined);
      if (!tree || typeof tree !== 'object') throw new Error(`${file}: section "${name}" is missing`);
      for (const [key, value] of Object.entries(tree)) {
        if (typeof value !== 'string' || !value.trim()) throw new Error(`${file}: "${name}.${key}" must be a non-empty string`);
      }
      out[language][name] = tree as Record<string, string>;
    }
  }
  for (const name of sections) {
    const nl = Object.keys(out.nl[name]);
    const en = Object.keys(out.en[name]);
    const missing = nl.filter((key) => !en.includes(key));
    const extra = en.filter((key) => !nl.includes(key));
    if (missing.length || extra.length) throw new Error(`locales/staff/en.json "${name}": missing [${missing.join(', ')}], not in nl.json [${extra.join(', ')}]`);
  }
  return out;
}

/** The sections of locales/staff/<nl|en>.json the console is built with. */
const CONSOLE_SECTIONS = ['console', 'account', 'languages', 'priority', 'reason', 'answers', 'signals', 'dangerCategories', 'intents'] as const;

/** What the console is built with from locales/staff/<nl|en>.json: its own texts and the names of languages and priorities. */
export interface ConsoleStrings {
  console: Record<string, string>;
  /** "My account" (web/shared/account.ts). */
  account: Record<string, string>;
  languages: Record<string, string>;
  priority: Record<string, string>;
  /** The staff names of triage and screening codes (the waiting list's "why", the flags). */
  reason: Record<string, string>;
  answers: Record<string, string>;
  signals: Record<string, string>;
  dangerCategories: Record<string, string>;
  intents: Record<string, string>;
}

/** Reads the console's strings from locales/staff/{nl,en}.json; both must have the same keys. */
export function readConsoleStrings(root = ROOT): Record<StaffLanguage, ConsoleStrings> {
  return readStaffSections(CONSOLE_SECTIONS, [], root);
}

/** The sections of locales/staff/<nl|en>.json the dashboard is built with (`funnel` only when the file has it). */
const DASHBOARD_SECTIONS = ['dashboard', 'account', 'languages', 'topics', 'funnel', 'outcomes', 'dangerCategories'] as const;

/** What the dashboard is built with: its own texts and the staff names of languages, nodes, outcomes and danger categories. */
export type DashboardStrings = Record<(typeof DASHBOARD_SECTIONS)[number], Record<string, string>>;

/** Reads the dashboard's strings from locales/staff/{nl,en}.json; both must have the same keys. */
export function readDashboardStrings(root = ROOT): Record<StaffLanguage, DashboardStrings> {
  return readStaffSections(DASHBOARD_SECTIONS, ['funnel'], root);
}

/** What differs between the console's and the dashboard's builds. */
interface StaffPageBuild {
  /** The folder under web/ with main.ts, index.html and the stylesheet; also the folder under <outDir> and the URL prefix. */
  folder: 'counsellor' | 'coordinator' | 'interpreter' | 'admin';
  /** Base name of the hashed assets, and of the stylesheet (`<name>.css`) in `folder`. */
  name: 'console' | 'dashboard' | 'interpreter' | 'admin';
  /** For the error message: "the console", "the dashboard". */
  label: string;
  /** CSS put first, before the shared stylesheets (STAFF_CSS) and the page's own. */
  cssBefore: () => string;
  /** esbuild's `define` (the page's strings). */
  define: () => Record<string, string>;
}

/** The staff pages' shared stylesheets, after the page's `cssBefore` and before its own. */
const STAFF_CSS = ['shared/base.css', 'shared/staff.css'];

/**
 * What a staff page's index.html is filled in with: `{{staffHead}}`, the doctype and the whole <head>
 * (web/shared/staff-head.html, with the page's `css` and `js` filled in), and `{{loginFields}}`, the
 * login form's notice, fields, status and button (web/shared/login-fields.html).
 */
function staffHtmlVariables(css: string, js: string): Record<string, string> {
  return {
    staffHead: interpolate(readWeb('shared/staff-head.html'), { css, js }, 'web/shared/staff-head.html'),
    loginFields: readWeb('shared/login-fields.html'),
  };
}

/** Builds a staff page (console or dashboard); its files (paths relative to <outDir>) go into `files`. */
async function buildStaffPage(page: StaffPageBuild, files: Map<string, Buffer>): Promise<ConsoleManifest> {
  const css = await minifyCss([page.cssBefore(), ...[...STAFF_CSS, `${page.folder}/${page.name}.css`].map(readWeb)], CONSOLE_TARGETS);
  const cssFile = `assets/${page.name}.${hash(css)}.css`;
  const jsCode = await bundleJs(`${page.folder}/main.ts`, CONSOLE_TARGETS, page.define(), page.label);
  const jsFile = `assets/${page.name}.${hash(jsCode)}.js`;
  const html = renderHtml(`${page.folder}/index.html`, staffHtmlVariables(`/${page.folder}/${cssFile}`, `/${page.folder}/${jsFile}`));
  const own = new Map<string, Buffer>([
    ['index.html', Buffer.from(html)],
    [cssFile, Buffer.from(css)],
    [jsFile, jsCode],
  ]);
  const manifestFiles: ConsoleManifest['files'] = {};
  for (const [file, data] of own) {
    manifestFiles[file] = { bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length };
    files.set(`${page.folder}/${file}`, data);
  }
  const gzipBytes = manifestFiles[jsFile]!.gzipBytes + manifestFiles[cssFile]!.gzipBytes;
  return { index: 'index.html', js: jsFile, css: cssFile, files: manifestFiles, gzipBytes };
}

/** Builds the coordinators' dashboard (uPlot and its CSS bundled in); its files (paths relative to <outDir>) go into `files`. */
async function buildDashboard(files: Map<string, Buffer>): Promise<DashboardManifest> {
  return buildStaffPage(
    {
      folder: 'coordinator',
      name: 'dashboard',
      label: 'the dashboard',
      cssBefore: () => readFileSync(path.join(ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8'),
      define: () => ({ __DASHBOARD_STRINGS__: JSON.stringify(readDashboardStrings()) }),
    },
    files,
  );
}

/** Builds the counsellors' console; its files (paths relative to <outDir>) go into `files`. */
async function buildConsole(fontFaces: string[], files: Map<string, Buffer>): Promise<ConsoleManifest> {
  return buildStaffPage(
    {
      folder: 'counsellor',
      name: 'console',
      label: 'the console',
      cssBefore: () => fontFaces.join('\n'),
      define: () => ({ __CONSOLE_STRINGS__: JSON.stringify(readConsoleStrings()) }),
    },
    files,
  );
}

/** The sections of locales/staff/<nl|en>.json the interpreters' page is built with. */
const INTERPRETER_SECTIONS = ['interpreter', 'languages'] as const;

/** Builds the interpreters' page (one chat, by a one-time link; Dutch or English, with the chat's fonts). */
async function buildInterpreterPage(fontFaces: string[], files: Map<string, Buffer>): Promise<ConsoleManifest> {
  return buildStaffPage(
    {
      folder: 'interpreter',
      name: 'interpreter',
      label: "the interpreters' page",
      cssBefore: () => fontFaces.join('\n'),
      define: () => ({ __INTERPRETER_STRINGS__: JSON.stringify(readStaffSections(INTERPRETER_SECTIONS, [], ROOT)) }),
    },
    files,
  );
}

/** The sections of locales/staff/<nl|en>.json the admin page is built with. */
const ADMIN_SECTIONS = ['admin', 'account', 'languages'] as const;

/** Builds the admin page (accounts and the audit trail; also the page of a password link). */
async function buildAdminPage(files: Map<string, Buffer>): Promise<ConsoleManifest> {
  return buildStaffPage(
    {
      folder: 'admin',
      name: 'admin',
      label: 'the admin page',
      cssBefore: () => '',
      define: () => ({ __ADMIN_STRINGS__: JSON.stringify(readStaffSections(ADMIN_SECTIONS, [], ROOT)) }),
    },
    files,
  );
}

function unicodeRange(pkg: string, subset: string, weight: number): string {
  const css = readFileSync(path.join(ROOT, 'node_modules', '@fontsource', pkg, `${weight}.css`), 'utf8');
  const block = new RegExp(`/\\* ${pkg}-${subset}-${weight}-normal \\*/[^}]*?unicode-range:\\s*([^;]+);`).exec(css);
  if (!block || !block[1]) throw new Error(`@fontsource/${pkg}: no unicode-range for ${subset} ${weight}`);
  return block[1].trim();
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Builds the page. Throws when something is missing or the size limit is exceeded. */
export async function buildWeb(options: BuildWebOptions = {}): Promise<WebManifest> {
  const outDir = path.resolve(options.outDir ?? path.join(ROOT, 'web', 'dist'));
  const helplines = loadHelplines();
  const variables = helplineVariables(helplines);
  const strings = readWebStrings(variables);
  const phones = Object.values(helplines)
    .map((line) => line.phone)
    .filter((phone): phone is string => typeof phone === 'string' && phone.length > 0);

  const files = new Map<string, Buffer>();

  // Fonts.
  const fontFaces: string[] = [];
  const fontPaths: string[] = [];
  for (const font of FONTS) {
    const name = `${font.pkg}-${font.subset}-${font.weight}-normal`;
    const data = readFileSync(path.join(ROOT, 'node_modules', '@fontsource', font.pkg, 'files', `${name}.woff2`));
    const file = `fonts/${name}.${hash(data)}.woff2`;
    files.set(file, data);
    fontPaths.push(file);
    const sources = [...font.local.map((local) => `local("${local}")`), `url(/${file}) format("woff2")`];
    fontFaces.push(
      `@font-face{font-family:"${font.family}";font-style:normal;font-weight:${font.weight};font-display:swap;` +
        `src:${sources.join(',')};unicode-range:${unicodeRange(font.pkg, font.subset, font.weight)}}`,
    );
  }

  // CSS.
  const css = await minifyCss([fontFaces.join('\n'), readWeb('shared/base.css'), readWeb('styles.css')], TARGETS);
  const cssFile = `assets/app.${hash(css)}.css`;
  files.set(cssFile, Buffer.from(css));

  // JS. The launcher's strings (embed*) go to embed.js only.
  const { page: pageStrings, embed: embedStrings } = splitEmbedStrings(strings);
  const jsCode = await bundleJs('src/main.ts', TARGETS, {
    __LANTERN_STRINGS__: JSON.stringify(pageStrings),
    __LANTERN_PHONES__: JSON.stringify({ emergency: helplines.emergency.phone ?? '112', all: phones }),
  });
  const jsFile = `assets/app.${hash(jsCode)}.js`;
  files.set(jsFile, jsCode);

  // The partners' launcher: a fixed name (partners link to it), with placeholders the server fills in.
  const embedCode = await bundleJs('embed/embed.ts', TARGETS, {
    __LANTERN_EMBED_STRINGS__: JSON.stringify(embedStrings),
    __LANTERN_FRAME_ORIGINS__: JSON.stringify(EMBED_PLACEHOLDERS.frameOrigins),
    __LANTERN_QUICK_EXIT__: JSON.stringify(EMBED_PLACEHOLDERS.quickExit),
  }, 'embed.js');
  for (const placeholder of Object.values(EMBED_PLACEHOLDERS)) {
    if (embedCode.toString('utf8').split(JSON.stringify(placeholder)).length !== 2) throw new Error(`embed.js: the placeholder ${placeholder} must appear exactly once`);
  }
  files.set(EMBED_FILE, embedCode);

  // HTML.
  files.set('index.html', Buffer.from(renderHtml('index.html', { ...variables, css: `/${cssFile}`, js: `/${jsFile}` })));

  // Sizes.
  const manifestFiles: WebManifest['files'] = {};
  for (const [file, data] of files) manifestFiles[file] = { bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length };
  const jsGzip = manifestFiles[jsFile]!.gzipBytes;
  const cssGzip = manifestFiles[cssFile]!.gzipBytes;
  const gzipBytes = jsGzip + cssGzip;
  const manifest: WebManifest = { index: 'index.html', js: jsFile, css: cssFile, fonts: fontPaths, files: manifestFiles, gzipBytes };

  // The counsellors' console (after the chat page's sizes: its files are not part of the page).
  const consoleManifest = await buildConsole(fontFaces, files);
  manifest.console = consoleManifest;
  // The coordinators' dashboard (likewise not part of the page).
  const dashboardManifest = await buildDashboard(files);
  manifest.dashboard = dashboardManifest;
  const interpreterManifest = await buildInterpreterPage(fontFaces, files);
  manifest.interpreter = interpreterManifest;
  const adminManifest = await buildAdminPage(files);
  manifest.admin = adminManifest;

  if (options.log !== false) {
    const fontBytes = fontPaths.reduce((sum, file) => sum + manifestFiles[file]!.bytes, 0);
    console.log(
      `web build: JS ${kb(jsGzip)} + CSS ${kb(cssGzip)} = ${kb(gzipBytes)} gzipped (limit ${kb(SIZE_LIMIT_BYTES)}); ` +
        `index.html ${kb(manifestFiles['index.html']!.gzipBytes)} gzipped; ` +
        `${fontPaths.length} fonts ${kb(fontBytes)}, loaded only when their script is shown`,
    );
    const c = consoleManifest.files;
    console.log(
      `console build: JS ${kb(c[consoleManifest.js]!.gzipBytes)} + CSS ${kb(c[consoleManifest.css]!.gzipBytes)} = ${kb(consoleManifest.gzipBytes)} gzipped ` +
        `(limit ${kb(CONSOLE_SIZE_LIMIT_BYTES)}); index.html ${kb(c['index.html']!.gzipBytes)} gzipped`,
    );
    const d = dashboardManifest.files;
    console.log(
      `dashboard build: JS ${kb(d[dashboardManifest.js]!.gzipBytes)} + CSS ${kb(d[dashboardManifest.css]!.gzipBytes)} = ${kb(dashboardManifest.gzipBytes)} gzipped ` +
        `(limit ${kb(DASHBOARD_SIZE_LIMIT_BYTES)}); index.html ${kb(d['index.html']!.gzipBytes)} gzipped`,
    );
    console.log(`interpreter build: JS + CSS = ${kb(interpreterManifest.gzipBytes)} gzipped (limit ${kb(INTERPRETER_SIZE_LIMIT_BYTES)})`);
    console.log(`admin build: JS + CSS = ${kb(adminManifest.gzipBytes)} gzipped (limit ${kb(ADMIN_SIZE_LIMIT_BYTES)})`);
  }
  if (gzipBytes > SIZE_LIMIT_BYTES) {
    throw new Error(`web build: JS + CSS are ${kb(gzipBytes)} gzipped, more than the limit of ${kb(SIZE_LIMIT_BYTES)}`);
  }
  if (consoleManifest.gzipBytes > CONSOLE_SIZE_LIMIT_BYTES) {
    throw new Error(`console build: JS + CSS are ${kb(consoleManifest.gzipBytes)} gzipped, more than the limit of ${kb(CONSOLE_SIZE_LIMIT_BYTES)}`);
  }
  if (interpreterManifest.gzipBytes > INTERPRETER_SIZE_LIMIT_BYTES) {
    throw new Error(`interpreter build: JS + CSS are ${kb(interpreterManifest.gzipBytes)} gzipped, more than the limit of ${kb(INTERPRETER_SIZE_LIMIT_BYTES)}`);
  }
  if (adminManifest.gzipBytes > ADMIN_SIZE_LIMIT_BYTES) {
    throw new Error(`admin build: JS + CSS are ${kb(adminManifest.gzipBytes)} gzipped, more than the limit of ${kb(ADMIN_SIZE_LIMIT_BYTES)}`);
  }
  if (dashboardManifest.gzipBytes > DASHBOARD_SIZE_LIMIT_BYTES) {
    throw new Error(`dashboard build: JS + CSS are ${kb(dashboardManifest.gzipBytes)} gzipped, more than the limit of ${kb(DASHBOARD_SIZE_LIMIT_BYTES)}`);
  }

  // Write (only after everything succeeded).
  rmSync(outDir, { recursive: true, force: true });
  for (const [file, data] of files) {
    mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
    writeFileSync(path.join(outDir, file), data);
  }
  writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'counsellor', 'manifest.json'), `${JSON.stringify(consoleManifest, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'coordinator', 'manifest.json'), `${JSON.stringify(dashboardManifest, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'interpreter', 'manifest.json'), `${JSON.stringify(interpreterManifest, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'admin', 'manifest.json'), `${JSON.stringify(adminManifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  buildWeb().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

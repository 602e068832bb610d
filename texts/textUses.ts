/**
 * Where a text is used, read from the code (for the native speakers' review kit): every string
 * `namespace:key` in dialogs/, bot/, handoff/ and the chat page (web/src, web/index.html), with the
 * file, the line and the place around it (the dialog, its step or data, like
 * "RightsDialog › rights_guardian"). Keys built at run time (`signals:questions.${signal}`,
 * `choices:${id}.title`) count for every key they can become. Page strings (web.json) are found as
 * `t('key')` and `data-t="key"`; a button's texts (choices.json) also where its id is used.
 * This reads the code as text; it imports none of it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Folders (or files) whose code says texts of the young person's chat. */
export const TEXT_USE_FOLDERS = ['dialogs', 'bot', 'handoff', 'web/src', 'web/index.html'] as const;

/** The namespace of the chat page's own strings, and of the buttons. */
const PAGE_NAMESPACE = 'web';
const CHOICES_NAMESPACE = 'choices';

/** One place a text is used. */
export interface TextUse {
  /** Where in the code, readable: "RightsDialog › rights_guardian", "chat page: data-t". */
  place: string;
  /** File relative to the repository root. */
  file: string;
  /** Line (1-based). */
  line: number;
}

/** The keys of every namespace (English, the reference): namespace → `a.b.c` keys. */
export type KeysByNamespace = Record<string, readonly string[]>;

interface SourceFile {
  file: string;
  lines: string[];
}

/** The code files under the given folders (relative to root). */
function sourceFiles(root: string, folders: readonly string[]): SourceFile[] {
  const files: string[] = [];
  const walk = (full: string): void => {
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) {
        if (name === 'node_modules' || name === 'dist') continue;
        walk(path.join(full, name));
      }
    } else if (/\.(ts|mjs|html)$/.test(full) && !full.endsWith('.d.ts')) files.push(full);
  };
  for (const folder of folders) walk(path.join(root, folder));
  return files.map((full) => ({ file: path.relative(root, full).split(path.sep).join('/'), lines: readFileSync(full, 'utf8').split('\n') }));
}

const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'await', 'catch', 'function', 'new', 'typeof', 'super', 'constructor', 'else']);
/** Labels that say nothing to a reader. */
const NOISE = new Set(['constructor', 'super', 'sections', 'texts', 'run', 'default']);

const indentOf = (line: string): number => line.length - line.trimStart().length;
const withoutStrings = (text: string): string => text.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");

/**
 * The place around a position in a file: its class or function, then the methods, object
 * properties and `case`s that enclose the line (by indentation), outermost first.
 */
export function placeAt(lines: readonly string[], lineIndex: number, column: number): string {
  const labels: string[] = [];
  const current = lines[lineIndex] ?? '';
  const own = /([A-Za-z_$][\w$]*)\s*:\s*(?:\[[^\]]*)?$/.exec(withoutStrings(current.slice(0, column)));
  if (own?.[1] && !NOISE.has(own[1])) labels.push(own[1]);
  // The line itself starts a method (a default value: `private say(key = 'handoff:whatNext') {`).
  const itself = methodName(current.trim());
  if (!own && itself && !NOISE.has(itself)) labels.push(itself);
  let top = indentOf(current) === 0 ? declarationName(current.trim()) : undefined;
  let indent = indentOf(current);
  let i = lineIndex - 1;
  for (; !top && i >= 0 && indent > 0; i -= 1) {
    const line = lines[i] ?? '';
    if (!line.trim() || indentOf(line) >= indent) continue;
    const text = line.trim();
    if (text.startsWith('//') || text.startsWith('*') || text.startsWith('/*')) continue;
    indent = indentOf(line);
    top = indent === 0 ? declarationName(text) : undefined;
    if (top) break;
    if (/^(?:const|let|var)\s/.test(text)) continue;
    const caseOf = /^case\s+'([^']+)'/.exec(text)?.[1];
    const label = (caseOf ? `case ${caseOf}` : undefined) ?? methodName(text) ?? /^([A-Za-z_$][\w$]*|'[^']+')\s*:/.exec(text)?.[1]?.replace(/'/g, '');
    if (label && !NOISE.has(label)) labels.unshift(label);
  }
  // Where the walk stopped at the left margin: a signature over several lines (`): Handler {`) has
  // its declaration further up; a statement (`byId('human').addEventListener(…`) names itself.
  const stop = i >= 0 && !top ? (lines[i + 1] ?? '') : '';
  if (!top && /^\}?\)/.test(stop)) {
    for (let j = i; j >= 0 && j > i - 40 && !top; j -= 1) {
      const line = lines[j] ?? '';
      if (indentOf(line) === 0 && line.trim()) top = declarationName(line.trim());
    }
  } else if (!top && stop.trim() && indentOf(stop) === 0 && !stop.startsWith('}')) {
    top = stop.trim().replace(/\s*\{$/, '').replace(/\s*\(\) => ?$/, '').slice(0, 60);
  }
  return [top, ...labels].filter(Boolean).join(' › ') || '(top of file)';
}

/** The name a top-level line declares (class, function, interface, const), if any. */
function declarationName(text: string): string | undefined {
  return (/^(?:export\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:class|function|interface|type)\s+([A-Za-z_$][\w$]*)/.exec(text) ??
    /^(?:export\s+)?(?:const|let)\s+([A-Za-z_$][\w$]*)/.exec(text))?.[1];
}

/** The name of a method a line starts (`private async askStep(step: …): Promise<…> {`, or its first line), not of a call. */
function methodName(text: string): string | undefined {
  const match = /^(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\((?:[^()]|\([^()]*\))*(?:\)\s*(?::\s*[^=]+?)?\{|,?)$/.exec(text);
  return match?.[1] && !KEYWORDS.has(match[1]) ? match[1] : undefined;
}

/** `namespace:key` strings, and templates `namespace:${…}.title` (`${…}` = any key part). */
const LITERAL = /(['"])([A-Za-z]+):([A-Za-z0-9_.]+)\1/g;
const TEMPLATE = /`([A-Za-z]+):([^`]*\$\{[^`]*)`/g;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A text use with the id (`namespace:key`) it is for. */
function pushUse(uses: Map<string, TextUse[]>, id: string, use: TextUse): void {
  const list = uses.get(id) ?? [];
  if (!list.some((u) => u.file === use.file && u.line === use.line)) list.push(use);
  uses.set(id, list);
}

/**
 * Every place each text is used: `namespace:key` → uses, in file order. Only keys in `keys` (the
 * reference's keys) are looked for.
 */
export function findTextUses(keys: KeysByNamespace, root = REPO_ROOT, folders: readonly string[] = TEXT_USE_FOLDERS): Map<string, TextUse[]> {
  const uses = new Map<string, TextUse[]>();
  // Keys built at run time: they count only for a key that is not named anywhere.
  const built = new Map<string, TextUse[]>();
  const files = sourceFiles(root, folders);
  for (const { file, lines } of files) {
    lines.forEach((line, index) => {
      const at = (column: number): TextUse => ({ place: placeAt(lines, index, column), file, line: index + 1 });
      for (const match of line.matchAll(LITERAL)) {
        const [, , ns, key] = match;
        const known = keys[ns!];
        if (!known) continue;
        // A whole key, or the start of a group of keys (`signals:questions`).
        const hits = known.includes(key!) ? [key!] : known.filter((k) => k.startsWith(`${key}.`));
        for (const hit of hits) pushUse(uses, `${ns}:${hit}`, at(match.index));
      }
      for (const match of line.matchAll(TEMPLATE)) {
        const [, ns, rest] = match;
        const known = keys[ns!];
        if (!known) continue;
        const pattern = new RegExp(`^${rest!.split(/\$\{[^}]*\}/).map(escapeRegExp).join('[A-Za-z0-9_.]+')}$`);
        for (const key of known.filter((k) => pattern.test(k))) pushUse(built, `${ns}:${key}`, at(match.index));
      }
    });
  }
  for (const [id, list] of pageUses(keys[PAGE_NAMESPACE] ?? [], files)) for (const use of list) pushUse(uses, id, use);
  for (const [id, list] of buttonUses(keys[CHOICES_NAMESPACE] ?? [], files)) for (const use of list) pushUse(uses, id, use);
  for (const [id, list] of built) if (!uses.has(id)) uses.set(id, list);
  return uses;
}

/** The chat page's strings: `t('key')`, `fill(t('key')…`, `data-t="key"` (and -tl, -tp), and `StringKey` defaults. */
function pageUses(keys: readonly string[], files: SourceFile[]): Map<string, TextUse[]> {
  const uses = new Map<string, TextUse[]>();
  const pageFiles = files.filter(({ file }) => file.startsWith('web/src/') || file === 'web/index.html');
  for (const { file, lines } of pageFiles) {
    lines.forEach((line, index) => {
      for (const key of keys) {
        const q = escapeRegExp(key);
        const attribute = new RegExp(`data-(t|tl|tp)="${q}"`).exec(line);
        if (attribute) {
          const what = attribute[1] === 't' ? 'text' : attribute[1] === 'tl' ? 'label' : 'placeholder';
          const element = /<([a-z0-9]+)[^<]*$/.exec(line.slice(0, attribute.index))?.[1];
          pushUse(uses, `${PAGE_NAMESPACE}:${key}`, { place: `chat page: ${what} of <${element ?? '?'}>`, file, line: index + 1 });
          continue;
        }
        const literal = new RegExp(`'${q}'`).exec(line);
        const call = literal && /\bt\(|StringKey|translated\(|this\.end\(/.test(line) ? literal : null;
        if (call) pushUse(uses, `${PAGE_NAMESPACE}:${key}`, { place: `chat page: ${placeAt(lines, index, call.index)}`, file, line: index + 1 });
      }
    });
  }
  // A string chosen at run time (a connection state, an author): where its name is written.
  for (const key of keys.filter((k) => !uses.has(`${PAGE_NAMESPACE}:${k}`))) {
    for (const { file, lines } of pageFiles.filter(({ file: f }) => f.endsWith('.ts'))) {
      lines.forEach((line, index) => {
        const literal = new RegExp(`'${escapeRegExp(key)}'`).exec(line);
        if (literal) pushUse(uses, `${PAGE_NAMESPACE}:${key}`, { place: `chat page: ${placeAt(lines, index, literal.index)}`, file, line: index + 1 });
      });
    }
  }
  return uses;
}

/** A button's title and typed words (`choices:<id>.title`, `.synonyms`) are also used where its id is: `'rights_guardian'` in a dialog. */
function buttonUses(keys: readonly string[], files: SourceFile[]): Map<string, TextUse[]> {
  const uses = new Map<string, TextUse[]>();
  const ids = [...new Set(keys.map((key) => key.split('.')[0]!))];
  const dialogFiles = files.filter(({ file }) => file.startsWith('dialogs/') || file.startsWith('bot/'));
  for (const { file, lines } of dialogFiles) {
    lines.forEach((line, index) => {
      const code = line.trim();
      if (code.startsWith('*') || code.startsWith('//') || code.startsWith('import ')) return;
      for (const id of ids) {
        // Only where buttons are made: lists of choices, exits, ask(...), commandButton(...), and a topic's sections (`rights_guardian: {`).
        const quoted = new RegExp(`'${escapeRegExp(id)}'`).exec(line);
        const match = quoted && /\[|ask\(|commandButtons?\(|CHOICES|:\s*\{/.test(line) ? quoted : new RegExp(`^\\s*${escapeRegExp(id)}:\\s*\\{`).exec(line);
        if (!match) continue;
        for (const key of keys.filter((k) => k.split('.')[0] === id)) {
          pushUse(uses, `${CHOICES_NAMESPACE}:${key}`, { place: `button: ${placeAt(lines, index, match.index)}`, file, line: index + 1 });
        }
      }
    });
  }
  return uses;
}

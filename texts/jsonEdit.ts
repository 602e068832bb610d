/**
 * Editing texts in a locale file's JSON in place: the rest of the file keeps its layout (lists of
 * words on one line or one a line, as written), so a changed text is a one-line diff.
 */

/** Sets `a.b.c` in a JSON tree of objects. */
function setAt(tree: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}

/** Where each value of a JSON text is (`a.b.c` → [start, end) offsets). Assumes valid JSON. */
function jsonSpans(json: string): Map<string, [number, number]> {
  const spans = new Map<string, [number, number]>();
  let i = 0;
  const space = (): void => {
    while (/\s/.test(json[i] ?? '')) i += 1;
  };
  const string = (): string => {
    const start = i;
    i += 1;
    while (json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
    i += 1;
    return JSON.parse(json.slice(start, i)) as string;
  };
  const value = (at: string): void => {
    space();
    const start = i;
    const c = json[i];
    if (c === '{') {
      i += 1;
      space();
      while (json[i] !== '}') {
        space();
        const name = string();
        space();
        i += 1; // :
        value(at ? `${at}.${name}` : name);
        space();
        if (json[i] === ',') i += 1;
        space();
      }
      i += 1;
    } else if (c === '[') {
      i += 1;
      space();
      let n = 0;
      while (json[i] !== ']') {
        value(`${at}[${n}]`);
        n += 1;
        space();
        if (json[i] === ',') i += 1;
        space();
      }
      i += 1;
    } else if (c === '"') string();
    else while (/[^,}\]\s]/.test(json[i] ?? ',')) i += 1;
    spans.set(at, [start, i]);
  };
  value('');
  return spans;
}

/**
 * Replaces texts in a locale file's JSON in place, so the rest of the file keeps its layout and a
 * changed text is a one-line diff: a text becomes its JSON string; a list keeps the original's
 * style (on one line, or one word a line). Falls back to plain two-space JSON if that would not
 * give exactly the new content.
 */
export function replaceJsonTexts(original: string, edits: ReadonlyArray<{ key: string; value: string | string[] }>): string {
  const expected = JSON.parse(original) as Record<string, unknown>;
  for (const edit of edits) setAt(expected, edit.key, edit.value);
  const spans = jsonSpans(original);
  const located = edits.map((edit) => ({ ...edit, span: spans.get(edit.key) }));
  if (located.every((edit) => edit.span)) {
    let out = original;
    for (const edit of [...located].sort((a, b) => b.span![0] - a.span![0])) {
      const [start, end] = edit.span!;
      let text = JSON.stringify(edit.value);
      if (Array.isArray(edit.value)) {
        const lineStart = original.lastIndexOf('\n', start) + 1;
        const indent = /^\s*/.exec(original.slice(lineStart))![0];
        text = edit.value.length === 0
          ? '[]'
          : original.slice(start, end).includes('\n')
            ? `[\n${edit.value.map((item) => `${indent}  ${JSON.stringify(item)}`).join(',\n')}\n${indent}]`
            : `[${edit.value.map((item) => JSON.stringify(item)).join(', ')}]`;
      }
      out = out.slice(0, start) + text + out.slice(end);
    }
    if (JSON.stringify(JSON.parse(out)) === JSON.stringify(expected)) return out;
  }
  return `${JSON.stringify(expected, null, 2)}\n`;
}

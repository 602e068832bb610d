// Tells whether web/dist is older than the page's sources (web/, locales/*/web.json, the build script).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newest(dir, filter = () => true) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'dist') latest = Math.max(latest, newest(full, filter));
    } else if (filter(full)) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

/** True when the chat page must be (re)built. */
export function webBuildIsStale(root = process.cwd()) {
  const manifest = path.join(root, 'web', 'dist', 'manifest.json');
  if (!existsSync(manifest)) return true;
  const built = statSync(manifest).mtimeMs;
  const sources = Math.max(
    newest(path.join(root, 'web')),
    newest(path.join(root, 'locales'), (file) => file.endsWith('web.json') || file.includes(`${path.sep}staff${path.sep}`)),
    existsSync(path.join(root, 'scripts', 'build-web.ts')) ? statSync(path.join(root, 'scripts', 'build-web.ts')).mtimeMs : 0,
  );
  return sources > built;
}

/**
 * The help lines the bot and page mention, from config/helplines.json (one place to change them).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One help line or organisation. */
export interface Helpline {
  id: string;
  name: string;
  phone?: string;
  url?: string;
  hours?: string;
  source: string;
}

/** The configured help lines by id. */
export type Helplines = Record<'emergency' | 'veiligThuis' | 'fier' | 'keerpunt' | 'comensha', Helpline>;

const HELPLINES_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'config', 'helplines.json');

/** Loads config/helplines.json (or another file with the same shape). */
export function loadHelplines(file = HELPLINES_FILE): Helplines {
  const { $comment: _comment, ...lines } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return lines as unknown as Helplines;
}

/** The help lines as interpolation variables for texts: `{{veiligThuisPhone}}`, `{{fierUrl}}`, ... */
export function helplineVariables(helplines: Helplines): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [id, line] of Object.entries(helplines)) {
    if (line.phone) variables[`${id}Phone`] = line.phone;
    if (line.url) variables[`${id}Url`] = line.url;
    variables[`${id}Name`] = line.name;
  }
  return variables;
}

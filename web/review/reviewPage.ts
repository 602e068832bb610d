/**
 * The script of the native speakers' review kit (one offline HTML file made by
 * `npm run locales:review`; texts/reviewKitHtml.ts inlines this file, compiled). The page is
 * rendered already; this wires it: an answer per text (good / change / not sure, a comment),
 * kept in localStorage as the reviewer works, a warning when an edited text lost or gained a
 * {{placeholder}} or $t(nested text), a progress counter, and the answers file to export (or load
 * back in). The rules mirror texts/reviewKit.ts (textProblems), which the import applies again.
 * No network: nothing here fetches anything.
 */

type Decision = 'approved' | 'changed' | 'not_sure';
type Kind = 'text' | 'list' | 'plural';
type Forms = Record<string, string>;

interface KitItem {
  id: string;
  hash: string;
  kind: Kind;
  text: string | string[] | Forms;
  /** Tokens every form must keep: `{{name}}`, `$t(ns:key)`. */
  keep: string[];
  /** Plural texts: number placeholders any form may show and `other` must show. */
  numbers: string[];
  forms?: Array<{ form: string; examples: string }>;
  /** The text as it is breaks the rules: it must be changed, not approved. */
  broken: boolean;
}

interface KitData {
  kind: string;
  version: number;
  language: string;
  generated: string;
  items: KitItem[];
}

/** The edited text as typed: one string (lists: a word a line), or a string per plural form. */
type Draft = string | Forms;

interface Answer {
  decision?: Decision;
  text?: Draft;
  comment?: string;
  hash: string;
}

interface Saved {
  reviewer: string;
  answers: Record<string, Answer>;
}

const ANSWERS_KIND = 'lantern-review-answers';
const data = JSON.parse(document.getElementById('kit-data')!.textContent ?? '{}') as KitData;
const STORE = `lantern-review:${data.language}`;
const byId = new Map(data.items.map((item) => [item.id, item]));
let saved: Saved = { reviewer: '', answers: {} };
let storageWorks = true;

function all<T extends Element>(root: ParentNode, selector: string): T[] {
  return Array.prototype.slice.call(root.querySelectorAll(selector)) as T[];
}

function load(): void {
  try {
    const raw = localStorage.getItem(STORE);
    if (raw) {
      const parsed = JSON.parse(raw) as Partial<Saved>;
      saved = { reviewer: typeof parsed.reviewer === 'string' ? parsed.reviewer : '', answers: parsed.answers && typeof parsed.answers === 'object' ? parsed.answers : {} };
    }
  } catch {
    storageWorks = false;
  }
}

let saveTimer: number | undefined;
function writeNow(): void {
  try {
    localStorage.setItem(STORE, JSON.stringify(saved));
  } catch {
    storageWorks = false;
    showStorageWarning();
  }
}
function save(): void {
  window.clearTimeout(saveTimer);
  saveTimer = window.setTimeout(writeNow, 150);
}

function showStorageWarning(): void {
  const box = document.getElementById('storage');
  if (box && !storageWorks) box.hidden = false;
}

const TOKEN = /\{\{\s*([\w.]+)\s*\}\}|\$t\(\s*([\w.:-]+)\s*[,)]/g;
function tokensOf(text: string): string[] {
  const found: string[] = [];
  let match: RegExpExecArray | null;
  TOKEN.lastIndex = 0;
  while ((match = TOKEN.exec(text))) {
    const token = match[1] ? `{{${match[1]}}}` : `$t(${match[2]})`;
    if (found.indexOf(token) < 0) found.push(token);
  }
  return found.sort();
}

/** The text to start editing from. */
function startDraft(item: KitItem): Draft {
  if (item.kind === 'plural') {
    const forms: Forms = {};
    const text = item.text as Forms;
    for (const f of item.forms ?? []) forms[f.form] = text[f.form] ?? '';
    return forms;
  }
  return Array.isArray(item.text) ? item.text.join('\n') : (item.text as string);
}

/** What is wrong with a draft (same rules as the import). */
function problems(item: KitItem, draft: Draft): string[] {
  const list: string[] = [];
  const compare = (where: string, text: string, must: string[], may: string[]): void => {
    if (!text.trim()) list.push(`${where}Empty / Leeg`);
    const got = tokensOf(text);
    const lost = must.filter((t) => got.indexOf(t) < 0);
    const added = got.filter((t) => must.indexOf(t) < 0 && may.indexOf(t) < 0);
    if (lost.length) list.push(`${where}Put back / Zet terug: ${lost.join(' ')}`);
    if (added.length) list.push(`${where}Remove / Haal weg: ${added.join(' ')}`);
  };
  if (item.kind === 'plural') {
    const forms = typeof draft === 'string' ? {} : draft;
    for (const f of item.forms ?? []) {
      compare(`${f.form}: `, forms[f.form] ?? '', f.form === 'other' ? item.keep.concat(item.numbers) : item.keep, item.numbers);
    }
  } else compare('', typeof draft === 'string' ? draft : '', item.keep, []);
  return list;
}

/** The draft as the answers file has it: trimmed text, list of words, or forms. */
function cleaned(item: KitItem, draft: Draft): string | string[] | Forms {
  if (item.kind === 'plural') {
    const forms: Forms = {};
    const given = typeof draft === 'string' ? {} : draft;
    for (const f of item.forms ?? []) forms[f.form] = (given[f.form] ?? '').replace(/\r\n?/g, '\n').trim();
    return forms;
  }
  const text = typeof draft === 'string' ? draft : '';
  if (item.kind === 'list') {
    return text
      .split('\n')
      .map((word) => word.trim())
      .filter(Boolean);
  }
  return text.replace(/\r\n?/g, '\n').trim();
}

function answerOf(id: string): Answer {
  const item = byId.get(id)!;
  let answer = saved.answers[id];
  if (!answer || answer.hash !== item.hash) {
    // A text that changed since the last answer starts again, keeping the comment.
    answer = answer && answer.comment ? { hash: item.hash, comment: answer.comment } : { hash: item.hash };
    saved.answers[id] = answer;
  }
  return answer;
}

function articles(): HTMLElement[] {
  return all<HTMLElement>(document, 'article.item');
}

function fields(article: HTMLElement): HTMLTextAreaElement[] {
  return all<HTMLTextAreaElement>(article, '.edit textarea');
}

/** Puts a draft into the article's text boxes. */
function fillFields(article: HTMLElement, draft: Draft): void {
  for (const area of fields(article)) {
    const form = area.dataset.form;
    area.value = form ? (typeof draft === 'string' ? '' : draft[form] ?? '') : typeof draft === 'string' ? draft : '';
  }
}

/** The draft in the article's text boxes. */
function readFields(article: HTMLElement): Draft {
  const areas = fields(article);
  if (areas.length === 1 && !areas[0]!.dataset.form) return areas[0]!.value;
  const forms: Forms = {};
  for (const area of areas) forms[area.dataset.form!] = area.value;
  return forms;
}

/** Shows an article as its answer says. */
function render(article: HTMLElement): void {
  const id = article.dataset.id!;
  const item = byId.get(id)!;
  const answer = saved.answers[id];
  const current = answer && answer.hash === item.hash ? answer : undefined;
  const decision = (current && current.decision) || '';
  for (const radio of all<HTMLInputElement>(article, 'input[type=radio]')) radio.checked = radio.value === decision;
  const edit = article.querySelector<HTMLElement>('.edit')!;
  edit.hidden = decision !== 'changed';
  const comment = article.querySelector<HTMLTextAreaElement>('textarea.comment')!;
  if (document.activeElement !== comment) comment.value = (answer && answer.comment) || '';
  const warn = article.querySelector<HTMLElement>('.warn')!;
  const draft = readFields(article);
  const found = decision === 'changed' ? problems(item, draft) : decision === 'approved' && item.broken ? ['This text must be changed (see above). / Deze tekst moet veranderen (zie boven).'] : [];
  const same = decision === 'changed' && found.length === 0 && JSON.stringify(cleaned(item, draft)) === JSON.stringify(cleaned(item, startDraft(item)));
  warn.textContent = found.join(' · ') + (same ? 'No change yet: this counts as “Good”. / Nog niets veranderd: dit telt als “Goed”.' : '');
  warn.hidden = !found.length && !same;
  article.dataset.done = decision ? '1' : '';
  article.dataset.problem = found.length ? '1' : '';
  article.dataset.decision = decision;
  article.querySelector<HTMLElement>('.stale')!.hidden = !(answer && answer.hash !== item.hash && answer.decision);
}

function progress(): void {
  const list = articles();
  const done = list.filter((a) => a.dataset.done === '1').length;
  const count = (decision: string) => list.filter((a) => a.dataset.decision === decision).length;
  const broken = list.filter((a) => a.dataset.problem === '1').length;
  setText('progress-count', `${done} / ${list.length}`);
  setText('count-approved', String(count('approved')));
  setText('count-changed', String(count('changed')));
  setText('count-unsure', String(count('not_sure')));
  const problemsBox = document.getElementById('count-problems-box');
  if (problemsBox) problemsBox.hidden = broken === 0;
  setText('count-problems', String(broken));
  const bar = document.getElementById('progress-bar') as HTMLProgressElement | null;
  if (bar) {
    bar.max = list.length;
    bar.value = done;
  }
  for (const nav of all<HTMLElement>(document, '[data-ns-count]')) {
    const inNs = list.filter((a) => a.dataset.ns === nav.dataset.nsCount);
    nav.textContent = `${inNs.filter((a) => a.dataset.done === '1').length}/${inNs.length}`;
  }
}

function setText(id: string, text: string): void {
  const el = document.getElementById(id);
  if (el) el.textContent = text;
}

function today(): string {
  const now = new Date();
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}

/** The answers file: what `npm run locales:review:import` reads. */
function answersFile(): string {
  const answers: Record<string, { decision: Decision; text?: string | string[] | Forms; comment?: string; hash: string }> = {};
  for (const item of data.items) {
    const answer = saved.answers[item.id];
    if (!answer || answer.hash !== item.hash) continue;
    const comment = (answer.comment || '').trim();
    // A comment without a choice is a doubt.
    const decision: Decision | undefined = answer.decision || (comment ? 'not_sure' : undefined);
    if (!decision) continue;
    const entry: { decision: Decision; text?: string | string[] | Forms; comment?: string; hash: string } = { decision, hash: item.hash };
    if (decision === 'changed') entry.text = cleaned(item, answer.text !== undefined ? answer.text : startDraft(item));
    if (comment) entry.comment = comment;
    answers[item.id] = entry;
  }
  const file = { kind: ANSWERS_KIND, version: 1, language: data.language, reviewer: saved.reviewer.trim(), date: today(), kitGenerated: data.generated, answers };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function fileName(): string {
  return `lantern-review-${data.language}-${today()}.json`;
}

function needReviewer(): boolean {
  if (saved.reviewer.trim()) return false;
  const input = document.getElementById('reviewer') as HTMLInputElement;
  const note = document.getElementById('reviewer-needed');
  if (note) note.hidden = false;
  input.focus();
  input.scrollIntoView({ block: 'center' });
  return true;
}

function exportAnswers(): void {
  if (needReviewer()) return;
  writeNow();
  const blob = new Blob([answersFile()], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName();
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  setText('export-status', `${fileName()} ✓`);
}

function showAsText(): void {
  if (needReviewer()) return;
  const box = document.getElementById('as-text') as HTMLElement;
  const area = box.querySelector('textarea')!;
  area.value = answersFile();
  box.hidden = false;
  area.focus();
  area.select();
}

/** Loads an answers file back (another device, or after clearing the browser). */
function loadFile(file: File): void {
  const reader = new FileReader();
  reader.onload = () => {
    try {
      const parsed = JSON.parse(String(reader.result)) as {
        kind?: string;
        language?: string;
        reviewer?: string;
        answers?: Record<string, { decision?: Decision; text?: string | string[] | Forms; comment?: string; hash?: string }>;
      };
      if (parsed.kind !== ANSWERS_KIND || parsed.language !== data.language || !parsed.answers) {
        setText('load-status', 'Not an answers file for this language. / Geen antwoordbestand voor deze taal.');
        return;
      }
      let loaded = 0;
      let stale = 0;
      for (const id of Object.keys(parsed.answers)) {
        const item = byId.get(id);
        const answer = parsed.answers[id]!;
        if (!item) continue;
        if (answer.hash !== item.hash) {
          stale += 1;
          continue;
        }
        const text = answer.text === undefined ? undefined : Array.isArray(answer.text) ? answer.text.join('\n') : answer.text;
        saved.answers[id] = { hash: item.hash, decision: answer.decision, text, comment: answer.comment };
        loaded += 1;
      }
      if (!saved.reviewer && parsed.reviewer) {
        saved.reviewer = parsed.reviewer;
        (document.getElementById('reviewer') as HTMLInputElement).value = parsed.reviewer;
      }
      for (const article of articles()) {
        const answer = saved.answers[article.dataset.id!];
        if (answer && answer.decision === 'changed' && answer.text !== undefined) fillFields(article, answer.text);
        render(article);
      }
      progress();
      save();
      setText('load-status', `${loaded} ✓${stale ? ` · ${stale} changed since / intussen veranderd` : ''}`);
    } catch {
      setText('load-status', 'Could not read the file. / Kon het bestand niet lezen.');
    }
  };
  reader.readAsText(file);
}

function nextOpen(): void {
  const list = articles();
  const from = list.findIndex((a) => a.getBoundingClientRect().top > 80);
  const order = from < 0 ? list : list.slice(from).concat(list.slice(0, from));
  const next = order.find((a) => a.dataset.done !== '1');
  if (next) {
    next.scrollIntoView({ block: 'start' });
    const first = next.querySelector<HTMLInputElement>('input[type=radio]');
    if (first) first.focus({ preventScroll: true });
  }
}

/** Puts a copy of the answer controls into every text (one template instead of hundreds of copies in the file). */
function addControls(): void {
  const template = document.getElementById('controls') as HTMLTemplateElement;
  for (const article of articles()) {
    const item = byId.get(article.dataset.id!)!;
    const box = article.querySelector<HTMLElement>('.answer')!;
    box.appendChild(document.importNode(template.content, true));
    for (const radio of all<HTMLInputElement>(box, 'input[type=radio]')) radio.name = `d${article.dataset.n}`;
    const field = box.querySelector<HTMLElement>('.field')!;
    if (item.kind === 'list') {
      field.querySelector('textarea')!.rows = Math.min(12, (item.text as string[]).length + 1);
      box.querySelector<HTMLElement>('.one-per-line')!.hidden = false;
    }
    if (item.kind === 'plural') {
      // One box per plural form this language needs.
      for (const f of item.forms ?? []) {
        const copy = field.cloneNode(true) as HTMLElement;
        const name = copy.querySelector<HTMLElement>('.form-name')!;
        name.textContent = `${f.form} (${f.examples})`;
        name.hidden = false;
        copy.querySelector('textarea')!.dataset.form = f.form;
        field.parentNode!.insertBefore(copy, field);
      }
      field.remove();
    }
  }
}

function wire(): void {
  addControls();
  load();
  showStorageWarning();
  const reviewer = document.getElementById('reviewer') as HTMLInputElement;
  reviewer.value = saved.reviewer;
  reviewer.addEventListener('input', () => {
    saved.reviewer = reviewer.value;
    const note = document.getElementById('reviewer-needed');
    if (note && reviewer.value.trim()) note.hidden = true;
    save();
  });
  for (const article of articles()) {
    const id = article.dataset.id!;
    const item = byId.get(id)!;
    const previous = saved.answers[id];
    fillFields(article, previous && previous.hash === item.hash && previous.text !== undefined ? previous.text : startDraft(item));
    article.addEventListener('change', (event) => {
      const target = event.target as HTMLInputElement;
      if (target.type !== 'radio') return;
      const answer = answerOf(id);
      answer.decision = target.value as Decision;
      if (answer.decision === 'changed') answer.text = readFields(article);
      render(article);
      progress();
      save();
      if (answer.decision === 'changed') fields(article)[0]!.focus();
      if (answer.decision === 'not_sure') article.querySelector<HTMLTextAreaElement>('textarea.comment')!.focus();
    });
    for (const area of fields(article)) {
      area.addEventListener('input', () => {
        answerOf(id).text = readFields(article);
        render(article);
        progress();
        save();
      });
    }
    const comment = article.querySelector<HTMLTextAreaElement>('textarea.comment')!;
    comment.addEventListener('input', () => {
      answerOf(id).comment = comment.value;
      save();
    });
    article.querySelector<HTMLButtonElement>('button.reset')!.addEventListener('click', () => {
      fillFields(article, startDraft(item));
      answerOf(id).text = readFields(article);
      render(article);
      progress();
      save();
    });
    render(article);
  }
  progress();
  document.getElementById('export')!.addEventListener('click', exportAnswers);
  document.getElementById('show-text')!.addEventListener('click', showAsText);
  document.getElementById('next-open')!.addEventListener('click', nextOpen);
  const onlyOpen = document.getElementById('only-open') as HTMLInputElement;
  onlyOpen.addEventListener('change', () => document.body.classList.toggle('only-open', onlyOpen.checked));
  const loader = document.getElementById('load') as HTMLInputElement;
  loader.addEventListener('change', () => {
    const file = loader.files && loader.files[0];
    if (file) loadFile(file);
    loader.value = '';
  });
  // Save at once, not 150 ms later, when the page goes away.
  window.addEventListener('pagehide', writeNow);
  document.body.classList.add('ready');
}

wire();

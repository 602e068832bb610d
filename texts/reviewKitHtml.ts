/**
 * The review kit as one self-contained HTML file: inline CSS and script (web/review/, compiled
 * with esbuild), system fonts, no request to anywhere (a Content-Security-Policy forbids any), so
 * it works from file:// on a laptop or a phone without a network. Page instructions are in
 * English and Dutch; every text is shown in its own script and direction.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { LANGUAGE_INFO, type Language } from '../contracts/languages.js';
import { ANSWERS_KIND, ANSWERS_VERSION, type ReviewItem, type ReviewKit, type TextValue } from './reviewKit.js';
import { REPO_ROOT } from './textUses.js';

/** The page's script and stylesheet. */
const PAGE_DIR = path.join(REPO_ROOT, 'web', 'review');

/** English names of the languages, for the page's title. */
const ENGLISH_NAME: Record<Language, string> = { ar: 'Arabic', ti: 'Tigrinya', prs: 'Dari', en: 'English', nl: 'Dutch' };

/** The `lang` attribute of a language (Dari: fa-AF, so fonts and screen readers know it). */
export function langAttribute(language: Language): string {
  return language === 'prs' ? 'fa-AF' : language;
}

/** The page's script, compiled for old phone browsers too. */
export function reviewPageScript(): string {
  const source = readFileSync(path.join(PAGE_DIR, 'reviewPage.ts'), 'utf8');
  return transformSync(source, { loader: 'ts', target: ['chrome61', 'firefox60', 'safari12'], format: 'iife', minifySyntax: true, legalComments: 'none' }).code;
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON safe inside <script>: no `</script>`, no `<!--`, no line separators. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** What the kit says about placeholders and nested texts (tooltips). */
interface Marks {
  variables: Record<string, string>;
  nested: Record<string, string>;
}

/** A text with its {{placeholders}} and $t(nested texts) marked, with what the chat puts there as a tooltip. */
function markedText(text: string, marks: Marks): string {
  return text
    .split(/(\{\{\s*[\w.]+\s*\}\}|\$t\(\s*[\w.:-]+\s*\))/)
    .map((part, i) => {
      if (i % 2 === 0) return escapeHtml(part);
      const nested = /^\$t\(\s*([\w.:-]+)/.exec(part)?.[1];
      const meaning = nested ? marks.nested[nested] : marks.variables[part.replace(/[{}\s]/g, '')];
      return `<span class="ph" dir="ltr"${meaning ? ` title="${escapeHtml(meaning)}"` : ''}>${escapeHtml(part)}</span>`;
    })
    .join('');
}

function shownValue(value: TextValue | undefined, marks: Marks, examples: Record<string, string> = {}): string {
  if (value === undefined) return '<span class="small">—</span>';
  if (typeof value === 'string') return markedText(value, marks);
  if (Array.isArray(value)) return `<ul class="words">${value.map((word) => `<li>${markedText(word, marks)}</li>`).join('')}</ul>`;
  return `<dl class="forms">${Object.entries(value)
    .map(([form, text]) => `<dt dir="ltr" lang="en">${escapeHtml(form)}${examples[form] ? ` <span class="small">(${escapeHtml(examples[form])})</span>` : ''}</dt><dd>${markedText(text ?? '', marks)}</dd>`)
    .join('')}</dl>`;
}

/** What a token stands for, for the "Keep" line. */
function tokenMeaning(token: string, marks: Marks): string | undefined {
  const nested = /^\$t\(([^)]*)\)$/.exec(token)?.[1];
  return nested ? marks.nested[nested] : marks.variables[token.replace(/[{}]/g, '')];
}

const DECISION_LABELS: Array<{ value: string; text: string }> = [
  { value: 'approved', text: '✓ Good / Goed' },
  { value: 'changed', text: '✎ Change / Wijzig' },
  { value: 'not_sure', text: '? Not sure / Twijfel' },
];

function itemHtml(item: ReviewItem, index: number, kit: ReviewKit): string {
  const lang = langAttribute(kit.language);
  const dir = LANGUAGE_INFO[kit.language].dir;
  const state =
    item.review.status === 'reviewed'
      ? `<span class="state reviewed">reviewed${item.review.reviewer ? ` by ${escapeHtml(item.review.reviewer)}` : ''}${item.review.date ? `, ${escapeHtml(item.review.date)}` : ''}</span>`
      : '<span class="state unreviewed">not reviewed yet / nog niet nagekeken</span>';
  const refs = [
    item.en !== undefined ? `<div class="ref" lang="en" dir="ltr"><span class="tag">EN</span>${shownValue(item.en, kit)}</div>` : '',
    item.nl !== undefined ? `<div class="ref" lang="nl" dir="ltr"><span class="tag">NL</span>${shownValue(item.nl, kit)}</div>` : '',
  ].join('');
  const tokens = [...item.keep, ...item.numbers];
  const keep = tokens.length
    ? `<p><b>Keep / Behoud:</b> ${tokens
        .map((token) => {
          const meaning = tokenMeaning(token, kit);
          return `<span class="ph" dir="ltr">${escapeHtml(token)}</span>${meaning ? ` = ${escapeHtml(meaning)}` : ''}`;
        })
        .join(' · ')}${item.numbers.length ? ' <span class="small">(the number may be left out of a form other than “other” / het getal mag weg uit een andere vorm dan “other”)</span>' : ''}</p>`
    : '';
  const code = item.uses.length
    ? `<details><summary>Code (${item.uses.length})</summary><ul>${item.uses.map((use) => `<li><code>${escapeHtml(use.file)}:${use.line}</code> ${escapeHtml(use.place)}</li>`).join('')}</ul></details>`
    : '';
  return `<article class="item" id="t-${escapeHtml(item.id)}" data-id="${escapeHtml(item.id)}" data-ns="${escapeHtml(item.ns)}" data-n="${index}">
<div class="head"><span class="num">${index}</span><code class="key">${escapeHtml(item.id)}</code>${state}</div>
<div class="texts"><div class="target" lang="${lang}" dir="${dir}">${shownValue(item.text, kit, Object.fromEntries((item.forms ?? []).map((f) => [f.form, f.examples])))}</div><div class="refs">${refs}</div></div>
<div class="facts">
<p><b>Where / Waar:</b> ${item.where.map(escapeHtml).join(' · ')}</p>
${item.source ? `<p><b>Source / Bron:</b> ${escapeHtml(item.source)}</p>` : ''}
${keep}${item.problems.length ? `<p class="warn">Must be changed / Moet veranderen: ${escapeHtml(item.problems.join('; '))}</p>` : ''}${code}
</div>
<div class="answer"></div>
</article>`;
}

/** The answer controls, once: the script puts a copy in every text's `.answer`. */
function controlsTemplate(language: Language): string {
  const lang = langAttribute(language);
  const dir = LANGUAGE_INFO[language].dir;
  return `<template id="controls">
<fieldset class="decide"><legend>Your answer / Uw antwoord</legend>${DECISION_LABELS.map(
    (d) => `<label class="${d.value}"><input type="radio" value="${d.value}"> ${d.text}</label>`,
  ).join('')}</fieldset>
<p class="stale" hidden>This text changed since your answer: look again. / Deze tekst is veranderd sinds uw antwoord: kijk opnieuw.</p>
<div class="edit" hidden>
<div class="fields"><label class="field"><span class="form-name" hidden></span><textarea lang="${lang}" dir="${dir}" rows="3" aria-label="New text / Nieuwe tekst"></textarea></label></div>
<div class="row"><span class="one-per-line" hidden>One per line / Eén per regel</span><button type="button" class="reset">Start again from the old text / Opnieuw beginnen</button></div>
<p class="warn" role="alert" hidden></p>
</div>
<label class="comment-label">Comment (optional) / Opmerking (mag leeg)<textarea class="comment" rows="1" dir="auto"></textarea></label>
</template>`;
}

/** The whole kit as one HTML file. */
export function renderReviewKit(kit: ReviewKit, script = reviewPageScript()): string {
  const info = LANGUAGE_INFO[kit.language];
  const lang = langAttribute(kit.language);
  const css = readFileSync(path.join(PAGE_DIR, 'reviewPage.css'), 'utf8');
  const count = kit.namespaces.reduce((n, ns) => n + ns.items.length, 0);
  const data = {
    kind: ANSWERS_KIND,
    version: ANSWERS_VERSION,
    language: kit.language,
    generated: kit.generated,
    items: kit.namespaces.flatMap((ns) =>
      ns.items.map((item) => ({
        id: item.id,
        hash: item.hash,
        kind: item.kind,
        text: item.text,
        keep: item.keep,
        numbers: item.numbers,
        broken: item.problems.length > 0,
        ...(item.forms ? { forms: item.forms } : {}),
      })),
    ),
  };
  let index = 0;
  const sections = kit.namespaces
    .map((ns) => {
      const items = ns.items.map((item) => itemHtml(item, (index += 1), kit)).join('\n');
      return `<section class="ns wrap" id="ns-${escapeHtml(ns.ns)}">
<header><h2>${escapeHtml(ns.ns)} <span class="small">(${ns.items.length})</span></h2>
<p class="about" lang="en">${escapeHtml(ns.about.en)}</p><p class="about" lang="nl">${escapeHtml(ns.about.nl)}</p>
${ns.origin ? `<p class="origin">${escapeHtml(ns.origin)} · ${ns.status === 'reviewed' ? 'reviewed' : 'not reviewed yet'}</p>` : ''}</header>
${items}
</section>`;
    })
    .join('\n');
  const toc = kit.namespaces.map((ns) => `<li><a href="#ns-${escapeHtml(ns.ns)}">${escapeHtml(ns.ns)}<span class="n" data-ns-count="${escapeHtml(ns.ns)}">0/${ns.items.length}</span></a></li>`).join('');
  const own = `<span lang="${lang}" dir="${info.dir}">${escapeHtml(info.nativeName)}</span>`;
  return `<!doctype html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>Lantern review: ${escapeHtml(ENGLISH_NAME[kit.language])} (${kit.language}) ${escapeHtml(info.nativeName)}</title>
<style>
${css}
</style>
</head>
<body>
<header class="top"><div class="wrap">
<h1>Lantern: ${escapeHtml(ENGLISH_NAME[kit.language])} ${own}</h1>
<p class="meta">Review of the chat's texts · ${count} texts · made ${escapeHtml(kit.generated)} · works without internet</p>
<div class="howto">
<div lang="en"><h2>How it works</h2><ol>
<li>Read each ${escapeHtml(ENGLISH_NAME[kit.language])} text. English and Dutch are next to it.</li>
<li>Choose <b>Good</b>, <b>Change</b> (write a better text) or <b>Not sure</b>. Add a comment if you like.</li>
<li>The readers are young people, 12 to 17. Use short, simple words.</li>
<li>Keep words in <span class="ph" dir="ltr">{{ }}</span> as they are. The chat puts a number or a name there.</li>
<li>Your answers stay in this browser. At the end, press <b>Save</b> (at the bottom) and send the file to Lantern.</li>
</ol></div>
<div lang="nl"><h2>Zo werkt het</h2><ol>
<li>Lees elke tekst in het ${escapeHtml({ ar: 'Arabisch', ti: 'Tigrinya', prs: 'Dari', en: 'Engels', nl: 'Nederlands' }[kit.language])}. Engels en Nederlands staan ernaast.</li>
<li>Kies <b>Goed</b>, <b>Wijzig</b> (schrijf een betere tekst) of <b>Twijfel</b>. Een opmerking mag.</li>
<li>De lezers zijn jongeren van 12 tot 17. Gebruik korte, eenvoudige woorden.</li>
<li>Laat woorden tussen <span class="ph" dir="ltr">{{ }}</span> staan zoals ze zijn. De chat zet daar een nummer of naam.</li>
<li>Uw antwoorden blijven in deze browser. Druk aan het eind op <b>Opslaan</b> (onderaan) en stuur het bestand naar Lantern.</li>
</ol></div>
</div>
<div class="who"><label for="reviewer">Your name or role / Uw naam of rol</label>
<input id="reviewer" autocomplete="name" placeholder="e.g. Tigrinya interpreter / bv. tolk Tigrinya">
<p class="needed" id="reviewer-needed" hidden>Please write your name or role first. / Schrijf eerst uw naam of rol.</p></div>
<p class="storage" id="storage" hidden>This browser does not keep your answers. Save the answers file often. / Deze browser bewaart uw antwoorden niet. Sla het antwoordbestand vaak op.</p>
<noscript><p class="storage">Turn on JavaScript to answer. / Zet JavaScript aan om te antwoorden.</p></noscript>
</div></header>
<nav class="toc wrap" aria-label="Parts / Delen"><ol>${toc}</ol></nav>
<main>
${sections}
<div class="more-tools wrap">
<h2>More / Meer</h2>
<p><label>Continue from an answers file / Verder met een antwoordbestand: <input type="file" id="load" accept=".json,application/json"></label> <span id="load-status" role="status"></span></p>
<p><button type="button" id="show-text">Show answers as text (to copy) / Antwoorden als tekst (om te kopiëren)</button></p>
<div class="as-text" id="as-text" hidden><p class="small">If saving the file does not work: copy all of this text and send it. / Als opslaan niet lukt: kopieer al deze tekst en stuur die op.</p><textarea readonly aria-label="Answers / Antwoorden"></textarea></div>
</div>
</main>
<footer class="bar"><div class="wrap">
<span><b id="progress-count">0 / ${count}</b> <progress id="progress-bar" max="${count}" value="0"></progress></span>
<span class="counts">✓ <b id="count-approved">0</b> · ✎ <b id="count-changed">0</b> · ? <b id="count-unsure">0</b><span id="count-problems-box" hidden> · <span class="warn">⚠ <b id="count-problems">0</b></span></span></span>
<label class="small"><input type="checkbox" id="only-open"> <span class="long">Only open / Alleen open</span><span class="short">Open</span></label>
<button type="button" id="next-open"><span class="long">Next ↓ / Volgende ↓</span><span class="short">Next ↓</span></button>
<span class="grow"></span>
<button type="button" class="primary" id="export"><span class="long">Save answers file / Antwoorden opslaan</span><span class="short">Save / Opslaan</span></button>
<span id="export-status" class="small" role="status"></span>
</div></footer>
${controlsTemplate(kit.language)}
<script type="application/json" id="kit-data">${scriptJson(data)}</script>
<script>
${script.replace(/<\/script/gi, '<\\/script')}
</script>
</body>
</html>
`;
}

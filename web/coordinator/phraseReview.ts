/**
 * The panel of phrasebook phrases no native speaker has reviewed yet, per language
 * (GET /api/staff/phrases/review): what counsellors can send young people in a language they may
 * not read, so coordinators know which translations to have checked. Each phrase is shown by its
 * meaning in the dashboard's language, with its key.
 */
import type { PhraseReviewAnswer } from '../../contracts/counsellorApi.js';
import { api } from './api.js';
import { el } from './dom.js';
import { languageName, t, uiLanguage } from './i18n.js';

/** GET /api/staff/phrases/review. */
export function fetchPhraseReview(): Promise<PhraseReviewAnswer> {
  return api<PhraseReviewAnswer>('GET', '/api/staff/phrases/review');
}

/** The panel for `answer` (only `language` when one is chosen); `error` instead when it could not be had. */
export function phraseReviewPanel(answer: PhraseReviewAnswer | undefined, language: string, error?: string): HTMLElement {
  const box = el('section', 'panel panel-phraseReview');
  box.setAttribute('aria-labelledby', 'h-phraseReview');
  const heading = el('h2', '', t('phraseReview'));
  heading.id = 'h-phraseReview';
  const body = el('div', 'panelBody');
  box.append(heading, el('p', 'hint', t('phraseReviewHint')), body);
  if (!answer) {
    body.append(el('p', error ? 'formStatus error' : 'muted', error ?? t('loading')));
    return box;
  }
  const rows = answer.languages.filter((row) => !language || row.language === language);
  for (const row of rows) {
    const name = languageName(row.language);
    if (row.unreviewed.length === 0) {
      const done = el('p', 'phraseReviewDone', t('phraseReviewDone', { language: name, total: row.phrases }));
      done.dataset.language = row.language;
      body.append(done);
      continue;
    }
    const details = el('details', 'phraseReviewLanguage');
    details.dataset.language = row.language;
    details.append(el('summary', '', t('phraseReviewOpen', { language: name, count: row.unreviewed.length, total: row.phrases })));
    const list = el('ul', 'phraseReviewList');
    for (const key of row.unreviewed) {
      const meaning = answer.meanings[key]?.[uiLanguage()] ?? key;
      const item = el('li', '', meaning);
      item.dataset.key = key;
      item.lang = uiLanguage();
      item.append(' ', el('span', 'muted', `(${t('phraseReviewKey', { key })})`));
      list.append(item);
    }
    details.append(list);
    body.append(details);
  }
  return box;
}

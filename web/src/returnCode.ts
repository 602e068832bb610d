/**
 * "I have a return code" on the start page: the young person types the code the bot gave them (on
 * this or another device; digits of any script, spaces or dashes: the server reads them all), and
 * the page continues that conversation, its earlier messages behind "Show earlier messages". The
 * code is sent once and kept nowhere: the field is emptied as soon as it was sent.
 */
import { RETURN_CODE_MAX_INPUT } from '../../contracts/returnCode.js';
import { HttpError, redeemReturnCode, type Conversation } from './directline.js';
import { t } from './i18n.js';

/** The elements of the code form (web/index.html). */
export interface ReturnCodeView {
  /** "I have a return code": shows the form. */
  open: HTMLButtonElement;
  form: HTMLFormElement;
  input: HTMLInputElement;
  status: HTMLElement;
  back: HTMLButtonElement;
  /** What the form replaces while it is open (the language buttons). */
  others: HTMLElement[];
}

/** Wires the form; `onReturned` gets the conversation the code opened. */
export function initReturnCode(view: ReturnCodeView, onReturned: (conversation: Conversation) => void): void {
  const { open, form, input, status, back } = view;
  input.maxLength = RETURN_CODE_MAX_INPUT;
  let busy = false;

  const show = (formShown: boolean): void => {
    form.hidden = !formShown;
    open.hidden = formShown;
    for (const other of view.others) other.hidden = formShown;
    status.textContent = '';
    input.value = '';
    if (formShown) input.focus();
    else open.focus();
  };

  open.addEventListener('click', () => show(true));
  back.addEventListener('click', () => show(false));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = input.value.trim();
    if (!typed || busy) return;
    busy = true;
    status.textContent = t('returnCodeChecking');
    redeemReturnCode(typed)
      .then((conversation) => {
        input.value = '';
        status.textContent = '';
        form.hidden = true;
        open.hidden = false;
        for (const other of view.others) other.hidden = false;
        onReturned(conversation);
      })
      .catch((error: unknown) => {
        const limited = error instanceof HttpError && error.status === 429;
        const refused = error instanceof HttpError && error.status >= 400 && error.status < 500;
        status.textContent = limited ? t('returnCodeTooMany') : refused ? t('returnCodeWrong') : t('tryAgain');
        input.select();
      })
      .finally(() => {
        busy = false;
      });
  });
}

/**
 * Lantern's chat page: language picker first, then the conversation. Wires the always-visible
 * bar (talk to a person, 112, language, the look, quick exit) and the message box.
 */
import { languageFromLocale, type Language } from '../../contracts/languages.js';
import { Chat, showComposer, type ChatView } from './chat.js';
import { applyLanguage, browserLanguage, currentLanguage, t } from './i18n.js';
import { hideMinutes, initLook, refreshLook } from './look.js';
import { renderPicker } from './picker.js';
import { initReturnCode } from './returnCode.js';
import { listenForPartnerLeaving, quickExit } from './quickExit.js';
import { loadSession, saveSession, type Session } from './storage.js';

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} missing`);
  return node as T;
}

const picker = byId('picker');
const chatPane = byId('chat');
const input = byId<HTMLTextAreaElement>('input');
const langButton = byId<HTMLButtonElement>('lang');
const view: ChatView = {
  scroll: byId('scroll'),
  log: byId('log'),
  typing: byId('typing'),
  actions: byId('actions'),
  conn: byId('conn'),
  handoff: byId('handoff'),
  handoffText: byId('handoffText'),
  stopWaiting: byId<HTMLButtonElement>('stopWaiting'),
  composer: byId('composer'),
};

let session: Session | undefined = loadSession();
let chat: Chat | undefined;

const endConversation = (): void => chat && chat.leave();
const leave = (): void => quickExit(endConversation);
listenForPartnerLeaving(() => quickExit(endConversation, true));
byId('exit').addEventListener('click', leave);
byId('coverExit').addEventListener('click', leave);
document.addEventListener('keydown', (event) => {
  if ((event.key === 'Escape' || event.key === 'Esc') && !event.isComposing) {
    event.preventDefault();
    leave();
  }
});

/** Shows the page in `language`, in the look the young person chose. */
function showLanguage(language: Language): void {
  applyLanguage(language);
  refreshLook();
}

function setLanguage(language: Language): void {
  showLanguage(language);
  if (session) {
    session.lang = language;
    saveSession(session);
  }
}

/** Opens the conversation of `next`; `hideEarlier`: its messages so far wait behind "Show earlier messages". */
function openChat(next: Session, hideEarlier = hideMinutes() > 0): Chat {
  if (chat) chat.stop();
  session = next;
  saveSession(next);
  picker.hidden = true;
  chatPane.hidden = false;
  langButton.hidden = false;
  view.log.textContent = '';
  view.actions.textContent = '';
  view.actions.hidden = true;
  showComposer(view.composer, true);
  const current = new Chat(
    view,
    next,
    {
      language: setLanguage,
      restart: () => {
        // Messages that could not be sent any more go to the new conversation.
        openChat({ lang: currentLanguage(), outbox: next.outbox });
        view.scroll.focus();
      },
      newChat: showPicker,
    },
    { hideEarlier },
  );
  chat = current;
  current.start();
  return current;
}

/** Back to the language picker, without a conversation (after "delete my conversation"). */
function showPicker(): void {
  if (chat) chat.stop();
  chat = undefined;
  session = undefined;
  view.log.textContent = '';
  chatPane.hidden = true;
  langButton.hidden = true;
  picker.hidden = false;
}

renderPicker(byId('langs'), (language) => {
  showLanguage(language);
  openChat({ lang: language });
  // Focus the conversation, not the text box: on a phone that would open the keyboard over the greeting.
  view.scroll.focus();
});

// A return code (from the bot, maybe on another device) continues that conversation; what was
// said before waits behind "Show earlier messages", as after a reload.
initReturnCode(
  {
    open: byId<HTMLButtonElement>('codeOpen'),
    form: byId<HTMLFormElement>('codeForm'),
    input: byId<HTMLInputElement>('codeInput'),
    status: byId('codeStatus'),
    back: byId<HTMLButtonElement>('codeBack'),
    others: [byId('langs')],
  },
  (conversation) => {
    openChat({ lang: currentLanguage(), conversation }, true);
    view.scroll.focus();
  },
);

byId('human').addEventListener('click', () => {
  (chat || openChat({ lang: currentLanguage() })).command('talk_to_human', t('talkToPerson'));
});
// The link dials; the bot also shows its safety text.
byId('sos').addEventListener('click', () => {
  if (chat) chat.command('emergency', t('emergency'));
});
langButton.addEventListener('click', () => {
  if (chat) chat.command('language', t('language'));
});

function grow(): void {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight + 2, 128)}px`;
}

function submit(): void {
  const text = input.value.trim();
  if (!text || !chat) return;
  chat.sendText(text);
  input.value = '';
  grow();
  input.focus();
}

byId('send').addEventListener('click', submit);
input.addEventListener('input', grow);
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  }
});

/**
 * The language a link chose (`?lang=ti`, e.g. from a partner's launcher, web/embed/embed.ts): the
 * chat starts in it without the picker. Any code of the five, or a locale such as `fa-AF`.
 */
function linkedLanguage(): Language | undefined {
  try {
    return languageFromLocale(new URLSearchParams(location.search).get('lang') || undefined);
  } catch {
    return undefined;
  }
}

initLook();
const linked = session ? undefined : linkedLanguage();
if (session) {
  showLanguage(session.lang);
  openChat(session);
} else if (linked) {
  showLanguage(linked);
  openChat({ lang: linked });
} else {
  showLanguage(browserLanguage());
  picker.hidden = false;
}

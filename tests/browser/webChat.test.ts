/**
 * Microsoft's Web Chat (the `botframework-webchat` browser bundle, `dist/webchat.js`, which carries
 * its own botframework-directlinejs) on a partner's site, against a whole Lantern on another origin:
 * the partner page on http://localhost:<port> fetches a token from Lantern's
 * `POST /v3/directline/tokens/generate` on http://127.0.0.1:<port> (CORS: `ALLOWED_ORIGINS` holds
 * exactly the partner's origin) and renders Web Chat with `createDirectLine`, `locale: 'en-US'`,
 * `sendTypingIndicator: true` and the upload button hidden (Lantern takes no attachments), as
 * docs/protocol.md ("Tested clients") tells partners to. Real Chromium, real Redis, driven like a
 * person: the bot speaks first (the language question and its buttons, on the conversation start),
 * the Tigrinya button, a button of the bot's, free text typed into the send box (the typing
 * indicator on), and over WebSocket a dropped socket that Web Chat reconnects with its watermark;
 * then the same with polling (`webSocket: false`), where typing is posted but, as documented, never
 * echoed. Every console error and page error fails the
 * test; nothing goes anywhere but the two origins. Screenshots go to tests/artifacts/ (gitignored).
 *
 * What Web Chat saw is read from its own Redux store (a store middleware on the partner page keeps
 * the `DIRECT_LINE/*` actions): every activity Lantern stored reaches it exactly once, and no
 * message it sent is impeded or rejected.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page, Request, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LANGUAGES, LANGUAGE_INFO } from '../../contracts/languages.js';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { Translator } from '../../texts/Translator.js';
import { js, launchBrowser, type Browser } from '../helpers/browser.js';
import { ARTIFACTS } from '../helpers/builtLantern.js';
import { uniquePrefix } from '../helpers/redis.js';

const WEBCHAT_DIR = path.resolve('node_modules/botframework-webchat');
const WEBCHAT_VERSION = (JSON.parse(readFileSync(path.join(WEBCHAT_DIR, 'package.json'), 'utf8')) as { version: string }).version;
const WEBCHAT_BUNDLE = readFileSync(path.join(WEBCHAT_DIR, 'dist/webchat.js'));

/** Generous waits for a slow two-core machine (directlinejs alone waits 3–15 s before it reconnects). */
const WAIT = { timeout: 45_000 };

const translator = new Translator({ variables: { retentionHours: 48 } });
const en = translator.forLanguage('en');
const ti = translator.forLanguage('ti');
/** Free text: the first Tigrinya word for "help" (a command from anywhere), answered with common:help.what. */
const HELP_WORD = ti('commands:help.0');

/** The partner's page: Web Chat as its documentation shows it, plus a store middleware that records what Web Chat saw. */
const PARTNER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner organisation</title>
<link rel="icon" href="data:,">
<style>html, body { height: 100%; margin: 0; } #webchat { height: 100%; }</style>
</head>
<body>
<div id="webchat" role="main"></div>
<script src="/webchat.js"></script>
<script src="/partner.js"></script>
</body>
</html>`;

const PARTNER_SCRIPT = `(async () => {
  const params = new URLSearchParams(location.search);
  const lantern = params.get('lantern');
  const log = (window.webChatLog = []);
  const answer = await fetch(lantern + '/v3/directline/tokens/generate', { method: 'POST' });
  const { token, conversationId } = await answer.json();
  window.conversationId = conversationId;
  const store = window.WebChat.createStore({}, () => (next) => (action) => {
    if (action.type.startsWith('DIRECT_LINE/')) {
      const activity = action.payload && action.payload.activity;
      log.push({
        type: action.type.slice('DIRECT_LINE/'.length),
        clientActivityID: action.meta && action.meta.clientActivityID,
        connectionStatus: action.payload && action.payload.connectionStatus,
        activity: activity && {
          id: activity.id,
          type: activity.type,
          role: activity.from && activity.from.role,
          text: activity.text,
          clientActivityID: activity.channelData && activity.channelData.clientActivityID,
          actions: ((activity.suggestedActions && activity.suggestedActions.actions) || []).map((a) => a.title),
        },
      });
    }
    return next(action);
  });
  window.WebChat.renderWebChat(
    {
      directLine: window.WebChat.createDirectLine({ token, domain: lantern + '/v3/directline', webSocket: params.get('transport') === 'websocket' }),
      store,
      locale: 'en-US',
      sendTypingIndicator: true,
      // Lantern has no /upload (docs/protocol.md, "Tested clients").
      styleOptions: { hideUploadButton: true },
    },
    document.getElementById('webchat'),
  );
})().catch((error) => console.error('partner page: ' + error));
`;

/** One DIRECT_LINE/* action of Web Chat's store, as the partner page records it. */
interface LoggedAction {
  type: string;
  clientActivityID?: string;
  connectionStatus?: number;
  activity?: { id?: string; type: string; role?: string; text?: string; clientActivityID?: string; actions: string[] };
}

let lantern: LanternInstance;
let partnerServers: http.Server[] = [];
let partnerUrl: string;
const tempDirs: string[] = [];

/** The partner's site: its page, its script and the Web Chat bundle. */
function servePartner(request: http.IncomingMessage, response: http.ServerResponse): void {
  const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
  const files: Record<string, [string, string | Buffer]> = {
    '/': ['text/html; charset=utf-8', PARTNER_PAGE],
    '/webchat.js': ['text/javascript', WEBCHAT_BUNDLE],
    '/partner.js': ['text/javascript', PARTNER_SCRIPT],
  };
  const file = files[pathname];
  if (!file) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]);
}

/** Listens on `host:port` (0: any free port); resolves with the port. */
function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * The partner's site on http://localhost:<port>, on both loopback addresses Chromium may use for
 * `localhost` (::1 and 127.0.0.1, one port), so no other program on the other address answers instead.
 */
async function startPartner(): Promise<{ servers: http.Server[]; url: string }> {
  for (let attempt = 1; ; attempt += 1) {
    const v4 = http.createServer(servePartner);
    const port = await listen(v4, 0, '127.0.0.1');
    const v6 = http.createServer(servePartner);
    try {
      await listen(v6, port, '::1');
      return { servers: [v4, v6], url: `http://localhost:${port}` };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No IPv6 loopback on this machine: Chromium cannot reach ::1 either.
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return { servers: [v4], url: `http://localhost:${port}` };
      v4.close();
      if (attempt === 10) throw error;
    }
  }
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Another origin than Lantern's http://127.0.0.1:<port>: another host name and another port.
  ({ servers: partnerServers, url: partnerUrl } = await startPartner());
  lantern = await startLantern(
    {
      redisUrl: inject('redisUrl'),
      keyPrefix: uniquePrefix('webchat'),
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      secureCookies: false,
      allowedOrigins: [partnerUrl],
    },
    { openingHours: OpeningHours.always() },
  );
});

afterAll(async () => {
  await lantern?.stop();
  for (const server of partnerServers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Chromium on the partner's page; every console message of type error and every page error is kept. */
async function partnerBrowser(): Promise<Browser & { lanternRequests: Request[] }> {
  const lanternRequests: Request[] = [];
  // Nothing is ignored: any console error fails the test.
  const browser = await launchBrowser({
    tempDirs,
    context: { viewport: { width: 420, height: 760 }, locale: 'en-US' },
    ignoreConsole: /(?!)/,
    setup: (context) => {
      context.on('request', (request) => {
        if (request.url().startsWith(lantern.url)) lanternRequests.push(request);
      });
    },
  });
  return { ...browser, lanternRequests };
}

const webChatLog = (page: Page) => js<LoggedAction[]>(page, 'window.webChatLog || []');
const incoming = (log: LoggedAction[]) => log.filter((a) => a.type === 'INCOMING_ACTIVITY' && a.activity && a.activity.type !== 'typing').map((a) => a.activity!);
const botTexts = (log: LoggedAction[]) => incoming(log).filter((a) => a.role === 'bot' && a.type === 'message').map((a) => a.text);

/** Client activity ids of what Web Chat posted and saw echoed (`POST_ACTIVITY_FULFILLED`). */
const fulfilled = (log: LoggedAction[]) => new Set(log.filter((a) => a.type === 'POST_ACTIVITY_FULFILLED').map((a) => a.clientActivityID));
/** Posts Web Chat marks failed: impeded (after its sendTimeout, 20 s) or rejected. */
const failed = (log: LoggedAction[]) => log.filter((a) => a.type === 'POST_ACTIVITY_IMPEDED' || a.type === 'POST_ACTIVITY_REJECTED');

/** A button of the bot's suggested actions (Web Chat's toolbar under the transcript). */
const suggestedAction = (page: Page, title: string) => page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name: title, exact: true });

/** A message on screen in the transcript (not Web Chat's copy for screen readers). */
const bubble = (page: Page, text: string) => page.locator('.webchat__bubble__content').getByText(text, { exact: true });

/** Waits until the bot has said `text` among its messages after the first `after`. */
async function botSays(page: Page, text: string, after: number): Promise<void> {
  await expect.poll(async () => botTexts(await webChatLog(page)).slice(after), WAIT).toContain(text);
}

/** Every activity Lantern stored for the conversation (messages and events; typing is never stored). */
async function stored(conversationId: string): Promise<Array<{ id: string; type: string }>> {
  return (await lantern.store.read(conversationId, undefined, 1_000)).activities.map((a) => ({ id: a.id!, type: a.type! }));
}

/** Clicks the bot's suggested action `title`, then waits for the bot to say `texts` (in this order) as its next messages. */
async function press(page: Page, title: string, texts: string[]): Promise<void> {
  const before = botTexts(await webChatLog(page)).length;
  await suggestedAction(page, title).click();
  await expect.poll(async () => botTexts(await webChatLog(page)).slice(before, before + texts.length), WAIT).toEqual(texts);
}

type Transport = 'websocket' | 'polling';

/**
 * The flow of both tests up to the free text: the language question, Tigrinya, "my rights";
 * returns the conversation id.
 */
async function chooseTigrinyaAndRights(page: Page, transport: Transport): Promise<string> {
  await page.goto(`${partnerUrl}/?transport=${transport}&lantern=${encodeURIComponent(lantern.url)}`);

  // The bot speaks first, on the conversation start, before the young person sent anything: the
  // language question (Web Chat sends no start locale), its buttons the five languages by their own names.
  await suggestedAction(page, LANGUAGE_INFO.ti.nativeName).waitFor(WAIT);
  const log = await webChatLog(page);
  expect(botTexts(log)).toEqual([en('language:prompt')]);
  expect(incoming(log).find((a) => a.role === 'bot' && a.type === 'message')!.actions).toEqual(LANGUAGES.map((l) => LANGUAGE_INFO[l].nativeName));
  await bubble(page, en('language:prompt')).waitFor(WAIT);
  // No way to attach a file (Lantern refuses attachments): the partner's styleOptions hide it.
  expect(await page.locator('input[type="file"]').count()).toBe(0);

  // Tigrinya: from here on the bot speaks Tigrinya, although Web Chat says en-US on every activity.
  await press(page, LANGUAGE_INFO.ti.nativeName, [ti('language:changed'), ti('welcome:hello'), ti('welcome:anonymous'), ti('menu:prompt')]);
  await page.locator('.webchat__bubble--from-user', { hasText: LANGUAGE_INFO.ti.nativeName }).waitFor(WAIT);
  await bubble(page, ti('menu:prompt')).waitFor(WAIT);
  await js<boolean>(page, 'document.fonts.ready.then(() => true)');
  await page.screenshot({ path: path.join(ARTIFACTS, `webchat-ti${transport === 'polling' ? '-polling' : ''}.png`) });

  // One of the bot's buttons.
  await press(page, ti('choices:rights.title'), [ti('rights:intro.everyChild'), ti('rights:intro.papers'), ti('rights:prompt')]);
  return js<string>(page, 'window.conversationId');
}

/**
 * Free text with the typing indicator on: typed key by key into Web Chat's send box (so Web Chat
 * posts `typing`), sent with Enter; Web Chat shows it once and the bot answers in Tigrinya.
 * Returns the client activity ids of the typing activities Web Chat posted.
 */
async function typeFreeText(page: Page, text: string, answer: string): Promise<string[]> {
  const before = await webChatLog(page);
  const input = page.locator('[data-id="webchat-sendbox-input"]');
  await input.click();
  await input.pressSequentially(text, { delay: 150 });
  const typing = async () =>
    (await webChatLog(page)).slice(before.length).filter((a) => a.type === 'POST_ACTIVITY_PENDING' && a.activity?.type === 'typing').map((a) => a.clientActivityID!);
  await expect.poll(async () => (await typing()).length, WAIT).toBeGreaterThan(0);
  await input.press('Enter');
  await expect
    .poll(async () => incoming((await webChatLog(page)).slice(before.length)).filter((a) => a.role === 'user' && a.type === 'message').map((a) => a.text), WAIT)
    .toContain(text);
  await botSays(page, answer, botTexts(before).length);
  await expect.poll(() => page.locator('.webchat__bubble--from-user', { hasText: text }).count(), WAIT).toBe(1);
  return typing();
}

/**
 * What must hold at the end of both tests: every activity Lantern stored reached Web Chat exactly
 * once (nothing lost, nothing repeated), Web Chat shows each message once, every message it sent
 * (three buttons and the free text) was echoed and none impeded or rejected, the connection never
 * failed, nothing went anywhere but the two origins, and no console or page error.
 */
async function checkTranscript(browser: Awaited<ReturnType<typeof partnerBrowser>>, conversationId: string): Promise<LoggedAction[]> {
  const { page, requests, errors } = browser;
  const all = await stored(conversationId);
  await expect.poll(async () => incoming(await webChatLog(page)).length, WAIT).toBeGreaterThanOrEqual(all.length);
  const log = await webChatLog(page);
  expect(all.filter((a) => a.type === 'typing')).toEqual([]);
  expect(incoming(log).map((a) => a.id).sort()).toEqual(all.map((a) => a.id).sort());
  // Web Chat renders every message (not the bot's events) once.
  await expect.poll(() => page.locator('.webchat__basic-transcript__activity').count(), WAIT).toBe(all.filter((a) => a.type === 'message').length);

  // Every message Web Chat sent (the buttons and the free text) was sent, none failed.
  const sent = log.filter((a) => a.type === 'POST_ACTIVITY_PENDING' && a.activity?.type === 'message').map((a) => a.clientActivityID);
  expect(sent).toHaveLength(4);
  expect(sent.filter((id) => !fulfilled(log).has(id))).toEqual([]);
  expect(failed(log).filter((a) => sent.includes(a.clientActivityID))).toEqual([]);
  // directlinejs' ConnectionStatus: 2 Online; 3 ExpiredToken, 4 FailedToConnect, 5 Ended.
  const statuses = log.filter((a) => a.type === 'UPDATE_CONNECTION_STATUS').map((a) => a.connectionStatus);
  expect(statuses.at(-1)).toBe(2);
  expect(statuses.filter((status) => (status ?? 0) > 2)).toEqual([]);

  // Only the partner's site and Lantern were asked for anything (Web Chat makes a blob: URL of its own).
  const origins = new Set([partnerUrl, lantern.url, lantern.url.replace(/^http/, 'ws')]);
  expect(requests.filter((url) => !url.startsWith(`blob:${partnerUrl}/`) && !origins.has(new URL(url).origin))).toEqual([]);
  expect(errors).toEqual([]);
  return log;
}

describe(`Microsoft Web Chat ${WEBCHAT_VERSION} on a partner site, against Lantern on another origin`, () => {
  it('WebSocket: the language question first, Tigrinya, a button, a dropped socket reconnected with the watermark, free text with typing; no error', async () => {
    const browser = await partnerBrowser();
    const { context, page, requests, lanternRequests } = browser;
    try {
      // Every stream goes through a proxy in the browser, so the test can drop it.
      const sockets: WebSocketRoute[] = [];
      await page.routeWebSocket(/\/v3\/directline\/conversations\/[^/]+\/stream\?/, (socket) => {
        socket.connectToServer();
        sockets.push(socket);
      });
      const conversationId = await chooseTigrinyaAndRights(page, 'websocket');
      expect(sockets).toHaveLength(1);

      // The socket drops, and the young person presses a button at once. Web Chat posts it (REST),
      // the bot answers into the stream while no socket is open, and only then (the test holds the
      // reconnect until the answer is stored; directlinejs itself waits 3–15 s) does Web Chat ask for
      // a new streamUrl with its watermark: the new socket must replay exactly what it missed.
      await sockets[0]!.close({ code: 4000, reason: 'network lost' });
      const answered = page.waitForResponse(
        (response) => response.request().method() === 'POST' && response.url().endsWith(`/conversations/${conversationId}/activities`),
        WAIT,
      );
      const reconnects: string[] = [];
      await page.route(
        (url) => url.pathname.endsWith(`/v3/directline/conversations/${conversationId}`) && url.searchParams.has('watermark'),
        async (route) => {
          reconnects.push(route.request().url());
          await answered;
          await route.continue();
        },
      );
      await press(page, ti('choices:rights_children.title'), [ti('rights:children.intro'), ti('rights:children.protection'), ti('rights:children.more')]);
      expect((await answered).status()).toBe(200);
      expect(reconnects).toHaveLength(1);
      const watermark = new URL(reconnects[0]!).searchParams.get('watermark');
      expect(watermark).toMatch(/^\d+-\d+$/);
      expect(sockets).toHaveLength(2);
      expect(new URL(sockets[1]!.url()).searchParams.get('watermark')).toBe(watermark);
      // What the new socket replayed: the button's message and the bot's whole answer, all after that watermark.
      const missed = (await lantern.store.read(conversationId, watermark!, 100)).activities;
      expect(missed.filter((a) => a.from?.role === 'bot' && a.type === 'message').map((a) => a.text)).toEqual([
        ti('rights:children.intro'),
        ti('rights:children.protection'),
        ti('rights:children.more'),
        ti('rights:prompt'),
      ]);

      // Free text with the typing indicator on: each typing is echoed on the stream, so Web Chat
      // marks it sent; nothing is ever stored.
      const typing = await typeFreeText(page, HELP_WORD, ti('common:help.what'));
      await expect
        .poll(async () => {
          const echoed = fulfilled(await webChatLog(page));
          return typing.filter((id) => !echoed.has(id));
        }, WAIT)
        .toEqual([]);
      const log = await checkTranscript(browser, conversationId);
      expect(typing.filter((id) => !fulfilled(log).has(id))).toEqual([]);
      expect(failed(log)).toEqual([]);

      // A real cross-origin client: the partner's Origin on Lantern's requests, Web Chat's own directlinejs.
      const generate = lanternRequests.find((r) => r.url().endsWith('/tokens/generate'))!;
      expect((await generate.allHeaders()).origin).toBe(partnerUrl);
      const start = lanternRequests.find((r) => r.method() === 'POST' && r.url().endsWith('/v3/directline/conversations'))!;
      expect((await start.allHeaders())['x-ms-bot-agent']).toContain(`WebChat/${WEBCHAT_VERSION}`);
      expect(requests.filter((url) => url.startsWith('ws:'))).toHaveLength(2);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('polling (webSocket: false): the same flow over GET …/activities with the watermark; no error', async () => {
    const browser = await partnerBrowser();
    const { context, page, requests, lanternRequests } = browser;
    try {
      const conversationId = await chooseTigrinyaAndRights(page, 'polling');
      await press(page, ti('choices:rights_children.title'), [ti('rights:children.intro'), ti('rights:children.protection'), ti('rights:children.more')]);
      const typing = await typeFreeText(page, HELP_WORD, ti('common:help.what'));
      const log = await checkTranscript(browser, conversationId);

      expect(requests.filter((url) => url.startsWith('ws:'))).toEqual([]);
      const polls = lanternRequests.filter((r) => r.method() === 'GET' && new URL(r.url()).pathname.endsWith(`/conversations/${conversationId}/activities`));
      const watermarks = polls.map((r) => new URL(r.url()).searchParams.get('watermark'));
      expect(watermarks.filter((w) => w && /^\d+-\d+$/.test(w)).length).toBeGreaterThan(1);
      // Typing goes over WebSockets only (as in Azure's Direct Line): posted and answered, never echoed by a poll.
      const typingPosts = await Promise.all(
        lanternRequests
          .filter((r) => r.method() === 'POST' && r.url().endsWith(`/conversations/${conversationId}/activities`) && (r.postData() ?? '').includes('"type":"typing"'))
          .map(async (r) => (await r.response())?.status()),
      );
      expect(typingPosts.length).toBe(typing.length);
      expect(typingPosts.every((status) => status === 200)).toBe(true);
      // So Web Chat never marks them sent: after its sendTimeout (20 s) it marks each "impeded" (not
      // shown: typing is not in the transcript), after 5 minutes it logs "Failed to post activity"
      // (docs/protocol.md, "Tested clients": with polling, leave sendTypingIndicator off).
      expect(typing.filter((id) => fulfilled(log).has(id))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});

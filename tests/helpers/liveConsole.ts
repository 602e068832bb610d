/**
 * Test helpers for the counsellors' live WebSocket and for waiting on conditions (never fixed sleeps).
 */
import { WebSocket } from 'ws';
import type { LanternInstance } from '../../server/Lantern.js';
import type { CounsellorClient } from './lanternClients.js';

/** Polls `probe` until it gives something truthy, or fails after `timeoutMs`. */
export async function waitUntil<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A console's live socket, recording every message. */
export interface LiveConsole {
  socket: WebSocket;
  messages: Array<Record<string, unknown>>;
  opened: Promise<void>;
  readonly closeCode: number | undefined;
  send(message: unknown): void;
  waitFor(predicate: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Opens `/api/staff/live` on an instance with the counsellor's cookie. */
export function liveConsole(lantern: LanternInstance, counsellor: CounsellorClient): LiveConsole {
  const socket = new WebSocket(`${lantern.url.replace('http', 'ws')}/api/staff/live`, { headers: { cookie: counsellor.cookieHeader } });
  const messages: Array<Record<string, unknown>> = [];
  let closeCode: number | undefined;
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  socket.on('close', (code) => {
    closeCode = code;
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    messages,
    opened,
    get closeCode() {
      return closeCode;
    },
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    waitFor: (predicate, timeoutMs = 8_000) =>
      waitUntil(async () => messages.find(predicate), timeoutMs, `live message; got ${JSON.stringify(messages.map((m) => m.type))}`),
  };
}

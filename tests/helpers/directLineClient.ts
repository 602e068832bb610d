/**
 * Microsoft's own Direct Line client (botframework-directlinejs) in Node, for end-to-end tests:
 * it needs the browser's XMLHttpRequest and WebSocket, which xhr2 and ws provide.
 */
import { createRequire } from 'node:module';
import { DirectLine, type Activity, type DirectLineOptions } from 'botframework-directlinejs';
import { WebSocket } from 'ws';

const require = createRequire(import.meta.url);
Object.assign(globalThis, { XMLHttpRequest: require('xhr2') as unknown, WebSocket });

/** A connected DirectLine client and what it received. */
export interface TestDirectLineClient {
  dl: DirectLine;
  received: Activity[];
  /** The watermark the client would reconnect with. */
  watermark(): string | undefined;
  post(activity: Record<string, unknown>): Promise<string>;
  /** Waits until a received activity matches. */
  waitFor(predicate: (activity: Activity) => boolean, timeoutMs?: number): Promise<Activity>;
  stop(): void;
}

/** Opens a DirectLine client (WebSocket) against a Lantern server. */
export function connectDirectLine(options: DirectLineOptions): TestDirectLineClient {
  // `random: () => 0` makes directlinejs retry a closed WebSocket after its shortest delay.
  const dl = new DirectLine({ webSocket: true, ...options, random: () => 0 } as DirectLineOptions);
  const received: Activity[] = [];
  const subscription = dl.activity$.subscribe((activity) => received.push(activity));
  return {
    dl,
    received,
    watermark: () => (dl as unknown as { watermark?: string }).watermark,
    post: (activity) =>
      new Promise<string>((resolve, reject) => {
        dl.postActivity({ from: { id: 'client-chosen' }, ...activity } as Activity).subscribe(resolve, reject);
      }),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out; received ${received.length} activities`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop: () => {
      subscription.unsubscribe();
      dl.end();
    },
  };
}

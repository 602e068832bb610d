/**
 * Request/response over a Node IPC channel (child_process.fork), used between the benchmark's
 * processes: the orchestrator, the load generator and each target server. Either side may ask;
 * every request gets exactly one response (its handler's result, or its error's message).
 */
import type { ChildProcess } from 'node:child_process';

interface Request {
  ipc: 'request';
  id: number;
  type: string;
  payload: unknown;
}

interface Response {
  ipc: 'response';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** One end of an IPC channel: a forked child (seen from the parent) or `process` (seen from the child). */
export interface Endpoint {
  send(message: object): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** Handlers for the requests a peer answers, by type. */
export type Handlers = Record<string, (payload: any) => Promise<unknown> | unknown>;

/** The parent's end of a forked child. */
export function childEndpoint(child: ChildProcess): Endpoint {
  return {
    send: (message) => void child.send(message),
    onMessage: (listener) => void child.on('message', listener),
  };
}

/** The child's end: its own process (needs an IPC channel, i.e. started with fork). */
export function processEndpoint(): Endpoint {
  const send = process.send?.bind(process);
  if (!send) throw new Error('no IPC channel: start this file with child_process.fork');
  return {
    send: (message) => void send(message),
    onMessage: (listener) => void process.on('message', listener),
  };
}

/** One side of the conversation: asks the other side, and answers it with `handlers`. */
export class IpcPeer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly endpoint: Endpoint,
    private readonly handlers: Handlers = {},
  ) {
    endpoint.onMessage((message) => this.receive(message));
  }

  /** Asks the other side; resolves with its handler's result. */
  request<T>(type: string, payload: unknown = null): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.endpoint.send({ ipc: 'request', id, type, payload } satisfies Request);
    });
  }

  /** Fails every request still waiting (the other side exited). */
  failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  private receive(message: unknown): void {
    if (!message || typeof message !== 'object' || !('ipc' in message)) return;
    const typed = message as Request | Response;
    if (typed.ipc === 'response') {
      const waiter = this.pending.get(typed.id);
      this.pending.delete(typed.id);
      if (!waiter) return;
      if (typed.ok) waiter.resolve(typed.result);
      else waiter.reject(new Error(typed.error ?? 'request failed'));
      return;
    }
    void this.answer(typed);
  }

  private async answer(request: Request): Promise<void> {
    const handler = this.handlers[request.type];
    let response: Response;
    try {
      if (!handler) throw new Error(`no handler for "${request.type}"`);
      response = { ipc: 'response', id: request.id, ok: true, result: await handler(request.payload) };
    } catch (error) {
      response = { ipc: 'response', id: request.id, ok: false, error: (error as Error).message ?? String(error) };
    }
    this.endpoint.send(response);
  }
}

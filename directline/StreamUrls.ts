/**
 * Where a client's `streamUrl` points. The Host header never decides it on its own: a forged
 * `Host: evil.example` must not send a young person's WebSocket (and its stream token) elsewhere.
 *
 * - With a public base URL (`PUBLIC_URL`, e.g. `https://lantern.example`): always that origin
 *   (`wss://` for https), whatever the request says.
 * - Without one: the request's host, only when its name is in the allowlist (`ALLOWED_HOSTS`;
 *   by default the loopback names `localhost`, `127.0.0.1`, `[::1]`, for development). Any other
 *   host is answered `400 BadArgument` (HostNotAllowedError): better a clear refusal than a
 *   `streamUrl` to somewhere else.
 */
import type { FastifyRequest } from 'fastify';
import { HostNotAllowedError } from './errors.js';
import { checkAllowedHost, checkPublicUrl, HOST_PATTERN } from './settings.js';

/** The hosts a streamUrl may name when neither a public URL nor an allowlist is configured. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Options of StreamUrls. */
export interface StreamUrlOptions {
  /** Public base URL of the site (http or https, optionally with a path). Wins over everything. */
  publicUrl?: string;
  /** Host names (or `name:port`) the service answers to when there is no public URL. Default: loopback. */
  allowedHosts?: readonly string[];
}

/** Builds `ws(s)://…` origins for stream URLs. */
export class StreamUrls {
  private readonly publicBase: string | undefined;
  private readonly allowed: ReadonlySet<string>;

  constructor(options: StreamUrlOptions = {}) {
    if (options.publicUrl) {
      const base = new URL(checkPublicUrl(options.publicUrl));
      const scheme = base.protocol === 'https:' ? 'wss' : 'ws';
      this.publicBase = `${scheme}://${base.host}${base.pathname.replace(/\/+$/, '')}`;
    }
    this.allowed = new Set((options.allowedHosts?.length ? options.allowedHosts : LOOPBACK_HOSTS).map(checkAllowedHost));
  }

  /** `ws(s)://host[/base]` for this request's stream URL; HostNotAllowedError for a host outside the allowlist. */
  origin(request: FastifyRequest): string {
    if (this.publicBase) return this.publicBase;
    const host = request.host.toLowerCase();
    if (!HOST_PATTERN.test(host)) throw new HostNotAllowedError();
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
    if (!this.allowed.has(host) && !this.allowed.has(name)) throw new HostNotAllowedError();
    return `${request.protocol === 'https' ? 'wss' : 'ws'}://${host}`;
  }
}

/**
 * Checks of the channel's settings, with messages that say what is wrong and how to write it
 * right. No imports beyond limits.ts: server/config.ts checks its environment with these at start,
 * without loading the channel.
 */
import { MIN_TOKEN_TTL_SECONDS } from './limits.js';

/** A Host header as it may look: a name or IPv4 address, or a bracketed IPv6 address, and a port. */
export const HOST_PATTERN = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** The lifetime of conversation tokens: at least 15 minutes, directlinejs' fixed refresh interval. */
export function checkTokenTtl(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < MIN_TOKEN_TTL_SECONDS) {
    throw new RangeError(
      `TOKEN_TTL_SECONDS must be at least ${MIN_TOKEN_TTL_SECONDS} (15 minutes), got ${seconds}: ` +
        'botframework-directlinejs and Web Chat refresh their token every 15 minutes, so a shorter-lived token expires first and every such client stops working',
    );
  }
  return seconds;
}

/**
 * A public base URL: absolute http(s), no query, fragment or credentials. Returns it without a
 * trailing slash.
 */
export function checkPublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`PUBLIC_URL must be an absolute http(s) URL such as https://lantern.example, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError(`PUBLIC_URL must start with https:// or http://, got "${value}"`);
  if (url.search || url.hash || url.username || url.password) throw new RangeError(`PUBLIC_URL must not have a query, fragment or credentials, got "${value}"`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** One entry of the host allowlist: a host name, IPv4 or bracketed IPv6 address, optionally `:port`. Returned lower-cased. */
export function checkAllowedHost(value: string): string {
  const host = value.trim().toLowerCase();
  if (!HOST_PATTERN.test(host)) throw new RangeError(`ALLOWED_HOSTS: "${value}" is not a host name (name or name:port, no scheme, no path)`);
  return host;
}

/** One allowed origin (`https://partner.example`, `http://localhost:8080`): scheme, host and port, as browsers send it. */
export function checkAllowedOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`ALLOWED_ORIGINS: "${value}" is not an origin such as https://partner.example`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError(`ALLOWED_ORIGINS: "${value}" must start with https:// or http://`);
  if (url.origin !== value) {
    throw new RangeError(`ALLOWED_ORIGINS: "${value}" must be written exactly as browsers send an origin (scheme://host[:port], lower case, no path, no trailing slash): ${url.origin}`);
  }
  return value;
}

/** A comma-separated list from the environment: trimmed, empty entries dropped. */
export function listFrom(value: string | undefined): string[] {
  return (value ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

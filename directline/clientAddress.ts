/**
 * What the token rate limit counts as one client: its IPv4 address, or its IPv6 /64 network (one
 * household or one phone gets a whole /64). Parsing is `ipaddr.js`'s (the library Fastify's
 * trustProxy uses), so IPv4-mapped IPv6 (`::ffff:198.51.100.7`) counts as the IPv4 address.
 * The subject is never stored as such: the rate limit keys a keyed hash of it (TokenService.pseudonym).
 */
import ipaddr from 'ipaddr.js';

/** The rate-limit subject of a client address; anything that is not an address is taken as it is. */
export function rateLimitSubject(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toString()}/64`;
}

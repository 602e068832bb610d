/**
 * Every Redis key Lantern writes, built in one place from one prefix,
 * so tests can isolate themselves and the data lifecycle can find everything.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Stream of a conversation's activities (Direct Line transcript). */
  conversationActivities(conversationId: string): string {
    return `${this.prefix}dl:conv:${conversationId}:activities`;
  }

  /** Hash with a conversation's channel metadata (created, ended). */
  conversationMeta(conversationId: string): string {
    return `${this.prefix}dl:conv:${conversationId}:meta`;
  }

  /** Bot Framework state item (conversation or user state) stored by RedisStorage. */
  botState(storageKey: string): string {
    return `${this.prefix}state:${storageKey}`;
  }

  /** Short lock that serialises turns of one conversation across app instances. */
  turnLock(conversationId: string): string {
    return `${this.prefix}turnlock:${conversationId}`;
  }

  /** Shared secret that signs Direct Line tokens, so every instance accepts every token. */
  tokenSecret(): string {
    return `${this.prefix}secret:directline-token`;
  }

  /** Prefix of the anonymous token rate-limit counters (keyed by a salted hash, never an address). */
  rateLimitPrefix(): string {
    return `${this.prefix}dl:ratelimit:`;
  }
}

/**
 * Bot Framework's ConversationState without its change hash. BotState hashes the whole state
 * (a JSON serialisation) when it loads it, again when it saves it, and a third time after the
 * write: three serialisations per turn on top of the one the storage makes to write it (about
 * 4 % of a busy server's CPU, docs/performance.md). Here the state is cached per turn as BotState
 * does, and every `saveChanges` hands it to the storage, which writes only what changed:
 * RedisStorage compares the JSON it is about to write with the JSON it read for the same object,
 * and skips an item that is the same (as BotState skipped it when the hashes matched).
 *
 * Everything BotState offers (`createProperty`, `load`, `saveChanges`, `clear`, `delete`, `get`)
 * keeps its meaning; only the cache is this class's own (BotState's is private).
 */
import { ConversationState, type TurnContext } from 'botbuilder';

interface Cached {
  state: Record<string, unknown>;
}

/** ConversationState whose writes are skipped by the storage when nothing changed (see the module comment). */
export class LanternConversationState extends ConversationState {
  private readonly cacheKey = Symbol('lantern.conversationState');

  /** The turn's state: read once per turn (again when `force`), cached in the turn. */
  override async load(context: TurnContext, force = false): Promise<any> {
    const cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    if (!force && cached) return cached.state;
    const key = await this.storageKey(context);
    const items = await this.storage.read([key]);
    const state = (items[key] as Record<string, unknown> | undefined) ?? {};
    context.turnState.set(this.cacheKey, { state } satisfies Cached);
    return state;
  }

  /**
   * Writes the turn's state when it was loaded (always when `force`, an empty one if it was not);
   * unconditionally, as BotState does (eTag `*`). The storage leaves out an item that did not change.
   */
  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    let cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    if (!cached && !force) return;
    if (!cached) context.turnState.set(this.cacheKey, (cached = { state: {} }));
    const key = await this.storageKey(context);
    cached.state.eTag = '*';
    await this.storage.write({ [key]: cached.state });
  }

  /** Replaces the turn's state with an empty one (written by the next `saveChanges`). */
  override async clear(context: TurnContext): Promise<void> {
    context.turnState.set(this.cacheKey, { state: {} } satisfies Cached);
  }

  /** Forgets the turn's state and deletes it from the storage. */
  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cacheKey);
    await this.storage.delete([await this.storageKey(context)]);
  }

  /** The turn's state if it was loaded, else undefined. */
  override get(context: TurnContext): any {
    return (context.turnState.get(this.cacheKey) as Cached | undefined)?.state;
  }
}

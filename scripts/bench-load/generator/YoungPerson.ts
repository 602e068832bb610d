/**
 * A simulated young person: arrives (token, conversation, WebSocket), then takes turns, each one
 * the walker's next message followed by waiting until the bot's replies to it have stopped.
 */
import { LANGUAGES } from '../../../contracts/languages.js';
import { DialogWalker } from './DialogWalker.js';
import { DirectLineConversation, type Turn } from './DirectLineConversation.js';
import type { ExampleTexts } from './exampleTexts.js';
import type { HttpClient } from './HttpClient.js';
import { inParallel } from './crowd.js';
import type { Random } from './random.js';

/** How young people behave. */
export interface Behaviour {
  texts: ExampleTexts;
  /** Share of turns typed instead of tapped (0..1). */
  typedShare: number;
  /** A turn is over this long after its last reply (ms). */
  quietMs: number;
  /** A turn without any reply is given up after this long (ms), and an arrival too. */
  timeoutMs: number;
}

/** One young person in one conversation. */
export class YoungPerson {
  private constructor(
    readonly conversation: DirectLineConversation,
    private readonly walker: DialogWalker,
    private readonly behaviour: Behaviour,
  ) {}

  /**
   * Arrives: starts a conversation and opens its WebSocket (the language is picked by the first
   * turn, as a tap on the bot's question). Young person `index` speaks the `index`-th language of five.
   */
  static async arrive(http: HttpClient, index: number, random: Random, behaviour: Behaviour): Promise<YoungPerson> {
    const language = LANGUAGES[index % LANGUAGES.length]!;
    const conversation = await DirectLineConversation.start(http);
    await conversation.openStream(behaviour.timeoutMs);
    return new YoungPerson(conversation, new DialogWalker(language, behaviour.texts[language], random, behaviour.typedShare), behaviour);
  }

  /**
   * `total` young people arrive, at most `concurrency` at a time; young person `first + i` gets the
   * random source `random.fork(first + i)`, so a round meets the same people on every target.
   */
  static crowd(http: HttpClient, range: { first: number; total: number }, concurrency: number, random: Random, behaviour: Behaviour) {
    return inParallel(range.total, concurrency, (i) => YoungPerson.arrive(http, range.first + i, random.fork(range.first + i), behaviour));
  }

  /** Sends the next message and waits until the turn is over for them. */
  async takeTurn(): Promise<Turn> {
    const turn = await this.conversation.send(this.walker.next(this.conversation.actions));
    await this.conversation.settle(turn, this.behaviour.quietMs, this.behaviour.timeoutMs);
    return turn;
  }

  /** Leaves (closes the WebSocket). */
  leave(): void {
    this.conversation.close();
  }
}

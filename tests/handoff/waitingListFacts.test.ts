/**
 * The consoles' waiting list reads its rows' facts (last seen, notes, "may be watched", came back
 * with a code) for the conversations it expects side by side with the list, and the rest after it:
 * whatever it was told to expect (all of them, some, none, ones no longer waiting), every row is
 * the same as without expecting any. Real Redis, the real handoff queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListedEntry } from '../../handoff/HandoffService.js';
import type { LanternInstance } from '../../server/Lantern.js';
import { startTestLantern } from '../helpers/testLantern.js';
import { YoungPersonClient } from '../helpers/lanternClients.js';
import { uniquePrefix } from '../helpers/redis.js';

describe('waiting list with expected conversations', () => {
  let lantern: LanternInstance;
  beforeAll(async () => {
    lantern = await startTestLantern(uniquePrefix('waitfacts'));
  });
  afterAll(() => lantern.stop());

  it('gives the same rows whichever conversations it was told to expect', async () => {
    const young = await Promise.all(['en', 'ar', 'ti'].map((language) => YoungPersonClient.start(lantern, language)));
    for (const person of young) expect((await person.post({ type: 'message', text: 'x', value: { command: 'talk_to_human' } })).status).toBe(200);
    const service = lantern.app.handoff;
    const ids = young.map((person) => person.conversationId);
    const waitFor = async () => {
      for (let i = 0; i < 100; i += 1) {
        if ((await service.waitingList()).length === ids.length) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the three never waited');
    };
    await waitFor();
    // Facts that differ per row: the safe word's marker on one, nothing on the others.
    await service.markMayBeWatched(ids[1]!);
    const rows = (list: ListedEntry[]) => list.map(({ item }) => ({ ...item, waitingSeconds: 0, lastSeenSeconds: item.lastSeenSeconds === null ? null : 0 }));
    const plain = rows(await service.waitingList());
    expect(plain.find((row) => row.conversationId === ids[1])).toMatchObject({ mayBeWatched: true });
    expect(plain.find((row) => row.conversationId === ids[0])).not.toHaveProperty('mayBeWatched');
    for (const expected of [ids, [ids[0]!], [], [ids[2]!, 'gone-conversation', ids[2]!]]) {
      expect(rows(await service.waitingList(expected)), expected.join(',')).toEqual(plain);
    }
  });
});

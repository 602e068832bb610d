/**
 * A scripted shift, end to end against real Redis and two app instances: two counsellors, twenty
 * young people in five languages. One counsellor logs out mid-chat, the other closes the browser; a
 * young person in danger writes Dari, which nobody on duty speaks; one closes the tab while waiting;
 * one floods the chat; one stops waiting. The shift ends with every young person either talking to a
 * person (to the end, with an outcome), told honestly what to do, or gone by their own choice, and
 * no message of theirs lost. The counts are printed (`SHIFT …`) for the closing figures.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpeningHours } from '../../handoff/OpeningHours.js';
import { startLantern, type LanternInstance } from '../../server/Lantern.js';
import { CounsellorClient, YoungPersonClient } from '../helpers/lanternClients.js';
import { liveConsole, waitUntil, type LiveConsole } from '../helpers/liveConsole.js';
import { uniquePrefix } from '../helpers/redis.js';

const LANGUAGES = ['ar', 'ti', 'prs', 'en', 'nl'] as const;
const isStatus = (state: string) => (a: Activity) => a.type === 'event' && a.name === 'handoff.status' && (a.value as { state?: string } | undefined)?.state === state;

interface Young {
  index: number;
  language: string;
  client: YoungPersonClient;
  /** Texts they typed and the server accepted. */
  sent: string[];
  /** Still has the page open (reads it). */
  present: boolean;
  role: 'danger' | 'closes_tab' | 'floods' | 'stops_waiting' | 'normal';
}

interface Staff {
  name: string;
  languages: string[];
  client: CounsellorClient;
  via: LanternInstance;
  console: LiveConsole;
  beat: ReturnType<typeof setInterval>;
}

describe('a scripted shift', () => {
  let a: LanternInstance;
  let b: LanternInstance;
  beforeAll(async () => {
    const shared = {
      redisUrl: inject('redisUrl'),
      keyPrefix: uniquePrefix('shift'),
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      secureCookies: false,
      tokenRateLimitMax: 1000,
      handoffTickMs: 200,
      counsellorGraceSeconds: 2,
      youngPersonAwaySeconds: 3,
      counsellorMaxConversations: 3,
      dangerRealertSeconds: 1,
    };
    a = await startLantern(shared, { openingHours: OpeningHours.always() });
    b = await startLantern(shared, { openingHours: OpeningHours.always() });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('ends with every young person talked to, told what to do, or gone by their own choice, and nothing lost', async () => {
    const counts = { youngPeople: 20, talkedToAPerson: 0, returnedToList: 0, leftWhileWaiting: 0, stoppedWaiting: 0, floodRefused: 0, floodAccepted: 0, dangerAlertsSent: 0, maxOpenPerCounsellor: 0 };

    // Two counsellors on duty, each with a console on a different instance (heartbeats as a console sends them).
    const open = async (name: string, languages: string[], via: LanternInstance): Promise<Staff> => {
      const client = await CounsellorClient.login(via, name, languages);
      const console = liveConsole(via === a ? b : a, client);
      await console.opened;
      const beat = setInterval(() => {
        if (console.socket.readyState === 1) console.send({ type: 'heartbeat' });
      }, 300);
      return { name, languages, client, via, console, beat };
    };
    let anna = await open('anna', ['nl', 'en', 'ar'], a);
    const bob = await open('bob', ['ti', 'en'], b);

    // Twenty young people, five languages, on both instances.
    const youngs: Young[] = [];
    for (let i = 0; i < 20; i += 1) {
      const language = LANGUAGES[i % 5]!;
      const role: Young['role'] = i === 2 ? 'danger' : i === 5 ? 'closes_tab' : i === 8 ? 'floods' : i === 13 ? 'stops_waiting' : 'normal';
      youngs.push({ index: i, language, client: await YoungPersonClient.start(i % 2 ? b : a, language), sent: [], present: true, role });
    }
    const reading = setInterval(() => {
      for (const y of youngs) if (y.present) void y.client.read().catch(() => undefined);
    }, 400);
    const say = async (y: Young, text: string) => {
      const response = await y.client.say(text);
      if (response.status === 200) y.sent.push(text);
      return response.status;
    };

    try {
      for (const y of youngs) {
        if (y.role === 'danger') {
          await y.client.say('x', { command: 'menu' });
          await y.client.say('x', { choice: 'danger' });
          await y.client.say('x', { choice: 'yes' });
        } else {
          await y.client.say('x', { command: 'talk_to_human' });
        }
        await y.client.waitFor(isStatus('waiting'));
      }
      // The danger conversation is first in the list and every console is alerted.
      const danger = youngs.find((y) => y.role === 'danger')!;
      expect((await a.handoff.queueItems())[0]).toMatchObject({ conversationId: danger.client.conversationId, priority: 'danger', interpreterNeeded: true });
      await anna.console.waitFor((m) => m.type === 'alert' && m.kind === 'danger');
      await bob.console.waitFor((m) => m.type === 'alert' && m.kind === 'danger');

      // While waiting: a line for the counsellor; one closes the tab; one stops waiting; one floods.
      for (const y of youngs) if (y.role === 'normal' || y.role === 'danger') await say(y, `waiting ${y.index}`);
      youngs.find((y) => y.role === 'closes_tab')!.present = false;
      const quitter = youngs.find((y) => y.role === 'stops_waiting')!;
      await quitter.client.say('x', { command: 'cancel_handoff' });
      counts.stoppedWaiting += 1;
      const flooder = youngs.find((y) => y.role === 'floods')!;
      const big = 'x'.repeat(3_990);
      const statuses = await Promise.all(Array.from({ length: 40 }, (_, n) => flooder.client.say(`${n} ${big}`).then((r) => r.status)));
      counts.floodRefused = statuses.filter((s) => s === 429).length;
      counts.floodAccepted = statuses.filter((s) => s === 200).length;
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      expect(counts.floodRefused).toBeGreaterThan(0);
      // Accepted flood messages are stored too (nothing lost), written while waiting.
      flooder.sent.push(...statuses.flatMap((s, n) => (s === 200 ? [`${n} ${big}`] : [])));

      /** Takes conversations with "claim next" up to capacity and talks with each once. */
      const takeAndTalk = async (staff: Staff): Promise<string[]> => {
        const taken: string[] = [];
        for (;;) {
          const next = await staff.client.api<{ conversationId: string }>('POST', '/api/staff/queue/next');
          if (next.status !== 200) break;
          taken.push(next.body.conversationId);
          await staff.client.api('POST', `/api/staff/conversations/${next.body.conversationId}/messages`, { text: `Hallo, ik ben ${staff.name}.` });
        }
        const mine = await staff.client.api<unknown[]>('GET', '/api/staff/conversations');
        counts.maxOpenPerCounsellor = Math.max(counts.maxOpenPerCounsellor, mine.body.length);
        return taken;
      };
      const finish = async (staff: Staff, ids: string[]) => {
        for (const id of ids) {
          const y = youngs.find((x) => x.client.conversationId === id)!;
          await y.client.waitFor((x) => (x.channelData as { lantern?: { sender?: string } } | undefined)?.lantern?.sender === 'counsellor');
          await say(y, `thank you ${y.index}`);
          const detail = await staff.client.api<{ transcript: Array<{ sender: string; text?: string }> }>('GET', `/api/staff/conversations/${id}`);
          const shown = new Set(detail.body.transcript.filter((l) => l.sender === 'young_person').map((l) => l.text));
          // Nothing lost: every message the young person sent is there for the counsellor.
          expect(y.sent.filter((text) => !shown.has(text))).toEqual([]);
          expect((await staff.client.api('POST', `/api/staff/conversations/${id}/end`, { outcome: 'information_given' })).status).toBe(200);
          counts.talkedToAPerson += 1;
        }
      };

      // First round: the danger conversation goes first, to whoever asks first.
      const annaFirst = await takeAndTalk(anna);
      expect(annaFirst[0]).toBe(danger.client.conversationId);
      const bobFirst = await takeAndTalk(bob);
      expect(annaFirst.length).toBeLessThanOrEqual(3);
      expect(bobFirst.length).toBeLessThanOrEqual(3);
      await finish(anna, annaFirst.slice(0, 1)); // the danger conversation is finished properly

      // Anna logs out mid-chat: her other conversations go back to the list, their young people are told.
      const annaOpen = annaFirst.slice(1);
      expect((await anna.client.api('POST', '/api/staff/logout')).status).toBe(204);
      clearInterval(anna.beat);
      for (const id of annaOpen) {
        const y = youngs.find((x) => x.client.conversationId === id)!;
        await waitUntil(async () => (await a.handoff.queueItems()).find((q) => q.conversationId === id)?.returned, 5_000, 'returned after logout');
        await y.client.waitFor((x) => x.type === 'event' && isStatus('waiting')(x) && y.client.seen.some(isStatus('accepted')));
        counts.returnedToList += 1;
      }
      await waitUntil(async () => anna.console.closeCode === 4401, 5_000, "anna's console closed");

      // Bob closes the browser (no logout): after the grace period his conversations go back too.
      clearInterval(bob.beat);
      bob.console.socket.terminate();
      for (const id of bobFirst) {
        await waitUntil(async () => (await a.handoff.queueItems()).find((q) => q.conversationId === id)?.returned, 10_000, 'returned after the browser closed');
        counts.returnedToList += 1;
      }

      // Anna comes back and works through the list until it is empty.
      anna = await open('anna', ['nl', 'en', 'ar'], a);
      for (let round = 0; round < 20; round += 1) {
        const taken = await takeAndTalk(anna);
        if (!taken.length) break;
        await finish(anna, taken);
      }

      // Every young person: talked to (ended with an outcome), or gone by their own choice.
      await waitUntil(async () => (await a.handoff.queueItems()).length === 0, 10_000, 'empty list');
      const closer = youngs.find((y) => y.role === 'closes_tab')!;
      await closer.client.waitFor((x) => isStatus('failed')(x) && (x.value as { message?: string }).message === 'away', 5_000);
      counts.leftWhileWaiting += 1;
      for (const y of youngs) {
        if (y.role === 'closes_tab' || y.role === 'stops_waiting') continue;
        // Talked to a person to the end: the counsellor ended with an outcome and the bot is back.
        await y.client.waitFor(isStatus('completed'), 5_000);
      }
      expect(counts.talkedToAPerson).toBe(18);
      expect(counts.maxOpenPerCounsellor).toBeLessThanOrEqual(3);
      counts.dangerAlertsSent = [anna.console, bob.console].flatMap((c) => c.messages).filter((m) => m.type === 'alert' && m.kind === 'danger').length;
      // Nobody is held by a counsellor who left.
      expect(await a.redis.smembers(a.keys.handoffHolders())).not.toContain('bob');
      console.log(`SHIFT ${JSON.stringify(counts)}`);
    } finally {
      clearInterval(reading);
      clearInterval(anna.beat);
      clearInterval(bob.beat);
      anna.console.socket.close();
    }
  }, 120_000);
});

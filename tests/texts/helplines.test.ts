/**
 * The help lines live in config/helplines.json only, each with its source and opening hours; what
 * the bot says about them never claims "open now" for a line that is closed at that moment (in
 * Europe/Amsterdam, across DST) or whose hours nobody verified. Fixed clocks throughout.
 */
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contracts/languages.js';
import { helplineLine, helplineLines, TALK_LINES } from '../../dialogs/helplineTexts.js';
import { HELPLINE_IDS, helplineOpen, helplineOpensAt, loadHelplines, type Helplines } from '../../texts/helplines.js';
import { Translator } from '../../texts/Translator.js';

const helplines = loadHelplines();
const translator = new Translator({ variables: { retentionHours: 48 } });

/** A moment given as Amsterdam wall-clock time (the tests pick dates outside the DST switch hours). */
function amsterdam(local: string, offsetHours: 1 | 2): Date {
  return new Date(`${local}:00+0${offsetHours}:00`);
}

describe('config/helplines.json', () => {
  it('has every help line the texts name, each with a source and hours ("24/7", a schedule, or null when unverified)', () => {
    expect(Object.keys(helplines).sort()).toEqual([...HELPLINE_IDS].sort());
    for (const id of HELPLINE_IDS) {
      const line = helplines[id];
      expect(line.source.length, id).toBeGreaterThan(10);
      expect(line.hours === null || line.hours === '24/7' || typeof line.hours === 'object', id).toBe(true);
      if (line.phone) expect(line.phone, id).toMatch(/^[0-9][0-9 -]*[0-9]$/);
      if (line.url) expect(line.url, id).toMatch(/^https:\/\//);
    }
  });

  it('112 and Veilig Thuis answer day and night (the texts say so); De Kindertelefoon is free on 0800-0432', () => {
    expect(helplines.emergency).toMatchObject({ phone: '112', hours: '24/7' });
    expect(helplines.veiligThuis).toMatchObject({ phone: '0800-2000', hours: '24/7' });
    expect(helplines.kindertelefoon.phone).toBe('0800-0432');
    expect(helplines.kindertelefoon.source).toMatch(/0800-0432/);
  });

  it('the texts take every number and link from it: another configuration changes what the bot says', () => {
    const elsewhere: Helplines = { ...helplines, kindertelefoon: { ...helplines.kindertelefoon, phone: '0800-1111' }, emergency: { ...helplines.emergency, phone: '999' } };
    const t = new Translator({ helplines: elsewhere, variables: { retentionHours: 48 } });
    for (const language of LANGUAGES) {
      expect(t.forLanguage(language)('help:lines.kindertelefoon'), language).toContain('0800-1111');
      expect(t.forLanguage(language)('common:emergency.call'), language).toContain('999');
      expect(t.forLanguage(language)('common:emergency.call'), language).not.toContain('112');
    }
  });
});

describe('open now?', () => {
  const kindertelefoon = helplines.kindertelefoon;

  it('De Kindertelefoon: open 11:00-21:00 every day, in Amsterdam time, summer and winter', () => {
    expect(helplineOpen(kindertelefoon, amsterdam('2026-12-09T10:59', 1))).toBe(false);
    expect(helplineOpen(kindertelefoon, amsterdam('2026-12-09T11:00', 1))).toBe(true);
    expect(helplineOpen(kindertelefoon, amsterdam('2026-12-09T20:59', 1))).toBe(true);
    expect(helplineOpen(kindertelefoon, amsterdam('2026-12-09T21:00', 1))).toBe(false);
    // Summer time (UTC+2): 11:00 local is 09:00 UTC.
    expect(helplineOpen(kindertelefoon, new Date('2027-07-07T08:59:00Z'))).toBe(false);
    expect(helplineOpen(kindertelefoon, new Date('2027-07-07T09:00:00Z'))).toBe(true);
  });

  it('the next opening, also across the night and the switch to summer time', () => {
    expect(helplineOpensAt(kindertelefoon, amsterdam('2026-12-09T23:30', 1))).toEqual(amsterdam('2026-12-10T11:00', 1));
    // The clocks go forward on Sunday 28 March 2027 at 02:00.
    expect(helplineOpensAt(kindertelefoon, amsterdam('2027-03-27T22:00', 1))).toEqual(amsterdam('2027-03-28T11:00', 2));
    expect(helplineOpensAt(kindertelefoon, amsterdam('2026-12-09T15:00', 1))).toEqual(amsterdam('2026-12-09T15:00', 1));
  });

  it('asked again and again, back and forth in time, gives the answer of each moment (what is kept is per minute and quarter hour)', () => {
    for (let round = 0; round < 2; round += 1) {
      expect(helplineOpen(kindertelefoon, amsterdam('2026-12-09T20:59', 1))).toBe(true);
      expect(helplineOpen(kindertelefoon, amsterdam('2026-12-09T21:00', 1))).toBe(false);
      expect(helplineOpen(kindertelefoon, new Date(amsterdam('2026-12-09T20:59', 1).getTime() + 59_000))).toBe(true);
      expect(helplineOpensAt(kindertelefoon, amsterdam('2026-12-09T23:30', 1))).toEqual(amsterdam('2026-12-10T11:00', 1));
      expect(helplineOpensAt(kindertelefoon, amsterdam('2026-12-10T10:46', 1))).toEqual(amsterdam('2026-12-10T11:00', 1));
      expect(helplineOpensAt(kindertelefoon, amsterdam('2026-12-10T11:00', 1))).toEqual(amsterdam('2026-12-10T11:00', 1));
      expect(helplineOpensAt(helplines.comensha, amsterdam('2026-12-24T18:00', 1))).toEqual(amsterdam('2026-12-28T09:00', 1));
      expect(helplineOpensAt(helplines.comensha, amsterdam('2026-12-12T03:00', 1))).toEqual(amsterdam('2026-12-14T09:00', 1));
    }
  });

  it('CoMensha: weekdays 09:00-17:00, closed on a public holiday', () => {
    expect(helplineOpen(helplines.comensha, amsterdam('2026-12-09T10:00', 1))).toBe(true);
    expect(helplineOpen(helplines.comensha, amsterdam('2026-12-12T10:00', 1))).toBe(false);
    expect(helplineOpen(helplines.comensha, amsterdam('2026-12-25T10:00', 1))).toBe(false);
    expect(helplineOpensAt(helplines.comensha, amsterdam('2026-12-24T18:00', 1))).toEqual(amsterdam('2026-12-28T09:00', 1));
  });

  it('lines without verified hours are never "open": unknown, and no next opening', () => {
    for (const id of ['fier', 'keerpunt'] as const) {
      expect(helplines[id].hours, id).toBeNull();
      expect(helplineOpen(helplines[id], new Date())).toBeUndefined();
      expect(helplineOpensAt(helplines[id], new Date())).toBeUndefined();
    }
    expect(helplineOpen(helplines.veiligThuis, amsterdam('2026-12-09T03:00', 1))).toBe(true);
  });
});

describe('what the bot says about the help lines, at a fixed moment', () => {
  const MOMENTS = [amsterdam('2026-12-09T03:00', 1), amsterdam('2026-12-09T10:45', 1), amsterdam('2026-12-09T15:00', 1), amsterdam('2026-12-09T21:00', 1), amsterdam('2027-07-10T12:00', 2), amsterdam('2026-12-25T15:00', 1)];

  it.each(LANGUAGES)('%s: a line is said to be open now exactly when it is, closed lines say when they open, unverified ones point to the website', (language) => {
    const t = translator.forLanguage(language);
    for (const at of MOMENTS) {
      for (const id of [...TALK_LINES, 'comensha'] as const) {
        const said = helplineLine(translator, language, id, at);
        const open = helplineOpen(helplines[id], at);
        expect(said.startsWith(t(`help:lines.${id}`)), `${id} at ${at.toISOString()}`).toBe(true);
        expect(said.includes(t('help:status.open')), `${id} open at ${at.toISOString()}`).toBe(open === true);
        expect(said.includes(t('help:status.unknown')), `${id} unknown at ${at.toISOString()}`).toBe(open === undefined);
        if (open === false) expect(said, `${id} at ${at.toISOString()}`).toContain(t('help:status.closed', { when: '§' }).split('§')[0]!.trim());
      }
    }
  });

  it('when someone needs a person now, closed lines are left out (all of them only when every line is closed)', () => {
    const night = amsterdam('2026-12-09T23:30', 1);
    const t = translator.forLanguage('en');
    const reachable = helplineLines(translator, 'en', night, { reachableOnly: true });
    expect(reachable).not.toContain(t('help:lines.kindertelefoon'));
    expect(reachable).toContain(t('help:lines.fier'));
    expect(reachable).not.toContain(t('help:status.open'));
    const day = helplineLines(translator, 'en', amsterdam('2026-12-09T15:00', 1), { reachableOnly: true });
    expect(day).toContain(`${t('help:lines.kindertelefoon')} ${t('help:status.open')}`);
    const allClosed: Helplines = Object.fromEntries(Object.entries(helplines).map(([id, line]) => [id, { ...line, hours: { timeZone: 'Europe/Amsterdam', weekly: { mon: [['09:00', '10:00']] } } }])) as Helplines;
    const closedEverywhere = new Translator({ helplines: allClosed, variables: { retentionHours: 48 } });
    const lines = helplineLines(closedEverywhere, 'en', night, { reachableOnly: true });
    for (const id of TALK_LINES) expect(lines).toContain(closedEverywhere.forLanguage('en')(`help:lines.${id}`));
    expect(lines).not.toContain(t('help:status.open'));
  });

  it('with verified hours for Chat met Fier, the bot would say when it is open (nothing to change in the texts)', () => {
    const known: Helplines = { ...helplines, fier: { ...helplines.fier, hours: { timeZone: 'Europe/Amsterdam', weekly: { wed: [['14:00', '22:00']] } } } };
    const t = new Translator({ helplines: known, variables: { retentionHours: 48 } });
    expect(helplineLine(t, 'nl', 'fier', amsterdam('2026-12-09T15:00', 1))).toContain(t.forLanguage('nl')('help:status.open'));
    expect(helplineLine(t, 'nl', 'fier', amsterdam('2026-12-09T23:00', 1))).toContain('woensdag 14:00');
  });
});

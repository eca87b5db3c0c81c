import { describe, expect, it } from 'vitest';
import {
  contestReadingText,
  marksOf,
  NO_MARKS,
  readingOf,
  shortcutAllowed,
  toggleChoice,
  toggleSpecial,
  whereText,
  type BoardContest,
} from './reading.js';

const GOV: BoardContest = { name: 'Governor', choices: ['Ada', 'Bo', 'Cy'], votesAllowed: 1 };
const COUNCIL: BoardContest = { name: 'Council', choices: ['D', 'E', 'F'], votesAllowed: 2 };

describe('the board’s marks', () => {
  it('ticking a choice clears a special answer and the other way round', () => {
    const blank = toggleSpecial(NO_MARKS, 'blank');
    expect(blank).toEqual({ choices: [], special: 'blank' });
    expect(toggleChoice(blank, 'Ada')).toEqual({ choices: ['Ada'], special: null });
    expect(toggleSpecial({ choices: ['Ada'], special: null }, 'overvote')).toEqual({
      choices: [],
      special: 'overvote',
    });
    expect(toggleSpecial(blank, 'blank')).toEqual(NO_MARKS);
    expect(toggleChoice({ choices: ['Ada'], special: null }, 'Ada')).toEqual(NO_MARKS);
  });

  it('makes a reading in ballot order, or says what is missing or too many', () => {
    const fine = readingOf([GOV, COUNCIL], {
      Governor: { choices: ['Bo'], special: null },
      Council: { choices: ['F', 'D'], special: null },
    });
    expect(fine).toEqual({
      ok: true,
      reading: {
        found: true,
        contests: {
          Governor: { kind: 'votes', choices: ['Bo'] },
          Council: { kind: 'votes', choices: ['D', 'F'] },
        },
      },
    });
    const bad = readingOf([GOV, COUNCIL], { Governor: { choices: ['Ada', 'Bo'], special: null } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.map((p) => p.contest)).toEqual(['Governor', 'Council']);
      expect(bad.problems[0]!.message).toMatch(/only 1 vote is allowed.*Overvote/);
      expect(bad.problems[1]!.message).toMatch(/mark what the card shows/);
    }
    expect(readingOf([GOV], { Governor: { choices: [], special: 'not-on-card' } })).toEqual({
      ok: true,
      reading: { found: true, contests: { Governor: { kind: 'not-on-card' } } },
    });
  });

  it('shows a recorded reading again for a correction', () => {
    const reading = {
      found: true as const,
      contests: {
        Governor: { kind: 'votes' as const, choices: ['Cy'] },
        Council: { kind: 'blank' as const },
      },
    };
    const marks = marksOf(reading);
    expect(readingOf([GOV, COUNCIL], marks)).toEqual({ ok: true, reading });
    expect(marksOf({ found: false })).toEqual({});
    expect(contestReadingText(reading.contests.Council)).toBe('Blank (no vote)');
    expect(contestReadingText(reading.contests.Governor)).toBe('Cy');
  });

  it('says where a card is', () => {
    expect(whereText({ tabulator: '2', batch: '17', position: 4 })).toBe(
      'Tabulator: 2 · Batch: 17 · Card 4 in the batch',
    );
    expect(whereText({ tabulator: null, batch: 'B', position: 1 })).toBe('Batch: B · Card 1 in the batch');
  });
});

describe('keyboard shortcuts', () => {
  const key = (target: unknown, mods: Partial<Record<'ctrlKey' | 'altKey' | 'metaKey', boolean>> = {}) => ({
    key: 'r',
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    ...mods,
    target: target as EventTarget | null,
  });
  it('never fire inside text inputs, text areas, selects or editable text, nor with modifiers', () => {
    expect(shortcutAllowed(key({ tagName: 'INPUT', type: 'text' }))).toBe(false);
    expect(shortcutAllowed(key({ tagName: 'input' }))).toBe(false);
    expect(shortcutAllowed(key({ tagName: 'TEXTAREA' }))).toBe(false);
    expect(shortcutAllowed(key({ tagName: 'SELECT' }))).toBe(false);
    expect(shortcutAllowed(key({ tagName: 'DIV', isContentEditable: true }))).toBe(false);
    expect(shortcutAllowed(key({ tagName: 'BODY' }, { ctrlKey: true }))).toBe(false);
  });
  it('fire on the page, buttons and checkboxes', () => {
    expect(shortcutAllowed(key({ tagName: 'BODY' }))).toBe(true);
    expect(shortcutAllowed(key({ tagName: 'INPUT', type: 'checkbox' }))).toBe(true);
    expect(shortcutAllowed(key({ tagName: 'BUTTON' }))).toBe(true);
    expect(shortcutAllowed(key(null))).toBe(true);
  });
});

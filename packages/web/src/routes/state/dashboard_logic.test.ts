import { describe, expect, test } from 'vitest';
import { nextStep, sizesOf, type StatusLike } from './dashboard_logic.js';

const file = { sha256: 'x' };
function status(
  change: Partial<StatusLike['status']> & { seedSet?: boolean },
  jurisdictions?: StatusLike['jurisdictions'],
): StatusLike {
  const { seedSet = false, ...s } = change;
  return {
    status: { rounds: 0, roundOpen: false, complete: false, ...s },
    seedSet,
    jurisdictions: jurisdictions ?? [
      { jurisdiction: 'Alder', manifest: file, cvrs: file, roundCards: 0, recorded: 0 },
      { jurisdiction: 'Birch', manifest: file, cvrs: file, roundCards: 0, recorded: 0 },
    ],
  };
}

describe('nextStep', () => {
  test('names the missing files; CVR exports only when a comparison contest needs them', () => {
    const waiting = status({}, [
      { jurisdiction: 'Alder', manifest: null, cvrs: null, roundCards: 0, recorded: 0 },
      { jurisdiction: 'Birch', manifest: file, cvrs: null, roundCards: 0, recorded: 0 },
      { jurisdiction: 'Cedar', manifest: null, cvrs: file, roundCards: 0, recorded: 0 },
    ]);
    expect(nextStep({ status: waiting, needsCvrs: true })).toEqual({
      step: 'uploads',
      message:
        'Waiting for the ballot manifest of Alder and Cedar and the CVR export of Alder and Birch. Each jurisdiction’s administrator uploads them.',
    });
    expect(nextStep({ status: waiting, needsCvrs: false }).message).not.toContain('CVR');
  });

  test('walks the steps in order: seed, round, progress, finish, next round, reports', () => {
    expect(nextStep({ status: status({}), needsCvrs: true }).step).toBe('seed');
    expect(nextStep({ status: status({ seedSet: true }), needsCvrs: true }).message).toBe(
      'The seed is recorded. Choose the sample size and start round 1.',
    );
    const open = (recorded: number) =>
      status({ seedSet: true, rounds: 1, roundOpen: true }, [
        { jurisdiction: 'Alder', manifest: file, cvrs: file, roundCards: 1200, recorded },
        { jurisdiction: 'Birch', manifest: file, cvrs: file, roundCards: 10, recorded: 10 },
      ]);
    expect(nextStep({ status: open(5), needsCvrs: true }).message).toBe(
      'Round 1 is under way: the audit boards have recorded 15 of 1,210 cards.',
    );
    expect(nextStep({ status: open(1200), needsCvrs: true })).toEqual({
      step: 'finish',
      message: 'Every card of round 1 is recorded. Finish round 1.',
    });
    expect(nextStep({ status: status({ seedSet: true, rounds: 1 }), needsCvrs: true }).message).toBe(
      'Round 1 needs more cards. Choose the size of round 2 and start it.',
    );
    expect(
      nextStep({ status: status({ seedSet: true, rounds: 2, complete: true }), needsCvrs: true }).step,
    ).toBe('reports');
  });
});

describe('sizesOf', () => {
  const contests = [
    { contest: 'Governor', sampledSoFar: 0, ballots: 6000 },
    { contest: 'Measure', sampledSoFar: 20, ballots: 6000 },
  ];
  test('options and custom sizes become the round’s sizes', () => {
    expect(
      sizesOf({
        contests,
        picked: {
          Governor: { kind: 'option', key: 'optimistic' },
          Measure: { kind: 'custom', text: '1,000' },
        },
      }),
    ).toEqual({ ok: true, value: { Governor: { option: 'optimistic' }, Measure: { custom: 1000 } } });
  });
  test('a custom size must be a number above the cards so far and at most N', () => {
    const read = sizesOf({
      contests,
      picked: { Governor: { kind: 'custom', text: 'lots' }, Measure: { kind: 'custom', text: '20' } },
    });
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.error.map((p) => p.contest)).toEqual(['Governor', 'Measure']);
      expect(read.error[1]!.message).toContain('more than 20 and at most 6,000');
    }
    expect(sizesOf({ contests, picked: { Governor: { kind: 'custom', text: '6,001' } } }).ok).toBe(false);
  });
});

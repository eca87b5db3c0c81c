import { expect, test } from 'vitest';
import { maxCards, riskSeries } from './risk_series.js';

test('each contest’s series starts at (0, 1) and follows its finished rounds; open rounds add nothing', () => {
  const series = riskSeries({
    contests: ['Governor', 'Measure'],
    rounds: [
      {
        round: 1,
        results: {
          Governor: { n: 22, pValue: 0.31, status: 'in-progress' },
          Measure: { n: 22, pValue: 0.02, status: 'confirmed' },
        },
      },
      { round: 2, results: { Governor: { n: 57, pValue: 0.04, status: 'confirmed' } } },
      { round: 3, results: null },
    ],
  });
  expect(series).toEqual([
    {
      contest: 'Governor',
      points: [
        { round: 0, cards: 0, risk: 1 },
        { round: 1, cards: 22, risk: 0.31 },
        { round: 2, cards: 57, risk: 0.04 },
      ],
    },
    {
      contest: 'Measure',
      points: [
        { round: 0, cards: 0, risk: 1 },
        { round: 1, cards: 22, risk: 0.02 },
      ],
    },
  ]);
  expect(maxCards(series)).toBe(57);
  expect(maxCards(riskSeries({ contests: ['X'], rounds: [] }))).toBe(1);
});

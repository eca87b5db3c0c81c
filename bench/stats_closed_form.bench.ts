/**
 * Benchmarks of the closed-form statistics (packages/stats): BRAVO sample sizes (ASN and Lindeman's
 * round sizes) for a statewide contest, BRAVO risk over a 5-million-ballot sample, Kaplan–Markov
 * planning for a state's ~700 contests, and Colorado discrepancy counting over a large comparison sample.
 */
import {
  binomialCdf,
  bravoPValue,
  bravoSampleSizes,
  createRng,
  kaplanMarkovFromRates,
  pluralityDiscrepancyCounts,
} from '../packages/stats/src/index.js';
import { report, time, type BenchRow } from './lib.js';

const rows: BenchRow[] = [];

{
  // (1) BRAVO sizes for a statewide contest: N = 13 million, 50.8% to 49.2% of the votes, α = 5%.
  const contest = { tallies: { A: 6_400_000, B: 6_200_000, C: 150_000 }, ballots: 13_000_000, numWinners: 1 };
  let result = bravoSampleSizes({ ...contest, riskLimit: 0.05 });
  const t = await time(() => {
    result = bravoSampleSizes({ ...contest, riskLimit: 0.05 });
  });
  rows.push({
    name: 'stats.bravo.sample-sizes.statewide',
    detail: `N=13e6, margin 1.5%, α=0.05: asn ${result.asn}, 0.9 → ${result.byProbability?.['0.9']}`,
    ...t,
  });
}

{
  // (2) BRAVO risk after a sample of ~5 million ballots (Georgia 2020 hand count shape).
  const contest = {
    tallies: { Biden: 2_471_981, Trump: 2_457_924, Jorgensen: 62_058, WriteIn: 457 },
    ballots: 4_992_420,
    numWinners: 1,
  };
  const sample = { counts: { Biden: 2_471_971, Trump: 2_457_924, Jorgensen: 62_058, WriteIn: 457 } };
  const t = await time(() => bravoPValue({ ...contest, sample }), { runs: 51, warmup: 5 });
  rows.push({ name: 'stats.bravo.pvalue.ga2020', detail: '4 choices, 5e6-ballot sample', ...t });
}

{
  // (3) Kaplan–Markov planning (Arlo's two-step rule) for 700 contests with margins 0.1%–60%.
  const rng = createRng(7);
  const margins = Array.from({ length: 700 }, () => 0.001 + 0.6 * rng.next());
  const rates = { o1: 0.001, o2: 0.0001, u1: 0.001, u2: 0.0001 };
  const t = await time(
    () => {
      for (const m of margins) kaplanMarkovFromRates({ dilutedMargin: m, riskLimit: 0.03, rates });
    },
    { runs: 21, warmup: 3 },
  );
  rows.push({ name: 'stats.kaplan-markov.from-rates.700', detail: '700 contests, α=0.03', ...t });
}

{
  // (4) Colorado discrepancy counting over 200,000 sampled cards, 1% of them misread.
  const rng = createRng(9);
  const pairs = Array.from({ length: 200_000 }, () => {
    const cvr = rng.next() < 0.55 ? ['W'] : ['L'];
    const mvr = rng.next() < 0.01 ? (rng.next() < 0.5 ? [] : ['L']) : cvr;
    return { cvr, mvr };
  });
  const t = await time(() =>
    pluralityDiscrepancyCounts({ pairs, winners: ['W'], losers: ['L', 'M'], votesAllowed: 1 }),
  );
  rows.push({
    name: 'stats.kaplan-markov.discrepancies',
    detail: '200k card pairs',
    ...t,
    extra: { 'cards/s': Math.round(200_000 / (t.ms / 1000)) },
  });
}

{
  // (5) One binomial CDF at n = 13 million near the centre (the inner step of Lindeman's method).
  const t = await time(() => binomialCdf({ k: 6_500_000, n: 13_000_000, p: 0.5 }), { runs: 51, warmup: 5 });
  rows.push({ name: 'stats.binomial-cdf.13e6', detail: 'n=13e6, k at the mean', ...t });
}

report(rows);

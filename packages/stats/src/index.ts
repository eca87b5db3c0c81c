/**
 * @openrla/stats — the statistics of risk-limiting audits: assorters, sequential tests of
 * "mean ≤ 1/2", and sample sizes. Pure functions over numbers; runs unchanged in Node and browsers.
 * See ../../../docs/math.md and spec/math.md for the papers behind each function.
 */
export {};
export { createRng, type Rng } from './prng.js';
export * from './assorters.js';
export * from './alpha.js';
export * from './betting.js';
export * from './kaplan_kolmogorov.js';
export * from './simulate.js';
export * from './distributions.js';
export * from './margins.js';
export * from './bravo.js';
export * from './kaplan_markov.js';

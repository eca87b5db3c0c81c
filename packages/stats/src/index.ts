/**
 * @openrla/stats — the statistics of risk-limiting audits: assorters, sequential tests of
 * "mean ≤ 1/2", and sample sizes. Pure functions over numbers; runs unchanged in Node and browsers.
 * See ../../../docs/math.md and spec/math.md for the papers behind each function.
 */
export {};
export { createRng, type Rng } from './prng.js';

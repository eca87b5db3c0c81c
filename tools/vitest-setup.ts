/**
 * Randomness in tests is always seeded: fast-check's property tests use one fixed seed (override with
 * FC_SEED=… to explore; a failure prints the seed and path to replay it).
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261122) });

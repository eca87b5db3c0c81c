/**
 * The calculator's requests (spec/calc.md, a binding contract): zod schemas beside the types, so the
 * CLI, the HTTP API, the web app and the library read one shape. Validation answers with the first
 * problem as `{ field, message }`, e.g. `contest.tallies.Bob: must be a non-negative integer`.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../result.js';

export interface CalcError {
  /** Dotted path of the offending field, e.g. `contest.tallies.Bob`, `sample.pairs.3.mvr`. */
  readonly field: string;
  readonly message: string;
}

const count = z
  .number({ message: 'must be a non-negative integer' })
  .int({ message: 'must be a non-negative integer' })
  .nonnegative({ message: 'must be a non-negative integer' });
const positiveInt = z
  .number({ message: 'must be a positive integer' })
  .int({ message: 'must be a positive integer' })
  .positive({ message: 'must be a positive integer' });
const probability = z
  .number({ message: 'must be a number' })
  .min(0, 'must be in [0, 1]')
  .max(1, 'must be in [0, 1]');

export const contestSchema = z.looseObject({
  ballots: count,
  tallies: z.record(z.string(), count, { message: 'must be an object of choice → votes' }),
  numWinners: positiveInt.default(1),
  votesAllowed: positiveInt.optional(),
  type: z
    .enum(['plurality', 'supermajority'], { message: 'must be "plurality" or "supermajority"' })
    .default('plurality'),
  shareToWin: z.number({ message: 'must be a number in (0.5, 1)' }).nullable().optional(),
});

/** What one card shows for the contest: the choices marked; null = the card could not be found. */
const ballot = z
  .array(z.string({ message: 'must be a choice name' }), { message: 'must be an array of choices or null' })
  .nullable();
const pair = z.strictObject({ cvr: ballot, mvr: ballot });

const countsSample = z.strictObject({
  counts: z.record(z.string(), count, { message: 'must be an object of choice → draws' }),
  n: count.optional(),
});
const ballotsSample = z.strictObject({ ballots: z.array(ballot, { message: 'must be an array' }) });
const pairsSample = z.strictObject({ pairs: z.array(pair, { message: 'must be an array' }) });
const discrepancyCounts = z.strictObject({
  n: count,
  o1: count.default(0),
  o2: count.default(0),
  u1: count.default(0),
  u2: count.default(0),
});
const rates = z.strictObject({
  o1: probability.default(0),
  o2: probability.default(0),
  u1: probability.default(0),
  u2: probability.default(0),
});
const simulation = {
  quantile: z.number().gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)').default(0.9),
  reps: z
    .number()
    .int('must be a positive integer')
    .min(1, 'must be a positive integer')
    .max(100_000, 'at most 100000')
    .default(1000),
  seed: z.number().int('must be an integer').default(1234567890),
};
const riskLimit = z
  .number({ message: 'must be a number in (0, 0.5]' })
  .gt(0, 'must be in (0, 0.5]')
  .max(0.5, 'must be in (0, 0.5]');

const bravoParams = z.strictObject({});
const alphaPollingParams = z.strictObject({
  estimator: z
    .enum(['shrink-trunc', 'fixed'], { message: 'must be "shrink-trunc" or "fixed"' })
    .default('shrink-trunc'),
  eta0: z.number().optional(),
  d: z.number().positive('must be positive').default(100),
  c: z.number().optional(),
  f: z.number().nonnegative('must be non-negative').default(0),
  minsd: z.number().positive('must be positive').default(1e-6),
  replacement: z.boolean().default(false),
  ...simulation,
});
const kaplanMarkovParams = z.strictObject({
  gamma: z.number().gt(1, 'must be greater than 1').default(1.03905),
  countUnderstatements: z.boolean().default(true),
  rates: rates.optional(),
});
const alphaComparisonParams = z.strictObject({
  bet: z
    .enum(['optimal', 'shrink-trunc', 'fixed'], { message: 'must be "optimal", "shrink-trunc" or "fixed"' })
    .default('optimal'),
  errorRate2: probability.default(1e-5),
  eta: z.number().optional(),
  eta0: z.number().optional(),
  d: z.number().positive('must be positive').default(100),
  c: z.number().optional(),
  f: z.number().nonnegative('must be non-negative').default(0),
  minsd: z.number().positive('must be positive').default(1e-6),
  replacement: z.boolean().default(false),
  rates: rates.optional(),
  ...simulation,
});

const base = { riskLimit, contest: contestSchema };
const op = z.enum(['risk', 'sample-size']);

export const bravoRequestSchema = z.looseObject({
  op,
  method: z.literal('bravo'),
  ...base,
  sample: z.union([countsSample, ballotsSample]).optional(),
  params: bravoParams.prefault({}),
});
export const alphaPollingRequestSchema = z.looseObject({
  op,
  method: z.literal('alpha-polling'),
  ...base,
  sample: ballotsSample.optional(),
  params: alphaPollingParams.prefault({}),
});
export const kaplanMarkovRequestSchema = z.looseObject({
  op,
  method: z.literal('kaplan-markov'),
  ...base,
  sample: z.union([discrepancyCounts, pairsSample]).optional(),
  params: kaplanMarkovParams.prefault({}),
});
export const alphaComparisonRequestSchema = z.looseObject({
  op,
  method: z.literal('alpha-comparison'),
  ...base,
  sample: pairsSample.optional(),
  params: alphaComparisonParams.prefault({}),
});

export const manifestRowSchema = z.looseObject({
  jurisdiction: z.string({ message: 'must be a string' }),
  tabulator: z.string({ message: 'must be a string or null' }).nullable().optional(),
  batch: z.string({ message: 'must be a string' }),
  ballots: count,
});
export const sampleRequestSchema = z.looseObject({
  op: z.literal('sample'),
  seed: z
    .string({ message: 'must be a non-empty string (the seed is text, never a number)' })
    .min(1, 'must not be empty'),
  size: count,
  replacement: z.boolean().default(true),
  alreadySampled: count.default(0),
  manifest: z.array(manifestRowSchema, { message: 'must be an array of batches' }),
});

export type ContestInput = z.infer<typeof contestSchema>;
export type BravoRequest = z.infer<typeof bravoRequestSchema>;
export type AlphaPollingRequest = z.infer<typeof alphaPollingRequestSchema>;
export type KaplanMarkovRequest = z.infer<typeof kaplanMarkovRequestSchema>;
export type AlphaComparisonRequest = z.infer<typeof alphaComparisonRequestSchema>;
export type SampleRequest = z.infer<typeof sampleRequestSchema>;
export type StatsRequest = BravoRequest | AlphaPollingRequest | KaplanMarkovRequest | AlphaComparisonRequest;
export type CalcRequest = StatsRequest | SampleRequest;
export type Ballot = readonly string[] | null;

const methodSchemas = {
  bravo: bravoRequestSchema,
  'alpha-polling': alphaPollingRequestSchema,
  'kaplan-markov': kaplanMarkovRequestSchema,
  'alpha-comparison': alphaComparisonRequestSchema,
} as const;
export type Method = keyof typeof methodSchemas;
export const METHODS = Object.keys(methodSchemas) as Method[];

/** The value at a path in the raw request (to tell a missing field from a wrong one). */
function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = json;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function firstIssue(error: z.ZodError, json: unknown): CalcError {
  const issue = error.issues[0]!;
  let path = issue.path.map(String);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [...path, issue.keys[0]!];
    message = 'is not a known field';
  } else if (issue.code === 'invalid_union') {
    message = 'does not match any accepted shape (see spec/calc.md)';
  } else if (issue.code === 'invalid_type' && valueAt(json, issue.path) === undefined) {
    message = 'is required';
  }
  return { field: path.join('.') || '(request)', message };
}

/** Parses and checks a calculator request: shape first, then the facts that relate fields. */
export function parseCalcRequest(json: unknown): Result<CalcRequest, CalcError> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return err({ field: '(request)', message: 'must be a JSON object' });
  }
  const { op, method } = json as { op?: unknown; method?: unknown };
  if (op === 'sample') {
    const parsed = sampleRequestSchema.safeParse(json);
    return parsed.success ? ok(parsed.data) : err(firstIssue(parsed.error, json));
  }
  if (op !== 'risk' && op !== 'sample-size') {
    return err({
      field: 'op',
      message: op === undefined ? 'is required' : 'must be "risk", "sample-size" or "sample"',
    });
  }
  if (typeof method !== 'string' || !(method in methodSchemas)) {
    return err({
      field: 'method',
      message:
        method === undefined ? 'is required' : `must be one of ${METHODS.map((m) => `"${m}"`).join(', ')}`,
    });
  }
  const parsed = methodSchemas[method as Method].safeParse(json);
  if (!parsed.success) return err(firstIssue(parsed.error, json));
  const request = parsed.data as StatsRequest;
  const problem = checkContest(request.contest) ?? checkParams(request) ?? checkSample(request);
  return problem ? err(problem) : ok(request);
}

/** Facts about a contest that no single field can check. */
function checkContest(contest: ContestInput): CalcError | null {
  const choices = Object.keys(contest.tallies);
  if (choices.length === 0) return { field: 'contest.tallies', message: 'must name at least one choice' };
  const votesAllowed = contest.votesAllowed ?? contest.numWinners;
  if (contest.votesAllowed !== undefined && contest.votesAllowed < contest.numWinners) {
    return { field: 'contest.votesAllowed', message: `must be at least numWinners (${contest.numWinners})` };
  }
  for (const choice of choices) {
    if (contest.tallies[choice]! > contest.ballots) {
      return {
        field: `contest.tallies.${choice}`,
        message: `${contest.tallies[choice]} votes exceed the ${contest.ballots} ballots`,
      };
    }
  }
  const votes = choices.reduce((s, c) => s + contest.tallies[c]!, 0);
  if (votes > contest.ballots * votesAllowed) {
    return {
      field: 'contest.ballots',
      message: `${contest.ballots} ballots cannot hold ${votes} votes (at most ${votesAllowed} per ballot)`,
    };
  }
  if (contest.type === 'supermajority') {
    const f = contest.shareToWin;
    if (f === null || f === undefined) {
      return { field: 'contest.shareToWin', message: 'is required for a supermajority contest' };
    }
    if (!(f > 0.5 && f < 1)) return { field: 'contest.shareToWin', message: 'must be in (0.5, 1)' };
    if (contest.numWinners !== 1)
      return { field: 'contest.numWinners', message: 'must be 1 for a supermajority contest' };
  } else if (contest.shareToWin !== null && contest.shareToWin !== undefined) {
    return { field: 'contest.shareToWin', message: 'applies only to supermajority contests' };
  }
  return null;
}

function checkParams(request: StatsRequest): CalcError | null {
  if (
    request.method === 'alpha-comparison' &&
    request.params.bet === 'fixed' &&
    request.params.eta === undefined
  ) {
    return { field: 'params.eta', message: 'is required when bet is "fixed"' };
  }
  if (request.method === 'alpha-polling' || request.method === 'alpha-comparison') {
    const eta0 = request.params.eta0;
    if (eta0 !== undefined && !(eta0 > 0.5))
      return { field: 'params.eta0', message: 'must be greater than 1/2 (the null mean)' };
  }
  return null;
}

function checkSample(request: StatsRequest): CalcError | null {
  const sample = request.sample;
  if (!sample) return null;
  const known = new Set(Object.keys(request.contest.tallies));
  const checkBallot = (b: Ballot, field: string): CalcError | null => {
    if (b === null) return null;
    for (let i = 0; i < b.length; i++) {
      if (!known.has(b[i]!))
        return { field: `${field}.${i}`, message: `"${b[i]}" is not a choice of the contest` };
    }
    return new Set(b).size === b.length ? null : { field, message: 'names a choice twice' };
  };
  if ('counts' in sample) {
    for (const choice of Object.keys(sample.counts)) {
      if (!known.has(choice))
        return { field: `sample.counts.${choice}`, message: 'is not a choice of the contest' };
    }
  }
  if ('ballots' in sample) {
    for (let i = 0; i < sample.ballots.length; i++) {
      const problem = checkBallot(sample.ballots[i]!, `sample.ballots.${i}`);
      if (problem) return problem;
    }
  }
  if ('pairs' in sample) {
    for (let i = 0; i < sample.pairs.length; i++) {
      const p = sample.pairs[i]!;
      const problem =
        checkBallot(p.cvr, `sample.pairs.${i}.cvr`) ?? checkBallot(p.mvr, `sample.pairs.${i}.mvr`);
      if (problem) return problem;
    }
  }
  if ('o1' in sample) {
    const errors = sample.o1 + sample.o2 + sample.u1 + sample.u2;
    if (errors > sample.n)
      return { field: 'sample.n', message: `must be at least o1 + o2 + u1 + u2 (${errors})` };
  }
  return null;
}

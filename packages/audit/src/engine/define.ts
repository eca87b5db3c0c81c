/**
 * Checking an audit definition (the `audit.define` command): risk limit, jurisdictions, contests, and
 * each contest's method and parameters as the calculator would take them (spec/calc.md).
 */
import { parseCalcRequest } from '../calc/index.js';
import { METHODS } from '../calc/index.js';
import type { AuditDefinition, ContestDefinition, EngineError } from './types.js';
import { isPollingMethod } from './universe.js';

const TYPES = ['plurality', 'approval', 'supermajority'] as const;
const ROLES = ['targeted', 'opportunistic'] as const;

function bad(field: string, message: string, kind = 'definition.invalid'): EngineError {
  return { kind, message: `${field}: ${message}`, field };
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function checkContest(
  c: ContestDefinition,
  i: number,
  jurisdictions: ReadonlySet<string>,
  replacement: boolean,
): EngineError | null {
  const f = `contests.${i}`;
  if (typeof c !== 'object' || c === null) return bad(f, 'must be an object');
  if (typeof c.name !== 'string' || c.name === '') return bad(`${f}.name`, 'must be a non-empty text');
  if (!(ROLES as readonly string[]).includes(c.role))
    return bad(`${f}.role`, 'must be "targeted" or "opportunistic"');
  if (!(TYPES as readonly string[]).includes(c.type))
    return bad(`${f}.type`, 'must be "plurality", "approval" or "supermajority"');
  if (!(METHODS as readonly string[]).includes(c.method))
    return bad(`${f}.method`, `must be one of ${METHODS.join(', ')}`);
  if (!Array.isArray(c.jurisdictions) || c.jurisdictions.length === 0)
    return bad(`${f}.jurisdictions`, 'must name at least one jurisdiction');
  for (const j of c.jurisdictions) {
    if (!jurisdictions.has(j)) return bad(`${f}.jurisdictions`, `"${j}" is not a jurisdiction of the audit`);
  }
  if (new Set(c.jurisdictions).size !== c.jurisdictions.length)
    return bad(`${f}.jurisdictions`, 'names a jurisdiction twice');
  if (!isCount(c.numWinners) || c.numWinners < 1) return bad(`${f}.numWinners`, 'must be a positive integer');
  if (c.votesAllowed !== undefined && (!isCount(c.votesAllowed) || c.votesAllowed < c.numWinners)) {
    return bad(`${f}.votesAllowed`, `must be an integer of at least numWinners (${c.numWinners})`);
  }
  if (c.ballots !== undefined && (!isCount(c.ballots) || c.ballots < 1))
    return bad(`${f}.ballots`, 'must be a positive integer');
  if (c.type === 'supermajority') {
    if (typeof c.shareToWin !== 'number' || !(c.shareToWin > 0.5 && c.shareToWin < 1))
      return bad(`${f}.shareToWin`, 'must be in (0.5, 1)');
    if (c.numWinners !== 1) return bad(`${f}.numWinners`, 'must be 1 for a supermajority contest');
    if (c.method === 'bravo' || c.method === 'kaplan-markov') {
      return bad(
        `${f}.method`,
        `${c.method} is defined for plurality contests; use ${c.method === 'bravo' ? 'alpha-polling' : 'alpha-comparison'}`,
      );
    }
  } else if (c.shareToWin !== undefined) {
    return bad(`${f}.shareToWin`, 'applies only to supermajority contests');
  }
  if ((c.method === 'bravo' || c.method === 'kaplan-markov') && !replacement) {
    return bad(`${f}.method`, `${c.method} samples with replacement; the audit samples without`);
  }
  if (isPollingMethod(c.method)) {
    if (c.tallies === undefined)
      return bad(`${f}.tallies`, 'ballot polling needs the reported votes per choice');
  }
  if (c.tallies !== undefined) {
    if (typeof c.tallies !== 'object' || c.tallies === null)
      return bad(`${f}.tallies`, 'must be an object of choice → votes');
    for (const [choice, v] of Object.entries(c.tallies)) {
      if (!isCount(v)) return bad(`${f}.tallies.${choice}`, 'must be a non-negative integer');
    }
  }
  if (
    c.choices !== undefined &&
    (!Array.isArray(c.choices) || c.choices.some((x) => typeof x !== 'string'))
  ) {
    return bad(`${f}.choices`, 'must be a list of choice names');
  }
  // The method's parameters, checked by the calculator itself on a stand-in contest.
  const params = { ...(c.params ?? {}) };
  if (c.method === 'alpha-polling' || c.method === 'alpha-comparison') params['replacement'] = replacement;
  const probe = parseCalcRequest({
    op: 'risk',
    method: c.method,
    riskLimit: 0.05,
    contest: { ballots: 10, tallies: { a: 6, b: 3 } },
    params,
  });
  if (!probe.ok && probe.error.field.startsWith('params'))
    return bad(`${f}.${probe.error.field}`, probe.error.message);
  return null;
}

const SAMPLERS = ['consistent', 'rivest-2011'] as const;

/**
 * The sampler and what it requires. Colorado's `rivest-2011` (spec/sampling.md §2) draws one stream per
 * targeted contest with replacement and measures it with Kaplan–Markov counting understatements
 * (spec/math.md §2.3), so every contest must be targeted (no shared coverage to measure an
 * opportunistic contest on) and use `kaplan-markov` with understatements counted.
 */
function checkSampler(options: {
  readonly definition: AuditDefinition;
  readonly replacement: boolean;
}): EngineError | null {
  const { definition: d, replacement } = options;
  if (d.sampler === undefined) return null;
  if (!(SAMPLERS as readonly string[]).includes(d.sampler))
    return bad('sampler', `must be one of ${SAMPLERS.join(', ')}`);
  if (d.sampler !== 'rivest-2011') return null;
  if (!replacement) return bad('replacement', 'the rivest-2011 sampler (Colorado) samples with replacement');
  for (let i = 0; i < d.contests.length; i++) {
    const c = d.contests[i]!;
    if (c.role !== 'targeted')
      return bad(`contests.${i}.role`, 'the rivest-2011 sampler (Colorado) audits targeted contests only');
    if (c.method !== 'kaplan-markov')
      return bad(`contests.${i}.method`, 'the rivest-2011 sampler (Colorado) goes with kaplan-markov');
    if (c.params?.['countUnderstatements'] === false)
      return bad(`contests.${i}.params.countUnderstatements`, 'Colorado counts understatements');
  }
  return null;
}

/** The definition with its defaults applied, or the first problem. */
export function checkDefinition(
  d: AuditDefinition,
):
  | { readonly ok: true; readonly value: AuditDefinition & { readonly replacement: boolean } }
  | { readonly ok: false; readonly error: EngineError } {
  const fail = (error: EngineError) => ({ ok: false as const, error });
  if (typeof d !== 'object' || d === null) return fail(bad('definition', 'must be an object'));
  if (typeof d.name !== 'string' || d.name === '') return fail(bad('name', 'must be a non-empty text'));
  if (typeof d.riskLimit !== 'number' || !(d.riskLimit > 0 && d.riskLimit <= 0.5))
    return fail(bad('riskLimit', 'must be in (0, 0.5]'));
  if (!Array.isArray(d.jurisdictions) || d.jurisdictions.length === 0)
    return fail(bad('jurisdictions', 'must name at least one jurisdiction'));
  if (d.jurisdictions.some((j) => typeof j !== 'string' || j === ''))
    return fail(bad('jurisdictions', 'must be non-empty texts'));
  const jurisdictions = new Set(d.jurisdictions);
  if (jurisdictions.size !== d.jurisdictions.length)
    return fail(bad('jurisdictions', 'names a jurisdiction twice'));
  if (!Array.isArray(d.contests) || d.contests.length === 0)
    return fail(bad('contests', 'must hold at least one contest'));
  const replacement =
    d.replacement ?? d.contests.some((c) => c.method === 'bravo' || c.method === 'kaplan-markov');
  if (typeof replacement !== 'boolean') return fail(bad('replacement', 'must be true or false'));
  const names = new Set<string>();
  for (let i = 0; i < d.contests.length; i++) {
    const c = d.contests[i]!;
    const problem = checkContest(c, i, jurisdictions, replacement);
    if (problem) return fail(problem);
    if (names.has(c.name)) return fail(bad(`contests.${i}.name`, `"${c.name}" is defined twice`));
    names.add(c.name);
  }
  if (!d.contests.some((c) => c.role === 'targeted'))
    return fail(bad('contests', 'at least one contest must be targeted'));
  const problem = checkSampler({ definition: d, replacement });
  if (problem) return fail(problem);
  return { ok: true, value: { ...d, replacement } };
}

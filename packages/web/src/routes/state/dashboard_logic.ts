/**
 * The audit dashboard's pure part: what the state administrator should do next (one sentence, from the
 * audit's status), and the round sizes picked in the sample-size table as the `sizes` of
 * `POST /audits/:id/rounds` (an offered option, or a custom cumulative size).
 */
import { parseCount } from '../../format/numbers.js';
import { err, ok, type Result } from '../../lib/result.js';

/** The parts of the audit's status the dashboard reasons about. */
export interface StatusLike {
  readonly status: { readonly rounds: number; readonly roundOpen: boolean; readonly complete: boolean };
  readonly seedSet: boolean;
  readonly jurisdictions: readonly {
    readonly jurisdiction: string;
    readonly manifest: unknown;
    readonly cvrs: unknown;
    readonly roundCards: number;
    readonly recorded: number;
  }[];
}

export type Step = 'uploads' | 'plan' | 'seed' | 'round' | 'progress' | 'finish' | 'reports';

export interface NextStep {
  readonly step: Step;
  readonly message: string;
}

function list(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The one thing to do next, in plain words. `needsCvrs`: the audit has a ballot-comparison contest. */
export function nextStep(options: { readonly status: StatusLike; readonly needsCvrs: boolean }): NextStep {
  const { status: s, needsCvrs } = options;
  if (s.status.complete)
    return {
      step: 'reports',
      message: 'The audit is complete. Download the report and publish the audit record.',
    };
  if (s.status.roundOpen) {
    const cards = s.jurisdictions.reduce((n, j) => n + j.roundCards, 0);
    const recorded = s.jurisdictions.reduce((n, j) => n + Math.min(j.recorded, j.roundCards), 0);
    const round = s.status.rounds;
    if (recorded < cards)
      return {
        step: 'progress',
        message: `Round ${round} is under way: the audit boards have recorded ${recorded.toLocaleString('en-US')} of ${cards.toLocaleString('en-US')} cards.`,
      };
    return { step: 'finish', message: `Every card of round ${round} is recorded. Finish round ${round}.` };
  }
  if (!s.seedSet) {
    const noManifest = s.jurisdictions.filter((j) => j.manifest === null).map((j) => j.jurisdiction);
    const noCvrs = needsCvrs ? s.jurisdictions.filter((j) => j.cvrs === null).map((j) => j.jurisdiction) : [];
    if (noManifest.length > 0 || noCvrs.length > 0) {
      const parts: string[] = [];
      if (noManifest.length > 0) parts.push(`the ballot manifest of ${list(noManifest)}`);
      if (noCvrs.length > 0) parts.push(`the CVR export of ${list(noCvrs)}`);
      return {
        step: 'uploads',
        message: `Waiting for ${parts.join(' and ')}. Each jurisdiction’s administrator uploads them.`,
      };
    }
    return {
      step: 'seed',
      message:
        'Every file is in. Review the sample sizes, then record the seed rolled at the public dice ceremony.',
    };
  }
  const next = s.status.rounds + 1;
  return {
    step: 'round',
    message:
      s.status.rounds === 0
        ? 'The seed is recorded. Choose the sample size and start round 1.'
        : `Round ${s.status.rounds} needs more cards. Choose the size of round ${next} and start it.`,
  };
}

/** What the person picked for one contest in the sample-size table. */
export type PickedSize =
  { readonly kind: 'option'; readonly key: string } | { readonly kind: 'custom'; readonly text: string };

/** The `sizes` of `POST /audits/:id/rounds`: every contest's pick, or the contests whose custom size is wrong. */
export function sizesOf(options: {
  readonly contests: readonly {
    readonly contest: string;
    readonly sampledSoFar: number;
    readonly ballots: number;
  }[];
  readonly picked: Readonly<Record<string, PickedSize>>;
}): Result<Record<string, { option: string } | { custom: number }>, { contest: string; message: string }[]> {
  const sizes: Record<string, { option: string } | { custom: number }> = {};
  const problems: { contest: string; message: string }[] = [];
  for (const c of options.contests) {
    const p = options.picked[c.contest];
    if (p === undefined) continue;
    if (p.kind === 'option') {
      sizes[c.contest] = { option: p.key };
      continue;
    }
    const n = parseCount(p.text);
    if (!n.ok) problems.push({ contest: c.contest, message: `${c.contest}: custom size: ${n.error}` });
    else if (n.value <= c.sampledSoFar || n.value > c.ballots)
      problems.push({
        contest: c.contest,
        message: `${c.contest}: the custom size counts every card drawn so far, so it must be more than ${c.sampledSoFar.toLocaleString('en-US')} and at most ${c.ballots.toLocaleString('en-US')}.`,
      });
    else sizes[c.contest] = { custom: n.value };
  }
  return problems.length > 0 ? err(problems) : ok(sizes);
}

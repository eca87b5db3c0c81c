/**
 * The planner's answer: one table row per method and figure (plan_methods.ts), filled in as each
 * answer arrives, with what the numbers assume written under the table.
 */
import { Alert, Table } from '@trussworks/react-uswds';
import type { CalcError, SampleSizeAnswer } from '@openrla/audit';
import { formatCount, formatPercent } from '../../../format/numbers.js';
import type { Result } from '../../../lib/result.js';
import type { PlannedContest } from './plan_form.js';
import { DOES_NOT_APPLY, PLAN_METHODS, PLAN_ROWS, PLANNING_RATES, type PlanRow } from './plan_methods.js';

export interface PlanResultsProps {
  readonly planned: PlannedContest;
  /** The calculator's answers in the order of PLAN_METHODS; undefined while one is computing. */
  readonly answers: readonly (Result<SampleSizeAnswer, CalcError> | undefined)[];
  /** A failure that is not the user's doing (server unreachable, server error). */
  readonly failure: Error | null;
}

function cell(row: PlanRow, props: PlanResultsProps): string {
  const result = props.answers[PLAN_METHODS.indexOf(row.method)];
  if (result && !result.ok) return DOES_NOT_APPLY;
  const answer = result?.value;
  if (!answer) return props.failure ? 'Not available' : 'Computing…';
  const cards = row.pick(answer);
  if (cards === null) return 'Not computed for several winners';
  const n = props.planned.contest.ballots;
  return cards >= n && n > 0 ? `${formatCount(cards)} (all: full hand count)` : formatCount(cards);
}

export function PlanResults(props: PlanResultsProps) {
  const { planned, answers, failure } = props;
  const done = answers.length > 0 && answers.every((a) => a !== undefined);
  const first = answers.find((a) => a?.ok);
  const uncontested = first?.ok === true && first.value.uncontested === true;
  const risk = formatPercent(planned.riskLimit, 6);
  const rates = PLANNING_RATES;

  return (
    <section aria-labelledby="results-heading" className="margin-top-5">
      <h2 id="results-heading">Sample sizes</h2>
      <p role="status" className="usa-sr-only">
        {failure
          ? 'The sample sizes could not be computed.'
          : done
            ? 'Sample sizes computed.'
            : 'Computing sample sizes…'}
      </p>
      {failure ? (
        <Alert type="error" headingLevel="h3" heading="The sample sizes could not be computed">
          {failure.message}
        </Alert>
      ) : null}
      {uncontested ? (
        <Alert type="info" headingLevel="h3" heading="Nothing to audit">
          No choice is reported to lose, so no outcome can be wrong: the audit samples no cards.
        </Alert>
      ) : null}
      <Table
        bordered
        fullWidth
        caption={`Ballot cards to audit at a ${risk} risk limit, if the reported results are right`}
      >
        <thead>
          <tr>
            <th scope="col">Audit design</th>
            <th scope="col">Method</th>
            <th scope="col">The number is</th>
            <th scope="col" className="openrla-num">
              Ballot cards
            </th>
          </tr>
        </thead>
        <tbody>
          {PLAN_ROWS.map((row) => (
            <tr key={row.id} data-row={row.id}>
              <td>{row.design}</td>
              <th scope="row">{row.label}</th>
              <td>{row.detail}</td>
              <td className="openrla-num" data-testid={`size-${row.id}`}>
                {cell(row, props)}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <ul className="usa-list font-body-xs">
        <li>
          Ballot comparison audits compare the voting system’s record of each sampled card with the paper.
          Their sizes assume discrepancies at these rates per card: one-vote overstatements{' '}
          {formatPercent(rates.o1)}, two-vote overstatements {formatPercent(rates.o2)}, one-vote
          understatements {formatPercent(rates.u1)}, two-vote understatements {formatPercent(rates.u2)}.
        </li>
        <li>
          Ballot polling audits read sampled paper ballots only; they need no records from the voting system.
        </li>
        <li>
          ALPHA sizes come from 1,000 simulated audits with a fixed seed, so they are the same on every
          computer.
        </li>
        <li>
          The same numbers come from <code>openrla calc</code> in a terminal and from{' '}
          <code>POST /api/calc</code>.
        </li>
      </ul>
    </section>
  );
}

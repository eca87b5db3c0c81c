/**
 * /audits/:auditId — an audit's progress, for anyone: its contests with the measured risk and status
 * after the last round, each round (cards to read, cards read, results), and each jurisdiction's files
 * and cards read in the current round. While a round runs the page refreshes itself every 5 seconds.
 * From here a person goes on to the published record or to the verify page.
 */
import { Alert, Table } from '@trussworks/react-uswds';
import { formatCount } from '../../../format/numbers.js';
import { usePageTitle } from '../../../layout/page_title.js';
import {
  AuditPagesNav,
  ContestResultsTable,
  useAuditId,
  usePublicProgress,
  type PublicProgress,
} from './audit_common.js';
import { auditStateWord, formatRiskLimit } from './public_words.js';

function contestRows(progress: PublicProgress) {
  return progress.contests.map((c) => ({
    contest: c.name,
    status: c.result?.status ?? null,
    risk: c.result?.risk ?? null,
    sampled: c.result?.sampled ?? null,
    discrepancies: c.result?.discrepancies ?? null,
  }));
}

export function ProgressPage() {
  const auditId = useAuditId();
  const progress = usePublicProgress(auditId, { live: true });
  const name = progress.data?.name ?? auditId;
  usePageTitle(`Progress of ${name}`);
  if (progress.isPending)
    return (
      <>
        <h1>Audit {auditId}</h1>
        <p role="status">Loading the audit’s progress…</p>
      </>
    );
  if (progress.isError)
    return (
      <>
        <h1>Audit {auditId}</h1>
        <Alert type="error" headingLevel="h2" heading="This audit’s progress could not be loaded">
          {progress.error.message} Check the address, or find the audit in the list of audits.
        </Alert>
      </>
    );
  const p = progress.data;
  return (
    <>
      <h1>{name}</h1>
      <AuditPagesNav auditId={auditId} />
      <p className="usa-intro">
        {auditStateWord(p)}.{' '}
        {p.riskLimit !== null && (
          <>
            Risk limit: <strong>{formatRiskLimit(p.riskLimit)}</strong> — a contest’s outcome is confirmed
            when its measured risk is at or below this.
          </>
        )}
      </p>
      {p.roundOpen && (
        <p role="status" className="text-italic">
          Round {formatCount(p.rounds)} is running: this page refreshes itself every 5 seconds.
        </p>
      )}

      <h2>Contests</h2>
      {p.contests.length === 0 ? (
        <p>The audit has no contests yet.</p>
      ) : (
        <ContestResultsTable caption="Each contest after the last finished round" rows={contestRows(p)} />
      )}

      <h2>Rounds</h2>
      {p.roundList.length === 0 ? (
        <p>
          No round has started yet.{' '}
          {p.seedSet
            ? 'The random seed is recorded; the first sample is drawn when the round starts.'
            : 'The random seed from the public dice ceremony has not been recorded yet.'}
        </p>
      ) : (
        <Table bordered fullWidth>
          <caption>Each round: the ballot cards to read and how many are read</caption>
          <thead>
            <tr>
              <th scope="col">Round</th>
              <th scope="col">Ballot cards to read</th>
              <th scope="col">Read so far</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {p.roundList.map((r) => (
              <tr key={r.round}>
                <th scope="row">Round {formatCount(r.round)}</th>
                <td>{formatCount(r.cards)}</td>
                <td>{formatCount(r.recorded)}</td>
                <td>{r.finished ? 'Finished' : 'Running'}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      <h2>Jurisdictions</h2>
      <Table bordered fullWidth>
        <caption>Each jurisdiction’s files and its ballot cards in the current round</caption>
        <thead>
          <tr>
            <th scope="col">Jurisdiction</th>
            <th scope="col">Ballot manifest</th>
            <th scope="col">Cast vote records</th>
            <th scope="col">Cards to read this round</th>
            <th scope="col">Read</th>
          </tr>
        </thead>
        <tbody>
          {p.jurisdictions.map((j) => (
            <tr key={j.jurisdiction}>
              <th scope="row">{j.jurisdiction}</th>
              <td>{j.manifest ? 'Uploaded' : 'Not yet'}</td>
              <td>{j.cvrs ? 'Uploaded' : 'Not yet'}</td>
              <td>{formatCount(j.roundCards)}</td>
              <td>{formatCount(j.recorded)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}

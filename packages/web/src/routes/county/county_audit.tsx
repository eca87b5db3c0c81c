/**
 * One audit as a jurisdiction administrator runs it (/county/audits/:auditId). What a person does here,
 * top to bottom: (1) upload the ballot manifest and the CVR export and check what was imported;
 * (2) create audit boards and print each board's sign-in sheet; (3) when the state administrator has
 * started a round, download the retrieval list (CSV or PDF) and fetch the ballot cards; (4) follow the
 * boards as they record; (5) sign off the round once every card is recorded. A box at the top says what
 * to do next; the page follows the boards live while a round is open.
 */
import { Alert, Button, Table } from '@trussworks/react-uswds';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useApi } from '../../api/api_context.js';
import { answerOf, csrfHeaders } from '../../api/request.js';
import { formatCount } from '../../format/numbers.js';
import { ErrorSummary, type SummaryItem } from '../../forms/error_summary.js';
import { usePageTitle } from '../../layout/page_title.js';
import { useSignedIn } from '../../session/session.js';
import { PATHS } from '../paths.js';
import { BoardsSection } from './boards_section.js';
import {
  countyKeys,
  jurisdictionPath,
  useBoardCredentials,
  useCountyAudits,
  useCountyStatus,
  useImportedFiles,
  type JurisdictionProgress,
} from './county_api.js';
import { credentialRound, nextStep, nextStepText } from './county_logic.js';
import { FilesSection } from './files_section.js';

function RetrievalSection({
  auditId,
  jurisdiction,
  rounds,
}: {
  readonly auditId: string;
  readonly jurisdiction: string;
  readonly rounds: number;
}) {
  return (
    <section aria-labelledby="retrieval-heading" className="margin-top-5">
      <h2 id="retrieval-heading">3. Retrieval list</h2>
      {rounds === 0 ? (
        <p>The list of ballot cards to fetch appears here when the state administrator starts round 1.</p>
      ) : (
        <>
          <p>
            The ballot cards of round {rounds} in {jurisdiction}, in the order to walk the storage, with the
            audit board that reads each one.
          </p>
          <ul className="usa-button-group">
            <li className="usa-button-group__item">
              <a
                className="usa-button"
                href={jurisdictionPath(auditId, jurisdiction, 'retrieval.pdf')}
                download
              >
                Download the retrieval list (PDF, to print)
              </a>
            </li>
            <li className="usa-button-group__item">
              <a
                className="usa-button usa-button--outline"
                href={jurisdictionPath(auditId, jurisdiction, 'retrieval.csv')}
                download
              >
                Download the retrieval list (CSV)
              </a>
            </li>
          </ul>
        </>
      )}
    </section>
  );
}

function ProgressSection({
  progress,
  round,
}: {
  readonly progress: JurisdictionProgress;
  readonly round: number;
}) {
  const remaining = progress.roundCards - progress.recorded;
  return (
    <section aria-labelledby="progress-heading" className="margin-top-5">
      <h2 id="progress-heading">4. Progress of round {round}</h2>
      <p role="status" aria-live="polite">
        {formatCount(progress.recorded)} of {formatCount(progress.roundCards)} ballot cards recorded
        {remaining > 0 ? `; ${formatCount(remaining)} to go.` : '.'}
      </p>
      <progress
        max={Math.max(progress.roundCards, 1)}
        value={progress.recorded}
        aria-label={`Cards recorded in round ${round}`}
      />
      {progress.boardProgress.length > 0 ? (
        <Table bordered>
          <caption className="usa-sr-only">Cards recorded per audit board</caption>
          <thead>
            <tr>
              <th scope="col">Audit board</th>
              <th scope="col">Recorded</th>
            </tr>
          </thead>
          <tbody>
            {progress.boardProgress.map((b) => (
              <tr key={b.board}>
                <th scope="row">{b.board}</th>
                <td>
                  {formatCount(b.recorded)} of {formatCount(b.cards)}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
    </section>
  );
}

function SignOffSection({
  auditId,
  jurisdiction,
  round,
  progress,
  onProblem,
}: {
  readonly auditId: string;
  readonly jurisdiction: string;
  readonly round: number;
  readonly progress: JurisdictionProgress;
  readonly onProblem: (items: SummaryItem[]) => void;
}) {
  const me = useSignedIn();
  const client = useApi();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [justSigned, setJustSigned] = useState(false);
  const done = useRef<HTMLDivElement>(null);
  const remaining = progress.roundCards - progress.recorded;
  // The button goes away once signed off: focus moves to the confirmation instead of the page's top.
  useEffect(() => {
    if (justSigned && progress.signedOff) done.current?.focus();
  }, [justSigned, progress.signedOff]);

  async function signOff() {
    setBusy(true);
    try {
      const answer = await answerOf(
        client.api.audits[':auditId'].jurisdictions[':jurisdiction']['sign-off'].$post(
          { param: { auditId, jurisdiction }, json: { round } },
          { headers: csrfHeaders(me.csrfToken) },
        ),
      );
      onProblem(answer.ok ? [] : [{ inputId: null, message: answer.error.message }]);
      if (answer.ok) setJustSigned(true);
      await queryClient.invalidateQueries({ queryKey: countyKeys.status(auditId) });
    } catch (failure) {
      onProblem([{ inputId: null, message: (failure as Error).message }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sign-off-heading" className="margin-top-5">
      <h2 id="sign-off-heading">5. Sign off round {round}</h2>
      {progress.signedOff ? (
        <div ref={done} tabIndex={-1}>
          <Alert type="success" headingLevel="h3" heading={`${jurisdiction} signed off round ${round}`}>
            Your readings of this round are final. The state administrator finishes the round.
          </Alert>
        </div>
      ) : remaining > 0 ? (
        <p>
          You can sign off when every card is recorded: {formatCount(remaining)} card
          {remaining === 1 ? ' is' : 's are'} still to record.
        </p>
      ) : (
        <>
          <p>
            Every ballot card of round {round} is recorded. Signing off says so for {jurisdiction}; afterwards
            the boards can no longer change a reading of this round.
          </p>
          <Button type="button" onClick={() => void signOff()} disabled={busy}>
            {busy ? 'Signing off…' : `Sign off round ${round}`}
          </Button>
        </>
      )}
    </section>
  );
}

export function CountyAuditPage() {
  const { auditId = '' } = useParams();
  const me = useSignedIn();
  const jurisdiction = me.principal.role === 'jurisdiction-admin' ? me.principal.jurisdiction : '';
  const audits = useCountyAudits(jurisdiction);
  const status = useCountyStatus(auditId);
  const files = useImportedFiles(auditId, jurisdiction);
  const credentials = useBoardCredentials(jurisdiction);
  const [uploadProblems, setUploadProblems] = useState<Record<string, SummaryItem | null>>({});
  const [problems, setProblems] = useState<SummaryItem[]>([]);
  const [focusKey, setFocusKey] = useState(0);
  const name = audits.data?.audits.find((a) => a.auditId === auditId)?.name ?? auditId;
  usePageTitle(`${name}: ${jurisdiction}`);

  const report = (items: SummaryItem[]) => {
    setProblems(items);
    if (items.length > 0) setFocusKey((n) => n + 1);
  };
  const reportUpload = (what: 'manifest' | 'cvrs', item: SummaryItem | null) => {
    setUploadProblems((p) => ({ ...p, [what]: item }));
    if (item) setFocusKey((n) => n + 1);
  };
  const summary = [...Object.values(uploadProblems).filter((p): p is SummaryItem => p !== null), ...problems];

  if (status.isPending) return <p role="status">Loading the audit…</p>;
  if (status.isError)
    return (
      <>
        <h1>{name}</h1>
        <Alert type="error" headingLevel="h2" heading="The audit could not be loaded">
          {status.error.message}{' '}
          <Link className="usa-link" to={PATHS.county}>
            Back to your audits
          </Link>
        </Alert>
      </>
    );
  const s = status.data;
  const progress = s.jurisdictions.find((j) => j.jurisdiction === jurisdiction);
  if (!progress)
    return (
      <>
        <h1>{name}</h1>
        <Alert type="warning" headingLevel="h2" heading={`This audit does not include ${jurisdiction}`}>
          Nothing to do here for {jurisdiction}.{' '}
          <Link className="usa-link" to={PATHS.county}>
            Back to your audits
          </Link>
        </Alert>
      </>
    );
  const step = nextStep({
    needsCvrs: true,
    manifest: progress.manifest !== null,
    cvrs: progress.cvrs !== null,
    boards: progress.boards.length,
    roundOpen: s.status.roundOpen,
    complete: s.status.complete,
    roundCards: progress.roundCards,
    recorded: progress.recorded,
    signedOff: progress.signedOff,
  });

  return (
    <>
      <p className="margin-bottom-0">
        <Link className="usa-link" to={PATHS.county}>
          Your audits
        </Link>
      </p>
      <h1 className="margin-top-1">
        {name}: {jurisdiction}
      </h1>
      <ErrorSummary items={summary} focusKey={focusKey} />
      <Alert type="info" headingLevel="h2" heading="What to do next">
        {nextStepText(step)}
      </Alert>
      <FilesSection
        auditId={auditId}
        jurisdiction={jurisdiction}
        files={files.data}
        onProblem={reportUpload}
      />
      <BoardsSection
        auditId={auditId}
        jurisdiction={jurisdiction}
        progress={progress}
        credentials={credentials.data}
        credentialRound={credentialRound(s.status)}
        canIssue={!s.status.complete}
        roundOpen={s.status.roundOpen}
        onProblem={report}
      />
      <RetrievalSection auditId={auditId} jurisdiction={jurisdiction} rounds={s.status.rounds} />
      {s.status.rounds > 0 ? (
        <>
          <ProgressSection progress={progress} round={s.status.rounds} />
          {s.status.roundOpen || progress.signedOff ? (
            <SignOffSection
              auditId={auditId}
              jurisdiction={jurisdiction}
              round={s.status.rounds}
              progress={progress}
              onProblem={report}
            />
          ) : null}
        </>
      ) : null}
    </>
  );
}

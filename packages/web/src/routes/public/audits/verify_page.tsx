/**
 * /audits/:auditId/verify — anyone re-proves the audit in this browser. The person presses "Verify this
 * record"; the page downloads the published record (record.json, events.jsonl, every county file) and
 * runs the same verification as `openrla audit verify DIR`: it checks the hash chain, then replays every
 * event with the audit engine over the files, recomputing each sample, CVR, discrepancy and risk. The
 * page shows progress (events replayed, files read) and then either what was checked — events, the hash
 * chain, samples per round, discrepancies and risks per contest — or exactly which event disagrees and
 * how. The verification code is loaded only when asked for (a dynamic import), so the app stays small.
 */
import { Alert, Button, Table } from '@trussworks/react-uswds';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Verification, VerifiedRecord, VerifyProgress } from '@openrla/ingest/record';
import { formatCount } from '../../../format/numbers.js';
import { usePageTitle } from '../../../layout/page_title.js';
import { PATHS } from '../../paths.js';
import { AuditPagesNav, ContestResultsTable, useAuditId, usePublicProgress } from './audit_common.js';
import { describeFailure, formatRiskLimit, progressSentence } from './public_words.js';

type Run =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly progress: VerifyProgress | null }
  | { readonly state: 'done'; readonly verification: Verification }
  | { readonly state: 'broken'; readonly message: string };

export function VerifyPage() {
  const auditId = useAuditId();
  const name = usePublicProgress(auditId).data?.name ?? auditId;
  usePageTitle(`Verify ${name}`);
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (run.state === 'done' || run.state === 'broken') outcome.current?.focus();
  }, [run.state]);

  /** Verifies the record this server publishes, or the files chosen from this computer. */
  async function start(chosen: readonly File[] | null): Promise<void> {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRun({ state: 'running', progress: null });
    try {
      const { verifyAuditRecord, verifyChosenRecord } = await import('./verify_run.js');
      const onProgress = (progress: VerifyProgress): void => {
        if (!controller.signal.aborted) setRun({ state: 'running', progress });
      };
      const verification =
        chosen === null
          ? await verifyAuditRecord({ auditId, signal: controller.signal, onProgress })
          : await verifyChosenRecord({ files: chosen, onProgress });
      if (!controller.signal.aborted) setRun({ state: 'done', verification });
    } catch (error) {
      if (!controller.signal.aborted)
        setRun({ state: 'broken', message: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <>
      <h1>Verify: {name}</h1>
      <AuditPagesNav auditId={auditId} />
      <p className="usa-intro">
        Check this audit yourself, here in your browser. The check downloads the{' '}
        <Link className="usa-link" to={`${PATHS.publicAudit(auditId)}/record`}>
          published audit record
        </Link>{' '}
        and recomputes it: the hash chain of the log, then every event again — the sample drawn from the seed,
        the cast vote records of the sampled cards, the discrepancies and every risk number. It is the same
        check as <code>npx openrla audit verify</code> on the command line.
      </p>
      <Button type="button" onClick={() => void start(null)} disabled={run.state === 'running'}>
        Verify this record
      </Button>
      <h2>Or verify a record saved on your computer</h2>
      <p>
        If you saved the record (the record page shows how), choose its folder — the one holding record.json,
        events.jsonl and files/. The check starts when you choose it, and reads only your copy.
      </p>
      <label className="usa-label" htmlFor="record-folder">
        Record folder
      </label>
      <input
        id="record-folder"
        className="usa-file-input"
        type="file"
        multiple
        disabled={run.state === 'running'}
        {...{ webkitdirectory: '' }}
        onChange={(e) => {
          const chosen = [...(e.currentTarget.files ?? [])];
          if (chosen.length > 0) void start(chosen);
        }}
      />
      <div aria-live="polite" className="margin-top-3">
        {run.state === 'running' && <Running progress={run.progress} />}
      </div>
      <div ref={outcome} tabIndex={-1} className="margin-top-3">
        {run.state === 'done' && <Outcome verification={run.verification} />}
        {run.state === 'broken' && (
          <Alert type="error" headingLevel="h2" heading="The check could not finish">
            {run.message}. Check the connection and press “Verify this record” again.
          </Alert>
        )}
      </div>
    </>
  );
}

function Running({ progress }: { readonly progress: VerifyProgress | null }) {
  if (progress === null) return <p role="status">Loading the verification code…</p>;
  return (
    <div role="status">
      <p>{progressSentence(progress)}</p>
      <label className="usa-label" htmlFor="events-replayed">
        Events replayed
      </label>
      <progress
        id="events-replayed"
        max={Math.max(progress.eventsTotal, 1)}
        value={progress.eventsReplayed}
        className="width-full"
      />
      <label className="usa-label" htmlFor="files-read">
        Files read
      </label>
      <progress
        id="files-read"
        max={Math.max(progress.filesTotal, 1)}
        value={progress.filesRead}
        className="width-full"
      />
    </div>
  );
}

function Outcome({ verification }: { readonly verification: Verification }) {
  if (!verification.ok || verification.checked === null)
    return (
      <>
        <Alert type="error" headingLevel="h2" heading="The record does not check out">
          {formatCount(verification.failures.length)}{' '}
          {verification.failures.length === 1 ? 'problem was' : 'problems were'} found. Each names the event
          or file where the record and the recomputation part ways.
        </Alert>
        <h2>Problems found</h2>
        <ol className="usa-list">
          {verification.failures.map((f, i) => {
            const d = describeFailure(f);
            return (
              <li key={i} className="margin-bottom-2">
                <strong>{d.title}</strong> — {d.where}.
                <br />
                {f.message} <code className="font-mono-2xs">[{f.kind}]</code>
              </li>
            );
          })}
        </ol>
      </>
    );
  return <Checked record={verification.checked} />;
}

function Checked({ record }: { readonly record: VerifiedRecord }) {
  return (
    <>
      <Alert type="success" headingLevel="h2" heading="The record checks out">
        Every one of the {formatCount(record.events)} events was recomputed from the record and agrees with
        the log.
      </Alert>
      <h2>What was checked</h2>
      <ul className="usa-list">
        <li>
          The hash chain of all {formatCount(record.events)} events, ending in{' '}
          <code className="font-mono-2xs" style={{ overflowWrap: 'anywhere' }}>
            {record.headHash}
          </code>
          .
        </li>
        <li>
          {formatCount(record.files)} county files: each hashed and read again (ballot manifests and cast vote
          records).
        </li>
        <li>
          {record.seed === null
            ? 'No seed was recorded yet, so no sample was drawn.'
            : `The samples drawn from the seed ${record.seed}, round by round.`}
          {record.riskLimit !== null && ` Risk limit: ${formatRiskLimit(record.riskLimit)}.`}
        </li>
        <li>{formatCount(record.cardsRead)} ballot cards read by the audit boards, and every discrepancy.</li>
      </ul>
      {record.rounds.length > 0 && (
        <>
          <h2>Samples per round</h2>
          <Table bordered fullWidth>
            <caption>Each round’s sample as recomputed</caption>
            <thead>
              <tr>
                <th scope="col">Round</th>
                <th scope="col">Tickets drawn</th>
                <th scope="col">Ballot cards to read</th>
              </tr>
            </thead>
            <tbody>
              {record.rounds.map((r) => (
                <tr key={r.round}>
                  <th scope="row">Round {formatCount(r.round)}</th>
                  <td>{formatCount(r.draws)}</td>
                  <td>{formatCount(r.cards)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
          {record.rounds.map((r) =>
            r.contests === null ? (
              <p key={r.round}>Round {formatCount(r.round)} is still open: no risk is measured yet.</p>
            ) : (
              <ContestResultsTable
                key={r.round}
                caption={`Risks after round ${formatCount(r.round)}, as recomputed`}
                rows={r.contests}
              />
            ),
          )}
        </>
      )}
    </>
  );
}

/**
 * /audits/:auditId/record — the audit's published record, for anyone: what each part is (record.json,
 * events.jsonl, the county files), a download link for each, and how to check the whole record offline
 * with the command line (`openrla audit verify DIR`) or here, in the browser, on the verify page.
 */
import { useQuery } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { Alert, Table } from '@trussworks/react-uswds';
import { Link } from 'react-router';
import type { ApiClient } from '../../../api/client.js';
import { useApi } from '../../../api/api_context.js';
import { answerOf } from '../../../api/request.js';
import { formatCount } from '../../../format/numbers.js';
import { usePageTitle } from '../../../layout/page_title.js';
import { PATHS } from '../../paths.js';
import { AuditPagesNav, useAuditId, usePublicProgress } from './audit_common.js';
import { downloadCommands, formatBytes } from './public_words.js';
import { recordUrl } from './verify_url.js';

type RecordCall = ApiClient['api']['public']['audits'][':auditId']['record']['$get'];
type PublishedRecord = InferResponseType<RecordCall, 200>;

export function RecordPage() {
  const auditId = useAuditId();
  const name = usePublicProgress(auditId).data?.name ?? auditId;
  usePageTitle(`Audit record of ${name}`);
  const client = useApi();
  const record = useQuery({
    queryKey: ['public', 'record', auditId],
    queryFn: async () => {
      const answer = await answerOf<PublishedRecord>(
        client.api.public.audits[':auditId'].record.$get({ param: { auditId } }),
      );
      if (!answer.ok) throw new Error(answer.error.message);
      return answer.value;
    },
  });
  const base = recordUrl(auditId);
  return (
    <>
      <h1>Audit record: {name}</h1>
      <AuditPagesNav auditId={auditId} />
      <p className="usa-intro">
        The published record holds everything needed to redo this audit’s arithmetic without trusting this
        server: the log of every step, and every file the counties uploaded. Anyone can download it and check
        that every sample, discrepancy and risk number follows from it.
      </p>
      {record.isPending ? (
        <p role="status">Loading the record…</p>
      ) : record.isError ? (
        <Alert type="error" headingLevel="h2" heading="The record could not be loaded">
          {record.error.message} Check the address, or find the audit in the list of audits.
        </Alert>
      ) : (
        <RecordContents auditId={auditId} base={base} record={record.data} />
      )}
    </>
  );
}

function RecordContents({
  auditId,
  base,
  record,
}: {
  readonly auditId: string;
  readonly base: string;
  readonly record: PublishedRecord;
}) {
  return (
    <>
      <h2>What the record holds</h2>
      <dl>
        <dt>
          <a className="usa-link" href={base} download="record.json">
            record.json
          </a>
        </dt>
        <dd>
          The table of contents: the audit’s id, how many events the log holds (
          {formatCount(record.events.count)}) and the hash of the last one, and every file below with its
          name, size, SHA-256 and jurisdiction.
        </dd>
        <dt>
          <a className="usa-link" href={`${base}/events.jsonl`} download="events.jsonl">
            events.jsonl
          </a>
        </dt>
        <dd>
          The audit’s log, one event per line: the audit’s definition, each upload, the random seed, each
          round’s sample, every ballot card the audit boards read, and each round’s results. Each event
          carries the SHA-256 hash of the one before it, so changing, removing or reordering any event breaks
          the chain. The last hash is{' '}
          <code className="font-mono-2xs" style={{ overflowWrap: 'anywhere' }}>
            {record.events.headHash}
          </code>
          .
        </dd>
        <dt>The files</dt>
        <dd>
          Each county’s ballot manifest and cast vote record export, exactly as uploaded, named by their
          SHA-256 hash (the hash the log records). The audit’s samples are drawn from the manifests and
          compared with the cast vote records.
        </dd>
      </dl>

      <Table bordered fullWidth>
        <caption>The files of the record ({formatCount(record.files.length)})</caption>
        <thead>
          <tr>
            <th scope="col">File as uploaded</th>
            <th scope="col">What it is</th>
            <th scope="col">Jurisdiction</th>
            <th scope="col">Size</th>
            <th scope="col">SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {record.files.map((f) => (
            <tr key={f.sha256}>
              <th scope="row">
                <a className="usa-link" href={`${base}/files/${f.sha256}`} download={f.sha256}>
                  {f.name}
                </a>
              </th>
              <td>{f.role === 'manifest' ? 'Ballot manifest' : 'Cast vote records'}</td>
              <td>{f.jurisdiction}</td>
              <td>{formatBytes(f.size)}</td>
              <td>
                <code className="font-mono-2xs" style={{ overflowWrap: 'anywhere' }}>
                  {f.sha256}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>

      <h2>Check the record yourself</h2>
      <p>
        <strong>In this browser:</strong> the{' '}
        <Link className="usa-link" to={`${PATHS.publicAudit(auditId)}/verify`}>
          verify page
        </Link>{' '}
        downloads the record and recomputes everything here, with the same code as the command line.
      </p>
      <p>
        <strong>On your own computer</strong>, with Node.js 20 and OpenRLA installed: put the record in a
        folder (record.json, events.jsonl, and the files under <code>files/</code> named by their SHA-256) and
        run <code>npx openrla audit verify</code> on it. It prints <code>OK</code>, or names each event that
        disagrees. These commands do both:
      </p>
      <pre className="bg-base-lightest padding-2 font-mono-2xs" style={{ overflowX: 'auto' }} tabIndex={0}>
        {downloadCommands({ origin: window.location.origin, auditId, files: record.files })}
      </pre>
    </>
  );
}

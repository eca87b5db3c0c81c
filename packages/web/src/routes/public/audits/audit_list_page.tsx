/**
 * /audits — every audit on this server, for anyone (no sign-in): its name, risk limit and where it
 * stands. A person picks an audit here to follow its progress, read its published record or verify it.
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
import { auditStateWord, formatRiskLimit } from './public_words.js';

type AuditList = InferResponseType<ApiClient['api']['public']['audits']['$get'], 200>;

export function AuditListPage() {
  usePageTitle('Audits');
  const client = useApi();
  const audits = useQuery({
    queryKey: ['public', 'audits'],
    queryFn: async () => {
      const answer = await answerOf<AuditList>(client.api.public.audits.$get());
      if (!answer.ok) throw new Error(answer.error.message);
      return answer.value.audits;
    },
  });
  return (
    <>
      <h1>Audits</h1>
      <p className="usa-intro">
        Every risk-limiting audit on this server. Open one to follow its progress, download its published
        record, or check every sample and risk number yourself, in this browser.
      </p>
      {audits.isPending ? (
        <p role="status">Loading the audits…</p>
      ) : audits.isError ? (
        <Alert type="error" headingLevel="h2" heading="The audits could not be loaded">
          {audits.error.message} Reload the page to try again.
        </Alert>
      ) : audits.data.length === 0 ? (
        <p>There are no audits on this server yet. The state’s audit administrator creates them.</p>
      ) : (
        <Table bordered fullWidth>
          <caption>Audits on this server</caption>
          <thead>
            <tr>
              <th scope="col">Audit</th>
              <th scope="col">Risk limit</th>
              <th scope="col">Contests</th>
              <th scope="col">Where it stands</th>
            </tr>
          </thead>
          <tbody>
            {audits.data.map((a) => (
              <tr key={a.auditId}>
                <th scope="row">
                  <Link className="usa-link" to={PATHS.publicAudit(a.auditId)}>
                    {a.name ?? a.auditId}
                  </Link>
                </th>
                <td>{a.riskLimit === null ? '—' : formatRiskLimit(a.riskLimit)}</td>
                <td>{formatCount(a.contests)}</td>
                <td>{auditStateWord(a)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

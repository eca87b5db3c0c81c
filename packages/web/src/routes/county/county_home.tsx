/**
 * A jurisdiction administrator's start page (/county). What a person does here: see the audits that
 * include their jurisdiction, with where each stands (waiting for files, round N in progress, complete),
 * and open one to upload files, set up audit boards, print retrieval lists and sign off rounds.
 */
import { Alert, Table } from '@trussworks/react-uswds';
import { Link } from 'react-router';
import { usePageTitle } from '../../layout/page_title.js';
import { useSignedIn } from '../../session/session.js';
import { useCountyAudits, type CountyAudit } from './county_api.js';
import { countyAuditPath } from './county_paths.js';

function stageOf(a: CountyAudit): string {
  if (a.complete) return 'Complete';
  if (a.roundOpen) return `Round ${a.rounds} in progress`;
  if (a.rounds > 0) return `Round ${a.rounds} finished`;
  return 'Getting ready (files and audit boards)';
}

export function CountyHome() {
  usePageTitle('Jurisdiction administration');
  const me = useSignedIn();
  const jurisdiction = me.principal.role === 'jurisdiction-admin' ? me.principal.jurisdiction : '';
  const audits = useCountyAudits(jurisdiction);
  return (
    <>
      <h1>{jurisdiction}: audits</h1>
      <p className="usa-intro">
        Choose an audit to upload your files, set up your audit boards, print the retrieval list and sign off
        each round.
      </p>
      {audits.isPending ? (
        <p role="status">Loading your audits…</p>
      ) : audits.isError ? (
        <Alert type="error" headingLevel="h2" heading="Your audits could not be loaded">
          {audits.error.message}
        </Alert>
      ) : audits.data.audits.length === 0 ? (
        <Alert type="info" headingLevel="h2" heading="No audits yet">
          No audit includes {jurisdiction} yet. The state administrator creates the audit; it appears here
          then.
        </Alert>
      ) : (
        <Table bordered fullWidth>
          <caption className="usa-sr-only">Audits that include {jurisdiction}</caption>
          <thead>
            <tr>
              <th scope="col">Audit</th>
              <th scope="col">Where it stands</th>
            </tr>
          </thead>
          <tbody>
            {audits.data.audits.map((a) => (
              <tr key={a.auditId}>
                <th scope="row">
                  <Link className="usa-link" to={countyAuditPath(a.auditId)}>
                    {a.name}
                  </Link>
                  <span className="display-block font-mono-xs text-base-darkest">{a.auditId}</span>
                </th>
                <td>{stageOf(a)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

/**
 * The state audit administrator's start page (/state). What a person does here: see every audit and
 * open one (its dashboard walks through the steps), start creating a new audit, and go to the
 * jurisdiction administrators' accounts.
 */
import { Alert, Table } from '@trussworks/react-uswds';
import { Link } from 'react-router';
import { formatCount } from '../../format/numbers.js';
import { usePageTitle } from '../../layout/page_title.js';
import { useSignedIn } from '../../session/session.js';
import { STATE_PATHS } from './state_paths.js';
import { useAuditList } from './state_api.js';

export function StateHome() {
  usePageTitle('State administration');
  const me = useSignedIn();
  const audits = useAuditList();
  return (
    <>
      <h1>State audit administration</h1>
      <p className="usa-intro">
        Signed in as {me.user?.name ?? 'state administrator'}. Create an audit, give each jurisdiction’s
        administrator an account, then follow the audit step by step from its page.
      </p>
      <ul className="usa-button-group margin-bottom-4">
        <li className="usa-button-group__item">
          <Link className="usa-button" to={STATE_PATHS.newAudit}>
            Create an audit
          </Link>
        </li>
        <li className="usa-button-group__item">
          <Link className="usa-button usa-button--outline" to={STATE_PATHS.accounts}>
            Jurisdiction administrators’ accounts
          </Link>
        </li>
      </ul>
      <section aria-labelledby="audits-heading">
        <h2 id="audits-heading">Audits</h2>
        {audits.isPending ? (
          <p role="status">Loading the audits…</p>
        ) : audits.isError ? (
          <Alert type="error" headingLevel="h3" heading="The audits could not be loaded">
            {audits.error.message}
          </Alert>
        ) : audits.data.audits.length === 0 ? (
          <p>
            There are no audits yet. <Link to={STATE_PATHS.newAudit}>Create the first audit</Link>.
          </p>
        ) : (
          <Table bordered fullWidth>
            <caption className="usa-sr-only">Audits</caption>
            <thead>
              <tr>
                <th scope="col">Audit</th>
                <th scope="col">Events in its log</th>
              </tr>
            </thead>
            <tbody>
              {audits.data.audits.map((a) => (
                <tr key={a.auditId}>
                  <th scope="row">
                    <Link className="usa-link" to={STATE_PATHS.audit(a.auditId)}>
                      {a.auditId}
                    </Link>
                  </th>
                  <td className="openrla-num">{formatCount(a.events)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </>
  );
}

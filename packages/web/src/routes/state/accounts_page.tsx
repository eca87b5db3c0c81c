/**
 * Accounts of the jurisdiction (county) administrators (/state/accounts). What a person does here:
 * create an account for each jurisdiction's administrator (name, email, the jurisdiction, a first
 * password to hand over in person), and see every account. The jurisdiction is typed exactly as the
 * audit names it (the hint lists the audits' jurisdictions).
 */
import { Alert, Button, Form, Table } from '@trussworks/react-uswds';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useApi } from '../../api/api_context.js';
import { answerOf, csrfHeaders } from '../../api/request.js';
import { ErrorSummary, type SummaryItem } from '../../forms/error_summary.js';
import { TextField } from '../../forms/text_field.js';
import { usePageTitle } from '../../layout/page_title.js';
import { useSignedIn } from '../../session/session.js';
import { stateKeys, useAuditList, useUsers, type AuditStatus } from './state_api.js';
import { STATE_PATHS } from './state_paths.js';

const FIELDS: Record<string, string> = {
  name: 'account-name',
  email: 'account-email',
  jurisdiction: 'account-jurisdiction',
  password: 'account-password',
};

/** The jurisdictions of every audit (for the jurisdiction input's suggestions). */
function useKnownJurisdictions(): string[] {
  const client = useApi();
  const audits = useAuditList();
  const statuses = useQueries({
    queries: (audits.data?.audits ?? []).map((a) => ({
      queryKey: stateKeys.status(a.auditId),
      queryFn: async () =>
        answerOf<AuditStatus>(client.api.audits[':auditId'].status.$get({ param: { auditId: a.auditId } })),
    })),
  });
  const names = new Set<string>();
  for (const s of statuses)
    if (s.data?.ok) for (const j of s.data.value.jurisdictions) names.add(j.jurisdiction);
  return [...names].sort();
}

export function AccountsPage() {
  usePageTitle('Accounts');
  const me = useSignedIn();
  const client = useApi();
  const queryClient = useQueryClient();
  const users = useUsers();
  const known = useKnownJurisdictions();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [jurisdiction, setJurisdiction] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<SummaryItem[]>([]);
  const [submits, setSubmits] = useState(0);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  const errorOf = (inputId: string) => problems.find((p) => p.inputId === inputId)?.message;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmits((n) => n + 1);
    setCreated(null);
    const missing: SummaryItem[] = [];
    if (!name.trim()) missing.push({ inputId: FIELDS.name!, message: 'Enter the administrator’s name.' });
    if (!email.trim()) missing.push({ inputId: FIELDS.email!, message: 'Enter their email address.' });
    if (!jurisdiction.trim())
      missing.push({ inputId: FIELDS.jurisdiction!, message: 'Enter the jurisdiction they administer.' });
    if (password.length < 12)
      missing.push({
        inputId: FIELDS.password!,
        message: 'Choose a first password of at least 12 characters.',
      });
    if (missing.length > 0) return setProblems(missing);
    setBusy(true);
    try {
      const answer = await answerOf(
        client.api.users.$post(
          {
            json: {
              role: 'jurisdiction-admin',
              name: name.trim(),
              email: email.trim(),
              jurisdiction: jurisdiction.trim(),
              password,
            },
          },
          { headers: csrfHeaders(me.csrfToken) },
        ),
      );
      if (!answer.ok) {
        const inputId = answer.error.field ? (FIELDS[answer.error.field] ?? null) : null;
        setProblems([{ inputId, message: answer.error.message }]);
        return;
      }
      setProblems([]);
      setCreated(`${name.trim()} (${jurisdiction.trim()})`);
      setName('');
      setEmail('');
      setJurisdiction('');
      setPassword('');
      await queryClient.invalidateQueries({ queryKey: stateKeys.users });
    } catch (failure) {
      setProblems([{ inputId: null, message: (failure as Error).message }]);
    } finally {
      setBusy(false);
    }
  }

  const admins = (users.data?.users ?? []).filter((u) => u.role === 'jurisdiction-admin');
  return (
    <>
      <p>
        <Link className="usa-link" to={STATE_PATHS.home}>
          ← State audit administration
        </Link>
      </p>
      <h1>Jurisdiction administrators’ accounts</h1>
      <p className="usa-intro">
        Each jurisdiction’s administrator uploads its files and runs its audit boards. Create their account,
        then give them the email and first password in person or by phone, never in the same message.
      </p>
      {created ? (
        <Alert type="success" headingLevel="h2" heading="Account created" slim>
          {created} can now sign in.
        </Alert>
      ) : null}
      <ErrorSummary items={problems} focusKey={submits} />
      <Form onSubmit={submit} className="openrla-form" large noValidate>
        <h2>Create an account</h2>
        <TextField
          id={FIELDS.name!}
          label="Name"
          value={name}
          onChange={setName}
          error={errorOf(FIELDS.name!)}
        />
        <TextField
          id={FIELDS.email!}
          label="Email address"
          type="email"
          value={email}
          onChange={setEmail}
          error={errorOf(FIELDS.email!)}
        />
        <TextField
          id={FIELDS.jurisdiction!}
          label="Jurisdiction"
          hint={
            known.length > 0
              ? `Exactly as the audit names it: ${known.join(', ')}.`
              : 'Exactly as the audit names it, such as Alder County.'
          }
          value={jurisdiction}
          onChange={setJurisdiction}
          error={errorOf(FIELDS.jurisdiction!)}
        />
        <TextField
          id={FIELDS.password!}
          label="First password"
          hint="At least 12 characters. They can sign in with it at once."
          type="password"
          value={password}
          onChange={setPassword}
          error={errorOf(FIELDS.password!)}
          autoComplete="new-password"
        />
        <Button type="submit" disabled={busy}>
          {busy ? 'Creating the account…' : 'Create the account'}
        </Button>
      </Form>
      <section aria-labelledby="accounts-heading" className="margin-top-5">
        <h2 id="accounts-heading">Accounts</h2>
        {users.isPending ? (
          <p role="status">Loading the accounts…</p>
        ) : users.isError ? (
          <Alert type="error" headingLevel="h3" heading="The accounts could not be loaded">
            {users.error.message}
          </Alert>
        ) : admins.length === 0 ? (
          <p>No jurisdiction administrator has an account yet.</p>
        ) : (
          <Table bordered fullWidth>
            <caption className="usa-sr-only">Jurisdiction administrators</caption>
            <thead>
              <tr>
                <th scope="col">Jurisdiction</th>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
              </tr>
            </thead>
            <tbody>
              {admins.map((u) => (
                <tr key={u.userId}>
                  <th scope="row">{u.jurisdiction}</th>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </>
  );
}

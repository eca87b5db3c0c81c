/**
 * Sign-in for state and jurisdiction administrators (audit boards use their link: routes/board/), and
 * the first-run screen that creates the first state administrator. Both answer with a session; the
 * person then goes where they were headed (`?next=`) or to their role's start page. When nobody has an
 * account yet, the sign-in page sends the visitor to the first-run screen.
 */
import { Button, Form } from '@trussworks/react-uswds';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useApi } from '../../api/api_context.js';
import { answerOf, csrfHeaders, preSessionCsrfToken, type ApiError } from '../../api/request.js';
import { ErrorSummary, type SummaryItem } from '../../forms/error_summary.js';
import { TextField } from '../../forms/text_field.js';
import { usePageTitle } from '../../layout/page_title.js';
import { homeOf, useSession } from '../../session/session.js';
import { PATHS } from '../paths.js';

/** Only same-site paths are followed after sign-in (never an open redirect). */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  return next;
}

/** The server's error as summary items, tied to the input it names. */
function summaryOf(error: ApiError, inputs: Readonly<Record<string, string>>): SummaryItem[] {
  return [{ inputId: error.field ? (inputs[error.field] ?? null) : null, message: error.message }];
}

function useSetupNeeded(): boolean | null {
  const client = useApi();
  const query = useQuery({
    queryKey: ['setup-needed'],
    queryFn: async () => {
      const res = await client.api.setup.$get();
      if (!res.ok) return false;
      return (await res.json()).needed;
    },
  });
  return query.data ?? null;
}

export function SignInPage() {
  usePageTitle('Sign in');
  const client = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const setupNeeded = useSetupNeeded();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<SummaryItem[]>([]);
  const [submits, setSubmits] = useState(0);
  const [busy, setBusy] = useState(false);

  if (setupNeeded) return <Navigate to={PATHS.setup} replace />;
  if (session.me && !busy)
    return <Navigate to={safeNext(params.get('next')) ?? homeOf(session.me.principal.role)} replace />;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmits((n) => n + 1);
    const missing: SummaryItem[] = [];
    if (!email.trim()) missing.push({ inputId: 'email', message: 'Enter your email address.' });
    if (!password) missing.push({ inputId: 'password', message: 'Enter your password.' });
    if (missing.length > 0) return setProblems(missing);
    setBusy(true);
    try {
      const token = await preSessionCsrfToken();
      const answer = await answerOf<{ user: { role: 'state-admin' | 'jurisdiction-admin' } }>(
        client.api.login.$post({ json: { email: email.trim(), password } }, { headers: csrfHeaders(token) }),
      );
      if (!answer.ok) {
        setProblems(summaryOf(answer.error, { email: 'email', password: 'password' }));
        return;
      }
      setProblems([]);
      await session.refresh();
      navigate(safeNext(params.get('next')) ?? homeOf(answer.value.user.role), { replace: true });
    } catch (failure) {
      setProblems([{ inputId: null, message: (failure as Error).message }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>Sign in</h1>
      <p className="usa-intro">
        For state and jurisdiction audit administrators. Audit boards use the link their jurisdiction gave
        them.
      </p>
      <ErrorSummary items={problems} focusKey={submits} />
      <Form onSubmit={submit} className="openrla-form" large noValidate>
        <TextField
          id="email"
          label="Email address"
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="username"
          required
        />
        <TextField
          id="password"
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          required
        />
        <Button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </Form>
    </>
  );
}

/** First run: creates the first state audit administrator (only while nobody has an account). */
export function SetupPage() {
  usePageTitle('Set up OpenRLA');
  const client = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const setupNeeded = useSetupNeeded();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<SummaryItem[]>([]);
  const [submits, setSubmits] = useState(0);
  const [busy, setBusy] = useState(false);

  if (setupNeeded === false && !busy) return <Navigate to={PATHS.login} replace />;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmits((n) => n + 1);
    const missing: SummaryItem[] = [];
    if (!name.trim()) missing.push({ inputId: 'setup-name', message: 'Enter your name.' });
    if (!email.trim()) missing.push({ inputId: 'setup-email', message: 'Enter your email address.' });
    if (password.length < 12)
      missing.push({ inputId: 'setup-password', message: 'Choose a password of at least 12 characters.' });
    if (missing.length > 0) return setProblems(missing);
    setBusy(true);
    try {
      const token = await preSessionCsrfToken();
      const answer = await answerOf(
        client.api.setup.$post(
          { json: { name: name.trim(), email: email.trim(), password } },
          { headers: csrfHeaders(token) },
        ),
      );
      if (!answer.ok) {
        setProblems(
          summaryOf(answer.error, { name: 'setup-name', email: 'setup-email', password: 'setup-password' }),
        );
        return;
      }
      await session.refresh();
      navigate(PATHS.state, { replace: true });
    } catch (failure) {
      setProblems([{ inputId: null, message: (failure as Error).message }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>Set up OpenRLA</h1>
      <p className="usa-intro">
        Nobody has an account on this server yet. Create the first state audit administrator: this person can
        then create audits and the accounts of the jurisdiction administrators.
      </p>
      <ErrorSummary items={problems} focusKey={submits} />
      <Form onSubmit={submit} className="openrla-form" large noValidate>
        <TextField
          id="setup-name"
          label="Your name"
          value={name}
          onChange={setName}
          autoComplete="name"
          required
        />
        <TextField
          id="setup-email"
          label="Email address"
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="username"
          required
        />
        <TextField
          id="setup-password"
          label="Password"
          hint="At least 12 characters. A few unrelated words make a good one."
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          required
        />
        <Button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create the administrator and sign in'}
        </Button>
      </Form>
    </>
  );
}

/**
 * The audit board's sign-in (public, /audit-board/login). The board opens the link its jurisdiction
 * administrator handed out (`?board=<id>#<passphrase>`: the passphrase rides in the fragment, which the
 * browser never sends to the server), or types the board and passphrase from the sheet, then gives the
 * members' names and party affiliations and signs in (POST /api/audit-boards/login, decision 0008). The
 * passphrase works once; the page then goes to the board's cards (/board).
 */
import { Button, Fieldset, Form } from '@trussworks/react-uswds';
import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useApi } from '../../api/api_context.js';
import { answerOf, csrfHeaders, preSessionCsrfToken } from '../../api/request.js';
import { ErrorSummary, type SummaryItem } from '../../forms/error_summary.js';
import { TextField } from '../../forms/text_field.js';
import { usePageTitle } from '../../layout/page_title.js';
import { useSession } from '../../session/session.js';
import { PATHS } from '../paths.js';

interface MemberInput {
  readonly name: string;
  readonly party: string;
}

/** The passphrase carried by the link's fragment ("#word-word-…"), or ''. */
export function passphraseOfHash(hash: string): string {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  try {
    return decodeURIComponent(raw).trim();
  } catch {
    return raw.trim();
  }
}

/** The input a server error points at (its `field`, e.g. `members.1.party`). */
function inputOfField(field: string | undefined): string | null {
  if (field === undefined) return null;
  if (field === 'boardId') return 'board-id';
  if (field === 'passphrase') return 'passphrase';
  const m = /^members\.(\d+)\.(name|party)$/.exec(field);
  return m ? `member-${Number(m[1]) + 1}-${m[2]}` : null;
}

export function BoardLoginPage() {
  usePageTitle('Audit board sign-in');
  const client = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [boardId, setBoardId] = useState(params.get('board') ?? '');
  const [linkPassphrase] = useState(() => passphraseOfHash(window.location.hash));
  const [passphrase, setPassphrase] = useState(linkPassphrase);
  const [members, setMembers] = useState<MemberInput[]>([
    { name: '', party: '' },
    { name: '', party: '' },
  ]);
  const [problems, setProblems] = useState<SummaryItem[]>([]);
  const [submits, setSubmits] = useState(0);
  const [busy, setBusy] = useState(false);

  // Take the passphrase out of the address bar (and the history) once it is in the form.
  useEffect(() => {
    if (window.location.hash !== '')
      window.history.replaceState(
        window.history.state,
        '',
        window.location.pathname + window.location.search,
      );
  }, []);

  // A board already signed in goes to its cards, unless this is a link for another board or a new passphrase.
  const signedIn = session.me?.principal;
  if (
    signedIn?.role === 'audit-board' &&
    !busy &&
    linkPassphrase === '' &&
    (params.get('board') === null || params.get('board') === signedIn.boardId)
  )
    return <Navigate to={PATHS.board} replace />;

  const setMember = (i: number, change: Partial<MemberInput>) =>
    setMembers((all) => all.map((m, j) => (j === i ? { ...m, ...change } : m)));
  const errorOf = (id: string) => problems.find((p) => p.inputId === id)?.message;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmits((n) => n + 1);
    const missing: SummaryItem[] = [];
    if (!boardId.trim())
      missing.push({ inputId: 'board-id', message: 'Enter your audit board’s ID from the sheet.' });
    if (!passphrase.trim())
      missing.push({ inputId: 'passphrase', message: 'Enter the passphrase from the sheet (six words).' });
    members.forEach((m, i) => {
      const n = i + 1;
      const given = m.name.trim() !== '' || m.party.trim() !== '';
      if (i === 0 || given) {
        if (!m.name.trim())
          missing.push({ inputId: `member-${n}-name`, message: `Enter member ${n}’s name.` });
        if (!m.party.trim())
          missing.push({ inputId: `member-${n}-party`, message: `Enter member ${n}’s party affiliation.` });
      }
    });
    if (missing.length > 0) return setProblems(missing);
    setBusy(true);
    try {
      const token = await preSessionCsrfToken();
      const answer = await answerOf(
        client.api['audit-boards'].login.$post(
          {
            json: {
              boardId: boardId.trim(),
              passphrase,
              members: members
                .filter((m) => m.name.trim() !== '')
                .map((m) => ({ name: m.name.trim(), party: m.party.trim() })),
            },
          },
          { headers: csrfHeaders(token) },
        ),
      );
      if (!answer.ok) {
        setProblems([{ inputId: inputOfField(answer.error.field), message: answer.error.message }]);
        return;
      }
      setProblems([]);
      await session.refresh();
      navigate(PATHS.board, { replace: true });
    } catch (failure) {
      setProblems([{ inputId: null, message: (failure as Error).message }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="openrla-board">
      <h1>Audit board sign-in</h1>
      <p className="usa-intro">
        Check the board and passphrase from the sheet your jurisdiction gave you, then give the names and
        party affiliations of the board’s members. The passphrase works once.
      </p>
      <ErrorSummary items={problems} focusKey={submits} />
      <Form onSubmit={submit} className="openrla-form" large noValidate>
        <TextField
          id="board-id"
          label="Audit board ID"
          value={boardId}
          onChange={setBoardId}
          error={errorOf('board-id')}
          required
        />
        <TextField
          id="passphrase"
          label="Passphrase"
          hint="Six words, as printed on the sheet (capitals, spaces and dashes do not matter)."
          value={passphrase}
          onChange={setPassphrase}
          error={errorOf('passphrase')}
          required
        />
        {members.map((m, i) => (
          <Fieldset
            key={i}
            legend={i === 0 ? 'Member 1' : `Member ${i + 1} (if the board has one)`}
            className="margin-top-3"
          >
            <TextField
              id={`member-${i + 1}-name`}
              label="Full name"
              value={m.name}
              onChange={(name) => setMember(i, { name })}
              error={errorOf(`member-${i + 1}-name`)}
              autoComplete="off"
              required={i === 0}
            />
            <TextField
              id={`member-${i + 1}-party`}
              label="Party affiliation"
              hint="As your state names it, e.g. Democratic, Republican, Unaffiliated."
              value={m.party}
              onChange={(party) => setMember(i, { party })}
              error={errorOf(`member-${i + 1}-party`)}
              required={i === 0}
            />
          </Fieldset>
        ))}
        <Button type="submit" disabled={busy} className="margin-top-3">
          {busy ? 'Signing in…' : 'Sign in as this audit board'}
        </Button>
      </Form>
    </div>
  );
}

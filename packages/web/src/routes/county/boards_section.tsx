/**
 * Step 2 of the county dashboard: audit boards. What a person does here: create a board (its name and
 * its members' names), then print its sign-in sheet for the round — a one-time passphrase and a link,
 * shown once only — and hand it to the board. The table follows each board's cards in the round:
 * assigned, recorded, remaining. Create boards before the round starts: a board added during a round
 * re-splits that round's cards (decision 0009 §3).
 */
import { Alert, Button, Table } from '@trussworks/react-uswds';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApi } from '../../api/api_context.js';
import { answerOf, csrfHeaders } from '../../api/request.js';
import { formatCount } from '../../format/numbers.js';
import type { SummaryItem } from '../../forms/error_summary.js';
import { TextField } from '../../forms/text_field.js';
import { useSignedIn } from '../../session/session.js';
import {
  countyKeys,
  type BoardCredentials,
  type IssuedCredentials,
  type JurisdictionProgress,
} from './county_api.js';
import { boardNameProblem, membersOf, nextBoardName } from './county_logic.js';

const IDS = { board: 'board-name', member1: 'board-member-1', member2: 'board-member-2' } as const;

/** The sign-in sheet of one board: shown once, printable, with a clear warning. */
function SignInSheet({
  issued,
  onDone,
}: {
  readonly issued: IssuedCredentials;
  readonly onDone: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="openrla-print-sheet margin-y-3 padding-2 border-2px border-base-dark" aria-live="polite">
      <style>{`@media print {
  body * { visibility: hidden; }
  .openrla-print-sheet, .openrla-print-sheet * { visibility: visible; }
  .openrla-print-sheet { position: absolute; left: 0; top: 0; width: 100%; }
  .openrla-print-sheet .openrla-no-print { display: none; }
}`}</style>
      <h3 ref={heading} tabIndex={-1} className="margin-top-0">
        Sign-in sheet: audit board {issued.boardId}, round {issued.round}
      </h3>
      <Alert type="warning" headingLevel="h4" heading="Shown only once" slim>
        Print this sheet or write it down now: the passphrase cannot be shown again. Anyone holding it can
        record ballots as this board, so hand it only to the board. If it is lost, issue a new one (the old
        one stops working).
      </Alert>
      <dl>
        <dt className="text-bold">Jurisdiction</dt>
        <dd>{issued.jurisdiction}</dd>
        <dt className="text-bold">Audit board</dt>
        <dd>{issued.boardId}</dd>
        <dt className="text-bold">Passphrase</dt>
        <dd className="font-mono-lg" data-testid="board-passphrase">
          {issued.passphrase}
        </dd>
        <dt className="text-bold">Sign-in link</dt>
        <dd className="font-mono-xs" style={{ wordBreak: 'break-all' }}>
          <span data-testid="board-link">{issued.link}</span>
        </dd>
      </dl>
      <p>
        The board opens the link (or goes to the sign-in page and types the board name and passphrase), then
        gives its members’ names. It works once, for round {issued.round} only.
      </p>
      <div className="openrla-no-print">
        <Button type="button" onClick={() => window.print()}>
          Print this sheet
        </Button>
        <Button type="button" outline onClick={onDone}>
          I have printed it: hide the passphrase
        </Button>
      </div>
    </div>
  );
}

export function BoardsSection({
  auditId,
  jurisdiction,
  progress,
  credentials,
  credentialRound,
  canIssue,
  roundOpen,
  onProblem,
}: {
  readonly auditId: string;
  readonly jurisdiction: string;
  readonly progress: JurisdictionProgress | undefined;
  readonly credentials: BoardCredentials | undefined;
  /** The round a sign-in issued now is for. */
  readonly credentialRound: number;
  /** False once the audit is complete. */
  readonly canIssue: boolean;
  /** A round is in progress: a new board re-splits its cards. */
  readonly roundOpen: boolean;
  readonly onProblem: (items: SummaryItem[]) => void;
}) {
  const me = useSignedIn();
  const client = useApi();
  const queryClient = useQueryClient();
  const boards = progress?.boards ?? [];
  const [name, setName] = useState<string | null>(null);
  const [member1, setMember1] = useState('');
  const [member2, setMember2] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<IssuedCredentials | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const boardName = name ?? nextBoardName(jurisdiction, boards);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setCreated(null);
    const problems: SummaryItem[] = [];
    const nameProblem = boardNameProblem(boardName.trim());
    if (nameProblem) problems.push({ inputId: IDS.board, message: nameProblem });
    const members = membersOf([member1, member2]);
    if (members.length === 0)
      problems.push({ inputId: IDS.member1, message: 'Enter the name of at least one board member.' });
    setErrors(Object.fromEntries(problems.map((p) => [p.inputId!, p.message])));
    onProblem(problems);
    if (problems.length > 0) return;
    setBusy(true);
    try {
      const answer = await answerOf(
        client.api.audits[':auditId'].jurisdictions[':jurisdiction'].boards.$post(
          { param: { auditId, jurisdiction }, json: { board: boardName.trim(), members } },
          { headers: csrfHeaders(me.csrfToken) },
        ),
      );
      if (!answer.ok) {
        const inputId = answer.error.field === 'members' ? IDS.member1 : IDS.board;
        setErrors({ [inputId]: answer.error.message });
        onProblem([{ inputId, message: answer.error.message }]);
        return;
      }
      setCreated(`Audit board ${boardName.trim()} was created. Now print its sign-in sheet.`);
      setName(null);
      setMember1('');
      setMember2('');
      await queryClient.invalidateQueries({ queryKey: countyKeys.status(auditId) });
    } catch (failure) {
      onProblem([{ inputId: null, message: (failure as Error).message }]);
    } finally {
      setBusy(false);
    }
  }

  async function issue(boardId: string) {
    setIssued(null);
    try {
      const answer = await answerOf<IssuedCredentials>(
        client.api['audit-boards'][':boardId'].credentials.$post(
          { param: { boardId }, json: { round: credentialRound } },
          { headers: csrfHeaders(me.csrfToken) },
        ),
      );
      if (!answer.ok) {
        onProblem([{ inputId: null, message: answer.error.message }]);
        return;
      }
      onProblem([]);
      setIssued(answer.value);
      await queryClient.invalidateQueries({ queryKey: countyKeys.credentials(jurisdiction) });
    } catch (failure) {
      onProblem([{ inputId: null, message: (failure as Error).message }]);
    }
  }

  const signInOf = (boardId: string) => {
    const c = credentials?.boards.find((b) => b.boardId === boardId && !b.replaced);
    if (!c) return 'None issued';
    if (c.usedAt) return `Signed in for round ${c.round}`;
    return `Issued for round ${c.round}, not used yet`;
  };
  const progressOf = (boardId: string) => progress?.boardProgress.find((b) => b.board === boardId);

  return (
    <section aria-labelledby="boards-heading" className="margin-top-5">
      <h2 id="boards-heading">2. Audit boards</h2>
      {boards.length === 0 ? (
        <p>No audit boards yet. Create one for each team of two that will read ballots.</p>
      ) : (
        <Table bordered fullWidth>
          <caption>Your audit boards and their cards in round {Math.max(credentialRound, 1)}</caption>
          <thead>
            <tr>
              <th scope="col">Board</th>
              <th scope="col">Cards</th>
              <th scope="col">Recorded</th>
              <th scope="col">Remaining</th>
              <th scope="col">Sign-in</th>
            </tr>
          </thead>
          <tbody>
            {boards.map((b) => {
              const p = progressOf(b);
              return (
                <tr key={b}>
                  <th scope="row">{b}</th>
                  <td>{formatCount(p?.cards ?? 0)}</td>
                  <td>{formatCount(p?.recorded ?? 0)}</td>
                  <td>{formatCount((p?.cards ?? 0) - (p?.recorded ?? 0))}</td>
                  <td>
                    {signInOf(b)}
                    {canIssue ? (
                      <Button
                        type="button"
                        unstyled
                        className="display-block margin-top-05"
                        onClick={() => void issue(b)}
                      >
                        Print a sign-in sheet for {b}
                      </Button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      {issued ? <SignInSheet issued={issued} onDone={() => setIssued(null)} /> : null}
      {canIssue ? (
        <form onSubmit={create} className="usa-form usa-form--large" noValidate>
          <h3>Create an audit board</h3>
          {roundOpen ? (
            <Alert type="warning" headingLevel="h4" heading="A round is in progress" slim>
              A board created now takes over some batches of this round: cards may move from one board’s list
              to another. Create boards before a round starts when you can.
            </Alert>
          ) : null}
          <TextField
            id={IDS.board}
            label="Board name"
            hint="Letters, digits and dashes, no spaces. It is the name the board signs in with."
            value={boardName}
            onChange={setName}
            error={errors[IDS.board]}
            required
          />
          <TextField
            id={IDS.member1}
            label="First member"
            hint="Full name."
            value={member1}
            onChange={setMember1}
            error={errors[IDS.member1]}
            autoComplete="off"
          />
          <TextField
            id={IDS.member2}
            label="Second member"
            hint="Full name. Boards usually have two members of different parties."
            value={member2}
            onChange={setMember2}
            autoComplete="off"
          />
          {created ? (
            <p className="text-green" role="status">
              {created}
            </p>
          ) : null}
          <Button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create the audit board'}
          </Button>
        </form>
      ) : null}
    </section>
  );
}

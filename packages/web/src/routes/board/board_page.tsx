/**
 * The audit board's page (/board): one card at a time, in large type, for a board at a table with the
 * paper in front of it.
 *
 * What the board does here: for each card on its list, find it (tabulator, batch, card number in the
 * batch), mark each contest exactly as the paper shows it (the choices marked, or Blank, Overvote or
 * Contest not on this card; or "Card not found"), review what it entered, submit, and go on to the next
 * card. "All cards" lists every card with its state (done, waiting to be sent, to do, refused) and
 * offers corrections of done cards (with a reason). When every card is done and sent, the members sign
 * off the round (POST /api/audits/:id/board/sign-off, decision 0012).
 *
 * Entries are stored in this browser before they are sent (use_board_queue.ts) and sent in the
 * background with retries, so a reload or a lost connection loses nothing and nothing is recorded twice.
 * Keyboard shortcuts are listed on the page and never act inside a text input.
 */
import {
  Alert,
  Button,
  ButtonGroup,
  Checkbox,
  ErrorMessage,
  Fieldset,
  Form,
  Table,
} from '@trussworks/react-uswds';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import type { CardReading, CardRef } from '@openrla/audit';
import type { ApiClient } from '../../api/client.js';
import { useApi } from '../../api/api_context.js';
import { answerOf, csrfHeaders, type ApiError } from '../../api/request.js';
import { ErrorSummary, type SummaryItem } from '../../forms/error_summary.js';
import { TextField } from '../../forms/text_field.js';
import { formatCount } from '../../format/numbers.js';
import { usePageTitle } from '../../layout/page_title.js';
import { useSession, useSignedIn } from '../../session/session.js';
import { outcomeOf, queueStorageKey, type QueuedReading, type SendOutcome } from './queue.js';
import {
  contestReadingText,
  marksOf,
  readingOf,
  shortcutAllowed,
  SPECIAL_LABELS,
  toggleChoice,
  toggleSpecial,
  whereText,
  type BoardContest,
  type ContestMarks,
  type Special,
} from './reading.js';
import { useBoardQueue } from './use_board_queue.js';
import './board.css';

type BoardCardsApi = ApiClient['api']['audits'][':auditId']['board']['cards']['$get'];
type BoardView = InferResponseType<BoardCardsApi, 200>;
type BoardAudits = InferResponseType<ApiClient['api']['board']['audits']['$get'], 200>;

/** A card of the list with its state on this computer and on the server. */
interface CardRow {
  readonly n: number;
  readonly card: CardRef;
  readonly key: string;
  /** The number printed on the card by the scanner, when the CVR export has one. */
  readonly imprintedId: string | null;
  /** The reading the server has for the card (to start a correction from), or null. */
  readonly recordedReading: CardReading | null;
  readonly state: 'done' | 'waiting' | 'refused' | 'to-do';
  readonly refused?: ApiError;
}

type View =
  | {
      readonly kind: 'card';
      readonly key: string;
      readonly correction: boolean;
      /** The marks to start from (coming back from the review). */
      readonly marks?: Readonly<Record<string, ContestMarks>>;
      readonly reason?: string;
    }
  | {
      readonly kind: 'review';
      readonly key: string;
      readonly reading: CardReading;
      readonly correction: { readonly reason: string } | null;
      readonly marks: Readonly<Record<string, ContestMarks>>;
    }
  | { readonly kind: 'list' };

const SPECIALS: readonly Special[] = ['blank', 'overvote', 'not-on-card'];

/** The board's page: finds the board's audit, then its cards. */
export function BoardPage() {
  usePageTitle('Audit board');
  const client = useApi();
  const me = useSignedIn();
  const [params, setParams] = useSearchParams();
  const audits = useQuery({
    queryKey: ['board', 'audits'],
    queryFn: async () => {
      const answer = await answerOf<BoardAudits>(client.api.board.audits.$get());
      if (!answer.ok) throw new Error(answer.error.message);
      return answer.value.audits;
    },
  });
  const principal = me.principal;
  if (principal.role !== 'audit-board') return <h1>Audit board</h1>;
  const heading = <h1>Audit board {principal.boardId}</h1>;
  if (audits.isPending)
    return (
      <>
        {heading}
        <p role="status">Loading your audit…</p>
      </>
    );
  if (audits.isError)
    return (
      <>
        {heading}
        <Alert type="error" headingLevel="h2" heading="Your audit could not be loaded">
          {audits.error.message} Reload the page to try again.
        </Alert>
      </>
    );
  const list = audits.data;
  const chosen = params.get('audit') ?? (list.length === 1 ? list[0]!.auditId : null);
  if (list.length === 0)
    return (
      <>
        {heading}
        <p className="usa-intro">
          Your board is not part of an audit on this server. Ask your jurisdiction administrator to check the
          board’s name.
        </p>
      </>
    );
  if (chosen === null)
    return (
      <>
        {heading}
        <h2>Choose the audit</h2>
        <ul className="usa-list usa-list--unstyled">
          {list.map((a) => (
            <li key={a.auditId} className="margin-bottom-1">
              <Button type="button" onClick={() => setParams({ audit: a.auditId })}>
                {a.name}
              </Button>
            </li>
          ))}
        </ul>
      </>
    );
  return (
    <BoardWork
      auditId={chosen}
      auditName={list.find((a) => a.auditId === chosen)?.name ?? chosen}
      board={principal.boardId}
      jurisdiction={principal.jurisdiction}
      round={principal.round}
      csrfToken={me.csrfToken}
    />
  );
}

function BoardWork(props: {
  readonly auditId: string;
  readonly auditName: string;
  readonly board: string;
  readonly jurisdiction: string;
  readonly round: number;
  readonly csrfToken: string;
}) {
  const { auditId, board, jurisdiction, round, csrfToken } = props;
  const client = useApi();
  const queryClient = useQueryClient();
  const queryKey = useMemo(() => ['board', 'cards', auditId] as const, [auditId]);
  const view$ = useQuery({
    queryKey,
    queryFn: async () => {
      const answer = await answerOf<BoardView>(
        client.api.audits[':auditId'].board.cards.$get({ param: { auditId } }),
      );
      if (!answer.ok) throw new Error(answer.error.message);
      return answer.value;
    },
    refetchInterval: 30_000,
  });

  const [sessionEnded, setSessionEnded] = useState(false);
  const send = useCallback(
    async (entry: QueuedReading): Promise<SendOutcome> => {
      let res;
      try {
        res = await client.api.audits[':auditId'].board.cards.$post(
          {
            param: { auditId },
            json: {
              card: entry.card,
              reading: entry.reading as never,
              ...(entry.correction ? { correction: entry.correction } : {}),
            },
          },
          { headers: csrfHeaders(csrfToken) },
        );
      } catch {
        return { kind: 'failed' };
      }
      setSessionEnded(res.status === 401);
      const body: unknown = await res.json().catch(() => null);
      const error = (body as { error?: ApiError } | null)?.error ?? null;
      return outcomeOf(res.status, error);
    },
    [client, auditId, csrfToken],
  );
  const onRecorded = useCallback(
    () => void queryClient.invalidateQueries({ queryKey }),
    [queryClient, queryKey],
  );
  const queue = useBoardQueue({
    storageKey: queueStorageKey({ auditId, jurisdiction, board, round }),
    send,
    onRecorded,
  });

  const data = view$.data;
  const rows: CardRow[] = useMemo(() => {
    if (!data) return [];
    const queued = new Map(queue.entries.map((e) => [e.key, e]));
    return data.cards.map((c, i) => {
      const q = queued.get(c.key);
      const state: CardRow['state'] =
        q?.refused !== undefined ? 'refused' : q !== undefined ? 'waiting' : c.recorded ? 'done' : 'to-do';
      return {
        n: i + 1,
        card: c.card,
        key: c.key,
        imprintedId: c.imprintedId,
        recordedReading: c.reading as CardReading | null,
        state,
        ...(q?.refused ? { refused: q.refused } : {}),
      };
    });
  }, [data, queue.entries]);

  const [view, setView] = useState<View | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const nextToDo = rows.find((r) => r.state === 'to-do') ?? null;
  // Until the board chooses, show the next card to do, or the list when none is left.
  const current: View =
    view ?? (nextToDo ? { kind: 'card', key: nextToDo.key, correction: false } : { kind: 'list' });
  const viewHeading = useRef<HTMLHeadingElement>(null);
  const viewId = current.kind === 'list' ? 'list' : `${current.kind}:${current.key}`;
  const firstView = useRef(true);
  useEffect(() => {
    // Focus follows the board from screen to screen (not on the page's first drawing: <main> has it).
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    viewHeading.current?.focus();
  }, [viewId]);

  const goNext = useCallback(
    (after: string | null) => {
      const next = rows.find((r) => r.state === 'to-do' && r.key !== after);
      setView(next ? { kind: 'card', key: next.key, correction: false } : { kind: 'list' });
    },
    [rows],
  );

  if (view$.isPending)
    return (
      <>
        <h1>Audit board {board}</h1>
        <p role="status">Loading your cards…</p>
      </>
    );
  // A failed background refresh keeps the list the board already has: only a first load failure stops the page.
  if (!data)
    return (
      <>
        <h1>Audit board {board}</h1>
        <Alert type="error" headingLevel="h2" heading="Your cards could not be loaded">
          {view$.error?.message ?? ''} Entries already made are kept on this computer. Reload the page to try
          again.
        </Alert>
      </>
    );

  const contests: readonly BoardContest[] = data.contests;
  const done = rows.filter((r) => r.state === 'done').length;
  const waiting = rows.filter((r) => r.state === 'waiting').length;
  const refused = rows.filter((r) => r.state === 'refused').length;
  const rowOf = (key: string) => rows.find((r) => r.key === key);

  return (
    <div className="openrla-board">
      <h1>Audit board {board}</h1>
      <p className="openrla-board__summary">
        {props.auditName} · {jurisdiction} · round {round} ·{' '}
        <strong>
          {formatCount(done)} of {formatCount(rows.length)} cards done
        </strong>
      </p>
      {sessionEnded ? (
        <Alert type="warning" headingLevel="h2" heading="Your sign-in has ended">
          Your entries are saved on this computer. Ask your jurisdiction administrator for a new sign-in link
          for round {round}; once you sign in again on this computer, they are sent.
        </Alert>
      ) : null}
      <QueueStatus waiting={waiting} refused={refused} connected={queue.connected} />
      <p className="usa-sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      {!data.roundOpen ? (
        <Alert type="info" headingLevel="h2" heading={`Round ${round} is not open`}>
          Your sign-in is for round {round}, which is not in progress. If a new round has started, ask your
          jurisdiction administrator for a new sign-in link.
        </Alert>
      ) : data.signedOff ? (
        <SignedOff signedOff={data.signedOff} round={round} />
      ) : current.kind === 'card' && rowOf(current.key) ? (
        <CardScreen
          key={`${current.key}:${String(current.correction)}`}
          headingRef={viewHeading}
          row={rowOf(current.key)!}
          total={rows.length}
          contests={contests}
          correction={current.correction}
          initial={
            current.marks ??
            marksOf(
              queue.entries.find((e) => e.key === current.key)?.reading ??
                rowOf(current.key)!.recordedReading,
            )
          }
          initialReason={current.reason ?? ''}
          onReview={(reading, marks, correction) =>
            setView({ kind: 'review', key: current.key, reading, marks, correction })
          }
          onList={() => setView({ kind: 'list' })}
        />
      ) : current.kind === 'review' && rowOf(current.key) ? (
        <ReviewScreen
          headingRef={viewHeading}
          row={rowOf(current.key)!}
          total={rows.length}
          contests={contests}
          reading={current.reading}
          correction={current.correction}
          onBack={() =>
            setView({
              kind: 'card',
              key: current.key,
              correction: current.correction !== null,
              marks: current.marks,
              ...(current.correction ? { reason: current.correction.reason } : {}),
            })
          }
          onSubmit={() => {
            const row = rowOf(current.key)!;
            queue.enqueue({
              key: row.key,
              card: row.card,
              reading: current.reading,
              ...(current.correction ? { correction: current.correction } : {}),
            });
            setAnnouncement(`Card ${row.n} saved. It is sent to the server in the background.`);
            goNext(row.key);
          }}
        />
      ) : (
        <ListScreen
          headingRef={viewHeading}
          rows={rows}
          onEnter={(key, correction) => {
            // A refused entry gives way to the new one (the server's message stays in the list until then).
            if (queue.entries.some((e) => e.key === key && e.refused !== undefined)) queue.dismiss(key);
            setView({ kind: 'card', key, correction });
          }}
          onContinue={() => goNext(null)}
          signOff={
            <SignOffForm
              auditId={auditId}
              round={round}
              csrfToken={csrfToken}
              ready={done === rows.length && rows.length > 0}
              left={rows.length - done}
              onSigned={() => void queryClient.invalidateQueries({ queryKey })}
            />
          }
        />
      )}
      <Shortcuts />
    </div>
  );
}

/** What the outbox holds, said plainly: nothing, entries waiting (and why), refusals to look at. */
function QueueStatus({
  waiting,
  refused,
  connected,
}: {
  waiting: number;
  refused: number;
  connected: boolean;
}) {
  if (waiting === 0 && refused === 0) return null;
  return (
    <div className="margin-y-2" role="status">
      {waiting > 0 ? (
        <Alert type={connected ? 'info' : 'warning'} headingLevel="h2" slim>
          {formatCount(waiting)} {waiting === 1 ? 'entry is' : 'entries are'} saved on this computer and{' '}
          {connected
            ? 'being sent.'
            : 'waiting for the connection. Keep working: they are sent as soon as the server can be reached.'}
        </Alert>
      ) : null}
      {refused > 0 ? (
        <Alert type="error" headingLevel="h2" slim>
          The server refused {formatCount(refused)} {refused === 1 ? 'entry' : 'entries'}. Open “All cards” to
          see why and enter {refused === 1 ? 'it' : 'them'} again.
        </Alert>
      ) : null}
    </div>
  );
}

function CardWhere({ card, imprintedId }: { card: CardRef; imprintedId: string | null }) {
  return (
    <dl className="openrla-where" aria-label="Where to find the card">
      {card.tabulator !== null ? (
        <div>
          <dt>Tabulator</dt>
          <dd>{card.tabulator}</dd>
        </div>
      ) : null}
      <div>
        <dt>Batch</dt>
        <dd>{card.batch}</dd>
      </div>
      <div>
        <dt>Card number in the batch</dt>
        <dd>{card.position}</dd>
      </div>
      {imprintedId !== null ? (
        <div>
          <dt>Imprinted ID</dt>
          <dd>{imprintedId}</dd>
        </div>
      ) : null}
    </dl>
  );
}

function CardScreen(props: {
  readonly headingRef: React.RefObject<HTMLHeadingElement | null>;
  readonly row: CardRow;
  readonly total: number;
  readonly contests: readonly BoardContest[];
  readonly correction: boolean;
  readonly initial: Readonly<Record<string, ContestMarks>>;
  readonly initialReason: string;
  readonly onReview: (
    reading: CardReading,
    marks: Readonly<Record<string, ContestMarks>>,
    correction: { readonly reason: string } | null,
  ) => void;
  readonly onList: () => void;
}) {
  const { row, contests, correction } = props;
  const [marks, setMarks] = useState<Record<string, ContestMarks>>(() => ({ ...props.initial }));
  const [reason, setReason] = useState(props.initialReason);
  const [problems, setProblems] = useState<SummaryItem[]>([]);
  const [submits, setSubmits] = useState(0);
  const idOf = (contest: string) => `contest-${contests.findIndex((c) => c.name === contest)}`;

  function check(): { reason: { readonly reason: string } | null; ok: boolean } {
    const out: SummaryItem[] = [];
    if (correction && !reason.trim())
      out.push({ inputId: 'correction-reason', message: 'Say why you are correcting this card.' });
    return { reason: correction ? { reason: reason.trim() } : null, ok: out.length === 0 };
  }

  function review(event?: FormEvent<HTMLFormElement>) {
    event?.preventDefault();
    setSubmits((n) => n + 1);
    const read = readingOf(contests, marks);
    const c = check();
    const items: SummaryItem[] = [
      ...(c.ok ? [] : [{ inputId: 'correction-reason', message: 'Say why you are correcting this card.' }]),
      ...(read.ok
        ? []
        : read.problems.map((p) => ({ inputId: `${idOf(p.contest)}-first`, message: p.message }))),
    ];
    if (items.length > 0 || !read.ok) return setProblems(items);
    setProblems([]);
    props.onReview(read.reading, marks, c.reason);
  }

  function notFound() {
    setSubmits((n) => n + 1);
    const c = check();
    if (!c.ok)
      return setProblems([
        { inputId: 'correction-reason', message: 'Say why you are correcting this card.' },
      ]);
    props.onReview({ found: false }, marks, c.reason);
  }

  useShortcuts({
    r: () => review(),
    l: props.onList,
  });

  const problemOf = (contest: string) =>
    problems.find((p) => p.inputId === `${idOf(contest)}-first`)?.message;

  return (
    <section aria-labelledby="card-heading">
      <h2 id="card-heading" ref={props.headingRef} tabIndex={-1}>
        {correction ? 'Correct card' : 'Card'} {props.row.n} of {props.total}
      </h2>
      <p className="margin-bottom-1">Find this card and mark each contest exactly as the paper shows it.</p>
      <CardWhere card={row.card} imprintedId={row.imprintedId} />
      <ErrorSummary items={problems} focusKey={submits} />
      <Form onSubmit={review} large noValidate className="openrla-board__form">
        {correction ? (
          <TextField
            id="correction-reason"
            label="Why are you correcting this card?"
            hint="For the audit record, e.g. “we misread the Governor’s race”."
            value={reason}
            onChange={setReason}
            error={problems.find((p) => p.inputId === 'correction-reason')?.message}
            required
          />
        ) : null}
        {contests.map((contest, ci) => {
          const m = marks[contest.name] ?? { choices: [], special: null };
          const error = problemOf(contest.name);
          const base = `contest-${ci}`;
          return (
            <Fieldset
              key={contest.name}
              legend={`${contest.name} (vote for ${contest.votesAllowed})`}
              legendStyle="large"
              className={`openrla-contest${error ? ' usa-form-group--error' : ''}`}
            >
              {error ? <ErrorMessage id={`${base}-error`}>{error}</ErrorMessage> : null}
              {contest.choices.map((choice, i) => (
                <Checkbox
                  key={choice}
                  id={i === 0 ? `${base}-first` : `${base}-c${i}`}
                  name={base}
                  label={choice}
                  tile
                  checked={m.choices.includes(choice)}
                  onChange={() => setMarks((all) => ({ ...all, [contest.name]: toggleChoice(m, choice) }))}
                  aria-describedby={error ? `${base}-error` : undefined}
                />
              ))}
              {SPECIALS.map((special) => (
                <Checkbox
                  key={special}
                  id={
                    contest.choices.length === 0 && special === 'blank'
                      ? `${base}-first`
                      : `${base}-${special}`
                  }
                  name={base}
                  label={SPECIAL_LABELS[special]}
                  tile
                  className="openrla-special"
                  checked={m.special === special}
                  onChange={() => setMarks((all) => ({ ...all, [contest.name]: toggleSpecial(m, special) }))}
                />
              ))}
            </Fieldset>
          );
        })}
        <ButtonGroup className="margin-top-3">
          <Button type="submit">Review this card</Button>
          <Button type="button" outline onClick={notFound}>
            Card not found
          </Button>
          <Button type="button" unstyled onClick={props.onList}>
            All cards
          </Button>
        </ButtonGroup>
      </Form>
    </section>
  );
}

function ReviewScreen(props: {
  readonly headingRef: React.RefObject<HTMLHeadingElement | null>;
  readonly row: CardRow;
  readonly total: number;
  readonly contests: readonly BoardContest[];
  readonly reading: CardReading;
  readonly correction: { readonly reason: string } | null;
  readonly onBack: () => void;
  readonly onSubmit: () => void;
}) {
  const { row, reading } = props;
  useShortcuts({ s: props.onSubmit, b: props.onBack });
  return (
    <section aria-labelledby="review-heading">
      <h2 id="review-heading" ref={props.headingRef} tabIndex={-1}>
        Review card {row.n} of {props.total}
      </h2>
      <p>Check that this is exactly what the paper shows, then submit it.</p>
      <p className="openrla-board__where-line">
        {whereText(row.card)}
        {row.imprintedId !== null ? ` · Imprinted ID: ${row.imprintedId}` : ''}
      </p>
      {props.correction ? (
        <p>
          <strong>Correction.</strong> Reason: {props.correction.reason}
        </p>
      ) : null}
      {reading.found ? (
        <Table bordered fullWidth className="openrla-review">
          <caption className="usa-sr-only">What you entered for each contest</caption>
          <thead>
            <tr>
              <th scope="col">Contest</th>
              <th scope="col">What the card shows</th>
            </tr>
          </thead>
          <tbody>
            {props.contests.map((c) => (
              <tr key={c.name}>
                <th scope="row">{c.name}</th>
                <td>{contestReadingText(reading.contests[c.name])}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : (
        <Alert type="warning" headingLevel="h3" heading="Card not found" slim>
          You could not find this card in its batch.
        </Alert>
      )}
      <ButtonGroup className="margin-top-3">
        <Button type="button" onClick={props.onSubmit}>
          Submit this card
        </Button>
        <Button type="button" outline onClick={props.onBack}>
          Go back and change it
        </Button>
      </ButtonGroup>
    </section>
  );
}

const STATE_TEXT: Readonly<Record<CardRow['state'], string>> = {
  done: 'Done',
  waiting: 'Saved, waiting to be sent',
  refused: 'Refused by the server',
  'to-do': 'To do',
};

function ListScreen(props: {
  readonly headingRef: React.RefObject<HTMLHeadingElement | null>;
  readonly rows: readonly CardRow[];
  readonly onEnter: (key: string, correction: boolean) => void;
  readonly onContinue: () => void;
  readonly signOff: React.ReactNode;
}) {
  const toDo = props.rows.filter((r) => r.state === 'to-do').length;
  useShortcuts({ c: () => (toDo > 0 ? props.onContinue() : undefined) });
  return (
    <section aria-labelledby="list-heading">
      <h2 id="list-heading" ref={props.headingRef} tabIndex={-1}>
        All cards on your list
      </h2>
      {props.rows.length === 0 ? (
        <p>Your board has no cards in this round.</p>
      ) : (
        <Table bordered fullWidth className="openrla-card-list">
          <caption className="usa-sr-only">Every card on your list and whether it is done</caption>
          <thead>
            <tr>
              <th scope="col">List no.</th>
              <th scope="col">Tabulator</th>
              <th scope="col">Batch</th>
              <th scope="col">Card number in batch</th>
              <th scope="col">Imprinted ID</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="usa-sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.n}</th>
                <td>{r.card.tabulator ?? '—'}</td>
                <td>{r.card.batch}</td>
                <td>{r.card.position}</td>
                <td>{r.imprintedId ?? '—'}</td>
                <td>
                  {STATE_TEXT[r.state]}
                  {r.refused ? (
                    <span className="display-block text-secondary-dark">{r.refused.message}</span>
                  ) : null}
                </td>
                <td>
                  {r.state === 'to-do' ? (
                    <Button type="button" unstyled onClick={() => props.onEnter(r.key, false)}>
                      Enter card {r.n}
                    </Button>
                  ) : r.state === 'done' || (r.state === 'refused' && r.recordedReading !== null) ? (
                    <Button type="button" unstyled onClick={() => props.onEnter(r.key, true)}>
                      Correct card {r.n}
                    </Button>
                  ) : r.state === 'refused' ? (
                    <Button type="button" unstyled onClick={() => props.onEnter(r.key, false)}>
                      Enter card {r.n} again
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {toDo > 0 ? (
        <Button type="button" onClick={props.onContinue}>
          Continue with the next card
        </Button>
      ) : null}
      {props.signOff}
    </section>
  );
}

function SignOffForm(props: {
  readonly auditId: string;
  readonly round: number;
  readonly csrfToken: string;
  readonly ready: boolean;
  readonly left: number;
  readonly onSigned: () => void;
}) {
  const client = useApi();
  const session = useSession();
  const known = session.me?.board?.members ?? [];
  const [members, setMembers] = useState(() =>
    (known.length > 0 ? known : [{ name: '', party: '' }]).map((m) => ({ name: m.name, party: m.party })),
  );
  const [agreed, setAgreed] = useState(false);
  const [problems, setProblems] = useState<SummaryItem[]>([]);
  const [submits, setSubmits] = useState(0);
  const [busy, setBusy] = useState(false);
  if (!props.ready)
    return (
      <section aria-labelledby="sign-off-heading" className="margin-top-4">
        <h2 id="sign-off-heading">Sign off</h2>
        <p>
          You can sign off when every card is done and sent: {formatCount(props.left)}{' '}
          {props.left === 1 ? 'card is' : 'cards are'} still to do or waiting to be sent.
        </p>
      </section>
    );
  const errorOf = (id: string) => problems.find((p) => p.inputId === id)?.message;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmits((n) => n + 1);
    const missing: SummaryItem[] = [];
    members.forEach((m, i) => {
      if (!m.name.trim())
        missing.push({ inputId: `sign-${i + 1}-name`, message: `Enter member ${i + 1}’s name.` });
      if (!m.party.trim())
        missing.push({
          inputId: `sign-${i + 1}-party`,
          message: `Enter member ${i + 1}’s party affiliation.`,
        });
    });
    if (!agreed)
      missing.push({
        inputId: 'sign-off-agree',
        message: 'Confirm that you read every card and entered what it shows.',
      });
    if (missing.length > 0) return setProblems(missing);
    setBusy(true);
    try {
      const answer = await answerOf(
        client.api.audits[':auditId'].board['sign-off'].$post(
          {
            param: { auditId: props.auditId },
            json: { members: members.map((m) => ({ name: m.name.trim(), party: m.party.trim() })) },
          },
          { headers: csrfHeaders(props.csrfToken) },
        ),
      );
      if (!answer.ok) return setProblems([{ inputId: null, message: answer.error.message }]);
      setProblems([]);
      props.onSigned();
    } catch (failure) {
      setProblems([{ inputId: null, message: (failure as Error).message }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sign-off-heading" className="margin-top-4">
      <h2 id="sign-off-heading">Sign off round {props.round}</h2>
      <p>
        Every card on your list is done. Each member checks their name and party, then you sign off together.
      </p>
      <ErrorSummary items={problems} focusKey={submits} />
      <Form onSubmit={submit} large noValidate>
        {members.map((m, i) => (
          <Fieldset key={i} legend={`Member ${i + 1}`}>
            <TextField
              id={`sign-${i + 1}-name`}
              label="Full name"
              value={m.name}
              onChange={(name) => setMembers((all) => all.map((x, j) => (j === i ? { ...x, name } : x)))}
              error={errorOf(`sign-${i + 1}-name`)}
              required
            />
            <TextField
              id={`sign-${i + 1}-party`}
              label="Party affiliation"
              value={m.party}
              onChange={(party) => setMembers((all) => all.map((x, j) => (j === i ? { ...x, party } : x)))}
              error={errorOf(`sign-${i + 1}-party`)}
              required
            />
          </Fieldset>
        ))}
        <div
          className={errorOf('sign-off-agree') ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}
        >
          {errorOf('sign-off-agree') ? (
            <ErrorMessage id="sign-off-agree-error">{errorOf('sign-off-agree')}</ErrorMessage>
          ) : null}
          <Checkbox
            id="sign-off-agree"
            name="sign-off-agree"
            label="We read every card on our list and entered exactly what the paper shows."
            checked={agreed}
            onChange={(e) => setAgreed(e.target.checked)}
            aria-describedby={errorOf('sign-off-agree') ? 'sign-off-agree-error' : undefined}
          />
        </div>
        <Button type="submit" disabled={busy} className="margin-top-2">
          {busy ? 'Signing off…' : `Sign off round ${props.round}`}
        </Button>
      </Form>
    </section>
  );
}

function SignedOff({ signedOff, round }: { signedOff: NonNullable<BoardView['signedOff']>; round: number }) {
  return (
    <Alert type="success" headingLevel="h2" heading={`Round ${round} signed off`}>
      Signed off at {new Date(signedOff.at).toLocaleString()} by{' '}
      {signedOff.members.map((m) => `${m.name} (${m.party})`).join(' and ')}. Your work for this round is
      done; return the cards to their batches and sign out.
    </Alert>
  );
}

/** Page shortcuts: a letter (case-insensitive) → an action; ignored inside text inputs (reading.ts). */
function useShortcuts(map: Readonly<Record<string, () => void>>): void {
  const latest = useRef(map);
  latest.current = map;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!shortcutAllowed(e)) return;
      const action = latest.current[e.key.toLowerCase()];
      if (!action) return;
      e.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function Shortcuts() {
  return (
    <section aria-labelledby="shortcuts-heading" className="openrla-shortcuts margin-top-5">
      <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
      <p>Tab moves between choices and Space ticks a box. These keys work anywhere except in a text box:</p>
      <dl>
        <div>
          <dt>
            <kbd>R</kbd>
          </dt>
          <dd>Review the card you are entering</dd>
        </div>
        <div>
          <dt>
            <kbd>S</kbd>
          </dt>
          <dd>Submit the card you are reviewing</dd>
        </div>
        <div>
          <dt>
            <kbd>B</kbd>
          </dt>
          <dd>Go back from the review to change the card</dd>
        </div>
        <div>
          <dt>
            <kbd>L</kbd>
          </dt>
          <dd>List all cards</dd>
        </div>
        <div>
          <dt>
            <kbd>C</kbd>
          </dt>
          <dd>Continue with the next card (from the list)</dd>
        </div>
      </dl>
    </section>
  );
}

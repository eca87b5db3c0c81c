/**
 * One audit's dashboard (/state/audits/:auditId), its steps in order. What a person does here:
 * 1. watch each jurisdiction's files arrive (ballot manifest, CVR export);
 * 2. review the sample-size options of each targeted contest with their chance to finish in one round,
 *    and pick one (or a custom size);
 * 3. record the seed rolled at the public dice ceremony (checked as it is typed: 20 digits or more);
 * 4. start the round;
 * 5. watch the round live (every few seconds): cards recorded per jurisdiction, each contest's status,
 *    discrepancies and measured risk, and a chart of risk against cards audited beside its table;
 * 6. finish the round (the risk is measured; a contest above the risk limit needs another round);
 * 7. download the report (CSV, JSON) and the event log, and share the public page.
 * The box at the top always says what to do next.
 */
import { Alert, Button, Form, Radio, Table, Tag } from '@trussworks/react-uswds';
import { useQueryClient } from '@tanstack/react-query';
import { checkDiceSeed, MIN_SEED_DIGITS } from '@openrla/sampling';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useApi } from '../../api/api_context.js';
import { answerOf, csrfHeaders, type ApiError } from '../../api/request.js';
import { ErrorSummary, type SummaryItem } from '../../forms/error_summary.js';
import { TextField } from '../../forms/text_field.js';
import { formatCount, formatPercent } from '../../format/numbers.js';
import { usePageTitle } from '../../layout/page_title.js';
import { useSignedIn } from '../../session/session.js';
import { PATHS } from '../paths.js';
import { nextStep, sizesOf, type PickedSize } from './dashboard_logic.js';
import { formatRisk, RiskChart } from './risk_chart.js';
import { riskSeries } from './risk_series.js';
import {
  downloadPaths,
  LIVE_POLL_MS,
  stateKeys,
  useAuditReport,
  useAuditStatus,
  useRoundPlan,
  type AuditReport,
  type AuditStatus,
  type ContestPlan,
  type SeedAnswer,
} from './state_api.js';
import { STATE_PATHS } from './state_paths.js';
import './state.css';

export function AuditDashboardPage() {
  const { auditId = '' } = useParams();
  usePageTitle(`Audit ${auditId}`);
  const statusQuery = useAuditStatus(auditId);
  const status = statusQuery.data?.ok ? statusQuery.data.value : null;
  const reportQuery = useAuditReport(
    auditId,
    status ? status.status.rounds * 2 + (status.status.roundOpen ? 1 : 0) : -1,
  );
  const report = reportQuery.data ?? null;

  const back = (
    <p>
      <Link className="usa-link" to={STATE_PATHS.home}>
        ← State audit administration
      </Link>
    </p>
  );
  if (statusQuery.isPending || (status && reportQuery.isPending))
    return (
      <>
        {back}
        <h1>Audit {auditId}</h1>
        <p role="status">Loading the audit…</p>
      </>
    );
  const failure: string | null = statusQuery.isError
    ? statusQuery.error.message
    : statusQuery.data && !statusQuery.data.ok
      ? statusQuery.data.error.message
      : reportQuery.isError
        ? reportQuery.error.message
        : null;
  if (failure !== null || !status || !report)
    return (
      <>
        {back}
        <h1>Audit {auditId}</h1>
        <Alert type="error" headingLevel="h2" heading="The audit could not be loaded">
          {failure ?? 'No answer from the server.'}
        </Alert>
      </>
    );
  return <Dashboard auditId={auditId} status={status} report={report} back={back} />;
}

function Dashboard({
  auditId,
  status,
  report,
  back,
}: {
  readonly auditId: string;
  readonly status: AuditStatus;
  readonly report: AuditReport;
  readonly back: React.ReactNode;
}) {
  const definition = report.definition;
  const contests = definition?.contests ?? [];
  const needsCvrs = contests.some((c) => c.method === 'kaplan-markov' || c.method === 'alpha-comparison');
  const next = nextStep({ status, needsCvrs });
  const { rounds, roundOpen, complete } = status.status;
  const filesIn = status.jurisdictions.every((j) => j.manifest !== null && (!needsCvrs || j.cvrs !== null));
  const canPlan = filesIn && !roundOpen && !complete;
  const publicPath = PATHS.publicAudit(auditId);
  const [picked, setPicked] = useState<Record<string, PickedSize>>({});
  // Each round offers its own sizes: a new round starts from the suggested ones again.
  useEffect(() => setPicked({}), [rounds]);
  // After an action the button it used is gone: focus moves to what to do next.
  const nextBox = useRef<HTMLDivElement>(null);
  const focusNext = () => nextBox.current?.focus();

  return (
    <>
      {back}
      <h1>{definition?.name ?? auditId}</h1>
      <p className="usa-intro">
        Audit id <code>{auditId}</code>; risk limit{' '}
        {definition ? formatPercent(definition.riskLimit, 4) : '—'};{' '}
        {formatCount(status.jurisdictions.length)} jurisdiction{status.jurisdictions.length === 1 ? '' : 's'}.
        Public page for observers:{' '}
        <Link className="usa-link" to={publicPath}>
          {window.location.origin}
          {publicPath}
        </Link>
      </p>
      <div ref={nextBox} tabIndex={-1}>
        <Alert type={complete ? 'success' : 'info'} headingLevel="h2" heading="What to do next">
          <span data-testid="next-step">{next.message}</span>
        </Alert>
      </div>

      <section aria-labelledby="step-uploads" className="margin-top-5">
        <h2 id="step-uploads">1. Jurisdictions’ files</h2>
        <UploadsTable status={status} needsCvrs={needsCvrs} />
        <p>
          Each jurisdiction’s administrator uploads its files after signing in.{' '}
          <Link className="usa-link" to={STATE_PATHS.accounts}>
            Create their accounts
          </Link>
          .
        </p>
      </section>

      <section aria-labelledby="step-plan" className="margin-top-5">
        <h2 id="step-plan">2. Sample sizes{canPlan ? ` for round ${rounds + 1}` : ''}</h2>
        {complete ? (
          <p>The audit is complete: no more cards are needed.</p>
        ) : roundOpen ? (
          <p>Round {rounds} is under way. The sizes of the next round appear when it is finished.</p>
        ) : !filesIn ? (
          <p>The sample sizes appear when every jurisdiction’s files are in.</p>
        ) : (
          <PlanSection auditId={auditId} picked={picked} setPicked={setPicked} />
        )}
      </section>

      <section aria-labelledby="step-seed" className="margin-top-5">
        <h2 id="step-seed">3. Random seed</h2>
        <SeedSection auditId={auditId} seed={report.seed} filesIn={filesIn} onDone={focusNext} />
      </section>

      <section aria-labelledby="step-round" className="margin-top-5">
        <h2 id="step-round">4. Start round {roundOpen || complete ? rounds : rounds + 1}</h2>
        {complete ? (
          <p>The audit is complete.</p>
        ) : roundOpen ? (
          <p>Round {rounds} has started. The jurisdictions have their retrieval lists.</p>
        ) : report.seed === null ? (
          <p>Record the seed first: the cards are drawn from it.</p>
        ) : (
          <StartRound auditId={auditId} round={rounds + 1} picked={picked} onDone={focusNext} />
        )}
      </section>

      <section aria-labelledby="step-progress" className="margin-top-5">
        <h2 id="step-progress">5. Progress</h2>
        {rounds === 0 ? (
          <p>Progress appears here once round 1 starts.</p>
        ) : (
          <Progress status={status} report={report} />
        )}
      </section>

      <section aria-labelledby="step-finish" className="margin-top-5">
        <h2 id="step-finish">6. Finish the round</h2>
        {roundOpen ? (
          <FinishRound auditId={auditId} status={status} onDone={focusNext} />
        ) : rounds === 0 ? (
          <p>No round has started yet.</p>
        ) : complete ? (
          <p>Round {rounds} is finished and the audit is complete.</p>
        ) : (
          <p>
            Round {rounds} is finished: start round {rounds + 1} above.
          </p>
        )}
      </section>

      <section aria-labelledby="step-reports" className="margin-top-5">
        <h2 id="step-reports">7. Reports</h2>
        <Reports auditId={auditId} />
      </section>
    </>
  );
}

function fileTag(present: boolean, waiting: string) {
  return present ? null : <Tag className="bg-gold text-ink">{waiting}</Tag>;
}

function UploadsTable({ status, needsCvrs }: { readonly status: AuditStatus; readonly needsCvrs: boolean }) {
  return (
    <Table bordered fullWidth>
      <caption className="usa-sr-only">Files of each jurisdiction</caption>
      <thead>
        <tr>
          <th scope="col">Jurisdiction</th>
          <th scope="col">Ballot manifest</th>
          <th scope="col">CVR export</th>
          <th scope="col">Audit boards</th>
        </tr>
      </thead>
      <tbody>
        {status.jurisdictions.map((j) => (
          <tr key={j.jurisdiction}>
            <th scope="row">{j.jurisdiction}</th>
            <td>
              {j.manifest ? `${j.manifest.fileName}: ${formatCount(j.manifest.ballots)} ballot cards` : null}
              {fileTag(j.manifest !== null, 'Waiting for upload')}
            </td>
            <td>
              {j.cvrs ? `${j.cvrs.fileName}: ${formatCount(j.cvrs.cvrs)} CVRs` : null}
              {needsCvrs
                ? fileTag(j.cvrs !== null, 'Waiting for upload')
                : j.cvrs
                  ? null
                  : 'Not needed (ballot polling)'}
            </td>
            <td>{j.boards.length === 0 ? 'None yet' : j.boards.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function probabilityText(p: number | null): string {
  return p === null ? 'Not estimated by this method' : formatPercent(p, 0);
}

function PlanSection({
  auditId,
  picked,
  setPicked,
}: {
  readonly auditId: string;
  readonly picked: Readonly<Record<string, PickedSize>>;
  readonly setPicked: (f: (p: Record<string, PickedSize>) => Record<string, PickedSize>) => void;
}) {
  const plan = useRoundPlan(auditId, true);
  if (plan.isPending) return <p role="status">Computing the sample sizes…</p>;
  if (plan.isError)
    return (
      <Alert type="error" headingLevel="h3" heading="The sample sizes could not be computed">
        {plan.error.message}
      </Alert>
    );
  if (!plan.data.ok) return <p>{plan.data.error.message}</p>;
  const contests = plan.data.value.contests;
  if (contests.length === 0) return <p>No targeted contest needs more cards.</p>;
  return (
    <>
      <p>
        For each targeted contest, choose how many cards to draw in all (cards already drawn count). The
        chance to finish assumes the reported results are right; with discrepancies, more rounds may be
        needed.
      </p>
      {contests.map((c) => (
        <ContestPlanTable
          key={c.contest}
          plan={c}
          picked={picked[c.contest] ?? { kind: 'option', key: c.recommended }}
          onPick={(p) => setPicked((all) => ({ ...all, [c.contest]: p }))}
        />
      ))}
    </>
  );
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-');
}

function ContestPlanTable({
  plan,
  picked,
  onPick,
}: {
  readonly plan: ContestPlan;
  readonly picked: PickedSize;
  readonly onPick: (p: PickedSize) => void;
}) {
  const base = `size-${slug(plan.contest)}`;
  const customText = picked.kind === 'custom' ? picked.text : '';
  return (
    <fieldset className="usa-fieldset margin-top-3">
      <legend className="usa-legend font-heading-md text-bold">
        {plan.contest}: {formatCount(plan.ballots)} ballot cards, {formatCount(plan.sampledSoFar)} drawn so
        far
      </legend>
      <Table bordered fullWidth compact>
        <caption className="usa-sr-only">Sample-size options for {plan.contest}</caption>
        <thead>
          <tr>
            <th scope="col">Cards in all (choose one)</th>
            <th scope="col">Chance to finish in this round</th>
            <th scope="col">What it means</th>
          </tr>
        </thead>
        <tbody>
          {plan.options.map((o) => (
            <tr key={o.key}>
              <td className="openrla-cell-radio">
                <Radio
                  id={`${base}-${slug(o.key)}`}
                  name={base}
                  label={`${formatCount(o.size)} cards${o.key === plan.recommended ? ' (suggested)' : ''}`}
                  checked={picked.kind === 'option' && picked.key === o.key}
                  onChange={() => onPick({ kind: 'option', key: o.key })}
                />
              </td>
              <td>{probabilityText(o.probability)}</td>
              <td>{o.label}</td>
            </tr>
          ))}
          <tr>
            <td className="openrla-cell-radio">
              <Radio
                id={`${base}-custom`}
                name={base}
                label="A custom size"
                checked={picked.kind === 'custom'}
                onChange={() => onPick({ kind: 'custom', text: customText })}
              />
            </td>
            <td colSpan={2}>
              <TextField
                id={`${base}-custom-size`}
                label={`Custom size for ${plan.contest} (cards in all)`}
                inputMode="numeric"
                widthClass="usa-input--small"
                value={customText}
                onChange={(text) => onPick({ kind: 'custom', text })}
                className="margin-top-0"
              />
            </td>
          </tr>
        </tbody>
      </Table>
    </fieldset>
  );
}

function SeedSection({
  auditId,
  seed,
  filesIn,
  onDone,
}: {
  readonly auditId: string;
  readonly seed: string | null;
  readonly filesIn: boolean;
  readonly onDone: () => void;
}) {
  const me = useSignedIn();
  const client = useApi();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<SeedAnswer | null>(null);

  if (seed !== null)
    return (
      <>
        <p>
          Seed from the public dice ceremony:{' '}
          <strong className="font-mono-md" data-testid="seed">
            {seed}
          </strong>
        </p>
        {answer?.warning ? (
          <Alert type="warning" headingLevel="h3" heading="About this seed" slim>
            {answer.warning}
          </Alert>
        ) : null}
      </>
    );
  if (!filesIn)
    return (
      <p>The seed is recorded after every jurisdiction’s files are in (they cannot change afterwards).</p>
    );
  const typed = text.trim();
  const warning = typed === '' ? null : checkDiceSeed(typed);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = checkDiceSeed(typed);
    if (problem) return setError(sentence(problem.message));
    setBusy(true);
    setError(null);
    try {
      const answered = await answerOf<SeedAnswer>(
        client.api.audits[':auditId'].seed.$post(
          { param: { auditId }, json: { seed: typed } },
          { headers: csrfHeaders(me.csrfToken) },
        ),
      );
      if (!answered.ok) return setError(sentence(answered.error.message));
      setAnswer(answered.value);
      await queryClient.invalidateQueries({ queryKey: stateKeys.audit(auditId) });
      onDone();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form onSubmit={submit} className="openrla-form" noValidate>
      <TextField
        id="seed"
        label="Seed from the public dice ceremony"
        hint={`The digits rolled with ten-sided dice, in order: at least ${MIN_SEED_DIGITS}. Once recorded it cannot change.${
          typed === '' ? '' : ` ${formatCount(typed.length)} character${typed.length === 1 ? '' : 's'} typed.`
        }`}
        inputMode="numeric"
        value={text}
        onChange={(v) => {
          setText(v);
          setError(null);
        }}
        error={error ?? undefined}
        className="margin-top-0"
      />
      {warning && !error ? (
        <p className="text-secondary-dark" role="status">
          {sentence(warning.message)}
        </p>
      ) : null}
      <Button type="submit" disabled={busy}>
        {busy ? 'Recording the seed…' : 'Record the seed'}
      </Button>
    </Form>
  );
}

/** "seed: a dice seed needs …" → "A dice seed needs …". */
function sentence(message: string): string {
  const m = message.replace(/^seed:\s*/, '');
  const s = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

function StartRound({
  auditId,
  round,
  picked,
  onDone,
}: {
  readonly auditId: string;
  readonly round: number;
  readonly picked: Readonly<Record<string, PickedSize>>;
  readonly onDone: () => void;
}) {
  const me = useSignedIn();
  const client = useApi();
  const queryClient = useQueryClient();
  const plan = useRoundPlan(auditId, true);
  const [problems, setProblems] = useState<SummaryItem[]>([]);
  const [submits, setSubmits] = useState(0);
  const [busy, setBusy] = useState(false);
  const contests = plan.data?.ok ? plan.data.value.contests : [];

  async function start() {
    setSubmits((n) => n + 1);
    const sizes = sizesOf({ contests, picked });
    if (!sizes.ok)
      return setProblems(
        sizes.error.map((p) => ({ inputId: `size-${slug(p.contest)}-custom-size`, message: p.message })),
      );
    setBusy(true);
    try {
      const answered = await answerOf(
        client.api.audits[':auditId'].rounds.$post(
          { param: { auditId }, json: { sizes: sizes.value } },
          { headers: csrfHeaders(me.csrfToken) },
        ),
      );
      if (!answered.ok) return setProblems([{ inputId: null, message: sentence(answered.error.message) }]);
      setProblems([]);
      await queryClient.invalidateQueries({ queryKey: stateKeys.audit(auditId) });
      onDone();
    } catch (failure) {
      setProblems([{ inputId: null, message: (failure as Error).message }]);
    } finally {
      setBusy(false);
    }
  }

  const summary = contests.map((c) => {
    const p = picked[c.contest] ?? { kind: 'option', key: c.recommended };
    const size =
      p.kind === 'option'
        ? formatCount(c.options.find((o) => o.key === p.key)?.size ?? 0)
        : p.text || '(no size yet)';
    return `${c.contest}: ${size} cards in all`;
  });
  return (
    <>
      <ErrorSummary items={problems} focusKey={submits} />
      {summary.length > 0 ? (
        <ul className="usa-list">
          {summary.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      ) : null}
      <p>The cards are drawn from the seed; each jurisdiction then gets its retrieval list.</p>
      <Button type="button" onClick={() => void start()} disabled={busy}>
        {busy ? `Starting round ${round}…` : `Start round ${round}`}
      </Button>
    </>
  );
}

function Progress({ status, report }: { readonly status: AuditStatus; readonly report: AuditReport }) {
  const { rounds, roundOpen } = status.status;
  const names = Object.keys(status.status.contests);
  const series = riskSeries({ contests: names, rounds: report.rounds });
  const riskLimit = report.definition?.riskLimit ?? 0;
  const targeted = new Set(
    (report.definition?.contests ?? []).filter((c) => c.role === 'targeted').map((c) => c.name),
  );
  return (
    <>
      <p>
        Round {rounds} {roundOpen ? 'is under way' : 'is finished'}.
        {roundOpen ? ` This page updates every ${LIVE_POLL_MS / 1000} seconds.` : ''}
      </p>
      <Table bordered fullWidth>
        <caption>Cards of round {rounds} by jurisdiction</caption>
        <thead>
          <tr>
            <th scope="col">Jurisdiction</th>
            <th scope="col">Cards to audit</th>
            <th scope="col">Recorded</th>
            <th scope="col">Left</th>
          </tr>
        </thead>
        <tbody>
          {status.jurisdictions.map((j) => (
            <tr key={j.jurisdiction}>
              <th scope="row">{j.jurisdiction}</th>
              <td className="openrla-num">{formatCount(j.roundCards)}</td>
              <td className="openrla-num">{formatCount(j.recorded)}</td>
              <td className="openrla-num">{formatCount(Math.max(0, j.roundCards - j.recorded))}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Table bordered fullWidth>
        <caption>Contests after the last finished round</caption>
        <thead>
          <tr>
            <th scope="col">Contest</th>
            <th scope="col">Status</th>
            <th scope="col">Cards audited</th>
            <th scope="col">Discrepancies (2-vote over, 1-vote over, 1-vote under, 2-vote under)</th>
            <th scope="col">Measured risk</th>
          </tr>
        </thead>
        <tbody>
          {names.map((name) => {
            const r = status.status.contests[name] ?? null;
            return (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>
                  {r === null
                    ? 'Not measured yet'
                    : statusText({
                        status: r.status,
                        risk: r.pValue,
                        riskLimit,
                        targeted: targeted.has(name),
                      })}
                </td>
                <td className="openrla-num">{r === null ? '—' : formatCount(r.n)}</td>
                <td className="openrla-num">
                  {r?.discrepancies
                    ? `${r.discrepancies.o2}, ${r.discrepancies.o1}, ${r.discrepancies.u1}, ${r.discrepancies.u2}`
                    : '—'}
                </td>
                <td className="openrla-num">{r === null ? '—' : formatRisk(r.pValue)}</td>
              </tr>
            );
          })}
        </tbody>
      </Table>
      <h3>Measured risk against cards audited</h3>
      <RiskChart series={series} riskLimit={riskLimit} />
    </>
  );
}

function statusText(options: {
  readonly status: string;
  readonly risk: number;
  readonly riskLimit: number;
  readonly targeted: boolean;
}): string {
  switch (options.status) {
    case 'confirmed':
      return 'Confirmed: the risk is within the limit';
    case 'hand-counted':
      return 'Fully hand counted';
    default:
      // Opportunistic contests are measured on the targeted contests' cards; they never ask for more.
      if (!options.targeted) return 'Not confirmed (opportunistic: measured on the same cards)';
      return options.risk <= options.riskLimit ? 'In progress' : 'More cards needed';
  }
}

function FinishRound({
  auditId,
  status,
  onDone,
}: {
  readonly auditId: string;
  readonly status: AuditStatus;
  readonly onDone: () => void;
}) {
  const me = useSignedIn();
  const client = useApi();
  const queryClient = useQueryClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const round = status.status.rounds;
  const left = status.jurisdictions.reduce((n, j) => n + Math.max(0, j.roundCards - j.recorded), 0);

  async function finish() {
    setBusy(true);
    setError(null);
    try {
      const answered = await answerOf(
        client.api.audits[':auditId'].rounds.finish.$post(
          { param: { auditId } },
          { headers: csrfHeaders(me.csrfToken) },
        ),
      );
      if (!answered.ok) return setError(answered.error);
      await queryClient.invalidateQueries({ queryKey: stateKeys.audit(auditId) });
      onDone();
    } catch (failure) {
      setError({ kind: 'network', message: (failure as Error).message });
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      {error ? (
        <Alert type="error" headingLevel="h3" heading={`Round ${round} could not be finished`}>
          {sentence(error.message)}
        </Alert>
      ) : null}
      <p>
        {left > 0
          ? `${formatCount(left)} card${left === 1 ? ' is' : 's are'} not recorded yet. Finish the round when the audit boards are done.`
          : 'Every card is recorded: finishing measures the risk of each contest.'}
      </p>
      <Button type="button" onClick={() => void finish()} disabled={busy}>
        {busy ? `Finishing round ${round}…` : `Finish round ${round}`}
      </Button>
    </>
  );
}

function Reports({ auditId }: { readonly auditId: string }) {
  const paths = downloadPaths(auditId);
  return (
    <ul className="usa-list">
      <li>
        <a className="usa-link" href={paths.reportCsv} download>
          Download the report (CSV)
        </a>
        : settings, files, contests, each round’s risk and every sampled card with its discrepancy.
      </li>
      <li>
        <a className="usa-link" href={paths.reportJson} download={`${auditId}-report.json`}>
          Download the report (JSON)
        </a>
      </li>
      <li>
        <a className="usa-link" href={paths.events} download>
          Download the event log (JSON Lines)
        </a>
        : every step of the audit, hash-chained.
      </li>
      <li>
        <a className="usa-link" href={paths.publicRecord}>
          The published audit record
        </a>{' '}
        (public): anyone can check it with <code>openrla audit verify</code>.
      </li>
    </ul>
  );
}

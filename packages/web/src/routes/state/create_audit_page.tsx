/**
 * Create an audit (/state/audits/new). What a person does here: either load an audit definition file
 * (the JSON `openrla audit define FILE` takes, e.g. the demo's audit.json), which fills the form, or fill
 * the form by hand — the audit's name and id, the risk limit, the jurisdictions, and each contest to
 * audit (method, targeted or opportunistic, winners, where it is on the ballot, reported votes for ballot
 * polling) — then "Create the audit". Problems are shown beside their inputs and in a summary; the
 * engine checks the definition again on the server and its refusals land beside the input they name.
 */
import {
  Button,
  Checkbox,
  ErrorMessage,
  Fieldset,
  Form,
  FormGroup,
  Label,
  Select,
  Textarea,
} from '@trussworks/react-uswds';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../../api/api_context.js';
import { answerOf, csrfHeaders } from '../../api/request.js';
import { ErrorSummary, type SummaryItem } from '../../forms/error_summary.js';
import { errorId, hintId, TextField } from '../../forms/text_field.js';
import { usePageTitle } from '../../layout/page_title.js';
import { useSignedIn } from '../../session/session.js';
import {
  contestJurisdictions,
  draftOfDefinitionFile,
  emptyAudit,
  emptyContest,
  inputIds,
  inputOfField,
  isPolling,
  jurisdictionsOf,
  METHODS,
  readAuditForm,
  suggestedAuditId,
  type AuditDraft,
  type AuditMethodName,
  type ContestDraft,
} from './audit_form.js';
import { stateKeys } from './state_api.js';
import { STATE_PATHS } from './state_paths.js';

function TextAreaField(props: {
  readonly id: string;
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  readonly error?: string | undefined;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly rows?: number;
}) {
  const { id, error, hint } = props;
  const describedBy = [error ? errorId(id) : null, hint ? hintId(id) : null].filter(Boolean).join(' ');
  return (
    <FormGroup error={Boolean(error)}>
      <Label htmlFor={id} error={Boolean(error)}>
        {props.label}
      </Label>
      {hint ? (
        <span className="usa-hint" id={hintId(id)}>
          {hint}
        </span>
      ) : null}
      {error ? <ErrorMessage id={errorId(id)}>{error}</ErrorMessage> : null}
      <Textarea
        id={id}
        name={id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        error={Boolean(error)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        rows={props.rows ?? 3}
      />
    </FormGroup>
  );
}

export function CreateAuditPage() {
  usePageTitle('Create an audit');
  const me = useSignedIn();
  const client = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<AuditDraft>(emptyAudit);
  const [idTouched, setIdTouched] = useState(false);
  const [problems, setProblems] = useState<SummaryItem[]>([]);
  const [submits, setSubmits] = useState(0);
  const [busy, setBusy] = useState(false);
  const [loaded, setLoaded] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);

  const errorOf = (inputId: string) => problems.find((p) => p.inputId === inputId)?.message;
  const jurisdictions = jurisdictionsOf(draft.jurisdictions);

  function update(change: Partial<AuditDraft>) {
    setDraft((d) => {
      const next = { ...d, ...change };
      // The id follows the name until the person types an id of their own.
      if (change.name !== undefined && !idTouched) return { ...next, auditId: suggestedAuditId(change.name) };
      return next;
    });
  }
  function updateContest(i: number, change: Partial<ContestDraft>) {
    setDraft((d) => ({ ...d, contests: d.contests.map((c, k) => (k === i ? { ...c, ...change } : c)) }));
  }

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setLoaded(null);
    setFileError(null);
    if (!file) return;
    const read = draftOfDefinitionFile({
      text: await file.text(),
      fileName: file.name,
      auditId: draft.auditId,
    });
    if (!read.ok) return setFileError(read.error);
    setDraft(read.value);
    setProblems([]);
    setLoaded(file.name);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmits((n) => n + 1);
    const read = readAuditForm(draft);
    if (!read.ok) return setProblems(read.error);
    setBusy(true);
    try {
      const answer = await answerOf(
        client.api.audits.$post(
          {
            json: {
              auditId: read.value.auditId,
              definition: read.value.definition as unknown as Record<string, unknown>,
            },
          },
          { headers: csrfHeaders(me.csrfToken) },
        ),
      );
      if (!answer.ok) {
        setProblems([{ inputId: inputOfField(answer.error.field, draft), message: answer.error.message }]);
        return;
      }
      await queryClient.invalidateQueries({ queryKey: stateKeys.audits });
      navigate(STATE_PATHS.audit(read.value.auditId));
    } catch (failure) {
      setProblems([{ inputId: null, message: (failure as Error).message }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p>
        <Link className="usa-link" to={STATE_PATHS.home}>
          ← State audit administration
        </Link>
      </p>
      <h1>Create an audit</h1>
      <p className="usa-intro">
        Load an audit definition file, or fill in the form. Nothing is saved until you select “Create the
        audit”; after that the definition cannot change.
      </p>
      <ErrorSummary items={problems} focusKey={submits} />
      <FormGroup error={Boolean(fileError)}>
        <Label htmlFor={inputIds.file} error={Boolean(fileError)}>
          Audit definition file (JSON, optional)
        </Label>
        <span className="usa-hint" id={hintId(inputIds.file)}>
          The file <code>openrla audit define</code> reads, such as the demo election’s audit.json. It fills
          the form below for you to check.
        </span>
        {fileError ? <ErrorMessage id={errorId(inputIds.file)}>{fileError}</ErrorMessage> : null}
        <input
          id={inputIds.file}
          className="usa-file-input__input"
          type="file"
          accept=".json,application/json"
          onChange={(e) => void loadFile(e)}
          aria-describedby={[fileError ? errorId(inputIds.file) : null, hintId(inputIds.file)]
            .filter(Boolean)
            .join(' ')}
        />
      </FormGroup>
      <p role="status" className={loaded ? 'text-bold' : 'usa-sr-only'}>
        {loaded ? `Loaded ${loaded}: check the settings below, then create the audit.` : ''}
      </p>

      <Form onSubmit={submit} className="openrla-form" large noValidate>
        <Fieldset legend="The audit" legendStyle="large">
          <TextField
            id={inputIds.name}
            label="Audit name"
            hint="As the public will see it, such as “2026 General Election”."
            value={draft.name}
            onChange={(name) => update({ name })}
            error={errorOf(inputIds.name)}
          />
          <TextField
            id={inputIds.auditId}
            label="Audit id"
            hint="Short, for links and file names: letters, digits, “.”, “-” or “_”."
            value={draft.auditId}
            onChange={(auditId) => {
              setIdTouched(true);
              update({ auditId });
            }}
            error={errorOf(inputIds.auditId)}
          />
          <TextField
            id={inputIds.riskLimit}
            label="Risk limit (%)"
            hint="The largest chance the audit may miss a wrong outcome, such as 5 or 10."
            inputMode="decimal"
            widthClass="usa-input--small"
            value={draft.riskLimit}
            onChange={(riskLimit) => update({ riskLimit })}
            error={errorOf(inputIds.riskLimit)}
          />
          <TextAreaField
            id={inputIds.jurisdictions}
            label="Jurisdictions"
            hint="One a line, exactly as their administrators’ accounts name them, such as Alder County."
            value={draft.jurisdictions}
            onChange={(text) => update({ jurisdictions: text })}
            error={errorOf(inputIds.jurisdictions)}
            rows={4}
          />
        </Fieldset>

        {draft.contests.map((c, i) => (
          <ContestFieldset
            key={i}
            index={i}
            contest={c}
            jurisdictions={jurisdictions}
            errorOf={errorOf}
            onChange={(change) => updateContest(i, change)}
            onRemove={
              draft.contests.length > 1
                ? () => setDraft((d) => ({ ...d, contests: d.contests.filter((_, k) => k !== i) }))
                : null
            }
          />
        ))}
        <Button
          type="button"
          outline
          className="margin-top-3"
          onClick={() => setDraft((d) => ({ ...d, contests: [...d.contests, emptyContest()] }))}
        >
          Add another contest
        </Button>
        <div className="margin-top-4">
          <Button type="submit" disabled={busy}>
            {busy ? 'Creating the audit…' : 'Create the audit'}
          </Button>
        </div>
      </Form>
    </>
  );
}

function ContestFieldset(props: {
  readonly index: number;
  readonly contest: ContestDraft;
  readonly jurisdictions: readonly string[];
  readonly errorOf: (inputId: string) => string | undefined;
  readonly onChange: (change: Partial<ContestDraft>) => void;
  readonly onRemove: (() => void) | null;
}) {
  const { index: i, contest: c, jurisdictions, errorOf, onChange } = props;
  const id = (part: Parameters<typeof inputIds.contest>[1]) => inputIds.contest(i, part);
  const ticked = contestJurisdictions(c, jurisdictions);
  const jurisdictionsError = errorOf(`${id('jurisdictions')}-0`);
  return (
    <Fieldset legend={`Contest ${i + 1}${c.name.trim() ? `: ${c.name.trim()}` : ''}`} legendStyle="large">
      <TextField
        id={id('name')}
        label="Contest name"
        hint="Exactly as the CVR exports spell it."
        value={c.name}
        onChange={(name) => onChange({ name })}
        error={errorOf(id('name'))}
      />
      <FormGroup>
        <Label htmlFor={id('method')}>Audit method</Label>
        <Select
          id={id('method')}
          name={id('method')}
          value={c.method}
          onChange={(e) => onChange({ method: e.target.value as AuditMethodName })}
        >
          {METHODS.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </Select>
      </FormGroup>
      <FormGroup error={Boolean(errorOf(id('role')))}>
        <Label htmlFor={id('role')} error={Boolean(errorOf(id('role')))}>
          Role in the audit
        </Label>
        {errorOf(id('role')) ? (
          <ErrorMessage id={errorId(id('role'))}>{errorOf(id('role'))}</ErrorMessage>
        ) : null}
        <Select
          id={id('role')}
          name={id('role')}
          value={c.role}
          onChange={(e) => onChange({ role: e.target.value as ContestDraft['role'] })}
          aria-describedby={errorOf(id('role')) ? errorId(id('role')) : undefined}
        >
          <option value="targeted">Targeted: decides how many cards to draw</option>
          <option value="opportunistic">Opportunistic: measured on the same cards</option>
        </Select>
      </FormGroup>
      <TextField
        id={id('winners')}
        label="Number of winners"
        inputMode="numeric"
        widthClass="usa-input--small"
        value={c.winners}
        onChange={(winners) => onChange({ winners })}
        error={errorOf(id('winners'))}
      />
      <FormGroup error={Boolean(jurisdictionsError)}>
        <fieldset
          className="usa-fieldset"
          aria-describedby={jurisdictionsError ? errorId(`${id('jurisdictions')}-0`) : undefined}
        >
          <legend className="usa-legend">On the ballot in</legend>
          {jurisdictionsError ? (
            <ErrorMessage id={errorId(`${id('jurisdictions')}-0`)}>{jurisdictionsError}</ErrorMessage>
          ) : null}
          {jurisdictions.length === 0 ? (
            <p className="usa-hint" id={`${id('jurisdictions')}-0`} tabIndex={-1}>
              Enter the jurisdictions above first.
            </p>
          ) : (
            jurisdictions.map((j, k) => (
              <Checkbox
                key={j}
                id={`${id('jurisdictions')}-${k}`}
                name={id('jurisdictions')}
                label={j}
                checked={ticked.includes(j)}
                onChange={(e) =>
                  onChange({
                    jurisdictions: e.target.checked ? [...ticked, j] : ticked.filter((x) => x !== j),
                  })
                }
              />
            ))
          )}
        </fieldset>
      </FormGroup>
      <TextAreaField
        id={id('tallies')}
        label={isPolling(c.method) ? 'Reported votes' : 'Reported votes (optional)'}
        hint={
          isPolling(c.method)
            ? 'One choice a line with its votes, such as “Alice: 5,500”. Ballot polling needs them.'
            : 'Comparison audits take the reported votes from the CVR exports; leave this empty.'
        }
        value={c.tallies}
        onChange={(tallies) => onChange({ tallies })}
        error={errorOf(id('tallies'))}
      />
      <TextField
        id={id('ballots')}
        label="Ballot cards cast in the contest (optional)"
        hint="Only when known from outside the voting system; more than the manifests hold adds phantom cards."
        inputMode="numeric"
        widthClass="usa-input--medium"
        value={c.ballots}
        onChange={(ballots) => onChange({ ballots })}
        error={errorOf(id('ballots'))}
      />
      {props.onRemove ? (
        <Button type="button" unstyled className="margin-top-2" onClick={props.onRemove}>
          Remove contest {i + 1}
        </Button>
      ) : null}
    </Fieldset>
  );
}

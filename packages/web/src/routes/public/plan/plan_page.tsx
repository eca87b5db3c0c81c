/**
 * The public audit planner (`/plan`): enter a contest's reported results, get each method's sample
 * size from the calculator (`POST /api/calc`, spec/calc.md). Problems are shown next to the input they
 * concern — the form's own reading first, then the calculator's `{ field, message }` — and listed in
 * an error summary at the top.
 */
import { Button, Fieldset, Form, Radio } from '@trussworks/react-uswds';
import { useQueries } from '@tanstack/react-query';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import type { CalcError, SampleSizeAnswer } from '@openrla/audit';
import { useApi } from '../../../api/api_context.js';
import { sampleSize } from '../../../api/client.js';
import type { Result } from '../../../lib/result.js';
import { ErrorSummary, type SummaryItem } from '../../../forms/error_summary.js';
import { errorId, TextField } from '../../../forms/text_field.js';
import { usePageTitle } from '../../../layout/page_title.js';
import {
  calcMessageAsSentence,
  choiceNameId,
  choiceVotesId,
  FIELD,
  FORM_ERROR,
  initialPlanForm,
  inputForCalcField,
  readPlanForm,
  type ChoiceRow,
  type ContestType,
  type FieldErrors,
  type PlanFormValues,
  type PlannedContest,
} from './plan_form.js';
import { methodDoesNotApply, PLAN_METHODS, planRequest } from './plan_methods.js';
import { PlanResults } from './plan_results.js';

interface Submitted {
  readonly planned: PlannedContest;
  /** The form as it was when submitted, to place the calculator's errors on the right inputs. */
  readonly values: PlanFormValues;
}

export function PlanPage() {
  usePageTitle('Audit planner');
  const client = useApi();
  const [values, setValues] = useState<PlanFormValues>(initialPlanForm);
  const [formErrors, setFormErrors] = useState<FieldErrors>({});
  const [submitted, setSubmitted] = useState<Submitted | null>(null);
  const [submits, setSubmits] = useState(0);
  const nextKey = useRef(values.choices.length + 1);

  const requests = useMemo(
    () =>
      submitted ? PLAN_METHODS.map((method) => planRequest({ planned: submitted.planned, method })) : [],
    [submitted],
  );
  const answers = useQueries({
    queries: requests.map((request) => ({
      queryKey: ['calc', request],
      queryFn: ({ signal }: { signal: AbortSignal }) => sampleSize({ client, request, signal }),
    })),
  });

  const results: readonly (Result<SampleSizeAnswer, CalcError> | undefined)[] = answers.map((q) => q.data);
  // An answer on `contest.type` means that method does not audit this kind of contest: its row says
  // so. Any other refusal is about the contest itself (the same for every method) and goes to its input.
  const calcError = results.find((r) => r && !r.ok && !methodDoesNotApply(r.error));
  const calcErrors: FieldErrors =
    calcError && !calcError.ok && submitted
      ? {
          [inputForCalcField({ field: calcError.error.field, values: submitted.values })]:
            calcMessageAsSentence(calcError.error.message),
        }
      : {};
  const errors: FieldErrors = { ...calcErrors, ...formErrors };
  const failure = answers.find((q) => q.isError)?.error ?? null;

  function update(patch: Partial<PlanFormValues>): void {
    setValues((v) => ({ ...v, ...patch }));
  }
  function updateChoice(key: string, patch: Partial<ChoiceRow>): void {
    setValues((v) => ({
      ...v,
      choices: v.choices.map((row) => (row.key === key ? { ...row, ...patch } : row)),
    }));
  }
  function addChoice(): void {
    const key = String(nextKey.current++);
    setValues((v) => ({ ...v, choices: [...v.choices, { key, name: '', votes: '' }] }));
    // Put the cursor in the new row's name, after React has drawn it.
    requestAnimationFrame(() => document.getElementById(choiceNameId(key))?.focus());
  }
  function removeChoice(key: string): void {
    const index = values.choices.findIndex((row) => row.key === key);
    const rest = values.choices.filter((row) => row.key !== key);
    setValues((v) => ({ ...v, choices: v.choices.filter((row) => row.key !== key) }));
    // The button that had the focus is gone: put it on the row that took its place (or the one above).
    const next = rest[Math.min(index, rest.length - 1)];
    if (next) requestAnimationFrame(() => document.getElementById(choiceNameId(next.key))?.focus());
  }

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmits((n) => n + 1);
    const read = readPlanForm(values);
    if (!read.ok) {
      setFormErrors(read.error);
      setSubmitted(null);
      return;
    }
    setFormErrors({});
    setSubmitted({ planned: read.value, values });
  }

  const summary: SummaryItem[] = Object.entries(errors).map(([inputId, message]) => ({
    inputId: focusTarget(inputId, values),
    message: `${labelOf(inputId, values)}: ${message}`,
  }));

  return (
    <>
      <h1>Audit planner</h1>
      <p className="usa-intro">
        How many ballot cards would a risk-limiting audit of a contest look at, if the reported results are
        right? Enter the reported results to see the first-round sample size of each audit method.
      </p>
      <ErrorSummary items={summary} focusKey={submits} />
      <Form
        onSubmit={onSubmit}
        large
        noValidate
        className="openrla-form"
        aria-describedby={errors[FORM_ERROR] ? errorId(FORM_ERROR) : undefined}
      >
        <Fieldset
          legend="Kind of contest"
          legendStyle="large"
          aria-describedby={errors[FIELD.type] ? errorId(FIELD.type) : undefined}
        >
          {errors[FIELD.type] ? (
            <span className="usa-error-message" id={errorId(FIELD.type)}>
              {errors[FIELD.type]}
            </span>
          ) : null}
          {(
            [
              [
                'plurality',
                'Plurality',
                'The choices with the most votes win (approval voting too, when voters may mark several).',
              ],
              [
                'supermajority',
                'Supermajority',
                'A choice needs more than a set share of the votes to win, as many ballot measures do.',
              ],
            ] as const
          ).map(([type, label, description]) => (
            <Radio
              key={type}
              id={`${FIELD.type}-${type}`}
              name={FIELD.type}
              value={type}
              label={label}
              labelDescription={description}
              tile
              checked={values.type === type}
              onChange={() => update({ type: type as ContestType })}
            />
          ))}
        </Fieldset>

        <Fieldset
          legend="Reported results"
          legendStyle="large"
          id={FIELD.choices}
          aria-describedby={errors[FIELD.choices] ? errorId(FIELD.choices) : undefined}
        >
          <p className="usa-hint margin-top-1">
            Each choice (candidate or answer) and its reported votes. Leave extra rows blank.
          </p>
          {errors[FIELD.choices] ? (
            <span className="usa-error-message" id={errorId(FIELD.choices)}>
              {errors[FIELD.choices]}
            </span>
          ) : null}
          {values.choices.map((row, index) => (
            <div className="grid-row grid-gap-2 flex-align-end openrla-row" key={row.key}>
              <TextField
                className="grid-col-12 tablet:grid-col-6"
                id={choiceNameId(row.key)}
                label={`Choice ${index + 1}: name`}
                value={row.name}
                onChange={(name) => updateChoice(row.key, { name })}
                error={errors[choiceNameId(row.key)]}
              />
              <TextField
                className="grid-col-8 tablet:grid-col-4"
                id={choiceVotesId(row.key)}
                label={`Choice ${index + 1}: votes`}
                inputMode="numeric"
                value={row.votes}
                onChange={(votes) => updateChoice(row.key, { votes })}
                error={errors[choiceVotesId(row.key)]}
              />
              <div className="grid-col-4 tablet:grid-col-2">
                {values.choices.length > 1 ? (
                  <Button
                    type="button"
                    unstyled
                    className="margin-bottom-1"
                    onClick={() => removeChoice(row.key)}
                  >
                    Remove<span className="usa-sr-only"> choice {index + 1}</span>
                  </Button>
                ) : null}
              </div>
            </div>
          ))}
          <Button type="button" outline className="margin-top-2" onClick={addChoice}>
            Add a choice
          </Button>

          <TextField
            id={FIELD.ballots}
            label="Ballot cards (N)"
            hint="Cards cast in the area of the contest, including cards with no vote in it. At least the largest vote count."
            inputMode="numeric"
            widthClass="usa-input--medium"
            value={values.ballots}
            onChange={(ballots) => update({ ballots })}
            error={errors[FIELD.ballots]}
          />
          {values.type === 'plurality' ? (
            <TextField
              id={FIELD.numWinners}
              label="Number of winners"
              inputMode="numeric"
              widthClass="usa-input--small"
              value={values.numWinners}
              onChange={(numWinners) => update({ numWinners })}
              error={errors[FIELD.numWinners]}
            />
          ) : (
            <TextField
              id={FIELD.shareToWin}
              label="Share of the votes needed to win (%)"
              hint="More than 50 and less than 100, e.g. 66.67 for two thirds."
              inputMode="decimal"
              widthClass="usa-input--small"
              value={values.shareToWin}
              onChange={(shareToWin) => update({ shareToWin })}
              error={errors[FIELD.shareToWin]}
            />
          )}
          <TextField
            id={FIELD.votesAllowed}
            label="Votes allowed per ballot (optional)"
            hint="Leave blank when it equals the number of winners."
            inputMode="numeric"
            widthClass="usa-input--small"
            value={values.votesAllowed}
            onChange={(votesAllowed) => update({ votesAllowed })}
            error={errors[FIELD.votesAllowed]}
          />
        </Fieldset>

        <Fieldset legend="Audit" legendStyle="large">
          <TextField
            id={FIELD.riskLimit}
            label="Risk limit (%)"
            hint="The largest chance that the audit confirms a wrong outcome. Above 0 and at most 50; often 5 or 10."
            inputMode="decimal"
            widthClass="usa-input--small"
            value={values.riskLimit}
            onChange={(riskLimit) => update({ riskLimit })}
            error={errors[FIELD.riskLimit]}
          />
        </Fieldset>

        {errors[FORM_ERROR] ? (
          <span className="usa-error-message" id={errorId(FORM_ERROR)}>
            {errors[FORM_ERROR]}
          </span>
        ) : null}
        <Button type="submit" className="margin-top-3">
          Plan the audit
        </Button>
      </Form>

      {submitted && !calcError ? (
        <PlanResults planned={submitted.planned} answers={results} failure={failure} />
      ) : null}
    </>
  );
}

/** The input a summary link focuses (a group's first input for group errors). */
function focusTarget(inputId: string, values: PlanFormValues): string | null {
  if (inputId === FORM_ERROR) return null;
  if (inputId === FIELD.choices) return values.choices[0] ? choiceNameId(values.choices[0].key) : null;
  if (inputId === FIELD.type) return `${FIELD.type}-${values.type}`;
  return inputId;
}

/** What the error summary calls an input. */
function labelOf(inputId: string, values: PlanFormValues): string {
  const index = values.choices.findIndex(
    (row) => inputId === choiceNameId(row.key) || inputId === choiceVotesId(row.key),
  );
  if (index >= 0) return `Choice ${index + 1}: ${inputId.endsWith('-name') ? 'name' : 'votes'}`;
  switch (inputId) {
    case FIELD.choices:
      return 'Reported results';
    case FIELD.ballots:
      return 'Ballot cards';
    case FIELD.numWinners:
      return 'Number of winners';
    case FIELD.votesAllowed:
      return 'Votes allowed per ballot';
    case FIELD.shareToWin:
      return 'Share needed to win';
    case FIELD.riskLimit:
      return 'Risk limit';
    case FIELD.type:
      return 'Kind of contest';
    default:
      return 'The request';
  }
}

/**
 * A labelled text input in the USWDS pattern, with its hint and its error tied to it
 * (`aria-describedby`, `aria-invalid`), so a screen reader reads the error with the field. Numbers are
 * typed as text (`inputMode`), so "10,000" is accepted and read by src/format/numbers.ts.
 */
import { ErrorMessage, FormGroup, Label, TextInput } from '@trussworks/react-uswds';
import type { ReactNode } from 'react';

export interface TextFieldProps {
  readonly id: string;
  readonly label: ReactNode;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly hint?: ReactNode;
  readonly error?: string | undefined;
  readonly inputMode?: 'numeric' | 'decimal' | 'text';
  /** `password` hides what is typed; `email` gives phones the right keyboard. */
  readonly type?: 'text' | 'password' | 'email';
  /** USWDS input width class, e.g. `usa-input--small`. */
  readonly widthClass?: string;
  readonly required?: boolean;
  readonly autoComplete?: string;
  readonly className?: string;
}

export function hintId(id: string): string {
  return `${id}-hint`;
}

export function errorId(id: string): string {
  return `${id}-error`;
}

export function TextField({
  id,
  label,
  value,
  onChange,
  hint,
  error,
  inputMode = 'text',
  type = 'text',
  widthClass,
  required,
  autoComplete = 'off',
  className,
}: TextFieldProps) {
  const describedBy = [error ? errorId(id) : null, hint ? hintId(id) : null].filter(Boolean).join(' ');
  return (
    <FormGroup error={Boolean(error)} className={className}>
      <Label htmlFor={id} error={Boolean(error)}>
        {label}
      </Label>
      {hint ? (
        <span className="usa-hint" id={hintId(id)}>
          {hint}
        </span>
      ) : null}
      {error ? <ErrorMessage id={errorId(id)}>{error}</ErrorMessage> : null}
      <TextInput
        id={id}
        name={id}
        type={type}
        inputMode={inputMode}
        className={widthClass}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        validationStatus={error ? 'error' : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        required={required}
        autoComplete={autoComplete}
      />
    </FormGroup>
  );
}

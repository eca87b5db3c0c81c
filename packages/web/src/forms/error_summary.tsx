/**
 * The list of problems at the top of a form after a submit that failed, each a link to its input
 * (the USWDS/GOV.UK error-summary pattern). It takes focus when it appears, so keyboard and
 * screen-reader users hear what to fix and can jump to each input.
 */
import { useEffect, useRef, type MouseEvent } from 'react';

export interface SummaryItem {
  /** The input to jump to (null: no single input). */
  readonly inputId: string | null;
  readonly message: string;
}

export function ErrorSummary({
  items,
  focusKey,
}: {
  readonly items: readonly SummaryItem[];
  readonly focusKey: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (items.length > 0) box.current?.focus();
    // focusKey changes on every submit, so a second failing submit moves focus here again.
  }, [focusKey, items.length]);
  if (items.length === 0) return null;
  return (
    <div ref={box} tabIndex={-1} className="margin-bottom-3" id="error-summary">
      {/* USWDS alert markup by hand: the component wraps its children in a <p>, which cannot hold a list. */}
      <div className="usa-alert usa-alert--error">
        <div className="usa-alert__body">
          <h2 className="usa-alert__heading">
            {items.length === 1 ? 'There is a problem' : `There are ${items.length} problems`}
          </h2>
          <ul className="usa-list margin-top-1">
            {items.map((item) => (
              <li key={`${item.inputId ?? ''}:${item.message}`}>
                {item.inputId ? (
                  <a className="usa-link" href={`#${item.inputId}`} onClick={(e) => jumpTo(e, item.inputId!)}>
                    {item.message}
                  </a>
                ) : (
                  item.message
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

/** Focus the input rather than only scrolling to it (and keep the client router out of it). */
function jumpTo(event: MouseEvent<HTMLAnchorElement>, inputId: string): void {
  const input = document.getElementById(inputId);
  if (!input) return;
  event.preventDefault();
  input.focus();
  input.scrollIntoView({ block: 'center' });
}

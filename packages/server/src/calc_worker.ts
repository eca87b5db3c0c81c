/**
 * The calculator behind `POST /api/calc`, as one pure function from the request body's text to an
 * HTTP answer (status and JSON body), and the loop a worker thread runs over it
 * (docs/decisions/0010-calculator-budget.md). The same function answers inline on the event loop for
 * cheap requests and on a worker for the others, so both paths answer alike.
 */
import type { MessagePort } from 'node:worker_threads';
import { calc, isCalcError, type CalcAnswer } from '@openrla/audit';

/** A calculator answer over HTTP: 200 with the answer, or 400 with `{ error: { field, message } }`. */
export interface CalcHttpAnswer {
  readonly status: 200 | 400;
  readonly body: CalcAnswer;
}

/** The request body parsed as JSON, or the calculator's error for a body that is not JSON. */
export function parseCalcBody(
  text: string,
): { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly answer: CalcHttpAnswer } {
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    return {
      ok: false,
      answer: { status: 400, body: { error: { field: '(request)', message: 'not valid JSON' } } },
    };
  }
}

/** The calculator's answer to a parsed request, with its HTTP status (spec/calc.md: a bad request is a 400). */
export function calcHttpAnswer(json: unknown): CalcHttpAnswer {
  const answer = calc(json);
  return { status: isCalcError(answer) ? 400 : 200, body: answer };
}

/** The calculator's answer to a request body. */
export function answerCalcText(text: string): CalcHttpAnswer {
  const parsed = parseCalcBody(text);
  return parsed.ok ? calcHttpAnswer(parsed.json) : parsed.answer;
}

/** A job for a calculator worker: the request body's text (parsed on the worker, off the event loop). */
export interface CalcJob {
  readonly id: number;
  readonly text: string;
}

/** A worker's reply: the answer, or the message of a bug that threw (never a user's error). */
export type CalcJobReply =
  | { readonly id: number; readonly kind: 'answer'; readonly answer: CalcHttpAnswer }
  | { readonly id: number; readonly kind: 'failure'; readonly message: string };

/** The worker thread's loop: answers each job on `port`, one at a time, in order. */
export function serveCalcJobs(port: MessagePort): void {
  port.on('message', (job: CalcJob) => {
    let reply: CalcJobReply;
    try {
      reply = { id: job.id, kind: 'answer', answer: answerCalcText(job.text) };
    } catch (e) {
      reply = { id: job.id, kind: 'failure', message: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
  });
}

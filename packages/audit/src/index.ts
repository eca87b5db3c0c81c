/**
 * @openrla/audit — the audit's domain: the calculator (spec/calc.md), and (soon) the event-sourced
 * audit engine (commands → events → state).
 */
export * from './calc/index.js';
export { ok, err, assertNever, type Result } from './result.js';

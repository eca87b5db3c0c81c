/**
 * @openrla/audit — the audit's domain: the calculator (spec/calc.md), and the event-sourced audit
 * engine (commands → events → state; see engine/index.ts).
 */
export * from './calc/index.js';
export * from './engine/index.js';
export * from './report/index.js';
export { ok, err, assertNever, type Result } from './result.js';

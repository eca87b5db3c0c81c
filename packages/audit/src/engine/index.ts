/**
 * The audit engine: an event-sourced risk-limiting audit, pure (no I/O of its own). See
 * docs/decisions/0004-audit-engine.md for the reasons.
 *
 * ## Commands → events → state
 * `execute({ state, command, context: { author, now }, data })` checks a command against the state (and
 * the files it references) and answers `Result<AuditEvent[], EngineError>`; errors are data
 * `{ kind, message, field? }`. The caller appends the events (the store chains their hashes) and folds
 * them: `evolve(state, event)`, or `fold(events)` from scratch. State needs nothing but the events.
 *
 * | command            | event              | notes |
 * |--------------------|--------------------|-------|
 * | `audit.define`     | `audit.defined`    | once; contests (targeted/opportunistic; plurality, approval, supermajority; jurisdictions; method `bravo`, `alpha-polling`, `kaplan-markov`, `alpha-comparison` with calc params), risk limit, jurisdictions, replacement |
 * | `board.create`     | `board.created`    | audit boards of a jurisdiction |
 * | `manifest.upload`  | `manifest.uploaded`| by SHA-256; same hash again → no event; another file before the seed replaces (`replaces`), after the seed is refused |
 * | `cvrs.upload`      | `cvrs.uploaded`    | likewise, for a CVR export |
 * | `seed.set`         | `seed.set`         | ≥ 20 dice digits; needs every manifest, and CVRs where comparison contests need them |
 * | `round.start`      | `round.started`    | `sizes: { contest: { option } | { custom } }` (cumulative; default = recommended option; ≥ N = full hand count). Records round 1's universes, the new draws, their CVRs and a digest |
 * | `card.record`      | `card.recorded`    | one reading per card (found: false, or a reading per contest of its jurisdiction: votes, blank, overvote, not-on-card); a second record is refused unless it carries `correction: { reason }` (only while its round is open) |
 * | `round.finish`     | `round.finished`   | every card recorded; risk, discrepancies, status and next size per contest; digest of the readings |
 * | `board.sign-off`   | `board.signed-off` | `{ jurisdiction, board, round, members: [{ name, party }] }`: once per board and round, when every card on the board's list (`boardAssignments`) has a reading; the board then records no more |
 *
 * Every event is `{ seq, type, author, at, payload }`, plain JSON with stable shapes (types.ts).
 *
 * ## Data
 * `AuditData { manifest(sha256) → ManifestFile | null; cvrFile(sha256) → CvrFile | null }`, sync or async.
 * A `ManifestFile` is `{ sha256 (of the bytes actually read), batches }`; a `CvrFile` is `{ sha256,
 * contests, summary (from summarizeCvrs / createCvrSummarizer), cvrsAt(cards) }`, so a store adapter
 * never loads an export into memory. `inMemoryAuditData`, `inMemoryCvrFile` are the plain fakes.
 *
 * ## Sampling and measurement
 * One consistent sample (Rivest's sampler, Arlo ids) shared by all contests; each targeted contest draws
 * its own stream over its jurisdictions' manifests and the streams merge (sample.ts); phantoms per
 * spec/math.md §1.3 (universe.ts); risk and next sizes through the calculator (measure.ts).
 * `planRound({ state, data })` offers each contest's size options before `round.start`.
 * With `sampler: 'rivest-2011'` in the definition (Colorado), each targeted contest instead draws its own
 * stream of Rivest's 2011 sampler over its manifests laid end to end, from its audited prefix up to the
 * round's size inclusive, and is measured on that stream alone (sample.ts `coloradoDraws`; decision 0004).
 *
 * ## Verify
 * `replay({ events, data })` re-executes each event's command and compares (replay.ts): OK, or the
 * first event that disagrees (edited payload, changed file, reordered log).
 */
export type * from './types.js';
export { execute, planRound, activeContests, auditComplete, readingsForDigest } from './execute.js';
export {
  fold,
  evolve,
  emptyState,
  openRound,
  cardKey,
  type AuditState,
  type RoundState,
  type RecordedCard,
  type FileState,
} from './state.js';
export { replay, commandOf, type ReplayReport } from './replay.js';
export { boardAssignments, signOffKey, type BoardAssignment } from './boards.js';
export { canonicalJson, digestOf } from './canonical.js';
export { summarizeCvrs, createCvrSummarizer, inMemoryCvrFile, inMemoryAuditData } from './memory.js';
export { roundRetrievalLists, cardsToRecord, auditStatus, type AuditStatus } from './queries.js';
export { PHANTOM_BATCH, contestPhantomBatch } from './universe.js';
export { paperBallot, cvrBallot } from './measure.js';

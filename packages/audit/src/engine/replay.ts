/**
 * Verify: `replay(events, data)` re-runs the audit from its published record. Each event is turned back
 * into the command that produced it and executed again against the state folded so far, with the event's
 * own author and time; the event it yields must equal the logged one (canonical JSON). So every computed
 * number — the universes and reported results, the draws and their digest, the CVRs of sampled cards,
 * the risks, discrepancies and next sizes, the digest of the readings a round was measured on — is
 * recomputed from the events and the referenced files. The answer is OK, or the first event that
 * disagrees and why:
 * - an edited event: the recomputed event differs (an edited reading surfaces at the next
 *   `round.finished`, whose readings digest and risks no longer match);
 * - a changed file: its bytes hash to something else than the event references (`data.file-changed`);
 * - a reordered or spliced log: `seq` out of place, time running backwards, or a command the state
 *   refuses at that point.
 * Events after the last `round.finished` that only record user input cannot be checked by
 * recomputation: the store's hash chain protects them.
 */
import { assertNever } from '../result.js';
import { canonicalJson, firstDifference } from './canonical.js';
import { execute } from './execute.js';
import { emptyState, evolve, type AuditState } from './state.js';
import type { AuditData, AuditEvent, Command } from './types.js';

export type ReplayReport =
  | { readonly ok: true; readonly state: AuditState; readonly events: number }
  | {
      readonly ok: false;
      /** 0-based index of the event in the given list. */
      readonly index: number;
      readonly type: string;
      readonly kind: string;
      readonly message: string;
    };

/** The command that an event records. */
export function commandOf(event: AuditEvent): Command {
  switch (event.type) {
    case 'audit.defined':
      return { type: 'audit.define', definition: event.payload.definition };
    case 'board.created':
      return {
        type: 'board.create',
        jurisdiction: event.payload.jurisdiction,
        board: event.payload.board,
        members: event.payload.members,
      };
    case 'manifest.uploaded':
      return {
        type: 'manifest.upload',
        jurisdiction: event.payload.jurisdiction,
        sha256: event.payload.sha256,
        fileName: event.payload.fileName,
      };
    case 'cvrs.uploaded':
      return {
        type: 'cvrs.upload',
        jurisdiction: event.payload.jurisdiction,
        sha256: event.payload.sha256,
        fileName: event.payload.fileName,
      };
    case 'seed.set':
      return { type: 'seed.set', seed: event.payload.seed };
    case 'round.started': {
      const sizes: Record<string, { custom: number }> = {};
      for (const [contest, size] of Object.entries(event.payload.targets)) sizes[contest] = { custom: size };
      for (const contest of event.payload.handCounts) sizes[contest] = { custom: Number.MAX_SAFE_INTEGER };
      return { type: 'round.start', sizes };
    }
    case 'card.recorded': {
      const p = event.payload;
      return {
        type: 'card.record',
        card: p.card,
        reading: p.reading,
        ...(p.board === null ? {} : { board: p.board }),
        ...(p.correction === null ? {} : { correction: p.correction }),
      };
    }
    case 'round.finished':
      return { type: 'round.finish' };
    case 'jurisdiction.signed-off':
      return {
        type: 'jurisdiction.sign-off',
        jurisdiction: event.payload.jurisdiction,
        round: event.payload.round,
      };
    case 'board.signed-off': {
      const p = event.payload;
      return {
        type: 'board.sign-off',
        jurisdiction: p.jurisdiction,
        board: p.board,
        round: p.round,
        members: p.members,
      };
    }
    default:
      return assertNever(event);
  }
}

const KNOWN = new Set([
  'audit.defined',
  'board.created',
  'manifest.uploaded',
  'cvrs.uploaded',
  'seed.set',
  'round.started',
  'card.recorded',
  'round.finished',
  'board.signed-off',
  'jurisdiction.signed-off',
]);

/** Replays a published audit log against its files; see the module comment for what is checked. */
export async function replay(options: {
  readonly events: readonly AuditEvent[];
  readonly data: AuditData;
  /** Called after each event is recomputed and agrees, with the number replayed so far (progress). */
  readonly onEvent?: (replayed: number) => void;
}): Promise<ReplayReport> {
  const { events, data } = options;
  const state = emptyState();
  let lastAt = '';
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    const type = typeof event?.type === 'string' ? event.type : '(none)';
    const fail = (kind: string, message: string): ReplayReport => ({
      ok: false,
      index,
      type,
      kind,
      message: `event ${index} (${type}): ${message}`,
    });
    if (!KNOWN.has(type) || typeof event.payload !== 'object' || event.payload === null)
      return fail('replay.unknown-event', 'not an audit event');
    if (event.seq !== index)
      return fail(
        'replay.out-of-order',
        `its seq is ${String(event.seq)}, but it is event ${index} of the log: the log is reordered or incomplete`,
      );
    if (typeof event.at !== 'string' || event.at < lastAt)
      return fail(
        'replay.time-backwards',
        `its time ${String(event.at)} is before the previous event's ${lastAt}`,
      );
    lastAt = event.at;
    let answer;
    try {
      answer = await execute({
        state,
        command: commandOf(event),
        context: { author: event.author, now: () => event.at },
        data,
      });
    } catch (e) {
      return fail(
        'replay.malformed',
        `cannot be re-executed (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    if (!answer.ok) return fail(answer.error.kind, `re-executing it is refused: ${answer.error.message}`);
    const produced = answer.value;
    if (produced.length !== 1)
      return fail(
        'replay.no-effect',
        're-executing it changes nothing (a repeated upload should not have been logged)',
      );
    const again = produced[0]!;
    if (canonicalJson(again) !== canonicalJson(event)) {
      return fail(
        'replay.mismatch',
        `the logged event disagrees with recomputation at ${firstDifference(event, again)}`,
      );
    }
    evolve(state, event);
    options.onEvent?.(index + 1);
  }
  return { ok: true, state, events: events.length };
}

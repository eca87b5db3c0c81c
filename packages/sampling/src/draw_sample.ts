/**
 * Drawing a ballot sample from a manifest with Rivest's consistent sampler (Rivest 2018,
 * arXiv:1808.10016), exactly as Arlo does (spec/sampling.md §1; spec/calc.md `op: "sample"`): ids in
 * Arlo's convention, tickets reported with 18 digits, later rounds continuing the same stream.
 *
 * Fast and exact: every ballot gets a 6-digit key with one SHA-256 compression; only ballots whose
 * key is ≤ the M-th smallest key (M = alreadySampled + size) can be among the first M draws, because
 * an id's later tickets always exceed its first. Those candidates alone get full tickets and go
 * through the exact sampler.
 */
import { ballotIdPrefix } from './ballot_id.js';
import { drawFromCandidates } from './consistent_sampler.js';
import { validateManifest, type ManifestBatch, type ManifestError } from './manifest.js';
import { err, ok, type Result } from './result.js';
import { stateHex } from './sha256.js';
import {
  hashAfterMidstate,
  idHasher,
  keyThreshold,
  prefixBytes,
  reserve,
  ticketKeys,
  writePosition,
  type KeyBatch,
} from './ticket_keys.js';
import { fractionOfHex, seedHashOf, seedMidstate, trimTicket } from './tickets.js';

/** One draw, as spec/calc.md's `sample` op answers it. */
export interface Draw {
  /** The ticket, truncated to 18 digits after its leading 9s. */
  readonly ticket: string;
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
  /** 1-based position of the ballot in its batch. */
  readonly position: number;
  /** How many times this ballot has now been drawn (1 for its first draw). */
  readonly generation: number;
}

/** What a sample request can get wrong. */
export type SampleError =
  | {
      readonly kind: 'sample.bad-manifest';
      readonly message: string;
      readonly field: 'manifest';
      readonly errors: readonly ManifestError[];
    }
  | { readonly kind: 'sample.bad-seed'; readonly message: string; readonly field: 'seed' }
  | { readonly kind: 'sample.bad-size'; readonly message: string; readonly field: 'size' | 'alreadySampled' }
  | {
      readonly kind: 'sample.exceeds-ballots';
      readonly message: string;
      readonly field: 'size';
      readonly ballotsLeft: number;
    };

/** A sample request: spec/calc.md `op: "sample"`. */
export interface SampleRequest {
  /** The seed text, hashed as UTF-8. Never a number: "0012" and "12" are different seeds. */
  readonly seed: string;
  readonly manifest: readonly ManifestBatch[];
  /** How many draws to return. */
  readonly size: number;
  /** With replacement (default true, as Arlo's ballot polling). */
  readonly replacement?: boolean;
  /** Draws already made from this stream in earlier rounds: the answer is draws k+1 … k+size. */
  readonly alreadySampled?: number;
}

/** Checks a request; returns the error a person can act on, or null. */
export function checkSampleRequest(request: SampleRequest): SampleError | null {
  if (typeof request.seed !== 'string' || request.seed === '') {
    return { kind: 'sample.bad-seed', field: 'seed', message: 'seed: must be a non-empty text' };
  }
  const errors = validateManifest(request.manifest);
  if (errors.length > 0) {
    return {
      kind: 'sample.bad-manifest',
      field: 'manifest',
      message: `manifest: ${errors[0]!.message}`,
      errors,
    };
  }
  const size = request.size;
  const already = request.alreadySampled ?? 0;
  if (!Number.isSafeInteger(size) || size < 0) {
    return { kind: 'sample.bad-size', field: 'size', message: 'size: must be a non-negative integer' };
  }
  if (!Number.isSafeInteger(already) || already < 0) {
    return {
      kind: 'sample.bad-size',
      field: 'alreadySampled',
      message: 'alreadySampled: must be a non-negative integer',
    };
  }
  if (request.replacement === false) {
    const total = request.manifest.reduce((s, b) => s + b.ballots, 0);
    const left = Math.max(0, total - already);
    if (size > left) {
      return {
        kind: 'sample.exceeds-ballots',
        field: 'size',
        ballotsLeft: left,
        message: `size: exceeds the ballots left (${left})`,
      };
    }
  }
  return null;
}

/**
 * The k-digit keys of every ballot, in manifest order. The node entry replaces this with a version
 * that splits the manifest over worker threads; the answer is the same.
 */
export type KeyComputer = (options: {
  readonly midstate: Int32Array;
  readonly batches: readonly KeyBatch[];
  readonly total: number;
}) => Promise<Uint32Array> | Uint32Array;

/** Computes all keys on this thread. */
export function keysOnThisThread(options: {
  readonly midstate: Int32Array;
  readonly batches: readonly KeyBatch[];
  readonly total: number;
}): Uint32Array {
  const out = new Uint32Array(options.total);
  ticketKeys({ midstate: options.midstate, batches: options.batches, out });
  return out;
}

/** A batch for the position sampler: the id text before the position, and its ballot count. */
export interface PrefixBatch {
  /** Id text before the position, e.g. `(('J1', None, 'Batch 1'), ` (Arlo) or `('pct 2', ` (its unit tests). */
  readonly prefix: string;
  readonly ballots: number;
}

/** A draw of the position sampler: batch index, 1-based position, untrimmed ticket, generation. */
export interface PositionDraw {
  readonly batch: number;
  readonly position: number;
  readonly ticket: string;
  readonly generation: number;
}

/** Options of the position sampler; the caller has checked them. */
export interface PositionSampleOptions {
  readonly seed: string;
  readonly batches: readonly PrefixBatch[];
  readonly size: number;
  readonly replacement: boolean;
  readonly alreadySampled: number;
}

function keyBatchesOf(batches: readonly PrefixBatch[]): { keyBatches: KeyBatch[]; total: number } {
  let total = 0;
  const keyBatches = batches.map((b) => {
    total += b.ballots;
    return { prefix: prefixBytes(b.prefix), ballots: b.ballots };
  });
  return { keyBatches, total };
}

/**
 * The consistent sampler over ballot positions: ballot id = prefix + position + ")", draws
 * alreadySampled+1 … alreadySampled+size of the ticket stream (§1 steps 3–8), via the k-digit keys.
 */
export function samplePositions(options: PositionSampleOptions): PositionDraw[] {
  const { keyBatches, total } = keyBatchesOf(options.batches);
  const midstate = seedMidstate(seedHashOf(options.seed));
  const keys = keysOnThisThread({ midstate, batches: keyBatches, total });
  return finishPositions({ options, keyBatches, midstate, keys });
}

/** samplePositions with a pluggable key computation (worker threads in Node); same answer. */
export async function samplePositionsWith(
  options: PositionSampleOptions,
  computeKeys: KeyComputer,
): Promise<PositionDraw[]> {
  const { keyBatches, total } = keyBatchesOf(options.batches);
  const midstate = seedMidstate(seedHashOf(options.seed));
  const keys = await computeKeys({ midstate, batches: keyBatches, total });
  return finishPositions({ options, keyBatches, midstate, keys });
}

function finishPositions(args: {
  readonly options: PositionSampleOptions;
  readonly keyBatches: readonly KeyBatch[];
  readonly midstate: Int32Array;
  readonly keys: Uint32Array;
}): PositionDraw[] {
  const { options, keyBatches, midstate, keys } = args;
  if (options.size === 0 || keys.length === 0) return [];
  const threshold = keyThreshold({ keys, m: options.alreadySampled + options.size });
  const candidates: { id: string; ticket: string; batch: number; position: number }[] = [];
  const hasher = idHasher();
  let start = 0;
  for (let b = 0; b < keyBatches.length; b++) {
    const kb = keyBatches[b]!;
    for (let p = 1; p <= kb.ballots; p++) {
      if (keys[start + p - 1]! > threshold) continue;
      reserve(hasher, kb.prefix.length + 17);
      hasher.buf.set(kb.prefix, 0);
      const idLength = writePosition(hasher.buf, kb.prefix.length, p);
      hashAfterMidstate(hasher, midstate, idLength);
      candidates.push({
        id: `${options.batches[b]!.prefix}${p})`,
        ticket: fractionOfHex(stateHex(hasher.state)),
        batch: b,
        position: p,
      });
    }
    start += kb.ballots;
  }
  const draws = drawFromCandidates({
    candidates,
    take: options.size,
    drop: options.alreadySampled,
    replacement: options.replacement,
  });
  return draws.map((d) => {
    const c = candidates[d.index]!;
    return { batch: c.batch, position: c.position, ticket: d.ticket, generation: d.generation };
  });
}

function positionOptions(request: SampleRequest): PositionSampleOptions {
  return {
    seed: request.seed,
    batches: request.manifest.map((b) => ({
      prefix: ballotIdPrefix({
        jurisdiction: b.jurisdiction,
        tabulator: b.tabulator ?? null,
        batch: b.batch,
      }),
      ballots: b.ballots,
    })),
    size: request.size,
    replacement: request.replacement ?? true,
    alreadySampled: request.alreadySampled ?? 0,
  };
}

function toDraws(request: SampleRequest, draws: readonly PositionDraw[]): Draw[] {
  return draws.map((d) => {
    const batch = request.manifest[d.batch]!;
    return {
      ticket: trimTicket(d.ticket, 18),
      jurisdiction: batch.jurisdiction,
      tabulator: batch.tabulator ?? null,
      batch: batch.batch,
      position: d.position,
      generation: d.generation,
    };
  });
}

/** Draws `size` ballots from a manifest (spec/calc.md `op: "sample"`), in ticket order. */
export function drawSample(request: SampleRequest): Result<Draw[], SampleError> {
  const problem = checkSampleRequest(request);
  if (problem) return err(problem);
  return ok(toDraws(request, samplePositions(positionOptions(request))));
}

/** drawSample with a pluggable key computation (worker threads in Node); same answer. */
export async function drawSampleWith(
  request: SampleRequest,
  computeKeys: KeyComputer,
): Promise<Result<Draw[], SampleError>> {
  const problem = checkSampleRequest(request);
  if (problem) return err(problem);
  return ok(toDraws(request, await samplePositionsWith(positionOptions(request), computeKeys)));
}

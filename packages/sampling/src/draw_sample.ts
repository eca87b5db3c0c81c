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
  | { readonly kind: 'sample.bad-manifest'; readonly message: string; readonly field: 'manifest'; readonly errors: readonly ManifestError[] }
  | { readonly kind: 'sample.bad-seed'; readonly message: string; readonly field: 'seed' }
  | { readonly kind: 'sample.bad-size'; readonly message: string; readonly field: 'size' | 'alreadySampled' }
  | { readonly kind: 'sample.exceeds-ballots'; readonly message: string; readonly field: 'size'; readonly ballotsLeft: number };

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

/** The key batches of a manifest plus the running start index of each batch. */
interface Prepared {
  readonly keyBatches: KeyBatch[];
  readonly starts: Float64Array;
  readonly total: number;
}

function prepare(manifest: readonly ManifestBatch[]): Prepared {
  const keyBatches: KeyBatch[] = [];
  const starts = new Float64Array(manifest.length + 1);
  let total = 0;
  manifest.forEach((b, i) => {
    starts[i] = total;
    keyBatches.push({
      prefix: prefixBytes(ballotIdPrefix({ jurisdiction: b.jurisdiction, tabulator: b.tabulator ?? null, batch: b.batch })),
      ballots: b.ballots,
    });
    total += b.ballots;
  });
  starts[manifest.length] = total;
  return { keyBatches, starts, total };
}

/** Checks a request; returns the error a person can act on, or null. */
export function checkSampleRequest(request: SampleRequest): SampleError | null {
  if (typeof request.seed !== 'string' || request.seed === '') {
    return { kind: 'sample.bad-seed', field: 'seed', message: 'seed: must be a non-empty text' };
  }
  const errors = validateManifest(request.manifest);
  if (errors.length > 0) {
    return { kind: 'sample.bad-manifest', field: 'manifest', message: `manifest: ${errors[0]!.message}`, errors };
  }
  const size = request.size;
  const already = request.alreadySampled ?? 0;
  if (!Number.isSafeInteger(size) || size < 0) {
    return { kind: 'sample.bad-size', field: 'size', message: 'size: must be a non-negative integer' };
  }
  if (!Number.isSafeInteger(already) || already < 0) {
    return { kind: 'sample.bad-size', field: 'alreadySampled', message: 'alreadySampled: must be a non-negative integer' };
  }
  if (request.replacement === false) {
    const total = request.manifest.reduce((s, b) => s + b.ballots, 0);
    const left = Math.max(0, total - already);
    if (size > left) {
      return { kind: 'sample.exceeds-ballots', field: 'size', ballotsLeft: left, message: `size: exceeds the ballots left (${left})` };
    }
  }
  return null;
}

/**
 * The k-digit keys of every ballot of the manifest, in manifest order. The node entry replaces this
 * with a version that splits the manifest over worker threads; the answer is the same.
 */
export type KeyComputer = (options: { readonly midstate: Int32Array; readonly batches: readonly KeyBatch[]; readonly total: number }) => Promise<Uint32Array> | Uint32Array;

/** Computes all keys on this thread. */
export function keysOnThisThread(options: { readonly midstate: Int32Array; readonly batches: readonly KeyBatch[]; readonly total: number }): Uint32Array {
  const out = new Uint32Array(options.total);
  ticketKeys({ midstate: options.midstate, batches: options.batches, out });
  return out;
}

/** Draws `size` ballots from a manifest (spec/calc.md `op: "sample"`), in ticket order. */
export function drawSample(request: SampleRequest): Result<Draw[], SampleError> {
  const problem = checkSampleRequest(request);
  if (problem) return err(problem);
  const prepared = prepare(request.manifest);
  const midstate = seedMidstate(seedHashOf(request.seed));
  const keys = keysOnThisThread({ midstate, batches: prepared.keyBatches, total: prepared.total });
  return ok(finishDraw({ request, prepared, midstate, keys }));
}

/** drawSample with a pluggable key computation (worker threads in Node); same answer. */
export async function drawSampleWith(request: SampleRequest, computeKeys: KeyComputer): Promise<Result<Draw[], SampleError>> {
  const problem = checkSampleRequest(request);
  if (problem) return err(problem);
  const prepared = prepare(request.manifest);
  const midstate = seedMidstate(seedHashOf(request.seed));
  const keys = await computeKeys({ midstate, batches: prepared.keyBatches, total: prepared.total });
  return ok(finishDraw({ request, prepared, midstate, keys }));
}

function finishDraw(options: {
  readonly request: SampleRequest;
  readonly prepared: Prepared;
  readonly midstate: Int32Array;
  readonly keys: Uint32Array;
}): Draw[] {
  const { request, prepared, midstate, keys } = options;
  const already = request.alreadySampled ?? 0;
  const replacement = request.replacement ?? true;
  const m = already + request.size;
  if (request.size === 0 || prepared.total === 0) return [];
  const threshold = keyThreshold({ keys, m });
  const candidates: { id: string; ticket: string; batch: number; position: number }[] = [];
  const hasher = idHasher();
  const manifest = request.manifest;
  for (let b = 0; b < manifest.length; b++) {
    const start = prepared.starts[b]!;
    const kb = prepared.keyBatches[b]!;
    let prefixText: string | undefined;
    for (let p = 1; p <= kb.ballots; p++) {
      if (keys[start + p - 1]! > threshold) continue;
      reserve(hasher, kb.prefix.length + 17);
      hasher.buf.set(kb.prefix, 0);
      const idLength = writePosition(hasher.buf, kb.prefix.length, p);
      hashAfterMidstate(hasher, midstate, idLength);
      prefixText ??= ballotIdPrefix({ jurisdiction: manifest[b]!.jurisdiction, tabulator: manifest[b]!.tabulator ?? null, batch: manifest[b]!.batch });
      candidates.push({ id: `${prefixText}${p})`, ticket: fractionOfHex(stateHex(hasher.state)), batch: b, position: p });
    }
  }
  const draws = drawFromCandidates({ candidates, take: request.size, drop: already, replacement });
  return draws.map((d) => {
    const c = candidates[d.index]!;
    const batch = manifest[c.batch]!;
    return {
      ticket: trimTicket(d.ticket, 18),
      jurisdiction: batch.jurisdiction,
      tabulator: batch.tabulator ?? null,
      batch: batch.batch,
      position: c.position,
      generation: d.generation,
    };
  });
}

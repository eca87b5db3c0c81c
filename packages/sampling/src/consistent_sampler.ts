/**
 * Rivest's consistent sampler (Rivest 2018, arXiv:1808.10016; spec/sampling.md §1 steps 3–8): the
 * exact ordering of tickets, with and without replacement, and the continuation of a stream.
 */
import { nextTicket, seedHashOf, uniformFraction } from './tickets.js';

/** One draw of the stream: the untrimmed ticket, the id drawn and how many times it has now been drawn. */
export interface TicketDraw {
  readonly ticket: string;
  readonly id: string;
  readonly generation: number;
}

/** A draw of a candidate, by its index in the caller's candidate list. */
export interface CandidateDraw {
  readonly ticket: string;
  readonly index: number;
  readonly generation: number;
}

interface HeapEntry {
  readonly ticket: string;
  readonly index: number;
  readonly id: string;
  readonly generation: number;
}

/** §1 step 5: ascending untrimmed ticket string; ties by id string, then generation. */
function before(a: HeapEntry, b: HeapEntry): boolean {
  if (a.ticket !== b.ticket) return a.ticket < b.ticket;
  if (a.id !== b.id) return a.id < b.id;
  return a.generation < b.generation;
}

function siftDown(heap: HeapEntry[], start: number): void {
  const n = heap.length;
  let i = start;
  const item = heap[i]!;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
    if (!before(heap[c]!, item)) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = item;
}

/**
 * The exact sampler over candidates whose first tickets are known: pops the smallest ticket
 * `drop + take` times (with replacement, each popped id comes back with its next ticket, §1 step 4)
 * and returns pops drop+1 … drop+take (§1 step 8). Without replacement each id appears once (§1 step 6).
 */
export function drawFromCandidates(options: {
  readonly candidates: readonly { readonly id: string; readonly ticket: string }[];
  readonly take: number;
  readonly drop?: number;
  readonly replacement: boolean;
}): CandidateDraw[] {
  const { candidates, take, replacement } = options;
  const drop = options.drop ?? 0;
  const heap: HeapEntry[] = candidates.map((c, index) => ({
    ticket: c.ticket,
    index,
    id: c.id,
    generation: 1,
  }));
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
  const out: CandidateDraw[] = [];
  for (let k = 0; k < drop + take && heap.length > 0; k++) {
    const top = heap[0]!;
    if (k >= drop) out.push({ ticket: top.ticket, index: top.index, generation: top.generation });
    if (replacement) {
      heap[0] = {
        ticket: nextTicket(top.ticket),
        index: top.index,
        id: top.id,
        generation: top.generation + 1,
      };
      siftDown(heap, 0);
    } else {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        siftDown(heap, 0);
      }
    }
  }
  return out;
}

/**
 * The consistent sampler over explicit ids (Rivest's `sampler`): tickets u(seedHash + id), drawn in
 * ticket order. `take` defaults to all ids without replacement and is required with replacement.
 */
export function consistentSample(options: {
  readonly seed: string;
  readonly ids: readonly string[];
  readonly replacement: boolean;
  readonly take?: number;
  readonly drop?: number;
}): TicketDraw[] {
  const seedHash = seedHashOf(options.seed);
  const candidates = options.ids.map((id) => ({ id, ticket: uniformFraction(seedHash + id) }));
  const take = options.take ?? (options.replacement ? 0 : options.ids.length);
  const draws = drawFromCandidates({
    candidates,
    take,
    drop: options.drop ?? 0,
    replacement: options.replacement,
  });
  return draws.map((d) => ({ ticket: d.ticket, id: options.ids[d.index]!, generation: d.generation }));
}

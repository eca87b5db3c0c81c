/**
 * One consistent sample shared by every contest (Rivest 2018, arXiv:1808.10016; spec/sampling.md §1).
 * Each targeted contest draws its own stream over its universe with the public seed; because a card's
 * tickets depend only on the seed and the card's id, a contest's stream is the sub-sequence of the
 * statewide stream that falls in its universe, so the streams of all contests merge into one sample
 * (a card drawn for two contests is retrieved once).
 *
 * Coverage: after contest d's stream reached ticket t_d, every ticket ≤ t_d of every card in d's universe
 * has been drawn. A contest's sample (targeted or opportunistic) is every draw in its universe with a
 * ticket ≤ min over its jurisdictions j of τ_j = max{t_d : d targeted, j in d's universe}: a prefix of
 * its own stream, hence a valid random sample of its universe, measured on cards already retrieved.
 */
import {
  coloradoSelection,
  drawSample,
  type Draw,
  type ManifestBatch as SamplingBatch,
} from '@openrla/sampling';
import type { CardRef, ContestDefinition, DrawRecord } from './types.js';
import { cardKey } from './state.js';
import type { UniverseManifest } from './universe.js';

function batchKeyOf(b: {
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
}): string {
  return JSON.stringify([b.jurisdiction, b.tabulator, b.batch]);
}

function recordOf(draw: Draw, phantomBatches: ReadonlySet<string>): DrawRecord {
  const card: CardRef = {
    jurisdiction: draw.jurisdiction,
    tabulator: draw.tabulator,
    batch: draw.batch,
    position: draw.position,
  };
  return {
    ticket: draw.ticket,
    card,
    generation: draw.generation,
    phantom: phantomBatches.has(batchKeyOf(draw)),
  };
}

/** The identity of a draw: its card and generation (the same ticket for every contest that draws it). */
export function drawKey(d: DrawRecord): string {
  return `${cardKey(d.card)}#${d.generation}`;
}

/** Ticket order: ticket string, then card key, then generation (spec/sampling.md §1 step 5). */
export function compareDraws(a: DrawRecord, b: DrawRecord): number {
  if (a.ticket !== b.ticket) return a.ticket < b.ticket ? -1 : 1;
  const ka = cardKey(a.card);
  const kb = cardKey(b.card);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.generation - b.generation;
}

/** Draws `from`+1 … `to` of a contest's stream. The caller keeps `to` within the universe when sampling without replacement. */
export function streamDraws(options: {
  readonly seed: string;
  readonly universe: UniverseManifest;
  readonly from: number;
  readonly to: number;
  readonly replacement: boolean;
}): DrawRecord[] {
  const { seed, universe, from, to, replacement } = options;
  if (to <= from) return [];
  const drawn = drawSample({
    seed,
    manifest: universe.batches,
    size: to - from,
    alreadySampled: from,
    replacement,
  });
  if (!drawn.ok) throw new Error(`streamDraws: ${drawn.error.message}`); // checked before: a bug if reached
  return drawn.value.map((d) => recordOf(d, universe.phantomBatches));
}

/**
 * The draws of a contest's own phantom batch with tickets ≤ `threshold`: nobody retrieves them, so they
 * are computed (from the seed alone) whenever the contest is measured.
 */
export function ownPhantomDraws(options: {
  readonly seed: string;
  readonly batch: SamplingBatch;
  readonly threshold: string;
  readonly replacement: boolean;
}): DrawRecord[] {
  const { seed, batch, threshold, replacement } = options;
  const keys = new Set([
    batchKeyOf({ jurisdiction: batch.jurisdiction, tabulator: batch.tabulator ?? null, batch: batch.batch }),
  ]);
  let size = 16;
  for (;;) {
    const take = replacement ? size : Math.min(size, batch.ballots);
    const drawn = drawSample({ seed, manifest: [batch], size: take, replacement });
    if (!drawn.ok) throw new Error(`ownPhantomDraws: ${drawn.error.message}`);
    const draws = drawn.value;
    const last = draws[draws.length - 1];
    if (last === undefined || last.ticket > threshold || take < size) {
      return draws.filter((d) => d.ticket <= threshold).map((d) => recordOf(d, keys));
    }
    size *= 2;
  }
}

/** τ_j for each jurisdiction: the furthest ticket any targeted contest's stream reached there. */
export function coverage(options: {
  readonly contests: readonly ContestDefinition[];
  readonly lastTickets: ReadonlyMap<string, string>;
}): Map<string, string> {
  const tau = new Map<string, string>();
  for (const c of options.contests) {
    const t = options.lastTickets.get(c.name);
    if (t === undefined) continue;
    for (const j of c.jurisdictions) {
      const before = tau.get(j);
      if (before === undefined || t > before) tau.set(j, t);
    }
  }
  return tau;
}

/** The contest's sample: draws in its universe up to its coverage threshold, in ticket order. */
export function contestSample(options: {
  readonly contest: ContestDefinition;
  readonly universe: UniverseManifest;
  readonly draws: readonly DrawRecord[];
  readonly tau: ReadonlyMap<string, string>;
  readonly seed: string;
  readonly replacement: boolean;
}): DrawRecord[] {
  const { contest, universe, draws, tau } = options;
  let threshold: string | null = null;
  for (const j of contest.jurisdictions) {
    const t = tau.get(j);
    if (t === undefined) return [];
    if (threshold === null || t < threshold) threshold = t;
  }
  if (threshold === null) return [];
  const inUniverse = new Set(
    universe.batches.map((b) =>
      batchKeyOf({ jurisdiction: b.jurisdiction, tabulator: b.tabulator ?? null, batch: b.batch }),
    ),
  );
  const seen = new Set<string>();
  const out: DrawRecord[] = [];
  const add = (d: DrawRecord): void => {
    const k = drawKey(d);
    if (seen.has(k)) return;
    seen.add(k);
    out.push(d);
  };
  for (const d of draws) {
    if (d.ticket <= threshold && inUniverse.has(batchKeyOf(d.card))) add(d);
  }
  if (universe.ownPhantoms !== null) {
    for (const d of ownPhantomDraws({
      seed: options.seed,
      batch: universe.ownPhantoms,
      threshold,
      replacement: options.replacement,
    }))
      add(d);
  }
  return out.sort(compareDraws);
}

/** Every card of a universe's real batches, in manifest order (a full hand count). */
export function allCards(universe: UniverseManifest): CardRef[] {
  const out: CardRef[] = [];
  for (const b of universe.batches) {
    const key = batchKeyOf({ jurisdiction: b.jurisdiction, tabulator: b.tabulator ?? null, batch: b.batch });
    if (universe.phantomBatches.has(key)) continue;
    for (let p = 1; p <= b.ballots; p++)
      out.push({ jurisdiction: b.jurisdiction, tabulator: b.tabulator ?? null, batch: b.batch, position: p });
  }
  return out;
}

/**
 * A contest's manifests laid end to end as Colorado lays them (spec/sampling.md §2): by jurisdiction in
 * the audit's order (ColoradoRLA: county id), then in file order; phantom batches stay where the
 * universe puts them (after their jurisdiction's rows; the contest's own at the end).
 */
export function coloradoLayout(options: {
  readonly universe: UniverseManifest;
  readonly jurisdictions: readonly string[];
}): SamplingBatch[] {
  const rank = new Map(options.jurisdictions.map((j, i) => [j, i]));
  return options.universe.batches
    .map((b, i) => ({ b, i }))
    .sort((x, y) => {
      const rx = rank.get(x.b.jurisdiction) ?? Number.MAX_SAFE_INTEGER;
      const ry = rank.get(y.b.jurisdiction) ?? Number.MAX_SAFE_INTEGER;
      return rx !== ry ? rx - ry : x.i - y.i;
    })
    .map(({ b }) => b);
}

/**
 * Colorado's draws for one contest (Rivest's 2011 sampler; spec/sampling.md §2): sequence indices
 * `from` … `to` inclusive over positions 1..N of the contest's manifests laid end to end, with
 * replacement. `earlier` are the contest's draws so far (for each card's generation).
 */
export function coloradoDraws(options: {
  readonly seed: string;
  readonly contest: string;
  readonly layout: readonly SamplingBatch[];
  readonly phantomBatches: ReadonlySet<string>;
  readonly from: number;
  readonly to: number;
  readonly earlier: readonly DrawRecord[];
}): DrawRecord[] {
  const { seed, contest, layout, phantomBatches, from, to } = options;
  if (to < from) return [];
  const drawn = coloradoSelection({ seed, manifest: layout, from, to });
  if (!drawn.ok) throw new Error(`coloradoDraws: ${drawn.error.message}`); // checked before: a bug if reached
  const times = new Map<string, number>();
  for (const d of options.earlier) times.set(cardKey(d.card), (times.get(cardKey(d.card)) ?? 0) + 1);
  return drawn.value.map((d) => {
    const card: CardRef = {
      jurisdiction: d.jurisdiction,
      tabulator: d.tabulator,
      batch: d.batch,
      position: d.position,
    };
    const key = cardKey(card);
    const generation = (times.get(key) ?? 0) + 1;
    times.set(key, generation);
    return {
      ticket: String(d.value),
      card,
      generation,
      phantom: phantomBatches.has(batchKeyOf(card)),
      stream: { contest, index: d.index },
    };
  });
}

/** A contest's own `rivest-2011` stream so far, in sequence order: its sample (repeats count). */
export function coloradoSample(options: {
  readonly contest: string;
  readonly draws: readonly DrawRecord[];
}): DrawRecord[] {
  return options.draws
    .filter((d) => d.stream?.contest === options.contest)
    .sort((a, b) => a.stream!.index - b.stream!.index);
}

/**
 * Reconciling a county's CVRs with its ballot manifest, batch by batch: the manifest says how many
 * paper cards a batch holds, the export how many CVRs link to it. A shortfall (fewer CVRs than cards)
 * becomes phantom CVRs in the audit engine (Bañuelos & Stark, "Limiting risk by turning manifest
 * phantoms into evil zombies", 2012); CVRs that link to no card are reported as unlinked.
 */
import type { ManifestBatch } from '@openrla/formats';
import { batchKey } from './manifest_links.js';

/** One batch whose counts differ. */
export interface BatchDifference {
  readonly tabulator: string | null;
  readonly batch: string;
  readonly manifestCards: number;
  readonly cvrCards: number;
  /** cvrCards − manifestCards: negative = CVRs missing for paper cards. */
  readonly difference: number;
}

export interface Reconciliation {
  /** True when every manifest batch has exactly as many linked CVRs as cards and no CVR is unlinked. */
  readonly clean: boolean;
  readonly manifestBatches: number;
  readonly manifestCards: number;
  /** CVRs linked to a manifest card. */
  readonly linkedCards: number;
  readonly unlinkedCards: number;
  /** Paper cards without a CVR (sum over batches of the missing CVRs). */
  readonly shortfall: number;
  /** The batches whose counts differ, in manifest order. */
  readonly batches: readonly BatchDifference[];
}

/**
 * Compares the manifest's card counts with the CVRs linked to each batch (`linked`: batch key →
 * CVRs, keyed by `batchKey` of the manifest's tabulator and batch).
 */
export function reconcile(options: {
  readonly manifest: readonly ManifestBatch[];
  readonly linked: ReadonlyMap<string, number | { readonly n: number }>;
  readonly unlinkedCards: number;
}): Reconciliation {
  let manifestCards = 0;
  let linkedCards = 0;
  let shortfall = 0;
  const batches: BatchDifference[] = [];
  for (const b of options.manifest) {
    const count = options.linked.get(batchKey(b.tabulator, b.batch)) ?? 0;
    const cvrCards = typeof count === 'number' ? count : count.n;
    manifestCards += b.ballots;
    linkedCards += cvrCards;
    if (cvrCards !== b.ballots) {
      batches.push({
        tabulator: b.tabulator,
        batch: b.batch,
        manifestCards: b.ballots,
        cvrCards,
        difference: cvrCards - b.ballots,
      });
      if (cvrCards < b.ballots) shortfall += b.ballots - cvrCards;
    }
  }
  return {
    clean: batches.length === 0 && options.unlinkedCards === 0,
    manifestBatches: options.manifest.length,
    manifestCards,
    linkedCards,
    unlinkedCards: options.unlinkedCards,
    shortfall,
    batches,
  };
}

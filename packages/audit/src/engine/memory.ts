/**
 * Plain in-memory implementations of the engine's data interfaces, for tests, the CLI on small files and
 * as the reference an adapter over the store must agree with; and `summarizeCvrs`, the one definition of
 * a CVR export's summary (adapters feed it the reader's stream so that the summary is computed alike).
 */
import type { ContestInfo, Cvr, ManifestBatch } from '@openrla/formats';
import type { AuditData, CardRef, CvrFile, CvrFileSummary, ManifestFile, Sha256 } from './types.js';

/** Accumulates a CVR export's summary one CVR at a time (no CVR is kept). */
export function createCvrSummarizer(contests: readonly ContestInfo[]): {
  add(cvr: Cvr): void;
  summary(): CvrFileSummary;
} {
  const votesAllowed = new Map(contests.map((c) => [c.name, c.votesAllowed]));
  const batches = new Map<string, { tabulator: string | null; batch: string | null; cvrs: number }>();
  const perContest: Record<string, { cards: number; votes: Record<string, number> }> = {};
  let count = 0;
  return {
    add(cvr: Cvr): void {
      count++;
      const bk = JSON.stringify([cvr.tabulator, cvr.batch]);
      const b = batches.get(bk);
      if (b) b.cvrs++;
      else batches.set(bk, { tabulator: cvr.tabulator, batch: cvr.batch, cvrs: 1 });
      for (const [name, vote] of Object.entries(cvr.contests)) {
        const entry = (perContest[name] ??= { cards: 0, votes: {} });
        entry.cards++;
        if (vote.kind !== 'marks' || vote.overvote === true) continue;
        const marks = [...new Set(vote.marks)];
        if (marks.length > (votesAllowed.get(name) ?? 1)) continue;
        for (const m of marks) entry.votes[m] = (entry.votes[m] ?? 0) + 1;
      }
    },
    summary(): CvrFileSummary {
      return { batches: [...batches.values()], contests: perContest, cvrs: count };
    },
  };
}

/** The summary of a whole CVR export held in memory. */
export function summarizeCvrs(options: {
  readonly contests: readonly ContestInfo[];
  readonly cvrs: Iterable<Cvr>;
}): CvrFileSummary {
  const s = createCvrSummarizer(options.contests);
  for (const cvr of options.cvrs) s.add(cvr);
  return s.summary();
}

function placeKey(tabulator: string | null, batch: string | null, position: number | null): string {
  return JSON.stringify([tabulator, batch, position]);
}

/** A CVR export held in memory; CVRs are found by (tabulator, batch, position), or (batch, position) when the export names no tabulator. */
export function inMemoryCvrFile(options: {
  readonly sha256: Sha256;
  readonly contests: readonly ContestInfo[];
  readonly cvrs: readonly Cvr[];
}): CvrFile {
  const byPlace = new Map<string, Cvr>();
  for (const cvr of options.cvrs) {
    byPlace.set(placeKey(cvr.tabulator, cvr.batch, cvr.position), cvr);
    if (cvr.tabulator === null) byPlace.set(placeKey(null, cvr.batch, cvr.position), cvr);
  }
  const summary = summarizeCvrs(options);
  return {
    sha256: options.sha256,
    contests: options.contests,
    summary,
    cvrsAt(cards: readonly CardRef[]): (Cvr | null)[] {
      return cards.map(
        (c) =>
          byPlace.get(placeKey(c.tabulator, c.batch, c.position)) ??
          byPlace.get(placeKey(null, c.batch, c.position)) ??
          null,
      );
    },
  };
}

/** Files by hash, in memory. */
export function inMemoryAuditData(options: {
  readonly manifests?: readonly ManifestFile[];
  readonly cvrFiles?: readonly CvrFile[];
}): AuditData & {
  addManifest(file: ManifestFile, as?: Sha256): void;
  addCvrFile(file: CvrFile, as?: Sha256): void;
} {
  const manifests = new Map<Sha256, ManifestFile>();
  const cvrFiles = new Map<Sha256, CvrFile>();
  for (const m of options.manifests ?? []) manifests.set(m.sha256, m);
  for (const c of options.cvrFiles ?? []) cvrFiles.set(c.sha256, c);
  return {
    manifest: (sha256) => manifests.get(sha256) ?? null,
    cvrFile: (sha256) => cvrFiles.get(sha256) ?? null,
    /** Stores a file under `as` (default: its own hash); a different `as` simulates a file changed after upload. */
    addManifest(file: ManifestFile, as?: Sha256): void {
      manifests.set(as ?? file.sha256, file);
    },
    addCvrFile(file: CvrFile, as?: Sha256): void {
      cvrFiles.set(as ?? file.sha256, file);
    },
  };
}

export type { ManifestBatch };

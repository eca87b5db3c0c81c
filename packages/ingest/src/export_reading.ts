/**
 * How the audit reads a county's files, the same way everywhere (the store's adapter in audit_data.ts,
 * a published record in record_data.ts, in Node or in a browser): a manifest parsed and hashed as it is
 * read; a reader's CVR placed on its manifest card (manifest_links.ts); the engine's summary of an export
 * (`createCvrSummarizer`) fed with placed cards, so the engine's phantom rule sees the cards where ingest
 * put them; and a CVR's votes through the audit's contest numbering (card_votes.ts), exactly as ingest
 * stores them. No Node APIs: SHA-256 comes from @noble/hashes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  createCvrSummarizer,
  type AuditDefinition,
  type CvrFileSummary,
  type ManifestFile,
} from '@openrla/audit';
import { readManifest, type ContestInfo, type Cvr, type ManifestBatch, type Source } from '@openrla/formats';
import { sha256Hex } from '@openrla/store/chain';
import { decodeCardVotes, encodeCardVotes, numberContests, type ContestNumbering } from './card_votes.js';
import { readCvrExport, type CvrFormat } from './cvr_export.js';
import { indexManifest, linkCvr, type ManifestIndex } from './manifest_links.js';
import type { AuditContest, IngestError } from './types.js';

/** One file of an export: its name as uploaded (readers and detection look at it) and its SHA-256. */
export interface ExportFileRef {
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
}

/**
 * The identity of a set of files: the file's own SHA-256 for one file, otherwise the SHA-256 of the
 * sorted list of the files' hashes, one per line (names do not matter, order of upload does not matter).
 */
export function combinedSha256(files: readonly { readonly sha256: string }[]): string {
  if (files.length === 1) return files[0]!.sha256;
  return sha256Hex(
    files
      .map((f) => f.sha256)
      .sort()
      .map((h) => `${h}\n`)
      .join(''),
  );
}

/** Bytes of a source, hashed as they pass: `digest()` after the stream ends. */
export function hashingSource(source: Source): { readonly source: Source; digest(): string } {
  let last = '';
  return {
    source: {
      name: source.name,
      size: source.size,
      async *open() {
        const h = sha256.create();
        for await (const chunk of source.open()) {
          h.update(chunk);
          yield chunk;
        }
        last = bytesToHex(h.digest());
      },
    },
    digest: () => last,
  };
}

/** SHA-256 of a source's bytes, streamed. */
export async function sha256OfSource(source: Source): Promise<string> {
  const h = sha256.create();
  for await (const chunk of source.open()) h.update(chunk);
  return bytesToHex(h.digest());
}

/** A manifest file parsed from a source, with the SHA-256 of the bytes read; the reader's first error otherwise. */
export async function readManifestFile(
  source: Source,
): Promise<
  { readonly ok: true; readonly value: ManifestFile } | { readonly ok: false; readonly error: IngestError }
> {
  const hashing = hashingSource(source);
  const batches: ManifestBatch[] = [];
  for await (const item of readManifest(hashing.source, {})) {
    if (item.type === 'batch') batches.push(item.batch);
    else if (item.type === 'error') return { ok: false, error: item.error };
  }
  return { ok: true, value: { sha256: hashing.digest(), batches } };
}

/** The key of a manifest card, as ingest stores it (tabulator null = ""). */
export function placeKey(tabulator: string | null, batch: string, position: number): string {
  return `${tabulator ?? ''}\u0000${batch}\u0000${position}`;
}

/** A reader's CVR placed on its manifest card (the manifest's names), or as the export places it when it links to none. */
export function placed(options: { readonly index: ManifestIndex; readonly cvr: Cvr }): {
  readonly cvr: Cvr;
  readonly key: string | null;
} {
  const link = linkCvr(options);
  if (!link.linked) return { cvr: options.cvr, key: null };
  const cvr: Cvr = {
    ...options.cvr,
    tabulator: link.batch.tabulator,
    batch: link.batch.batch,
    position: link.position,
  };
  return { cvr, key: placeKey(link.batch.tabulator, link.batch.batch, link.position) };
}

/** What one streaming read of a CVR export yields (see `summarizeCvrExport`). */
export interface ExportReading {
  /** The contests the export describes. */
  readonly contests: readonly ContestInfo[];
  /** The engine's summary of its cards, linked to the manifest. */
  readonly summary: CvrFileSummary;
  /** The contest numbering its votes are stored with. */
  readonly numbering: readonly AuditContest[];
}

/** The audit's contests as numbered for one export: definition order; choices declared, then as the export names them. */
function numberingOf(options: {
  readonly definition: AuditDefinition;
  readonly infos: ReadonlyMap<string, ContestInfo>;
  readonly marks: ReadonlyMap<string, ReadonlySet<string>>;
}): AuditContest[] {
  return options.definition.contests.map((c) => {
    const info = options.infos.get(c.name);
    const choices = new Set<string>([...(c.choices ?? []), ...Object.keys(c.tallies ?? {})]);
    for (const choice of info?.choices ?? []) choices.add(choice.name);
    for (const m of options.marks.get(c.name) ?? []) choices.add(m);
    return {
      name: c.name,
      choices: [...choices],
      ...(info ? { votesAllowed: info.votesAllowed, ranked: info.ranked } : {}),
    };
  });
}

/**
 * The engine's summary of an export and the numbering of its votes, built card by card as the cards
 * stream past (by `summarizeCvrExport`, or by an import that summarises while it stores): contests in
 * the order the export first describes them, each card linked to the manifest, every mark of an audited
 * contest remembered (a choice the export names only on cards still gets its number).
 */
export function createExportSummary(options: {
  readonly manifest: readonly ManifestBatch[];
  readonly definition: AuditDefinition;
}): {
  /** A contest the export describes (the first description of a name counts). */
  contest(info: ContestInfo): void;
  /** A card, as the reader gives it. */
  cvr(cvr: Cvr): void;
  /** The contests the export describes, so far. */
  contests(): ContestInfo[];
  /** The audit's contests numbered with what the export has shown so far (see numberingOf). */
  numbering(): AuditContest[];
  summary(): CvrFileSummary;
} {
  const index = indexManifest(options.manifest);
  const audited = new Set(options.definition.contests.map((c) => c.name));
  const infos = new Map<string, ContestInfo>();
  const marks = new Map<string, Set<string>>();
  let summarizer: ReturnType<typeof createCvrSummarizer> | null = null;
  return {
    contest(info) {
      if (!infos.has(info.name)) infos.set(info.name, info);
    },
    cvr(cvr) {
      summarizer ??= createCvrSummarizer([...infos.values()]);
      summarizer.add(placed({ index, cvr }).cvr);
      for (const [name, vote] of Object.entries(cvr.contests)) {
        if (!audited.has(name)) continue;
        let seen = marks.get(name);
        if (!seen) marks.set(name, (seen = new Set()));
        if (vote.kind === 'marks') for (const m of vote.marks) seen.add(m);
        else for (const rank of vote.ranks) for (const m of rank) seen.add(m);
      }
    },
    contests: () => [...infos.values()],
    numbering: () => numberingOf({ definition: options.definition, infos, marks }),
    summary: () => (summarizer ?? createCvrSummarizer([])).summary(),
  };
}

/**
 * Reads a CVR export once (streaming): the contests it describes, the engine's summary of its cards
 * linked to the manifest, and the numbering its votes are stored with. Reader errors come back located
 * (the first 100).
 */
export async function summarizeCvrExport(options: {
  readonly format: CvrFormat;
  readonly sources: readonly Source[];
  readonly jurisdiction: string;
  readonly manifest: readonly ManifestBatch[];
  readonly definition: AuditDefinition;
}): Promise<
  | { readonly ok: true; readonly value: ExportReading }
  | { readonly ok: false; readonly error: readonly IngestError[] }
> {
  const summary = createExportSummary(options);
  const errors: IngestError[] = [];
  for await (const item of readCvrExport({
    format: options.format,
    sources: options.sources,
    read: { jurisdiction: options.jurisdiction },
  })) {
    switch (item.type) {
      case 'contest':
        summary.contest(item.contest);
        break;
      case 'cvr':
        summary.cvr(item.cvr);
        break;
      case 'error':
        errors.push(item.error);
        if (errors.length >= 100) return { ok: false, error: errors };
        break;
      case 'batch':
      case 'tally':
      case 'pool':
        break; // aggregated rows are not cards
      default: {
        const never: never = item;
        throw new Error(`summarizeCvrExport: unknown reader item ${JSON.stringify(never)}`);
      }
    }
  }
  if (errors.length > 0) return { ok: false, error: errors };
  return {
    ok: true,
    value: { contests: summary.contests(), summary: summary.summary(), numbering: summary.numbering() },
  };
}

/** The contest numbering an export's votes are stored with, checked (a bad one is a bug). */
export function numbered(info: {
  readonly sha256: string;
  readonly numbering: readonly AuditContest[];
}): ContestNumbering {
  const n = numberContests(info.numbering);
  if (!n.ok)
    throw new Error(`audit data: the numbering of ${info.sha256} is invalid: ${n.error[0]?.message}`);
  return n.value;
}

/** A CVR as the store gives it back: the card's votes through the numbering (encode, then decode). */
export function throughNumbering(options: {
  readonly numbering: ContestNumbering;
  readonly votesAllowed: ReadonlyMap<string, number>;
  readonly cvr: Cvr;
}): Cvr {
  const { numbering, cvr } = options;
  const votes = encodeCardVotes({ numbering, cvr, votesAllowed: options.votesAllowed });
  if (typeof votes !== 'string')
    throw new Error(
      `audit data: CVR ${cvr.cvrId} does not fit the numbering (${votes.kind} in ${votes.contest})`,
    );
  const contests = decodeCardVotes({ numbering, votes });
  if (contests === null) throw new Error(`audit data: CVR ${cvr.cvrId}: votes "${votes}" do not decode`);
  return { ...cvr, countingGroup: null, contests };
}

/**
 * The audit engine's data (`AuditData` of packages/audit/src/engine/types.ts) over the audit's files:
 * - `storeAuditData`: manifests read back from the store (streamed, hashed as they are read), CVR exports
 *   through the summary computed when they were uploaded (kept in the audit's side log, see
 *   audit_session.ts) and `cvrsAt(cards)` as indexed look-ups of the imported CVRs (`getCvrs`);
 * - `recordAuditData`: the same over a published audit record on disk (files named by SHA-256), with no
 *   database: the summary is recomputed by streaming each export, and `cvrsAt` streams it again.
 *
 * Both read a CVR the same way: the reader's card is linked to its manifest card (manifest_links.ts) and
 * its votes go through the audit's contest numbering (card_votes.ts), exactly as ingest stores them, so a
 * verify from the record recomputes the very CVRs the audit used. The summary is the engine's own
 * (`createCvrSummarizer`), fed with linked cards, so that the engine's phantom rule (CVRs beyond the
 * manifest) sees the cards where ingest put them. No export is ever held in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import {
  createCvrSummarizer,
  type AuditData,
  type AuditDefinition,
  type CardRef,
  type CvrFile,
  type CvrFileSummary,
  type ManifestFile,
} from '@openrla/audit';
import { readManifest, type ContestInfo, type Cvr, type ManifestBatch, type Source } from '@openrla/formats';
import type { AuditStore } from '@openrla/store';
import { decodeCardVotes, encodeCardVotes, numberContests, type ContestNumbering } from './card_votes.js';
import { combinedSha256, storedSource } from './stored_files.js';
import { readCvrExport, type CvrFormat } from './cvr_export.js';
import { indexManifest, linkCvr, type ManifestIndex } from './manifest_links.js';
import { storedCvrsAt } from './stored_cvrs.js';
import type { AuditContest, IngestError } from './types.js';

/** One file of an export: its name as uploaded (readers and detection look at it) and its SHA-256. */
export interface ExportFileRef {
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
}

/**
 * What the audit keeps about an uploaded CVR export besides its cards: enough to hand the engine a
 * `CvrFile` without reading the export again, and to re-read it from a published record.
 */
export interface CvrFileInfo {
  /** The export's identity: its file's SHA-256, or combinedSha256 of its files. */
  readonly sha256: string;
  readonly jurisdiction: string;
  /** The name the upload event records. */
  readonly fileName: string;
  readonly files: readonly ExportFileRef[];
  readonly format: CvrFormat;
  /** The manifest the cards were linked to. */
  readonly manifestSha256: string;
  readonly contests: readonly ContestInfo[];
  readonly summary: CvrFileSummary;
  /** The contest numbering of the stored votes (the audit's contests with every choice the export names). */
  readonly numbering: readonly AuditContest[];
}

/** Bytes of a source, hashed as they pass: `digest()` after the stream ends. */
function hashingSource(source: Source): { readonly source: Source; digest(): string } {
  let last = '';
  return {
    source: {
      name: source.name,
      size: source.size,
      async *open() {
        const h = createHash('sha256');
        for await (const chunk of source.open()) {
          h.update(chunk);
          yield chunk;
        }
        last = h.digest('hex');
      },
    },
    digest: () => last,
  };
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
function placeKey(tabulator: string | null, batch: string, position: number): string {
  return `${tabulator ?? ''}\u0000${batch}\u0000${position}`;
}

/** A reader's CVR placed on its manifest card (the manifest's names), or as the export places it when it links to none. */
function placed(options: { readonly index: ManifestIndex; readonly cvr: Cvr }): {
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
  | { readonly ok: true; readonly value: Pick<CvrFileInfo, 'contests' | 'summary' | 'numbering'> }
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

function numbered(info: CvrFileInfo): ContestNumbering {
  const n = numberContests(info.numbering);
  if (!n.ok)
    throw new Error(`audit data: the numbering of ${info.sha256} is invalid: ${n.error[0]?.message}`);
  return n.value;
}

/** A CVR as the store gives it back: the card's votes through the numbering (encode, then decode). */
function throughNumbering(options: {
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

/**
 * The engine's data over the store: manifests by SHA-256 from the stored files; CVR exports through their
 * `CvrFileInfo` (given by `cvrFileInfo`, from the side log) and the imported cards.
 */
export function storeAuditData(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly cvrFileInfo: (sha256: string) => Promise<CvrFileInfo | null>;
}): AuditData {
  const { store, auditId } = options;
  const manifests = new Map<string, Promise<ManifestFile | null>>();
  const cvrFiles = new Map<string, Promise<CvrFile | null>>();
  return {
    manifest(sha256) {
      let m = manifests.get(sha256);
      if (!m) {
        m = (async () => {
          const file = await store.getFile(sha256);
          if (!file) return null;
          const read = await readManifestFile(
            storedSource({ store, sha256, name: file.name, size: file.size }),
          );
          if (!read.ok)
            throw new Error(
              `audit data: the stored manifest ${sha256} no longer reads: ${read.error.message}`,
            );
          return read.value;
        })();
        manifests.set(sha256, m);
      }
      return m;
    },
    cvrFile(sha256) {
      let c = cvrFiles.get(sha256);
      if (!c) {
        c = (async () => {
          const info = await options.cvrFileInfo(sha256);
          if (!info) return null;
          const numbering = numbered(info);
          return {
            sha256: info.sha256,
            contests: info.contests,
            summary: info.summary,
            cvrsAt: (cards: readonly CardRef[]) => storedCvrsAt({ store, auditId, numbering, cards }),
          };
        })();
        cvrFiles.set(sha256, c);
      }
      return c;
    },
  };
}

/** A file of a published record: its SHA-256 name on disk. */
function diskSource(options: {
  readonly path: string;
  readonly name: string;
  readonly size: number | null;
}): Source {
  return {
    name: options.name,
    size: options.size ?? statSync(options.path).size,
    open: () => createReadStream(options.path) as AsyncIterable<Uint8Array>,
  };
}

/** SHA-256 of a file on disk, streamed. */
async function hashFile(filePath: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) h.update(chunk as Uint8Array);
  return h.digest('hex');
}

/** What a published record says about one uploaded CVR export (its files by name and SHA-256). */
export interface RecordCvrExport {
  readonly sha256: string;
  readonly jurisdiction: string;
  readonly format: CvrFormat;
  readonly files: readonly ExportFileRef[];
}

/**
 * The engine's data over a published audit record on disk, no database: `pathOf(sha256)` is where the
 * record keeps a file (null when it does not). Every file is hashed as it is read, so a changed byte
 * shows as a file whose hash differs from the one the events reference. CVR exports are summarised by
 * streaming, and linked to the manifest their jurisdiction had when they were uploaded (`manifestOf`).
 */
export function recordAuditData(options: {
  readonly pathOf: (sha256: string) => string | null;
  readonly cvrExports: ReadonlyMap<string, RecordCvrExport>;
  /** The SHA-256 of the manifest a CVR export was linked to (from the events). */
  readonly manifestOf: (cvrSha256: string) => string | null;
  readonly definition: () => AuditDefinition | null;
}): AuditData {
  const manifests = new Map<string, Promise<ManifestFile | null>>();
  const cvrFiles = new Map<string, Promise<CvrFile | null>>();
  const manifest = (sha256: string): Promise<ManifestFile | null> => {
    let m = manifests.get(sha256);
    if (!m) {
      m = (async () => {
        const p = options.pathOf(sha256);
        if (p === null) return null;
        const read = await readManifestFile(diskSource({ path: p, name: sha256, size: null }));
        if (!read.ok) return { sha256: `unreadable: ${read.error.message}`, batches: [] };
        return read.value;
      })();
      manifests.set(sha256, m);
    }
    return m;
  };
  const cvrFile = async (sha256: string): Promise<CvrFile | null> => {
    const exp = options.cvrExports.get(sha256);
    const manifestSha = options.manifestOf(sha256);
    const definition = options.definition();
    if (!exp || manifestSha === null || definition === null) return null;
    const files: { readonly name: string; readonly sha256: string; readonly path: string }[] = [];
    for (const f of exp.files) {
      const p = options.pathOf(f.sha256);
      if (p === null) return null;
      files.push({ name: f.name, sha256: await hashFile(p), path: p });
    }
    const actual = combinedSha256(files);
    const m = await manifest(manifestSha);
    if (m === null) return null;
    const sources = files.map((f) => diskSource({ path: f.path, name: f.name, size: null }));
    const read = {
      format: exp.format,
      sources,
      jurisdiction: exp.jurisdiction,
      manifest: m.batches,
      definition,
    };
    const summarised = await summarizeCvrExport(read);
    if (!summarised.ok)
      return {
        sha256: `unreadable: ${summarised.error[0]?.message ?? ''}`,
        contests: [],
        summary: { batches: [], contests: {}, cvrs: 0 },
        cvrsAt: (cards) => cards.map(() => null),
      };
    const info = summarised.value;
    const numbering = numbered({ ...exp, fileName: '', manifestSha256: manifestSha, ...info });
    const votesAllowed = new Map(info.contests.map((c) => [c.name, c.votesAllowed]));
    return {
      sha256: actual,
      contests: info.contests,
      summary: info.summary,
      async cvrsAt(cards) {
        const wanted = new Map<string, Cvr | null>();
        for (const c of cards) wanted.set(placeKey(c.tabulator, c.batch, c.position), null);
        const index = indexManifest(m.batches);
        for await (const item of readCvrExport({
          format: exp.format,
          sources,
          read: { jurisdiction: exp.jurisdiction },
        })) {
          if (item.type !== 'cvr') continue;
          const p = placed({ index, cvr: item.cvr });
          if (p.key === null || !wanted.has(p.key) || wanted.get(p.key) !== null) continue;
          wanted.set(p.key, throughNumbering({ numbering, votesAllowed, cvr: p.cvr }));
        }
        return cards.map((c) => wanted.get(placeKey(c.tabulator, c.batch, c.position)) ?? null);
      },
    };
  };
  return {
    manifest,
    cvrFile(sha256) {
      let c = cvrFiles.get(sha256);
      if (!c) {
        c = cvrFile(sha256);
        cvrFiles.set(sha256, c);
      }
      return c;
    },
  };
}

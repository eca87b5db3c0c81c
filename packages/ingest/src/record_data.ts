/**
 * The audit engine's data (`AuditData`) over a published audit record, with no database and no Node
 * APIs: the record's files come from `RecordFiles` (a folder on disk for the CLI, HTTP for the browser's
 * verify page). Every file is hashed as it is read, so a changed byte shows as a file whose hash differs
 * from the one the events reference. CVR exports are summarised by streaming, and `cvrsAt` streams the
 * export again; both read a CVR exactly as ingest stored it (export_reading.ts), so a verify recomputes
 * the very CVRs the audit used. No export is ever held in memory.
 */
import type { AuditData, AuditDefinition, CvrFile, ManifestFile } from '@openrla/audit';
import type { Cvr, Source } from '@openrla/formats';
import {
  combinedSha256,
  numbered,
  placed,
  placeKey,
  readManifestFile,
  sha256OfSource,
  summarizeCvrExport,
  throughNumbering,
  type ExportFileRef,
} from './export_reading.js';
import { readCvrExport, type CvrFormat } from './cvr_export.js';
import { indexManifest } from './manifest_links.js';

/** What a published record says about one uploaded CVR export (its files by name and SHA-256). */
export interface RecordCvrExport {
  readonly sha256: string;
  readonly jurisdiction: string;
  readonly format: CvrFormat;
  readonly files: readonly ExportFileRef[];
}

/** The files of a published record, by SHA-256: a fresh stream of one file's bytes, or null when the record lacks it. */
export interface RecordFiles {
  file(options: { readonly sha256: string; readonly name: string }): Source | null;
}

/**
 * The engine's data over a published record's files. CVR exports are linked to the manifest their
 * jurisdiction had when they were uploaded (`manifestOf`, from the events).
 */
export function recordAuditData(options: {
  readonly files: RecordFiles;
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
        const source = options.files.file({ sha256, name: sha256 });
        if (source === null) return null;
        const read = await readManifestFile(source);
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
    const sources: Source[] = [];
    const hashed: { readonly sha256: string }[] = [];
    for (const f of exp.files) {
      const source = options.files.file({ sha256: f.sha256, name: f.name });
      if (source === null) return null;
      sources.push(source);
      hashed.push({ sha256: await sha256OfSource(source) });
    }
    const actual = combinedSha256(hashed);
    const m = await manifest(manifestSha);
    if (m === null) return null;
    const summarised = await summarizeCvrExport({
      format: exp.format,
      sources,
      jurisdiction: exp.jurisdiction,
      manifest: m.batches,
      definition,
    });
    if (!summarised.ok)
      return {
        sha256: `unreadable: ${summarised.error[0]?.message ?? ''}`,
        contests: [],
        summary: { batches: [], contests: {}, cvrs: 0 },
        cvrsAt: (cards) => cards.map(() => null),
      };
    const info = summarised.value;
    const numbering = numbered({ sha256: exp.sha256, numbering: info.numbering });
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

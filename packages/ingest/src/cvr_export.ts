/**
 * Which voting system's CVR export a set of uploaded files is (spec/formats.md), and the reader that
 * turns it into canonical records. Single CSV files go through `@openrla/formats`' own detection
 * (`detectText`); exports made of several files (Dominion JSON with its manifests, Hart ZIPs, ES&S CVR +
 * ballots CSVs, NIST CDF reports) are recognised here by their names and first bytes.
 */
import {
  detectText,
  readClearBallot,
  readDominionCsv,
  readDominionJson,
  readEss,
  readHart,
  readNistCdf,
  type DominionManifestSources,
  type ReaderItem,
  type ReadOptions,
  type Source,
} from '@openrla/formats';
import type { IngestError } from './types.js';

/** The CVR export formats an ingest reads. */
export type CvrFormat =
  'dominion-csv' | 'dominion-json' | 'clearballot' | 'ess' | 'hart' | 'nist-cdf-json' | 'nist-cdf-xml';

export interface CvrDetection {
  readonly format: CvrFormat;
  /** In words: what was seen. */
  readonly reason: string;
}

/** A file to detect: its name and its first bytes as text. */
export interface FileHead {
  readonly name: string;
  readonly head: string;
}

const HEAD_BYTES = 64 * 1024;

/** Enough of each file when an export has several (every multi-file format names itself early). */
export const SHORT_HEAD_BYTES = 8 * 1024;

/**
 * The first `bytes` of a source (default 64 KiB: a Dominion CSV's four header rows can be long),
 * decoded as UTF-8 (binary bytes become U+FFFD; enough to recognise a ZIP by name or magic).
 */
export async function headOf(source: Source, bytes = HEAD_BYTES): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const iterator = source.open()[Symbol.asyncIterator]();
  try {
    while (size < bytes) {
      const next = await iterator.next();
      if (next.done) break;
      parts.push(next.value);
      size += next.value.length;
    }
  } finally {
    await iterator.return?.();
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new TextDecoder('utf-8').decode(all.subarray(0, Math.min(size, bytes)));
}

const DOMINION_MANIFESTS: Readonly<Record<string, keyof DominionManifestSources>> = {
  'contestmanifest.json': 'contest',
  'candidatemanifest.json': 'candidate',
  'ballottypemanifest.json': 'ballotType',
  'countinggroupmanifest.json': 'countingGroup',
  'tabulatormanifest.json': 'tabulator',
};

const isZip = (f: FileHead): boolean => /\.zip$/i.test(f.name) || f.head.startsWith('PK\u0003\u0004');
const isHartXml = (f: FileHead): boolean => /CVRDesign\.xsd/.test(f.head.slice(0, 4096));
const isNistJson = (f: FileHead): boolean =>
  /^\s*\{[\s\S]{0,200}"@type"\s*:\s*"CVR\.CastVoteRecordReport"/.test(f.head);
const isNistXml = (f: FileHead): boolean => /<CastVoteRecordReport\b/.test(f.head.slice(0, 4096));
const isEssCsv = (f: FileHead): boolean =>
  /\.csv$/i.test(f.name) && /(^|\n|,)"?Cast Vote Record"?\s*,/i.test(f.head.slice(0, 8192));
const isDominionJsonExport = (f: FileHead): boolean =>
  /^CvrExport.*\.json$/i.test(f.name) || /^\s*\{[\s\S]*"Sessions"\s*:/.test(f.head);

/** Names the format of an export made of these files, or says why it is not a CVR export. */
export function detectCvrExport(files: readonly FileHead[]): CvrDetection | IngestError {
  const first = files[0];
  if (!first) return { kind: 'format.no-files', message: 'No file was uploaded.' };
  const exports = files.filter(isDominionJsonExport);
  if (exports.length > 0) {
    const manifests = files.filter((f) => DOMINION_MANIFESTS[f.name.toLowerCase()] !== undefined).length;
    return {
      format: 'dominion-json',
      reason: `${exports.length} Dominion CvrExport JSON file(s) and ${manifests} manifest file(s)`,
    };
  }
  const zips = files.filter(isZip).length;
  if (zips > 0 || files.some(isHartXml)) {
    return {
      format: 'hart',
      reason:
        zips > 0 ? `${zips} ZIP archive(s) of Hart CVR XML files` : 'Hart CVR XML (CVRDesign.xsd namespace)',
    };
  }
  if (files.every(isNistJson))
    return {
      format: 'nist-cdf-json',
      reason: `${files.length} NIST SP 1500-103 CastVoteRecordReport JSON file(s)`,
    };
  if (files.every(isNistXml))
    return {
      format: 'nist-cdf-xml',
      reason: `${files.length} NIST SP 1500-103 CastVoteRecordReport XML file(s)`,
    };
  if (files.some(isEssCsv))
    return { format: 'ess', reason: `ES&S "Cast Vote Record" CSV with ${files.length - 1} ballots file(s)` };
  if (files.length === 1) {
    const d = detectText(first);
    if (d) {
      switch (d.format) {
        case 'dominion-csv':
        case 'clearballot':
          return { format: d.format, reason: d.reason };
        case 'dominion-json':
          return { format: 'dominion-json', reason: d.reason };
        default:
          return {
            kind: 'format.not-cvr',
            file: first.name,
            line: 1,
            message: `${first.name} looks like ${d.format === 'manifest-arlo' || d.format === 'manifest-colorado' ? 'a ballot manifest' : d.format} (${d.reason}), not a CVR export. Upload it as what it is.`,
          };
      }
    }
  }
  return {
    kind: 'format.unknown',
    file: first.name,
    line: 1,
    message: `${files.map((f) => f.name).join(', ')}: not a CVR export this software reads (Dominion CSV or JSON, ES&S, Hart, ClearBallot, NIST CDF).`,
  };
}

/** The reader of a detected export over its files. */
export function readCvrExport(options: {
  readonly format: CvrFormat;
  readonly sources: readonly Source[];
  readonly read: ReadOptions;
}): AsyncIterable<ReaderItem> {
  const { format, sources, read } = options;
  switch (format) {
    case 'dominion-csv':
      return readDominionCsv(sources[0]!, read);
    case 'clearballot':
      return readClearBallot(sources[0]!, read);
    case 'dominion-json': {
      const manifests: { -readonly [K in keyof DominionManifestSources]: Source } = {};
      for (const s of sources) {
        const m = DOMINION_MANIFESTS[s.name.toLowerCase()];
        if (m !== undefined) manifests[m] = s;
      }
      // The export files are named CvrExport*.json; a lone upload under another name is taken as one.
      const named = sources.filter((s) => /^CvrExport.*\.json$/i.test(s.name));
      const exports =
        named.length > 0
          ? named
          : sources.filter(
              (s) =>
                /\.json$/i.test(s.name) &&
                !/manifest\.json$/i.test(s.name) &&
                !/^configuration\.json$/i.test(s.name),
            );
      return readDominionJson({ exports, manifests, ...read });
    }
    case 'ess':
      return readEss({ files: sources, ...read });
    case 'hart':
      return readHart({ files: sources, ...read });
    case 'nist-cdf-json':
    case 'nist-cdf-xml':
      return readNistCdf({ files: sources, ...read });
    default:
      return assertNever(format);
  }
}

function assertNever(value: never): never {
  throw new Error(`ingest: unhandled CVR format ${String(value)}`);
}

/**
 * Open any path → a stream of canonical records. `readPath` detects the format (detect.ts) and runs
 * the reader for it; progress goes to `onProgress`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readBatchTallies } from './batch_tallies.js';
import { readClearBallot } from './clearballot.js';
import { detectFormat, type Detection } from './detect.js';
import { readDominionCsv } from './dominion_csv.js';
import { readDominionJson } from './dominion_json.js';
import { errorItem } from './errors.js';
import { readManifest } from './manifest.js';
import type { ReaderOptions } from './read_options.js';
import { fileSource } from './read_source.js';
import type { FormatName, ReaderItem } from './types.js';

/** The files a path stands for: itself, or a folder's export files. */
export function filesOf(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p)
    .filter((n) => /^CvrExport.*\.json$/i.test(n) || /Manifest\.json$/i.test(n))
    .sort()
    .map((n) => path.join(p, n));
}

/** SHA-256 of a file, streamed (imports are idempotent by it). */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Uint8Array);
  return h.digest('hex');
}

function dominionJsonInputs(p: string) {
  const dir = statSync(p).isDirectory() ? p : path.dirname(p);
  const names = readdirSync(dir);
  const exports = statSync(p).isDirectory() ? names.filter((n) => /^CvrExport.*\.json$/i.test(n)).sort() : [path.basename(p)];
  const m = (n: string) => (names.includes(n) ? fileSource(path.join(dir, n)) : undefined);
  const manifests = {
    ...(m('ContestManifest.json') ? { contest: m('ContestManifest.json')! } : {}),
    ...(m('CandidateManifest.json') ? { candidate: m('CandidateManifest.json')! } : {}),
    ...(m('BallotTypeManifest.json') ? { ballotType: m('BallotTypeManifest.json')! } : {}),
    ...(m('CountingGroupManifest.json') ? { countingGroup: m('CountingGroupManifest.json')! } : {}),
    ...(m('TabulatorManifest.json') ? { tabulator: m('TabulatorManifest.json')! } : {}),
  };
  return { exports: exports.map((n) => fileSource(path.join(dir, n))), manifests };
}

/**
 * Reads a file or folder in the format detected (or the one given). Formats whose readers live
 * elsewhere in the package yield an error saying so until they are wired in here.
 */
export async function* readPath(p: string, options: ReaderOptions & { readonly format?: FormatName } = {}): AsyncGenerator<ReaderItem> {
  let detection: Detection | null = options.format ? { format: options.format, reason: 'given' } : null;
  try {
    detection ??= detectFormat(p);
  } catch (e) {
    yield errorItem({ kind: 'format.unreadable', message: `Cannot read ${p}: ${(e as Error).message}`, file: path.basename(p) });
    return;
  }
  if (!detection) {
    yield errorItem({ kind: 'format.unknown', message: `${path.basename(p)}: the format is not recognised (manifest, Dominion CSV/JSON, ClearBallot, candidate totals by batch).`, file: path.basename(p), line: 1 });
    return;
  }
  const format = detection.format;
  switch (format) {
    case 'manifest-arlo':
    case 'manifest-colorado':
      yield* readManifest(fileSource(p), options);
      return;
    case 'dominion-csv':
      yield* readDominionCsv(fileSource(p), options);
      return;
    case 'dominion-json':
      yield* readDominionJson({ ...dominionJsonInputs(p), ...options });
      return;
    case 'clearballot':
      yield* readClearBallot(fileSource(p), options);
      return;
    case 'batch-tallies':
      yield* readBatchTallies(fileSource(p), { ...options, contest: path.basename(p).replace(/\.csv$/i, '') });
      return;
    case 'ess':
    case 'hart':
    case 'nist-cdf-json':
    case 'nist-cdf-xml':
    case 'raire-json':
    case 'raire':
      yield errorItem({ kind: 'format.not-wired', message: `${path.basename(p)} is ${format}; its reader is not wired into readPath yet.`, file: path.basename(p) });
      return;
    default:
      return assertNeverFormat(format);
  }
}

function assertNeverFormat(format: never): never {
  throw new Error(`Unhandled format ${String(format)}`);
}

/**
 * Open any path → a stream of canonical records. `readPath` detects the format (detect.ts), splits
 * the path into exports (one reader run each) and runs the reader of each; progress goes to
 * `onProgress`, counted over all the files read.
 */
import { createHash, createReadStream, path, statSync } from '#platform';
import { readBatchTallies } from './batch_tallies.js';
import { readClearBallot } from './clearballot.js';
import { detectFormat, type DetectedExport, type PathDetection } from './detect.js';
import { readDominionCsv } from './dominion_csv.js';
import { readDominionJson } from './dominion_json.js';
import { assertNever, errorItem } from './errors.js';
import { readEss } from './ess.js';
import { readHart } from './hart.js';
import { readManifest } from './manifest.js';
import { readNistCdf } from './nist.js';
import { readRaire, type RaireItem } from './raire.js';
import type { ReaderOptions } from './read_options.js';
import { fileSource } from './read_source.js';
import type { Cvr, FormatName, Progress, ReaderItem } from './types.js';

/** The files a path stands for: itself, or the files its detected exports read (none when nothing is recognised). */
export function filesOf(p: string): string[] {
  if (!statSync(p).isDirectory()) return detectFormat(p)?.files.slice() ?? [p];
  return detectFormat(p)?.files.slice() ?? [];
}

/** SHA-256 of a file, streamed (imports are idempotent by it). */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Uint8Array);
  return h.digest('hex');
}

/** Dominion JSON: the CvrExport files, and the manifest files by their role. */
function dominionJsonInputs(files: readonly string[]) {
  const byName = new Map(files.map((f) => [path.basename(f), f]));
  const m = (n: string) => {
    const f = byName.get(n);
    return f ? fileSource(f) : undefined;
  };
  const entries = {
    contest: m('ContestManifest.json'),
    candidate: m('CandidateManifest.json'),
    ballotType: m('BallotTypeManifest.json'),
    countingGroup: m('CountingGroupManifest.json'),
    tabulator: m('TabulatorManifest.json'),
  };
  const manifests = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
  return {
    exports: files.filter((f) => /^CvrExport.*\.json$/i.test(path.basename(f))).map(fileSource),
    manifests,
  };
}

/**
 * RAIRE items as reader items: a weighted ranking (RAIRE JSON gives counts, not cards) becomes `count`
 * cards with that ranking, numbered `<file>#1`, `<file>#2`, … in file order; they share one contests
 * object, so a large count costs no memory beyond the card being handed out. `contestName` renames
 * contests (`.raire` files name theirs by a number, which several files of one folder share).
 */
async function* raireCards(options: {
  readonly items: AsyncIterable<RaireItem>;
  readonly file: string;
  readonly jurisdiction: string;
  readonly contestName?: (name: string) => string;
}): AsyncGenerator<ReaderItem> {
  let n = 0;
  const rename = options.contestName;
  for await (const raw of options.items) {
    const item = rename ? renamed(raw, rename) : raw;
    if (item.type !== 'ranking') {
      yield item;
      continue;
    }
    const contests: Cvr['contests'] = {
      [item.ranking.contest]: { kind: 'ranks', ranks: item.ranking.ranks },
    };
    for (let k = 0; k < item.ranking.count; k++) {
      n++;
      yield {
        type: 'cvr',
        cvr: {
          jurisdiction: options.jurisdiction,
          cvrId: `${options.file}#${n}`,
          tabulator: null,
          batch: null,
          position: null,
          imprintedId: null,
          ballotStyle: null,
          countingGroup: null,
          contests,
        },
      };
    }
  }
}

/** A RAIRE item with its contest renamed. */
function renamed(item: RaireItem, rename: (name: string) => string): RaireItem {
  switch (item.type) {
    case 'contest':
      return { type: 'contest', contest: { ...item.contest, name: rename(item.contest.name) } };
    case 'ranking':
      return { type: 'ranking', ranking: { ...item.ranking, contest: rename(item.ranking.contest) } };
    case 'cvr':
      return {
        type: 'cvr',
        cvr: {
          ...item.cvr,
          contests: Object.fromEntries(
            Object.entries(item.cvr.contests).map(([name, vote]) => [rename(name), vote]),
          ),
        },
      };
    default:
      return item;
  }
}

/**
 * The contest names of one `.raire` file among several read together: `<file name> <contest id>`,
 * since every file numbers its contests from 1. One file alone keeps its ids.
 */
export function raireContestName(options: {
  readonly file: string;
  readonly filesInExport: number;
}): ((id: string) => string) | undefined {
  if (options.filesInExport < 2) return undefined;
  const stem = path.basename(options.file).replace(/\.raire$/i, '');
  return (id) => `${stem} ${id}`;
}

/** Runs the reader of one export (see detect.ts). */
export async function* readExport(
  options: ReaderOptions & { readonly export: DetectedExport },
): AsyncGenerator<ReaderItem> {
  const { export: exp, ...readerOptions } = options;
  const files = exp.files;
  const format = exp.format;
  switch (format) {
    case 'manifest-arlo':
    case 'manifest-colorado':
      for (const f of files) yield* readManifest(fileSource(f), readerOptions);
      return;
    case 'dominion-csv':
      for (const f of files) yield* readDominionCsv(fileSource(f), readerOptions);
      return;
    case 'dominion-json':
      yield* readDominionJson({ ...dominionJsonInputs(files), ...readerOptions });
      return;
    case 'clearballot':
      for (const f of files) yield* readClearBallot(fileSource(f), readerOptions);
      return;
    case 'batch-tallies':
      for (const f of files)
        yield* readBatchTallies(fileSource(f), {
          ...readerOptions,
          contest: path.basename(f).replace(/\.csv$/i, ''),
        });
      return;
    case 'ess':
      yield* readEss({ ...readerOptions, files });
      return;
    case 'hart':
      yield* readHart({ ...readerOptions, files });
      return;
    case 'nist-cdf-json':
    case 'nist-cdf-xml':
      yield* readNistCdf({ ...readerOptions, files });
      return;
    case 'raire-json':
    case 'raire':
      for (const f of files) {
        const contestName =
          format === 'raire' ? raireContestName({ file: f, filesInExport: files.length }) : undefined;
        yield* raireCards({
          items: readRaire({ ...readerOptions, source: f }),
          file: path.basename(f),
          jurisdiction: readerOptions.jurisdiction ?? '',
          ...(contestName ? { contestName } : {}),
        });
      }
      return;
    default:
      return assertNever(format);
  }
}

/** Sums progress over the exports read one after another: each reader counts from zero. */
function progressOver(
  options: ReaderOptions,
  before: { bytes: number; records: number },
  totalBytes: number,
): ReaderOptions {
  const onProgress = options.onProgress;
  if (!onProgress) return options;
  return {
    ...options,
    onProgress: (p: Progress) =>
      onProgress({ bytes: before.bytes + p.bytes, totalBytes, records: before.records + p.records }),
  };
}

/**
 * Reads a file or folder in the format detected (or, with `format`, only the exports of that format).
 * Yields every export's items in turn; a path that cannot be read or holds nothing recognised yields
 * one error.
 */
export async function* readPath(
  p: string,
  options: ReaderOptions & { readonly format?: FormatName } = {},
): AsyncGenerator<ReaderItem> {
  const { format: wanted, ...readerOptions } = options;
  let detection: PathDetection | null;
  try {
    detection = detectFormat(p);
    if (wanted !== undefined && !statSync(p).isDirectory()) {
      const files = detection?.files ?? [p];
      const given: DetectedExport = { format: wanted, reason: 'given', files };
      detection = { ...given, exports: [given] };
    }
  } catch (e) {
    yield errorItem({
      kind: 'format.unreadable',
      message: `Cannot read ${p}: ${(e as Error).message}`,
      file: path.basename(p),
    });
    return;
  }
  const exports = detection?.exports.filter((e) => wanted === undefined || e.format === wanted) ?? [];
  if (exports.length === 0) {
    yield errorItem({
      kind: 'format.unknown',
      message:
        wanted !== undefined && detection
          ? `${path.basename(p)} holds no ${wanted} files (it holds ${[...new Set(detection.exports.map((e) => e.format))].join(', ')}).`
          : `${path.basename(p)}: the format is not recognised (manifest, Dominion CSV/JSON, ES&S, Hart, ClearBallot, NIST CDF, RAIRE, candidate totals by batch).`,
      file: path.basename(p),
      line: 1,
    });
    return;
  }
  const totalBytes = exports.flatMap((e) => e.files).reduce((s, f) => s + statSync(f).size, 0);
  const before = { bytes: 0, records: 0 };
  for (const exp of exports) {
    let records = 0;
    for await (const item of readExport({
      ...progressOver(readerOptions, before, totalBytes),
      export: exp,
    })) {
      if (item.type === 'cvr') records++;
      yield item;
    }
    before.bytes += exp.files.reduce((s, f) => s + statSync(f).size, 0);
    before.records += records;
  }
}

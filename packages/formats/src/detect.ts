/**
 * Format detection: looks at the first bytes of a file (or at the files of a folder) and names the
 * format (`FormatName`), saying why and which files its reader will read. To add a format, add one row
 * to `FILE_DETECTORS` (and, when a folder of it needs grouping rules, to `FOLDER_DETECTORS`).
 *
 * A folder is detected file by file: every file is named by `FILE_DETECTORS`, unrecognised files
 * (licences, READMEs, expected-output reports) are left out, and the recognised files are grouped into
 * exports, one reader run each (all Hart ZIPs, XML cards and scanned-ballot CSVs of a folder form one
 * export; so do the CDF reports of a folder, the CvrExport files and manifests of a Dominion JSON
 * export, and an ES&S CVR CSV with its ballots CSVs). Subfolders are detected the same way, so a
 * fixture folder with one export per subfolder is read as all of them.
 */
import { closeSync, openSync, path, readdirSync, readSync, statSync } from '#platform';
import type { FormatName } from './types.js';

export interface Detection {
  readonly format: FormatName;
  /** In words: what was seen, e.g. "4 header rows with (Vote For=N) contest headers". */
  readonly reason: string;
}

/** One reader run: a format and the files its reader reads, in reading order. */
export interface DetectedExport extends Detection {
  readonly files: readonly string[];
}

/**
 * What a path holds: the main format (the CVR format when there is one) with every file that will
 * be read, and the exports it splits into (one for a file; one or more for a folder).
 */
export interface PathDetection extends DetectedExport {
  readonly exports: readonly DetectedExport[];
}

/** What a file detector sees: its name, its first bytes, and those bytes decoded as UTF-8. */
export interface FileHead {
  readonly name: string;
  readonly head: string;
  /** The raw first bytes (binary formats such as ZIP); absent when only text is known. */
  readonly bytes?: Uint8Array;
}

/** One rule: given the file name and its first bytes, a reason when it matches. */
export interface FileDetector {
  readonly format: FormatName;
  readonly test: (file: FileHead) => string | null;
}

const firstLine = (head: string): string => head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
const lines = (head: string): string[] => head.replace(/^\uFEFF/, '').split(/\r?\n/);

/** Whether a CSV line has a cell that reads `Cast Vote Record` (ES&S' header), case and spacing aside. */
function isEssHeader(line: string): boolean {
  return line.split(',').some(
    (c) =>
      c
        .replace(/^["\s]+|["\s]+$/g, '')
        .toLowerCase()
        .replace(/\s+/g, '') === 'castvoterecord',
  );
}

/** The role of an ES&S CSV from its head: the ballots file has a `Batch` column, the CVR file does not. */
export function essRole(head: string): 'cvr' | 'ballots' | null {
  const header = lines(head).slice(0, 50).find(isEssHeader);
  if (header === undefined) return null;
  return header.split(',').some((c) => c.replace(/^["\s]+|["\s]+$/g, '').toLowerCase() === 'batch')
    ? 'ballots'
    : 'cvr';
}

/** The names of the first entries of a ZIP archive, read from the local headers in its first bytes. */
export function zipEntryNames(bytes: Uint8Array, max = 8): string[] | null {
  if (bytes.length < 30 || bytes[0] !== 0x50 || bytes[1] !== 0x4b || bytes[2] !== 3 || bytes[3] !== 4)
    return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const names: string[] = [];
  let at = 0;
  while (names.length < max && at + 30 <= bytes.length && view.getUint32(at, true) === 0x04034b50) {
    const flags = view.getUint16(at + 6, true);
    const compressed = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    if (at + 30 + nameLength > bytes.length) break;
    names.push(new TextDecoder('utf-8').decode(bytes.subarray(at + 30, at + 30 + nameLength)));
    if (flags & 8) break; // sizes follow the data: the next header cannot be found from here
    at += 30 + nameLength + extraLength + compressed;
  }
  return names;
}

/** The table of file formats, tried in order. Other readers add their rows here. */
export const FILE_DETECTORS: readonly FileDetector[] = [
  {
    format: 'dominion-json',
    test: ({ head }) =>
      /^\s*\{[\s\S]*"Sessions"\s*:/.test(head) ||
      /^\s*\{\s*"Version"\s*:\s*"5\.[\s\S]*"ElectionId"/.test(head)
        ? 'a JSON object with Version, ElectionId and Sessions'
        : null,
  },
  {
    format: 'dominion-csv',
    test: ({ head }) => {
      const l = lines(head);
      return l.length >= 4 &&
        /\((Vote For=\d+|Number of positions=\d+, Number of ranks=\d+)\)/.test(l[1] ?? '') &&
        /CvrNumber/.test(l[3] ?? '')
        ? 'four header rows: contest headers "(Vote For=N)" and the CvrNumber row'
        : null;
    },
  },
  {
    format: 'clearballot',
    test: ({ head }) =>
      /^"?RowNumber"?,"?BoxID"?,"?BoxPosition"?/i.test(firstLine(head))
        ? 'a RowNumber, BoxID, BoxPosition header'
        : null,
  },
  {
    format: 'hart',
    test: ({ name, head, bytes }) => {
      if (
        /^\s*<\?xml[^>]*>\s*(<!--[\s\S]*?-->\s*)*<Cvr[\s>/]/.test(head.replace(/^\uFEFF/, '')) ||
        /^\s*<Cvr[\s>/]/.test(head.replace(/^\uFEFF/, ''))
      ) {
        return /tempuri\.org\/CVRDesign\.xsd/.test(head)
          ? 'an XML <Cvr> card in the Hart CVRDesign namespace'
          : 'an XML <Cvr> card (Hart)';
      }
      if (/^#\s*FormatVersion\b/i.test(firstLine(head)) && /cvrid/i.test(lines(head)[1] ?? ''))
        return 'a "#FormatVersion" line and a CvrId column: Hart scanned ballot information';
      const entries = bytes && /\.zip$/i.test(name) ? zipEntryNames(bytes) : null;
      const card = entries?.find((e) => /\.(xml|zip)$/i.test(e));
      return card
        ? `a ZIP archive holding ${card.split('/').pop()}${entries!.length > 1 ? ' and more' : ''} (Hart delivers cards as ZIPs of XML)`
        : null;
    },
  },
  {
    format: 'nist-cdf-json',
    test: ({ head }) =>
      /^\s*\{/.test(head.replace(/^\uFEFF/, '')) &&
      !/"\$schema"\s*:/.test(head) &&
      /"@type"\s*:\s*"CVR\.CastVoteRecordReport"/.test(head)
        ? 'a JSON object of @type CVR.CastVoteRecordReport (NIST SP 1500-103)'
        : null,
  },
  {
    format: 'nist-cdf-xml',
    test: ({ head }) =>
      /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.-]*:)?CastVoteRecordReport[\s>/]/.test(
        head.replace(/^\uFEFF/, ''),
      )
        ? 'an XML CastVoteRecordReport (NIST SP 1500-103)'
        : null,
  },
  {
    format: 'raire-json',
    test: ({ head }) =>
      /^\s*\{[\s\S]*"metadata"\s*:[\s\S]*"votes"\s*:\s*\[/.test(head.replace(/^\uFEFF/, ''))
        ? 'a JSON object with metadata and votes (RAIRE)'
        : null,
  },
  {
    format: 'raire',
    test: ({ head }) => {
      const l = lines(head);
      return /^\s*\d+\s*$/.test(l[0] ?? '') && /^Contest,/.test(l[1] ?? '')
        ? 'a contest count, then "Contest," lines (.raire)'
        : null;
    },
  },
  {
    format: 'ess',
    test: ({ head }) => {
      const role = essRole(head);
      if (role === 'cvr') return 'a "Cast Vote Record" header and a column per contest (ES&S CVR file)';
      if (role === 'ballots') return 'a "Cast Vote Record, Batch" header (ES&S ballots file)';
      return null;
    },
  },
  {
    format: 'manifest-colorado',
    test: ({ head }) =>
      /^"?County(ID)?"?\s*,/i.test(firstLine(head)) && firstLine(head).split(',').length >= 4
        ? 'a header starting with County: a Colorado ballot manifest'
        : null,
  },
  {
    format: 'manifest-arlo',
    test: ({ head }) => {
      const h = firstLine(head)
        .toLowerCase()
        .replace(/[^a-z,#]/g, '');
      return /(^|,)(batchname|batch)(,|$)/.test(h) && /(numberofballots|ballots)/.test(h)
        ? 'a Batch Name and Number of Ballots header'
        : null;
    },
  },
  {
    format: 'batch-tallies',
    test: ({ head }) =>
      /^(tabulator,)?batchname,/.test(
        firstLine(head)
          .toLowerCase()
          .replace(/[^a-z,]/g, ''),
      )
        ? 'a Batch Name column followed by choice columns'
        : null,
  },
];

/** A file of a folder with what it was detected as. */
export interface DetectedFile {
  readonly file: string;
  readonly detection: Detection;
}

/**
 * Folder rules: how the detected files of one folder of a format form exports (one reader run each).
 * Formats without a row here form one export of all their files in the folder.
 */
export interface FolderDetector {
  readonly format: FormatName;
  readonly group: (files: readonly DetectedFile[]) => readonly DetectedExport[];
}

const names = (files: readonly DetectedFile[]): string => {
  const shown = files.slice(0, 3).map((f) => path.basename(f.file));
  return files.length > 3 ? `${shown.join(', ')} and ${files.length - 3} more` : shown.join(', ');
};

export const FOLDER_DETECTORS: readonly FolderDetector[] = [
  {
    format: 'dominion-json',
    group: (files) => {
      const exports = files.filter((f) => /^CvrExport.*\.json$/i.test(path.basename(f.file)));
      if (exports.length === 0) return [];
      const dir = path.dirname(exports[0]!.file);
      const manifests = readdirSync(dir)
        .filter((n) => /Manifest\.json$/i.test(n))
        .sort();
      return [
        {
          format: 'dominion-json',
          reason: `${exports.length} CvrExport*.json file(s)${manifests.includes('ContestManifest.json') ? ' and ContestManifest.json' : ''}`,
          files: [...exports.map((f) => f.file), ...manifests.map((n) => path.join(dir, n))],
        },
      ];
    },
  },
  {
    format: 'ess',
    group: (files) => {
      const cvr = files.filter((f) => f.detection.reason.includes('CVR file'));
      const ballots = files.filter((f) => !f.detection.reason.includes('CVR file'));
      if (cvr.length === 0)
        return [
          {
            format: 'ess',
            reason: `ES&S ballots file(s) ${names(ballots)} without a CVR file`,
            files: ballots.map((f) => f.file),
          },
        ];
      if (cvr.length === 1) {
        return [
          {
            format: 'ess',
            reason: `an ES&S CVR file (${names(cvr)}) and ${ballots.length} ballots file(s)`,
            files: [cvr[0]!.file, ...ballots.map((f) => f.file)],
          },
        ];
      }
      // Several CVR files: which ballots files go with which is not written anywhere; each is read alone.
      return cvr.map((c) => ({
        format: 'ess' as const,
        reason: `ES&S CVR file ${path.basename(c.file)}, read alone: the folder holds ${cvr.length} CVR files${ballots.length ? ` and ${ballots.length} ballots files that cannot be paired with them` : ''}`,
        files: [c.file],
      }));
    },
  },
];

/** Detects the format of a file's first bytes. */
export function detectText(options: FileHead): Detection | null {
  for (const d of FILE_DETECTORS) {
    const reason = d.test(options);
    if (reason !== null) return { format: d.format, reason };
  }
  return null;
}

const HEAD_BYTES = 64 * 1024;

/** Reads a file's first bytes and detects its format. */
export function detectFile(filePath: string): Detection | null {
  const fd = openSync(filePath, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const bytes = buf.subarray(0, n);
    const head = new TextDecoder('utf-8').decode(bytes);
    return detectText({ name: path.basename(filePath), head, bytes });
  } finally {
    closeSync(fd);
  }
}

/** Files whose format is a CVR export (what a folder's main format is named after). */
const CVR_FORMATS: ReadonlySet<FormatName> = new Set<FormatName>([
  'dominion-csv',
  'dominion-json',
  'ess',
  'hart',
  'clearballot',
  'nist-cdf-json',
  'nist-cdf-xml',
  'raire-json',
  'raire',
]);

/** Natural order of file names (CvrExport_2 before CvrExport_10). */
export function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Above this many files with one extension, a folder is sampled: the first few decide for the rest. */
const SAMPLE_ABOVE = 64;
const SAMPLE = 8;

/** Detects every file of one folder (not its subfolders); big folders are sampled per extension. */
function detectFolderFiles(dir: string, fileNames: readonly string[]): DetectedFile[] {
  const byExtension = new Map<string, string[]>();
  for (const n of fileNames) {
    const ext = path.extname(n).toLowerCase();
    const list = byExtension.get(ext) ?? [];
    list.push(n);
    byExtension.set(ext, list);
  }
  const found = new Map<string, Detection>();
  for (const list of byExtension.values()) {
    if (list.length > SAMPLE_ABOVE) {
      const sample = list.slice(0, SAMPLE).map((n) => detectFile(path.join(dir, n)));
      const first = sample[0];
      if (first && sample.every((d) => d?.format === first.format && d.reason === first.reason)) {
        for (const n of list) found.set(n, first);
        continue;
      }
    }
    for (const n of list) {
      const d = detectFile(path.join(dir, n));
      if (d) found.set(n, d);
    }
  }
  return fileNames
    .filter((n) => found.has(n))
    .map((n) => ({ file: path.join(dir, n), detection: found.get(n)! }));
}

/** Groups the detected files of one folder into exports. */
function groupFolder(files: readonly DetectedFile[]): DetectedExport[] {
  const byFormat = new Map<FormatName, DetectedFile[]>();
  for (const f of files) {
    const list = byFormat.get(f.detection.format) ?? [];
    list.push(f);
    byFormat.set(f.detection.format, list);
  }
  const out: DetectedExport[] = [];
  for (const [format, list] of byFormat) {
    const rule = FOLDER_DETECTORS.find((d) => d.format === format);
    if (rule) {
      out.push(...rule.group(list));
      continue;
    }
    const reasons = [...new Set(list.map((f) => f.detection.reason))];
    out.push({
      format,
      reason:
        list.length === 1
          ? `${path.basename(list[0]!.file)}: ${reasons[0]}`
          : `${list.length} files (${names(list)}): ${reasons.join('; ')}`,
      files: list.map((f) => f.file),
    });
  }
  return out;
}

/** The exports of a folder and of its subfolders (to `depth` levels), in name order. */
function folderExports(dir: string, depth: number): DetectedExport[] {
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
  const fileNames = entries
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort(naturalOrder);
  const out = groupFolder(detectFolderFiles(dir, fileNames));
  if (depth > 0) {
    for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => naturalOrder(a.name, b.name)))
      out.push(...folderExports(path.join(dir, e.name), depth - 1));
  }
  return out;
}

/** A single file's export: the file, plus a Dominion JSON export's manifests beside it. */
function fileExport(filePath: string, detection: Detection): DetectedExport {
  if (detection.format === 'dominion-json' && /^CvrExport.*\.json$/i.test(path.basename(filePath))) {
    const dir = path.dirname(filePath);
    const manifests = readdirSync(dir)
      .filter((n) => /Manifest\.json$/i.test(n))
      .sort();
    return { ...detection, files: [filePath, ...manifests.map((n) => path.join(dir, n))] };
  }
  return { ...detection, files: [filePath] };
}

/** How deep into subfolders a folder is searched for exports. */
const FOLDER_DEPTH = 3;

/**
 * Detects the format of a file or a folder on disk (see the module comment); null when nothing in it
 * is recognised. Throws only when the path cannot be read.
 */
export function detectFormat(filePath: string): PathDetection | null {
  const st = statSync(filePath);
  if (!st.isDirectory()) {
    const d = detectFile(filePath);
    if (!d) return null;
    const e = fileExport(filePath, d);
    return { ...e, exports: [e] };
  }
  const exports = folderExports(filePath, FOLDER_DEPTH);
  if (exports.length === 0) return null;
  const cvrFormats = [...new Set(exports.filter((e) => CVR_FORMATS.has(e.format)).map((e) => e.format))];
  const main = cvrFormats[0] ?? exports[0]!.format;
  const files = exports.flatMap((e) => e.files);
  const mine = exports.filter((e) => e.format === main);
  const others = exports.filter((e) => e.format !== main);
  const reason =
    (mine.length === 1
      ? mine[0]!.reason
      : `${mine.length} ${main} exports: ${mine.map((e) => e.reason).join(' | ')}`) +
    (others.length > 0
      ? `; also ${others.map((e) => `${e.format} (${e.files.map((f) => path.basename(f)).join(', ')})`).join(', ')}`
      : '');
  return { format: main, reason, files, exports };
}

/**
 * Format detection: looks at the first bytes of a file (or the names in a folder) and names the format
 * (`FormatName`), saying why. To add a format, add one row to `FILE_DETECTORS` (or `FOLDER_DETECTORS`).
 */
import { openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FormatName } from './types.js';

export interface Detection {
  readonly format: FormatName;
  /** In words: what was seen, e.g. "4 header rows with (Vote For=N) contest headers". */
  readonly reason: string;
}

/** One rule: given the file name and its first bytes decoded as text, a reason when it matches. */
export interface FileDetector {
  readonly format: FormatName;
  readonly test: (file: { readonly name: string; readonly head: string }) => string | null;
}

const firstLine = (head: string): string => head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
const lines = (head: string): string[] => head.replace(/^\uFEFF/, '').split(/\r?\n/);

/** The table of file formats, tried in order. Other readers add their rows here. */
export const FILE_DETECTORS: readonly FileDetector[] = [
  {
    format: 'dominion-json',
    test: ({ head }) => (/^\s*\{[\s\S]*"Sessions"\s*:/.test(head) || /^\s*\{\s*"Version"\s*:\s*"5\.[\s\S]*"ElectionId"/.test(head) ? 'a JSON object with Version, ElectionId and Sessions' : null),
  },
  {
    format: 'dominion-csv',
    test: ({ head }) => {
      const l = lines(head);
      return l.length >= 4 && /\((Vote For=\d+|Number of positions=\d+, Number of ranks=\d+)\)/.test(l[1] ?? '') && /CvrNumber/.test(l[3] ?? '')
        ? 'four header rows: contest headers "(Vote For=N)" and the CvrNumber row'
        : null;
    },
  },
  {
    format: 'clearballot',
    test: ({ head }) => (/^"?RowNumber"?,"?BoxID"?,"?BoxPosition"?/i.test(firstLine(head)) ? 'a RowNumber, BoxID, BoxPosition header' : null),
  },
  {
    format: 'manifest-colorado',
    test: ({ head }) => (/^"?County(ID)?"?\s*,/i.test(firstLine(head)) && firstLine(head).split(',').length >= 4 ? 'a header starting with County: a Colorado ballot manifest' : null),
  },
  {
    format: 'manifest-arlo',
    test: ({ head }) => {
      const h = firstLine(head).toLowerCase().replace(/[^a-z,#]/g, '');
      return /(^|,)(batchname|batch)(,|$)/.test(h) && /(numberofballots|ballots)/.test(h) ? 'a Batch Name and Number of Ballots header' : null;
    },
  },
  {
    format: 'batch-tallies',
    test: ({ head }) => (/^(tabulator,)?batchname,/.test(firstLine(head).toLowerCase().replace(/[^a-z,]/g, '')) ? 'a Batch Name column followed by choice columns' : null),
  },
];

/** Folder rules: given the file names in a folder. */
export interface FolderDetector {
  readonly format: FormatName;
  readonly test: (names: readonly string[]) => string | null;
}

export const FOLDER_DETECTORS: readonly FolderDetector[] = [
  {
    format: 'dominion-json',
    test: (names) => {
      const exports = names.filter((n) => /^CvrExport.*\.json$/i.test(n)).length;
      return exports > 0 ? `${exports} CvrExport*.json file(s)${names.includes('ContestManifest.json') ? ' and ContestManifest.json' : ''}` : null;
    },
  },
];

/** Detects the format of a file's first bytes. */
export function detectText(options: { readonly name: string; readonly head: string }): Detection | null {
  for (const d of FILE_DETECTORS) {
    const reason = d.test(options);
    if (reason !== null) return { format: d.format, reason };
  }
  return null;
}

/** Detects the format of a file or a folder on disk. */
export function detectFormat(filePath: string): Detection | null {
  const st = statSync(filePath);
  if (st.isDirectory()) {
    const names = readdirSync(filePath);
    for (const d of FOLDER_DETECTORS) {
      const reason = d.test(names);
      if (reason !== null) return { format: d.format, reason };
    }
    return null;
  }
  const fd = openSync(filePath, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = new TextDecoder('utf-8').decode(buf.subarray(0, n));
    return detectText({ name: path.basename(filePath), head });
  } finally {
    closeSync(fd);
  }
}

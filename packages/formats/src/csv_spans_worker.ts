/**
 * Node-only: `readCsvSpans` over a file on disk, run on a worker thread, so that decoding checks and
 * the byte scan of a statewide CVR export use a second core while the calling thread builds records.
 * Span batches cross threads as transferred buffers (their bytes and offsets), rows and errors as
 * plain data; the items are exactly those of `readCsvSpans` over the same file, in the same order.
 */
import type { CsvOptions, CsvSpanItem, DecodeInfo } from './csv.js';
import { workerMessages } from './worker_stream.js';

/** Worker body: runs readCsvSpans over the file and posts about 1 MB of items at a time. */
const BODY = `
ready.then(async (m) => {
  const fs = require('node:fs');
  const info = workerData.decodeInfo;
  const marks = { from: -1 };
  const options = { ...workerData.options, decodeInfo: info, ...(workerData.dominionMarks ? { marks } : {}) };
  let record = 0;
  // A Dominion export's marks start at the first contest column: the first non-blank cell of record 2.
  const learn = (cells) => {
    record++;
    if (record === 2 && workerData.dominionMarks) marks.from = cells.findIndex((c) => c.trim() !== '');
  };
  let bytes = 0;
  async function* chunks() {
    for await (const c of fs.createReadStream(workerData.path, { highWaterMark: 1 << 20 })) {
      bytes += c.length;
      yield c;
    }
  }
  let items = [];
  let transfer = [];
  let size = 0;
  for await (const item of m.readCsvSpans(chunks(), options)) {
    if (item.kind === 'spans') {
      for (let r = 0; r < item.rows && record < 2; r++) learn(m.spanCells(item, r));
      const cells = item.rowStarts[item.rows];
      const lo = cells > 0 ? item.starts[0] : 0;
      const hi = cells > 0 ? item.ends[cells - 1] : 0;
      const own = new Uint8Array(hi - lo);
      own.set(item.bytes.subarray(lo, hi));
      const starts = new Int32Array(cells);
      const ends = new Int32Array(cells);
      for (let k = 0; k < cells; k++) {
        starts[k] = item.starts[k] - lo;
        ends[k] = item.ends[k] - lo;
      }
      const rowStarts = item.rowStarts.slice(0, item.rows + 1);
      const batch = { kind: 'spans', bytes: own, ascii: item.ascii, firstLine: item.firstLine, rows: item.rows, rowStarts, starts, ends };
      transfer.push(own.buffer, starts.buffer, ends.buffer, rowStarts.buffer);
      if (item.rowMarks) {
        const last = item.rows - 1;
        batch.codes = item.codes.slice(0, item.rowCodes[last] + item.rowMarks[last]);
        batch.rowCodes = item.rowCodes.slice(0, item.rows);
        batch.rowMarks = item.rowMarks.slice(0, item.rows);
        transfer.push(batch.codes.buffer, batch.rowCodes.buffer, batch.rowMarks.buffer);
        size += batch.codes.length;
      }
      items.push(batch);
      size += hi - lo;
    } else {
      if (item.kind === 'row' && record < 2) learn(item.cells);
      items.push(item);
      size += 64;
    }
    if (size >= 1 << 20) {
      await send({ items, bytes, info, last: false }, transfer);
      items = [];
      transfer = [];
      size = 0;
    }
  }
  await send({ items, bytes, info, last: true }, transfer);
}).catch(fail);
`;

interface Batch {
  readonly items: readonly CsvSpanItem[];
  readonly bytes: number;
  readonly info: DecodeInfo;
  readonly last: boolean;
}

/**
 * `readCsvSpans` over the file at `path`, on a worker thread. `onBytes` hears how many bytes the
 * worker has read (for progress); `options.decodeInfo` is filled in as `readCsvSpans` would.
 */
export async function* readCsvSpansOnWorker(o: {
  readonly path: string;
  readonly options: CsvOptions;
  /**
   * A Dominion CVR export: its mark cells (from the first contest column, the first non-blank cell
   * of its second record) come as codes (`CsvOptions.marks`).
   */
  readonly dominionMarks?: boolean;
  readonly onBytes?: (bytes: number) => void;
}): AsyncGenerator<CsvSpanItem> {
  const { decodeInfo, ...options } = o.options;
  const messages = workerMessages<Batch>({
    body: BODY,
    module: 'csv',
    workerData: {
      path: o.path,
      options,
      decodeInfo: decodeInfo ?? { encoding: 'utf-8', bom: false },
      dominionMarks: o.dominionMarks === true,
    },
  });
  for await (const m of messages) {
    if (decodeInfo) Object.assign(decodeInfo, m.info);
    o.onBytes?.(m.bytes);
    for (const item of m.items) {
      if (item.kind !== 'spans') yield item;
      else yield { ...item, bytes: Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.length) };
    }
  }
}

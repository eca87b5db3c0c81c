/**
 * Node-only: the session splitter of a Dominion CvrExport file (`splitSessionRanges`, spec/formats.md
 * "Dominion") run on a worker thread, so that scanning the bytes overlaps with `JSON.parse` and
 * building CVRs on the calling thread. Byte ranges come back in file order in batches of about 1 MB
 * (flow-controlled by `workerMessages`, so memory stays flat whatever the file's size); the calling
 * thread reads those bytes again (from the page cache) and decodes them. The items are exactly those
 * of `splitSessions` over the same file.
 */
import { openFile as open } from '#platform';
import type { DominionManifests, SessionSplit, SessionSplitError } from './dominion_json.js';
import type { ReaderItem } from './types.js';
import { workerMessages } from './worker_stream.js';

/** Worker body: streams the file through splitSessionRanges and posts the ranges (transferred). */
const BODY = `
ready.then(async (m) => {
  const fs = require('node:fs');
  const header = { version: null, electionId: null };
  let bytes = 0;
  async function* chunks() {
    for await (const c of fs.createReadStream(workerData.path, { highWaterMark: 1 << 20 })) {
      bytes += c.length;
      yield c;
    }
  }
  let ranges = new Float64Array(2048);
  let count = 0;
  let firstIndex = 0;
  const flush = async (last, error) => {
    const out = ranges.slice(0, 2 * count);
    await send({ ranges: out, count, firstIndex, header, bytes, last, error }, [out.buffer]);
    firstIndex += count;
    count = 0;
  };
  for await (const item of m.splitSessionRanges(chunks(), header)) {
    if (item.error !== undefined) {
      await flush(true, { error: item.error, index: item.index });
      return;
    }
    if (2 * count + 2 > ranges.length) {
      const grown = new Float64Array(ranges.length * 2);
      grown.set(ranges);
      ranges = grown;
    }
    ranges[2 * count] = item.start;
    ranges[2 * count + 1] = item.end;
    count++;
    if (item.end - ranges[0] >= 1 << 20) await flush(false, null);
  }
  await flush(true, null);
}).catch(fail);
`;

interface Batch {
  /** Start and end (file offsets) of each session of the batch, in pairs. */
  readonly ranges: Float64Array;
  readonly count: number;
  readonly firstIndex: number;
  readonly header: { readonly version: string | null; readonly electionId: string | null };
  readonly bytes: number;
  readonly last: boolean;
  readonly error: SessionSplitError | null;
}

/**
 * `splitSessions` over the file at `path`, with the scan on a worker thread. `header` is filled in
 * as the worker reads it; `onBytes` hears how many bytes the worker has read (for progress).
 */
export async function* splitSessionsOnWorker(options: {
  readonly path: string;
  readonly header: { version: string | null; electionId: string | null };
  readonly onBytes?: (bytes: number) => void;
}): AsyncGenerator<SessionSplit> {
  const decoder = new TextDecoder();
  const file = await open(options.path, 'r');
  let buffer = Buffer.alloc(2 << 20);
  try {
    for await (const m of workerMessages<Batch>({
      body: BODY,
      module: 'dominion_json',
      workerData: { path: options.path },
    })) {
      options.header.version = m.header.version;
      options.header.electionId = m.header.electionId;
      options.onBytes?.(m.bytes);
      if (m.count > 0) {
        const from = m.ranges[0]!;
        const length = m.ranges[2 * m.count - 1]! - from;
        if (length > buffer.length) buffer = Buffer.alloc(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await file.read(buffer, got, length - got, from + got);
          if (bytesRead === 0) throw new Error(`${options.path} changed while it was being read`);
          got += bytesRead;
        }
        for (let k = 0; k < m.count; k++) {
          yield {
            index: m.firstIndex + k,
            text: decoder.decode(buffer.subarray(m.ranges[2 * k]! - from, m.ranges[2 * k + 1]! - from)),
          };
        }
      }
      if (m.error !== null) yield m.error;
    }
  } finally {
    await file.close();
  }
}

/**
 * Worker body: reads the file's sessions into CVRs and errors (`readSessions`, `sessionItems`) and
 * posts them about 512 at a time, with the index of each item's session.
 */
const ITEMS_BODY = `
ready.then(async (m) => {
  const fs = require('node:fs');
  const header = { version: null, electionId: null };
  let bytes = 0;
  async function* chunks() {
    for await (const c of fs.createReadStream(workerData.path, { highWaterMark: 1 << 20 })) {
      bytes += c.length;
      yield c;
    }
  }
  const at = { index: 0 };
  let items = [];
  let indexes = new Int32Array(512);
  const flush = async (last) => {
    const out = indexes.slice(0, items.length);
    await send({ items, indexes: out, header, bytes, last }, [out.buffer]);
    items = [];
  };
  const sessions = m.readSessions(chunks(), header);
  for await (const item of m.sessionItems({ sessions, file: workerData.file, manifests: workerData.manifests, jurisdiction: workerData.jurisdiction, at })) {
    indexes[items.length] = at.index;
    items.push(item);
    if (items.length === indexes.length) await flush(false);
  }
  await flush(true);
}).catch(fail);
`;

interface ItemBatch {
  readonly items: readonly ReaderItem[];
  /** The index of each item's session. */
  readonly indexes: Int32Array;
  readonly header: { readonly version: string | null; readonly electionId: string | null };
  readonly bytes: number;
  readonly last: boolean;
}

/**
 * `sessionItems` over the export file at `path`, run on a worker thread: the CVRs and errors of its
 * sessions, in order. `header` is filled in as the worker reads it, `at.index` is the session index of
 * the item last yielded, and `onBytes` hears how many bytes the worker has read (for progress).
 */
export async function* sessionItemsOnWorker(o: {
  readonly path: string;
  readonly file: string;
  readonly manifests: DominionManifests;
  readonly jurisdiction: string;
  readonly header: { version: string | null; electionId: string | null };
  readonly at: { index: number };
  readonly onBytes?: (bytes: number) => void;
}): AsyncGenerator<ReaderItem> {
  for await (const m of workerMessages<ItemBatch>({
    body: ITEMS_BODY,
    module: 'dominion_json',
    workerData: { path: o.path, file: o.file, manifests: o.manifests, jurisdiction: o.jurisdiction },
  })) {
    o.header.version = m.header.version;
    o.header.electionId = m.header.electionId;
    o.onBytes?.(m.bytes);
    for (let k = 0; k < m.items.length; k++) {
      o.at.index = m.indexes[k]!;
      yield m.items[k]!;
    }
  }
}

/**
 * The public API of the fast Dominion readers (issue 4): the span CSV reader they are built on, the
 * choice of path (for differential checks and benchmarks), and the compact duplicate tables.
 */
export { readCsvSpans, spanCells, spanText, type CsvSpans, type CsvSpanItem } from './csv.js';
export { readDominionCsvBy, type DominionCsvPath } from './dominion_csv.js';
export {
  readDominionJsonBy,
  splitSessionRanges,
  type DominionJsonSplit,
  type SessionRange,
  type SessionSplit,
  type SessionSplitError,
} from './dominion_json.js';
export { splitSessionsOnWorker } from './dominion_json_worker.js';
export { createLineTable, createRecordTable, type LineTable, type RecordTable } from './dominion_seen.js';
export { readCsvSpansOnWorker } from './csv_spans_worker.js';
export { secondCoreIdle } from './worker_stream.js';

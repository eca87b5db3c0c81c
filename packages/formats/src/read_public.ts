/** The public API: readers of manifests and of every CVR format (Dominion, ES&S, Hart, ClearBallot, NIST CDF, RAIRE), tallies, detection and `readPath`. */
export type * from './types.js';
export {
  readCsv,
  decodeText,
  parseCsvText,
  isBlankRow,
  normalizeHeader,
  type CsvRow,
  type CsvItem,
  type CsvOptions,
  type DecodeInfo,
  type TextEncodingName,
} from './csv.js';
export { formatError, errorItem, assertNever } from './errors.js';
export { fileSource, bytesSource, withProgress, type Source } from './read_source.js';
export type { ExportInfo, ReaderOptions } from './read_options.js';
export {
  readManifest,
  manifestColumns,
  parseCount,
  type ManifestColumns,
  type ManifestStyle,
} from './manifest.js';
export {
  readDominionCsv,
  dominionCsvLayout,
  isWriteIn,
  type DominionCsvLayout,
  type DominionCsvContest,
} from './dominion_csv.js';
export {
  readDominionJson,
  readDominionManifests,
  splitSessions,
  sessionCvr,
  type DominionManifests,
  type DominionManifestSources,
} from './dominion_json.js';
export { readClearBallot, parseChoiceHeader } from './clearballot.js';
export { readBatchTallies } from './batch_tallies.js';
export {
  createTally,
  addContestInfo,
  addCvr,
  tabulateIrv,
  effectiveRanking,
  summarizeTally,
  DEFAULT_IRV_RULES,
  type Tally,
  type ContestTally,
  type ContestSummary,
  type IrvRules,
  type IrvRound,
  type IrvResult,
} from './tally.js';
export {
  detectFormat,
  detectFile,
  detectText,
  essRole,
  naturalOrder,
  zipEntryNames,
  FILE_DETECTORS,
  FOLDER_DETECTORS,
  type Detection,
  type DetectedExport,
  type DetectedFile,
  type PathDetection,
  type FileHead,
  type FileDetector,
  type FolderDetector,
} from './detect.js';
export { readPath, readExport, filesOf, sha256File } from './read.js';
